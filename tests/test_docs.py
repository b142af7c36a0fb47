"""The README, the guides in docs/, CONTRIBUTING.md, CHANGELOG.md and the examples stay true,
wherever a machine can check them: tables against the code, quoted messages against ``src/``,
figures against BENCHMARKS.md, links against the files and headings they name, and every example
file and command block parsed the way its user's tools will parse it."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import configobj
import pytest

import certbot_dns_dnscale
from certbot_dns_dnscale._internal import credentials
from certbot_dns_dnscale._internal.answer_body import MAX_ANSWER_BYTES
from certbot_dns_dnscale._internal.call_pool import CONCURRENT_API_CALLS, IN_FLIGHT_GRACE_SECONDS
from certbot_dns_dnscale._internal.client import (
    CLEANUP_POLICY,
    RECORDS_PAGE_SIZE,
    ZONES_PAGE_SIZE,
)
from certbot_dns_dnscale._internal.commands.renewals.conf import (
    MAX_CERTIFICATE_BYTES,
    MAX_CONF_BYTES,
)
from certbot_dns_dnscale._internal.credentials import read_credentials_file
from certbot_dns_dnscale._internal.credentials_file import MAX_FILE_BYTES
from certbot_dns_dnscale._internal.delegation import MAX_CNAME_HOPS
from certbot_dns_dnscale._internal.dns_client import (
    QUERY_TIMEOUT_SECONDS,
    RESOLVER_LIFETIME_SECONDS,
)
from certbot_dns_dnscale._internal.dns_dnscale import Authenticator
from certbot_dns_dnscale._internal.options import MAX_PROPAGATION_SECONDS
from certbot_dns_dnscale._internal.pagination import MAX_PAGES
from certbot_dns_dnscale._internal.retry import RetryPolicy
from certbot_dns_dnscale._internal.transport import (
    CONNECT_TIMEOUT_SECONDS,
    READ_TIMEOUT_SECONDS,
    RETRYABLE_STATUSES,
)

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
CHANGELOG = ROOT / "CHANGELOG.md"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
README_MAX_LINES = 200
MIN_GUIDES = 3
PLUGIN_SOURCE = ROOT / "src" / "certbot_dns_dnscale"
PIP_LAYOUT_BIN = "/opt/certbot/bin/"  # where the examples expect certbot's console scripts
CA_ROW_PREFIX = "the CA"  # Troubleshooting rows quoting the CA, not this plugin


# -- reading the documents ---------------------------------------------------------------------


def readme() -> str:
    return README.read_text()


def guide(name: str) -> str:
    """The text of ``docs/<name>.md``."""
    return (DOCS / f"{name}.md").read_text()


def documents() -> list[Path]:
    """Every markdown document a user or contributor reads: README, the guides, CONTRIBUTING.md
    and CHANGELOG.md."""
    return [README, *sorted(DOCS.glob("*.md")), CONTRIBUTING, CHANGELOG]


def section(markdown: str, title: str) -> str:
    """The text under the ``## title`` heading, up to the next ``## `` heading."""
    start = markdown.index(f"\n## {title}\n") + len(title) + 5
    end = markdown.find("\n## ", start)
    return markdown[start : end if end != -1 else None]


def shell_blocks(markdown: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", markdown, flags=re.DOTALL)


def table_rows(markdown: str) -> list[list[str]]:
    """The body rows of the markdown tables in ``markdown``, as lists of stripped cells."""
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]
    return [row for row in cells if not set(row[0]) <= {"-"}][1:] if cells else []


def code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def plugin_options() -> dict[str, dict[str, Any]]:
    """What the plugin registers with certbot's parser: name -> keyword arguments."""
    options: dict[str, dict[str, Any]] = {}
    Authenticator.add_parser_arguments(lambda name, **kw: options.__setitem__(name, kw))
    return options


def options_table() -> dict[str, list[str]]:
    """The reference's plugin options table: the option's short name -> its row."""
    rows = table_rows(section(guide("reference"), "Options"))
    return {code_spans(row[0])[0].removeprefix("--dns-dnscale-"): row for row in rows}


def credentials_table() -> dict[str, list[str]]:
    """The reference's credentials keys table: the key -> its row."""
    rows = table_rows(section(guide("reference"), "The credentials file"))
    return {code_spans(row[0])[0]: row for row in rows}


def plain(cell: str) -> str:
    return cell.replace("`", "").strip()


# -- the set-up commands -----------------------------------------------------------------------


def ci_test_command() -> str:
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    return next(line for line in ci_lines if "tox" in line and not line.startswith("#"))


def test_ci_runs_exactly_the_readme_test_command() -> None:
    assert ci_test_command().strip() + "\n" in shell_blocks(readme())


def test_readme_main_command_runs_the_sandbox_demo() -> None:
    blocks = shell_blocks(readme())
    assert any("-m certbot_dns_dnscale.sandbox demo" in block for block in blocks)


def test_set_up_commands_are_the_first_commands_of_their_sections() -> None:
    demo = shell_blocks(section(readme(), "Try it without an account"))[0]
    tests = shell_blocks(section(readme(), "Development"))[0]
    assert "-m certbot_dns_dnscale.sandbox demo" in demo
    assert tests == ci_test_command().strip() + "\n"


WALK_THROUGH_STEPS = (
    "apt install ./dist/python3-certbot-dns-dnscale_",  # install
    "install -m 600 /dev/null /etc/letsencrypt/dnscale.ini",  # the credentials file
    "ns1.dnscale.eu",  # delegation ...
    "dig +short NS example.com",  # ... and how to see it took
    "dig +short @ns1.dnscale.eu",
    "certbot-dns-dnscale check --credentials",
    "-m you@example.com --agree-tos",  # the first certificate
    "/etc/letsencrypt/renewal-hooks/deploy/",  # a deploy hook
    "systemctl list-timers certbot.timer",  # the renewal timer
    "certbot renew --dry-run",  # confirming renewals
    "journalctl -u certbot.service",
    "/var/log/letsencrypt/letsencrypt.log",
)


def test_walk_through_takes_every_step_in_order() -> None:
    text = guide("first-certificate")
    assert [step for step in WALK_THROUGH_STEPS if step not in text] == []
    positions = [text.find(step) for step in WALK_THROUGH_STEPS]
    assert positions == sorted(positions)
    assert "staging" in text


# -- the options and credentials tables --------------------------------------------------------


def test_options_table_lists_exactly_the_plugin_options() -> None:
    assert set(options_table()) == set(plugin_options())


def test_options_table_gives_each_option_its_renewal_conf_key() -> None:
    for name, row in options_table().items():
        assert code_spans(row[0])[1] == "dns_dnscale_" + name.replace("-", "_"), row[0]


def test_options_table_defaults_are_the_code_defaults() -> None:
    options = plugin_options()
    for name, row in options_table().items():
        default, documented = options[name].get("default"), plain(row[2])
        if options[name].get("action") == "store_true":
            assert (default, documented) == (False, "off"), name
        elif default is None:  # described in words: "required", "the system's"
            assert not re.fullmatch(r"[0-9.]+|on|off", documented), name
        else:
            assert documented == str(default), name


def test_options_table_names_every_choice_of_an_option() -> None:
    options = plugin_options()
    for name, row in options_table().items():
        for choice in options[name].get("choices", ()):
            assert choice in code_spans(row[1]), f"{name}: {choice}"


def test_credentials_table_lists_exactly_the_keys_the_plugin_reads() -> None:
    assert set(credentials_table()) == set(credentials.KEYS)


def test_credentials_table_defaults_and_ttl_range_are_the_code_values() -> None:
    table = credentials_table()
    assert plain(table[credentials.TOKEN_KEY][2]) == "required"
    assert plain(table[credentials.URL_KEY][2]) == credentials.DEFAULT_API_URL
    assert plain(table[credentials.TTL_KEY][2]) == str(credentials.DEFAULT_TTL_SECONDS)
    ttl_range = f"{credentials.MIN_TTL_SECONDS} to {credentials.MAX_TTL_SECONDS}"
    assert ttl_range in table[credentials.TTL_KEY][1]


def test_package_docstring_lists_exactly_the_plugin_options() -> None:
    documented = re.findall(r"``--dns-dnscale-([a-z-]+)``", certbot_dns_dnscale.__doc__ or "")
    assert set(documented) == set(plugin_options())


def flowing(markdown: str) -> str:
    """The text with every run of whitespace (line breaks included) as one space."""
    return " ".join(markdown.split())


def test_reliability_section_states_the_limits_in_the_code() -> None:
    policy, text = RetryPolicy(), flowing(section(guide("how-it-works"), "Reliability"))
    stated = [
        f"{CONNECT_TIMEOUT_SECONDS:g} s connect and {READ_TIMEOUT_SECONDS:g} s read timeout",
        f"a {policy.budget_seconds:g} s budget",
        f"cleanup: {CLEANUP_POLICY.budget_seconds:g} s",
        f"up to {CLEANUP_POLICY.max_retry_after_seconds / 60:g} minutes",
        f"as long as `Retry-After` says, up to {policy.max_retry_after_seconds:g} s",
        f"up to {policy.max_attempts} attempts",
        f"({policy.base_delay_seconds:g} s doubling to {policy.max_delay_seconds:g} s)",
        f"deleted {CONCURRENT_API_CALLS} at a time",
        *(str(status) for status in sorted(RETRYABLE_STATUSES)),
        f"at most {MAX_ANSWER_BYTES / 1024 / 1024:g} MiB",
        f"a page of {RECORDS_PAGE_SIZE} records",
        f"at most {MAX_PAGES} pages",
        f"get {IN_FLIGHT_GRACE_SECONDS:g} s to finish",
    ]
    assert [phrase for phrase in stated if phrase not in text] == []


def limits_table() -> dict[str, str]:
    """How it works's table of limits: what -> the limit, both without backticks."""
    rows = table_rows(section(guide("how-it-works"), "Limits"))
    return {plain(row[0]): plain(row[1]) for row in rows}


def test_limits_table_states_the_limits_in_the_code() -> None:
    listing = f"zones: {ZONES_PAGE_SIZE} a page; a zone's records: {RECORDS_PAGE_SIZE} a page"
    assert limits_table() == {
        "one API call, all of it: connecting, the answer's body, retries and the waits between "
        "them": f"{RetryPolicy().budget_seconds:g} s",
        "a run's cleanup, all its deletes together": f"{CLEANUP_POLICY.budget_seconds:g} s",
        "creates still waiting for their answer after Ctrl-C or SIGTERM": (
            f"{IN_FLIGHT_GRACE_SECONDS:g} s"
        ),
        "one answer from the API, counted after decompression": (
            f"{MAX_ANSWER_BYTES / 1024 / 1024:g} MiB"
        ),
        f"pages of one listing ({listing})": str(MAX_PAGES),
        "API calls at once, in one certbot run": str(CONCURRENT_API_CALLS),
        "CNAME hops followed from _acme-challenge.<name>": str(MAX_CNAME_HOPS),
        "the credentials file": f"{MAX_FILE_BYTES // 1024} KiB",
        "a renewal configuration, as check --renewals reads it": f"{MAX_CONF_BYTES // 1024} KiB",
        "a certificate, as check --renewals reads it": f"{MAX_CERTIFICATE_BYTES // 1024} KiB",
        "--dns-dnscale-propagation-seconds": f"{MAX_PROPAGATION_SECONDS} (a day)",
        "one DNS question to a nameserver or the resolver": f"{QUERY_TIMEOUT_SECONDS:g} s",
        "one lookup through the resolver, its retries included": (
            f"{RESOLVER_LIFETIME_SECONDS:g} s"
        ),
    }


def test_cname_guide_links_to_the_hop_limit_instead_of_repeating_it() -> None:
    text = guide("cname-delegation")
    assert "how-it-works.md#limits" in text
    assert not re.search(r"\b\d+ hops\b", text)


def pyproject_value(pattern: str) -> str:
    found = re.search(pattern, (ROOT / "pyproject.toml").read_text(), flags=re.MULTILINE)
    assert found, pattern
    return found.group(1)


def test_install_guide_names_the_certbot_minimum_pyproject_declares() -> None:
    minimum = pyproject_value(r'"certbot>=([0-9.]+)"')
    assert f"Supported: certbot {minimum} " in flowing(section(guide("install"), "Platforms"))


def test_docs_name_the_wheel_and_deb_of_the_current_version() -> None:
    version = pyproject_value(r'^version = "([^"]+)"')
    text = "\n".join(path.read_text() for path in documents() if path != CHANGELOG)
    debs = re.findall(r"python3-certbot-dns-dnscale_([^_\s]+)-1_all\.deb", text)
    wheels = re.findall(r"certbot_dns_dnscale-([^-\s]+)-py3-none-any\.whl", text)
    assert debs
    assert wheels
    assert set(debs) | set(wheels) == {version}


# -- Troubleshooting quotes what the plugin says -----------------------------------------------


def troubleshooting_quotes() -> list[str]:
    """Every message quoted in Troubleshooting's first column, the CA's own excluded."""
    rows = table_rows(section(guide("troubleshooting"), "Messages"))
    return [
        quote
        for row in rows
        if not row[0].startswith(CA_ROW_PREFIX)
        for quote in code_spans(row[0])
    ]


def source_strings() -> list[str]:
    """Every string literal of the plugin and its commands (not the sandbox), f-strings with
    ``{}`` where a value goes, implicitly concatenated literals joined as Python joins them."""
    found: list[str] = []
    for path in PLUGIN_SOURCE.rglob("*.py"):
        if "sandbox" in path.parts or path.name == "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append(node.value)
            elif isinstance(node, ast.JoinedStr):
                found.append("".join(_literal_part(part) for part in node.values))
    return found


def _literal_part(part: ast.expr) -> str:
    if isinstance(part, ast.Constant):
        return str(part.value)
    return "{}"


def matches_source(quote: str, strings: list[str]) -> bool:
    """``...`` in a quote stands for any text (a value, a %s, a {})."""
    pattern = ".*?".join(re.escape(piece) for piece in quote.split("..."))
    return any(re.search(pattern, text, flags=re.DOTALL) for text in strings)


def test_troubleshooting_quotes_messages() -> None:
    assert len(troubleshooting_quotes()) >= 10


@pytest.mark.parametrize("quote", troubleshooting_quotes())
def test_troubleshooting_message_is_one_the_plugin_says(quote: str) -> None:
    assert matches_source(quote, source_strings()), (
        f"docs/troubleshooting.md quotes {quote!r}, which no string in src/ says any more: "
        "update its row to the message's current wording"
    )


def test_troubleshooting_marks_the_ca_messages_as_lets_encrypts() -> None:
    rows = table_rows(section(guide("troubleshooting"), "Messages"))
    ca_rows = [row[0] for row in rows if row[0].startswith(CA_ROW_PREFIX)]
    assert ca_rows
    assert all("Let's Encrypt" in cell for cell in ca_rows)


def test_quote_matching_rejects_a_message_with_other_words() -> None:
    strings = ["{}: DNScale rejected the API token in {}: it is mistyped"]
    assert matches_source("DNScale rejected the API token in ...: it is", strings)
    assert not matches_source("DNScale refused the API token", strings)


# -- "How fast" and the README's headline figure quote BENCHMARKS.md --------------------------


def rounded(value: str | Decimal, places: str = "0.1") -> Decimal:
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def tables(markdown: str) -> list[list[dict[str, str]]]:
    """Every markdown table: its body rows as dicts keyed by the header's cells."""
    blocks: list[list[list[str]]] = []
    previous_was_row = False
    for line in markdown.splitlines():
        is_row = line.startswith("|")
        if is_row and not previous_was_row:
            blocks.append([])
        if is_row:
            blocks[-1].append([cell.strip() for cell in line.strip("|").split("|")])
        previous_was_row = is_row
    return [[dict(zip(b[0], row, strict=True)) for row in b[2:]] for b in blocks]


def benchmark_medians() -> dict[tuple[str, str], tuple[Decimal, int]]:
    """(workload, variant) -> (median seconds, API requests) from BENCHMARKS.md's issuance
    table (the one whose first column is the workload); failed cells left out."""
    rows = [
        row
        for table in tables((ROOT / "BENCHMARKS.md").read_text())
        for row in table
        if "workload" in row and row["median s"] != "failed"
    ]
    return {
        (row["workload"], row["variant"]): (Decimal(row["median s"]), int(row["API requests"]))
        for row in rows
    }


def speed_figures() -> tuple[list[str], list[list[str]]]:
    """The header and the rows of the table in How it works's "How fast"."""
    lines = [line for line in how_fast().splitlines() if line[:1] == "|"]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return header, table_rows("\n".join(lines))


def how_fast() -> str:
    return section(guide("how-it-works"), "How fast")


def table_variant(column_title: str) -> str:
    """Column title -> BENCHMARKS.md variant: "1.0.2 (2 s, ...)" -> "1.0.2 (2 s)"."""
    if column_title == "this plugin":
        return "ours"
    seconds = re.search(r"(\d+) s", column_title)
    assert seconds, column_title
    return f"1.0.2 ({seconds.group(1)} s)"


def test_how_fast_figures_are_those_of_benchmarks_md() -> None:
    measured = benchmark_medians()
    header, rows = speed_figures()
    assert rows
    for row in rows:
        ours_seconds = measured[(row[0], "ours")][0]
        for title, cell in zip(header[1:], row[1:], strict=True):
            seconds, times, requests = _figure(cell)
            median, measured_requests = measured[(row[0], table_variant(title))]
            assert (seconds, requests) == (rounded(median), measured_requests), (row[0], title)
            if times is not None:
                assert times == rounded(median / ours_seconds, "1"), (row[0], title)


def test_how_fast_describes_the_benchmark_setting_of_benchmarks_md() -> None:
    ours = flowing(how_fast())
    theirs = flowing((ROOT / "BENCHMARKS.md").read_text())
    pairs = [
        (r"(\d+) ms API latency", r"(\d+) ms API latency"),
        (r"visible after (\d+) s", r"visible (\d+) s after"),
        (r"account of (\d+) zones", r"account of (\d+) zones"),
        (r"median of (\d+) runs", r"(?:of (\d+) runs per cell|Runs per cell \(ours: (\d+))"),
    ]
    for readme_pattern, benchmarks_pattern in pairs:
        stated, measured = re.search(readme_pattern, ours), re.search(benchmarks_pattern, theirs)
        assert stated, readme_pattern
        assert measured, benchmarks_pattern
        assert stated.group(1) == next(g for g in measured.groups() if g), readme_pattern


def test_readme_headline_figure_is_that_of_benchmarks_md() -> None:
    measured = benchmark_medians()
    found = re.search(
        r"for `example\.com` and `\*\.example\.com` takes ([0-9.]+) s and (\d+) API requests, "
        r"where 1\.0\.2 takes ([0-9.]+) s and (\d+)",
        flowing(readme()),
    )
    assert found
    ours, old = measured[("apex + wildcard", "ours")], measured[("apex + wildcard", "1.0.2 (60 s)")]
    assert (Decimal(found.group(1)), int(found.group(2))) == (rounded(ours[0]), ours[1])
    assert (Decimal(found.group(3)), int(found.group(4))) == (rounded(old[0]), old[1])


def _figure(cell: str) -> tuple[Decimal, Decimal | None, int]:
    """A cell such as "63.8 s (13x slower), 14" -> (63.8, 13, 14)."""
    found = re.fullmatch(r"([0-9.]+) s(?: \((\d+)x[^)]*\))?, (\d+)(?: API requests)?", cell)
    assert found, cell
    times = Decimal(found.group(2)) if found.group(2) else None
    return Decimal(found.group(1)), times, int(found.group(3))


# -- the examples parse as their users' tools parse them ---------------------------------------


def uncommented(text: str) -> str:
    """The file as a user makes it by uncommenting every optional ``# dns_dnscale_...`` line."""
    return re.sub(r"^# (dns_dnscale_\w+ = )", r"\1", text, flags=re.MULTILINE)


def reference_ini_block() -> str:
    text = section(guide("reference"), "The credentials file")
    return re.findall(r"```ini\n(.*?)```", text, re.DOTALL)[0]


def docstring_ini_block() -> str:
    """The credentials example of the package docstring: the reStructuredText block's indented
    lines after its ``:option:`` lines, up to the first line that is not indented."""
    after = (certbot_dns_dnscale.__doc__ or "").split(".. code-block:: ini\n")[1].splitlines()
    lines: list[str] = []
    for line in after:
        if line and not line.startswith("   "):
            break
        if not line.strip().startswith(":"):
            lines.append(line[3:])
    return "\n".join(lines).strip() + "\n"


def test_example_credentials_file_is_valid_for_the_plugin() -> None:
    read = read_credentials_file(str(EXAMPLES / "dnscale.ini"))
    assert read.base_url == "https://api.dnscale.eu/v1"
    assert read.ttl_seconds == 300


@pytest.mark.parametrize(
    "text",
    [(EXAMPLES / "dnscale.ini").read_text(), reference_ini_block(), docstring_ini_block()],
    ids=["examples/dnscale.ini", "docs/reference.md", "package docstring"],
)
def test_credentials_example_works_with_its_optional_lines_uncommented(
    text: str, tmp_path: Path
) -> None:
    assert uncommented(text) != text
    path = tmp_path / "dnscale.ini"
    path.write_text(uncommented(text))
    path.chmod(0o600)
    read = read_credentials_file(str(path))
    assert read.base_url == "https://api.dnscale.eu/v1"
    assert read.ttl_seconds == 300


def test_example_renewal_conf_uses_the_plugin_and_no_http01_keys() -> None:
    conf = configobj.ConfigObj(str(EXAMPLES / "renewal-example.com.conf"))
    params = conf["renewalparams"]
    assert params["authenticator"] == "dns-dnscale"
    assert params["dns_dnscale_credentials"].endswith("dnscale.ini")
    assert not [k for k in params if k.startswith(("webroot", "http01")) or k == "pref_challs"]


def shell_snippets() -> dict[str, str]:
    """Every shell script and ``sh`` block a user is told to run, by where it is."""
    snippets = {str(p.relative_to(ROOT)): p.read_text() for p in EXAMPLES.rglob("*.sh")}
    for doc in documents():
        for number, block in enumerate(shell_blocks(doc.read_text()), start=1):
            snippets[f"{doc.relative_to(ROOT)} block {number}"] = block
    return snippets


@pytest.mark.parametrize("where", sorted(shell_snippets()))
def test_shell_snippet_parses(where: str) -> None:
    checked = subprocess.run(
        ["bash", "-n"], input=shell_snippets()[where], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr


def cron_entries() -> list[str]:
    lines = (EXAMPLES / "cron").read_text().splitlines()
    return [
        line
        for line in lines
        if line.strip() and not line.startswith("#") and "=" not in line.split()[0]
    ]


def test_example_cron_file_has_renew_sweep_and_check_entries() -> None:
    commands = " ".join(cron_entries())
    assert "certbot renew" in commands
    assert "certbot-dns-dnscale sweep" in commands
    assert "certbot-dns-dnscale check --renewals" in commands


@pytest.mark.parametrize("entry", cron_entries())
def test_example_cron_entry_has_a_schedule_a_user_and_a_valid_command(entry: str) -> None:
    fields = entry.split(None, 6)
    assert all(re.fullmatch(r"[0-9*,/-]+", field) for field in fields[:5]), entry
    assert fields[5] == "root"
    checked = subprocess.run(
        ["bash", "-n", "-c", fields[6]], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr


def units() -> list[Path]:
    return sorted(p for p in (EXAMPLES / "systemd").iterdir() if p.suffix in (".service", ".timer"))


def test_every_example_timer_has_its_service() -> None:
    for timer in (unit for unit in units() if unit.suffix == ".timer"):
        assert timer.with_suffix(".service").exists(), timer.name


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here"
)
@pytest.mark.parametrize("unit", [unit.name for unit in units()])
def test_example_systemd_unit_verifies(unit: str, tmp_path: Path) -> None:
    """As installed with pip: the units' /opt/certbot/bin becomes this environment's bin, where
    pip put certbot and certbot-dns-dnscale, so a wrong command name fails here too."""
    here = str(Path(sys.executable).parent) + "/"
    for source in units():
        (tmp_path / source.name).write_text(source.read_text().replace(PIP_LAYOUT_BIN, here))
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / unit)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (checked.returncode, checked.stderr) == (0, "")


def test_example_dockerfile_builds_on_certbot_image_from_files_that_exist() -> None:
    lines = (EXAMPLES / "Dockerfile").read_text().splitlines()
    assert "FROM certbot/certbot" in lines
    copies = [line.split()[1:-1] for line in lines if line.startswith("COPY ")]
    assert copies
    for source in (path for copy in copies for path in copy):
        assert (ROOT / source).exists(), source


# -- links -------------------------------------------------------------------------------------


def heading_anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.DOTALL)  # no headings in code
    return {heading_anchor(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}


def relative_links(path: Path) -> list[str]:
    return [
        target
        for target in re.findall(r"\]\(([^)\s]+)\)", path.read_text())
        if not target.startswith(("http://", "https://"))
    ]


@pytest.mark.parametrize("document", [str(p.relative_to(ROOT)) for p in documents()])
def test_links_lead_to_files_and_headings_that_exist(document: str) -> None:
    path = ROOT / document
    for target in relative_links(path):
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        assert linked.exists(), f"{document}: {target}"
        if anchor:
            assert anchor in anchors(linked), f"{document}: {target}"


def test_heading_anchors_are_githubs() -> None:
    assert heading_anchor("Debian and Ubuntu, with apt's certbot") == (
        "debian-and-ubuntu-with-apts-certbot"
    )
    assert heading_anchor("Upgrading from 1.0.2") == "upgrading-from-102"
    assert heading_anchor("certbot-dns-dnscale check") == "certbot-dns-dnscale-check"


# -- the shape of the documentation ------------------------------------------------------------


def test_readme_is_at_most_200_lines() -> None:
    assert len(readme().splitlines()) <= README_MAX_LINES


def test_docs_hold_at_least_three_guides_each_linked_from_the_readme() -> None:
    guides = sorted(p.name for p in DOCS.glob("*.md"))
    assert len(guides) >= MIN_GUIDES
    linked = {target.partition("#")[0] for target in relative_links(README)}
    assert [name for name in guides if f"docs/{name}" not in linked] == []


def test_changelog_has_an_entry_for_the_version_in_pyproject() -> None:
    version = pyproject_value(r'^version = "([^"]+)"')
    headings = re.findall(r"^## \[([^\]]+)\]", CHANGELOG.read_text(), flags=re.MULTILINE)
    assert headings[0] == "Unreleased"
    assert version in headings


def test_debian_package_ships_the_readme_and_the_guides() -> None:
    """CHANGELOG.md needs no line: debhelper installs it as the upstream changelog.gz."""
    shipped = (ROOT / "debian" / "python3-certbot-dns-dnscale.docs").read_text().split()
    assert {"README.md", "docs"} <= set(shipped)


def test_docs_show_where_the_deb_puts_the_examples_as_debian_packaging_does() -> None:
    assert (ROOT / "debian" / "python3-certbot-dns-dnscale.examples").read_text().split() == [
        "examples/*"
    ]
    assert "/usr/share/doc/python3-certbot-dns-dnscale/examples/" in guide("install")


def test_version_command_is_shown_where_a_bug_report_and_an_install_need_it() -> None:
    assert "certbot-dns-dnscale --version" in section(guide("troubleshooting"), "Reporting a bug")
    assert "certbot-dns-dnscale --version" in section(guide("install"), "Check your version")


def sandbox_pebble_url() -> str:
    """The directory URL of the Pebble that docs/sandbox.md configures in its pebble.json."""
    found = re.search(r'"listenAddress": "([0-9.]+:\d+)"', guide("sandbox"))
    assert found
    return f"https://{found.group(1)}/dir"


def test_sandbox_dry_run_names_the_sandbox_pebble_with_server() -> None:
    lines = [line for block in shell_blocks(guide("sandbox")) for line in block.splitlines()]
    dry_runs = [line for line in lines if "renew --dry-run" in line]
    assert dry_runs
    assert all(f"--server {sandbox_pebble_url()}" in line for line in dry_runs)


def test_sandbox_check_is_pointed_at_the_sandbox_dns() -> None:
    lines = [line for block in shell_blocks(guide("sandbox")) for line in block.splitlines()]
    (check,) = [line for line in lines if "certbot-dns-dnscale check --credentials" in line]
    assert "--nameservers 127.0.0.1:18053" in check
    assert "--resolver 127.0.0.1:18053" in check


def comment_examples() -> list[tuple[str, str]]:
    """The reference's examples of the comment rule, as (line, token read): a value with a
    ``#`` comment after it, and a quoted token holding a ``#``."""
    text = flowing(section(guide("reference"), "The credentials file"))
    commented = re.search(r"`(dns_dnscale_api_token = [^`#]+ # [^`]+)` is read as `([^`]+)`", text)
    quoted = re.search(r'`(dns_dnscale_api_token = "([^"`]*#[^"`]*)")`', text)
    assert commented
    assert quoted
    return [(commented.group(1), commented.group(2)), (quoted.group(1), quoted.group(2))]


def test_reference_comment_rule_is_how_the_credentials_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "dnscale.ini"
    for line, token in comment_examples():
        path.write_text(line + "\n")
        path.chmod(0o600)
        assert read_credentials_file(str(path)).api_token == token, line


def test_package_docstring_says_a_hash_after_a_value_starts_a_comment() -> None:
    docstring = flowing(certbot_dns_dnscale.__doc__ or "")
    assert "A ``#`` starts a comment, on a line of its own or after a value" in docstring
    assert "read as part of it" not in docstring.split("``;``")[0]
