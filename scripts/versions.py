"""Print which certbot and libraries a test environment really runs, and where they come from.

python scripts/versions.py [--expect-under DIR] [--expect NAME==VERSION ...] [--expect-python X.Y]

Fails (exit 1) when a library is not installed under DIR (e.g. Debian's own packages in
/usr/lib/python3/dist-packages, not pip's) or not at the expected version, so a matrix
environment cannot silently test something else than it says; likewise when Python is not X.Y.
"""

from __future__ import annotations

import argparse
import platform
import sys
from importlib import metadata
from pathlib import Path

LIBRARIES = (
    "certbot", "acme", "josepy", "dnspython", "requests", "urllib3", "cryptography",
    "pyOpenSSL", "configobj", "parsedatetime", "certbot-dns-dnscale",
)  # fmt: skip


def location(name: str) -> Path:
    dist = metadata.distribution(name)
    return Path(str(dist.locate_file(""))).resolve()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--expect-under", type=Path, help="every library must be installed here")
    parser.add_argument("--expect", action="append", default=[], help="NAME==VERSION")
    parser.add_argument("--expect-python", help="MAJOR.MINOR, e.g. 3.13")
    args = parser.parse_args(argv)
    wanted = dict(item.split("==", 1) for item in args.expect)
    problems = []
    python = platform.python_version()
    print(f"Python {python} at {sys.executable}")
    if args.expect_python and not python.startswith(args.expect_python + "."):
        problems.append(f"Python is {python}, not {args.expect_python}")
    for name in LIBRARIES:
        try:
            version, where = metadata.version(name), location(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is not installed")
            continue
        print(f"  {name:<20} {version:<12} {where}")
        if args.expect_under and where != args.expect_under.resolve():
            problems.append(f"{name} comes from {where}, not {args.expect_under}")
        if name in wanted and version != wanted[name]:
            problems.append(f"{name} is {version}, not {wanted[name]}")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
