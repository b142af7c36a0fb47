"""Print the mutation score of the last ``mutmut run``: killed / total, per module and overall.

Run from the project root after ``mutmut run`` (``tox -e mutation`` does both). Reads mutmut's
own result files (``mutants/**/*.py.meta``) and its own exit-code table, lists every mutant
that was not killed, and exits 1 when the score is under ``--fail-under`` (90 by default).
A mutant whose tests ran into mutmut's time limit counts as killed: the tests noticed. Mutants
a restricted run (``mutmut run "pkg.module*"``) did not check are counted apart, not as missed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

RESULTS_DIR = Path("mutants")
DETECTED = frozenset({"killed", "timeout"})
UNCHECKED = "not checked"


def results(root: Path) -> dict[str, str]:
    """Every mutant's status by its name, from the ``.meta`` files under ``root``."""
    statuses: dict[str, str] = {}
    for meta in sorted(root.rglob("*.py.meta")):
        exit_codes = json.loads(meta.read_text())["exit_code_by_key"]
        for name, exit_code in exit_codes.items():
            statuses[name] = status_by_exit_code[exit_code]
    return statuses


def module_of(mutant: str) -> str:
    """``pkg.mod.x_func__mutmut_3`` -> ``pkg.mod`` (methods: ``pkg.mod.xǁClassǁm__mutmut_1``)."""
    return mutant.rsplit(".", 1)[0]


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def report(statuses: dict[str, str]) -> tuple[int, int]:
    """Print the table and the mutants not killed; return (killed, total)."""
    by_module: dict[str, Counter[str]] = {}
    for name, status in statuses.items():
        by_module.setdefault(module_of(name), Counter())[status] += 1
    for module, counts in sorted(by_module.items()):
        killed = sum(counts[s] for s in DETECTED)
        total = sum(counts.values()) - counts[UNCHECKED]
        print(f"{module:55} {killed:5}/{total:<5} {percent(killed, total):>8}")
    missed = sorted((s, n) for n, s in statuses.items() if s not in DETECTED | {UNCHECKED})
    if missed:
        print("\nNot killed:")
        for status, name in missed:
            print(f"  {status:12} {name}")
    unchecked = sum(1 for s in statuses.values() if s == UNCHECKED)
    if unchecked:
        print(f"\n{unchecked} of {len(statuses)} mutants not checked (a restricted or cut run)")
    killed, total = sum(1 for s in statuses.values() if s in DETECTED), len(statuses) - unchecked
    print(f"\nMutation score: {killed}/{total} killed ({percent(killed, total)})")
    return killed, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fail-under", type=float, default=90.0, metavar="PERCENT")
    args = parser.parse_args(argv)
    statuses = results(RESULTS_DIR)
    if not statuses:
        print(f"No mutmut results under {RESULTS_DIR}/: run `mutmut run` first.")
        return 1
    killed, total = report(statuses)
    return 0 if 100 * killed >= args.fail_under * total else 1


if __name__ == "__main__":
    sys.exit(main())
