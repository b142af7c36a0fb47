"""Build the Debian package from the source tree with Debian's own tools, then lintian it.

python scripts/build_deb.py [OUTDIR]           (tox -e deb; OUTDIR defaults to dist/)
python scripts/build_deb.py --install [OUTDIR] (tox -e debian: apt-get install the built .deb)

Copies the tree (without .git, virtualenvs and caches) to a scratch directory, runs
``dpkg-buildpackage -b`` there with Debian's Python first on PATH (debhelper, dh-python and
pybuild's pyproject plugin with Debian's hatchling), and moves
``python3-certbot-dns-dnscale_<version>-1_all.deb`` to OUTDIR. Fails when debian/changelog's
version is not pyproject's, when the build fails or when lintian reports an error.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "python3-certbot-dns-dnscale"
DEBIAN_REVISION = "1"
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"  # Debian's python3, never a virtualenv's
LEFT_OUT = (
    ".git", ".venv", ".tox", "dist", "build", ".pybuild", "*.egg-info", "__pycache__",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".coverage*", "benchmarks/results",
)  # fmt: skip


def project_version() -> str:
    match = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    if match is None:
        raise SystemExit('pyproject.toml has no static version = "..." line')
    return match.group(1)


def changelog_version() -> str:
    first_line = (ROOT / "debian" / "changelog").read_text().splitlines()[0]
    match = re.match(r"\S+ \(([^)]+)\)", first_line)
    if match is None:
        raise SystemExit(f"debian/changelog does not start with 'name (version)': {first_line}")
    return match.group(1)


def copy_tree(destination: Path) -> None:
    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).relative_to(ROOT)
        return {
            name
            for name in names
            for pattern in LEFT_OUT
            if (relative / name).match(pattern) or Path(name).match(pattern)
        }

    shutil.copytree(ROOT, destination, ignore=ignore, symlinks=True)


def run(command: list[str], cwd: Path) -> None:
    env = {"PATH": SYSTEM_PATH, "LC_ALL": "C.UTF-8", "HOME": str(cwd)}
    print("+", " ".join(command), flush=True)
    if subprocess.run(command, cwd=cwd, env=env, check=False).returncode != 0:
        raise SystemExit(f"{command[0]} failed (its output is above)")


def deb_name() -> str:
    return f"{PACKAGE}_{project_version()}-{DEBIAN_REVISION}_all.deb"


def build(outdir: Path) -> Path:
    version = project_version()
    expected = f"{version}-{DEBIAN_REVISION}"
    if changelog_version() != expected:
        raise SystemExit(
            f"debian/changelog is at {changelog_version()} but pyproject.toml at {version}: add a "
            f"changelog entry for {expected} (dch -v {expected} 'New upstream release.')."
        )
    with tempfile.TemporaryDirectory(prefix="build-deb-") as scratch:
        source = Path(scratch) / f"certbot-dns-dnscale-{version}"
        copy_tree(source)
        run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=source)
        outdir.mkdir(parents=True, exist_ok=True)
        target = outdir / deb_name()
        shutil.move(Path(scratch) / deb_name(), target)
    run(["dpkg-deb", "--info", str(target)], cwd=ROOT)
    run(["lintian", "--fail-on", "error", "--display-info", str(target)], cwd=ROOT)
    print(f"built {target}")
    return target


def install(outdir: Path) -> None:
    """apt-get install the built package (again), with its dependencies from the archive."""
    package = (outdir / deb_name()).resolve()
    if not package.exists():
        raise SystemExit(f"{package} is missing: build it first with tox -e deb.")
    apt_env = {"DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-q", "--reinstall", str(package)]
    print("+", " ".join(command), flush=True)
    done = subprocess.run(command, env={**os.environ, **apt_env}, check=False)
    if done.returncode != 0:
        raise SystemExit("apt-get install failed (its output is above); run as root.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", type=Path, default=ROOT / "dist")
    parser.add_argument("--install", action="store_true", help="install the built .deb instead")
    args = parser.parse_args()
    if args.install:
        install(args.outdir)
    else:
        build(args.outdir)


if __name__ == "__main__":
    main()
