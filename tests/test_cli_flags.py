"""Every flag of ``check`` and ``sweep``, good and bad values: a bad one exits 2 with a message
that names the fix, never a traceback, never the token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from certbot_dns_dnscale._internal.commands.cli import main
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(zones=("example.com",))) as running:
        yield running


@pytest.fixture
def places(sandbox: Sandbox, tmp_path: Path) -> dict[str, str]:
    credentials = tmp_path / "dnscale.ini"
    credentials.write_text(sandbox.credentials_ini())
    credentials.chmod(0o600)
    (tmp_path / "letsencrypt" / "renewal").mkdir(parents=True)
    return {
        "cred": str(credentials),
        "dns": sandbox.dns_address,
        "le": str(tmp_path / "letsencrypt"),
        "tmp": str(tmp_path),
    }


def run(argv: list[str], places: dict[str, str]) -> int:
    """``main`` on the argv with {placeholders} filled; argparse's own exits count too."""
    try:
        return main([arg.format(**places) for arg in argv])
    except SystemExit as done:
        return int(done.code or 0)


CHECK = ["check", "--credentials", "{cred}", "--resolver", "{dns}", "--nameservers", "{dns}"]
NAME = ["-d", "example.com"]

GOOD = [
    [*CHECK, *NAME],
    [*CHECK, "-d", "*.example.com", "-d", "Example.COM."],
    [*CHECK, *NAME, "--ca", "sectigo.com"],
    [*CHECK, *NAME, "--no-write-test", "--json"],
    ["check", "--renewals", "--config-dir", "{le}"],
    ["check", "--renewals", "--config-dir", "{le}", "--json", "--no-write-test"],
    ["sweep", "--credentials", "{cred}"],
    ["sweep", "--credentials", "{cred}", "--older-than", "0s", "--dry-run", "--json"],
    ["sweep", "--credentials", "{cred}", "--older-than", "36500d"],
]


@pytest.mark.parametrize("argv", GOOD, ids=" ".join)
def test_good_values_run_and_exit_0(
    argv: list[str], places: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(argv, places) == 0
    assert capsys.readouterr().err == ""


LONG_LABEL = "a" * 64 + ".example.com"
LONG_NAME = ".".join(["a" * 60] * 4) + ".example.com"  # 256 characters
CHALLENGE_TOO_LONG = ".".join(["a" * 60] * 3) + "." + "b" * 45 + ".example.com"  # 240

BAD = [
    (["check", "--credentials", "{tmp}/none.ini", *NAME], "does not exist"),
    (["check", "--credentials", "{tmp}", *NAME], "is a directory"),
    (["check", *NAME], "check needs --credentials FILE and at least one -d NAME"),
    (["check", "--credentials", "{cred}"], "check needs --credentials FILE and at least one -d"),
    ([*CHECK, "-d", "*.*.example.com"], "has a '*' other than a whole first label"),
    ([*CHECK, "-d", "www.*.example.com"], "has a '*' other than a whole first label"),
    ([*CHECK, "-d", LONG_LABEL], "has a label of 64 characters; DNS allows at most 63"),
    ([*CHECK, "-d", LONG_NAME], "characters long; DNS allows at most 253"),
    ([*CHECK, "-d", CHALLENGE_TOO_LONG], "DNS-01 cannot work for"),
    ([*CHECK, "-d", ""], "the name is empty"),
    ([*CHECK, "-d", "exa mple.com"], "only letters, digits and inner hyphens"),
    ([*CHECK, "-d", "bücher.example"], "give an internationalised name in its xn--"),
    ([*CHECK, "-d", "localhost"], "not a domain name under a public suffix"),
    ([*CHECK, "-d", "a..example.com"], "has an empty label"),
    ([*CHECK, "-d"], "expected one argument"),
    (
        [
            "check",
            "--credentials",
            "{cred}",
            "--resolver",
            "{dns}",
            *NAME,
            "--nameservers",
            "a-host-that-does-not-resolve.example.org",
        ],
        "--nameservers: cannot find an address",
    ),
    ([*CHECK[:5], *NAME, "--nameservers", "127.0.0.1:x"], "use HOST[:PORT]"),
    ([*CHECK[:5], *NAME, "--nameservers", " , "], "--nameservers is empty"),
    (["check", "--credentials", "{cred}", *NAME, "--resolver", ""], "use IP or IP:PORT"),
    (["check", "--credentials", "{cred}", *NAME, "--resolver", "dns.google"], "use IP or IP:PORT"),
    (["check", "--credentials", "{cred}", *NAME, "--resolver", "127.0.0.1:0"], "use IP or IP:PORT"),
    ([*CHECK, *NAME, "--ca", ""], "e.g. letsencrypt.org"),
    ([*CHECK, *NAME, "--ca", "lets encrypt"], "e.g. letsencrypt.org"),
    ([*CHECK, *NAME, "--config-dir", "{le}"], "--config-dir goes with --renewals"),
    (["check", "--renewals", *NAME], "takes names and settings from the renewal confs: drop -d"),
    (["check", "--renewals", "--credentials", "{cred}"], "drop --credentials"),
    (["check", "--renewals", "--resolver", "{dns}"], "drop --resolver"),
    (["check", "--renewals", "--nameservers", "{dns}"], "drop --nameservers"),
    (["check", "--renewals", "--resolver", ""], "drop --resolver"),
    (["check", "--renewals", "--config-dir", ""], "--config-dir is empty: give certbot's config"),
    (["check", "--renewals", "--config-dir", "{tmp}/none"], "is not a directory: give certbot's"),
    (["check", "--renewals", "--config-dir", "{cred}"], "is not a directory: give certbot's"),
    (["check", "--renewals", "--config-dir", "{tmp}"], "has no renewal/ directory"),
    (["sweep"], "the following arguments are required: --credentials"),
    (["sweep", "--credentials", "{tmp}/none.ini"], "does not exist"),
    (["sweep", "--credentials", "{cred}", "--older-than", "6 hours"], "use a whole number and"),
    (["sweep", "--credentials", "{cred}", "--older-than=-1h"], "use a whole number and"),
    (["sweep", "--credentials", "{cred}", "--older-than", ""], "use a whole number and"),
    (["sweep", "--credentials", "{cred}", "--older-than", "2w"], "use a whole number and"),
    (["sweep", "--credentials", "{cred}", "--older-than", "1.5h"], "use a whole number and"),
    (
        ["sweep", "--credentials", "{cred}", "--older-than", "99999999999999999999d"],
        "too long: use at most 36500d",
    ),
]


@pytest.mark.parametrize(("argv", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_values_exit_2_with_a_message_naming_the_fix(
    argv: list[str],
    message: str,
    places: dict[str, str],
    sandbox: Sandbox,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(argv, places) == 2
    out, err = capsys.readouterr()
    assert message in err
    assert "Traceback" not in out + err
    assert sandbox.settings.token not in out + err
