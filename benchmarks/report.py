"""BENCHMARKS.md and benchmarks/benchmark.png from the results compare.py collected."""

from __future__ import annotations

import os
import platform
import statistics
from importlib import metadata
from typing import Any

from measure import HERE, OLD_VERSION, Cell

ROOT = HERE.parent

INTRO = f"""# Benchmarks

Wall time with the real certbot against Pebble and the local DNScale sandbox (80 ms API
latency, DNS changes visible 2 s after they are made); median and spread (min-max) over the
runs per cell; API requests and zone-list requests (`GET /zones` pages, 100 zones a page)
from the sandbox's call log; peak memory (max RSS) of the certbot process.

- **ours**: this plugin with default settings (only the sandbox's nameserver and
  resolver given);
- **{OLD_VERSION} (60 s)**: the published plugin, default propagation seconds;
- **{OLD_VERSION} (N s)**: the same with the fewest propagation seconds that passed;
- **floor**: certbot `--manual` with hooks that write straight to the sandbox (zone ids
  known beforehand) and wait exactly until DNS serves every value. certbot runs manual
  hooks one after another, each a new process, so for many names this floor is the
  floor of *sequential* plugins; ours creates and deletes 4 records at a time. Each hook
  is a new Python process, so the floor is the variant most slowed by a busy machine.
"""

HEADER = [
    "| {first} | variant | median s | spread s | API requests | zone-list requests | peak MB "
    "| ours / this |",
    "|---|---|---|---|---|---|---|---|",
]


def table(cells: dict[str, dict[str, Cell]], first: str) -> list[str]:
    lines = [HEADER[0].format(first=first), HEADER[1]]
    for workload, row in cells.items():
        ours = row["ours"].median
        for variant, cell in row.items():
            if not cell.seconds:
                lines.append(f"| {workload} | {variant} | failed | | | | | |")
                continue
            lines.append(
                f"| {workload} | {variant} | {cell.median:.2f} | "
                f"{min(cell.seconds):.2f}-{max(cell.seconds):.2f} | "
                f"{statistics.median(cell.requests):.0f} | "
                f"{statistics.median(cell.zone_requests):.0f} | "
                f"{statistics.median(cell.peak_mb):.0f} | {ours / cell.median:.2f} |"
            )
    return lines


def runs_note(cells: dict[str, dict[str, Cell]]) -> str:
    """How many runs each variant had, and any that failed."""
    counts: dict[str, set[int]] = {}
    failed = 0
    for row in cells.values():
        for variant, cell in row.items():
            counts.setdefault(variant, set()).add(len(cell.seconds))
            failed += cell.failed
    parts = [f"{variant}: {'/'.join(map(str, sorted(n)))}" for variant, n in counts.items()]
    return f"Runs per cell ({', '.join(parts)}); failed runs left out: {failed}."


def issuance_section(part: dict[str, Any]) -> list[str]:
    return [
        "## Issuance",
        "",
        "One `certbot certonly` in fresh directories per run, in an account of 500 zones.",
        runs_note(part["cells"]),
        "",
        *table(part["cells"], "workload"),
        "",
        "![Median wall time per workload](benchmarks/benchmark.png)",
        "",
    ]


def renewal_section(part: dict[str, Any]) -> list[str]:
    lineages = part["lineages"]
    return [
        "## Mass renewal",
        "",
        f"{lineages} single-name lineages (`host1.example.com` ...) in an account of 1000 zones,",
        "issued first with the variant's plugin (not timed; 1.0.2 at its tuned seconds), then",
        "Pebble's valid authorizations deactivated so that every lineage must answer a fresh",
        "challenge, then ONE timed `certbot renew --force-renewal --no-random-sleep-on-renew`",
        "(1.0.2 (60 s) gets `--dns-dnscale-propagation-seconds 60` on that command line). Every",
        "lineage was renewed in each counted run. Counts are for the renew alone. certbot renews",
        "lineages one after another, so each lineage's wait for DNS adds up; ours lists the",
        "zones once for all lineages, 1.0.2 reads the whole zone list twice per lineage.",
        runs_note(part["cells"]),
        "",
        *table(part["cells"], "scenario"),
        "",
    ]


def machine_section(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Machine and command",
        "",
        f"- {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs,",
        "  shared: other engineers ran test suites on the same machine during the run, so the",
        "  times carry some noise (the request counts do not)",
        f"- certbot {metadata.version('certbot')}, certbot-dns-dnscale "
        f"{metadata.version('certbot-dns-dnscale')} (ours) and {OLD_VERSION} (PyPI), Pebble from "
        "Debian's `pebble` package",
    ]
    total = 0.0
    for name, part in results.items():
        total += part["wall_seconds"]
        load = part.get("load_average_at_end")
        lines.append(
            f"- {name}: `{part['command']}`, {part['wall_seconds'] / 60:.1f} minutes of wall time"
            + ("" if load is None else f" (1-minute load average at its end: {load})")
        )
    lines += [
        f"- total wall time: {total / 60:.1f} minutes (`tox -e bench` runs "
        "`python benchmarks/compare.py` with the defaults: both parts, 3 runs)",
        "- raw results: [benchmarks/results.json](benchmarks/results.json)",
        "",
    ]
    return lines


def write_report(results: dict[str, Any]) -> None:
    lines = [INTRO]
    if "issuance" in results:
        lines += issuance_section(results["issuance"])
    if "renewal" in results:
        lines += renewal_section(results["renewal"])
    lines += machine_section(results)
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines))


def write_chart(results: dict[str, Any]) -> None:
    import matplotlib  # the benchmark extra only

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells: dict[str, dict[str, Cell]] = {}
    for part in ("issuance", "renewal"):
        if part in results:
            cells.update(results[part]["cells"])
    if not cells:
        return
    workloads = list(cells)
    variants = list(dict.fromkeys(v for row in cells.values() for v in row))
    figure, axes = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / len(variants)
    for i, variant in enumerate(variants):
        medians = [cells[w][variant].median if variant in cells[w] else 0 for w in workloads]
        positions = [x + i * width for x in range(len(workloads))]
        axes.bar(positions, [0 if m != m else m for m in medians], width, label=variant)
    labels = [workload.replace(", ", ",\n") for workload in workloads]
    axes.set_xticks([x + width * (len(variants) - 1) / 2 for x in range(len(workloads))], labels)
    axes.set_ylabel("seconds to certificates (median)")
    axes.set_yscale("log")
    axes.set_title("certbot + DNScale sandbox (80 ms API, 2 s DNS delay)")
    axes.legend()
    figure.tight_layout()
    figure.savefig(HERE / "benchmark.png", dpi=110)
