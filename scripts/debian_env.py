"""Test the Debian package on a Debian release, whatever Debian the host runs (tox -e debian12,
tox -e debian13; as root).

python scripts/debian_env.py {debian12,debian13} --roots DIR [-- PYTEST_ARGS]

In a root of that release made with ``debootstrap --variant=minbase`` from Debian's archive
(cached in DIR/<env>, made again when missing or broken; see scripts/debian_root.py), with that
release's ``certbot`` and ``pebble`` from apt:

1. build the ``.deb`` the README's way: ``apt-get build-dep ./``, then scripts/build_deb.py
   (Debian's dpkg-buildpackage, lintian with no error), and install it with apt;
2. check that the plugin and every library it imports are the release's own packages at the
   release's versions (scripts/versions.py), that certbot lists the plugin and that
   ``certbot-dns-dnscale --version`` names this version (scripts/check_dist.py);
3. run the unit tests under the root's /usr/bin/python3 (a virtualenv with the system's
   site-packages, holding only the test extra's tools from pip) and the end-to-end tests
   through the root's /usr/bin/certbot against the root's Pebble.
"""

from __future__ import annotations

import argparse
import fcntl
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from build_deb import ROOT as SOURCE_TREE
from build_deb import copy_tree, deb_name
from debian_root import (
    copy_host_files,
    debootstrap,
    enter_private_mount_namespace,
    exit_on_termination,
    in_root,
    is_ready,
    mark_ready,
    mounted,
    mounts_under,
)

#: Where the tree, the built package and the test virtualenv go inside the root.
BUILD_DIR, SOURCE_DIR, DIST_DIR, VENV_DIR = "/build", "/build/src", "/build/dist", "/build/venv"
MIRROR, SECURITY_MIRROR = "http://deb.debian.org/debian", "http://deb.debian.org/debian-security"
#: From apt in every root; the .deb's build dependencies come from ``apt-get build-dep ./``.
BASE_PACKAGES = (
    "ca-certificates",
    "certbot",
    "pebble",
    "python3-venv",
    "lintian",
    "systemd",
)  # systemd-analyze: tests verify the example units with it
DEBIAN_SITE_PACKAGES = "/usr/lib/python3/dist-packages"
NO_SERVICES = "#!/bin/sh\n# no daemon starts inside this build root\nexit 101\n"


@dataclass(frozen=True)
class Release:
    """A Debian stable release and the versions its own packages must show."""

    codename: str
    python: str
    certbot: str
    acme: str
    josepy: str


RELEASES = {
    "debian12": Release("bookworm", python="3.11", certbot="2.1.0", acme="2.1.0", josepy="1.13.0"),
    "debian13": Release("trixie", python="3.13", certbot="4.0.0", acme="4.0.0", josepy="2.0.0"),
}


def sources_list(codename: str) -> str:
    """The release with its updates and security suites, as an installed Debian has them."""
    return (
        f"deb {MIRROR} {codename} main\n"
        f"deb {MIRROR} {codename}-updates main\n"
        f"deb {SECURITY_MIRROR} {codename}-security main\n"
    )


def provision(root: Path, release: Release) -> None:
    """The release's packages, up to date, and the host's network and TLS settings."""
    (root / "etc/apt/sources.list").write_text(sources_list(release.codename))
    policy = root / "usr/sbin/policy-rc.d"
    policy.write_text(NO_SERVICES)
    policy.chmod(0o755)
    copy_host_files(root)
    in_root(root, ["apt-get", "update", "-q"])
    in_root(root, ["apt-get", "dist-upgrade", "-y", "-q"])
    in_root(root, ["apt-get", "install", "-y", "-q", *BASE_PACKAGES])
    copy_host_files(root)  # after apt: installing ca-certificates rewrites the bundle


def fresh_source_tree(root: Path) -> None:
    build = root / BUILD_DIR.lstrip("/")
    if build.exists():
        if mounts_under(build):
            raise SystemExit(f"refusing to delete {build}: something is mounted under it")
        shutil.rmtree(build)
    copy_tree(build / "src")


def build_and_install(root: Path) -> None:
    """The README's way: build dependencies from debian/control, then the build script."""
    in_root(root, ["apt-get", "build-dep", "-y", "-q", "./"], cwd=SOURCE_DIR)
    in_root(root, ["/usr/bin/python3", "scripts/build_deb.py", DIST_DIR], cwd=SOURCE_DIR)
    in_root(root, ["/usr/bin/python3", "scripts/build_deb.py", "--install", DIST_DIR],
            cwd=SOURCE_DIR)  # fmt: skip
    print(f"built and installed {root / DIST_DIR.lstrip('/') / deb_name()}", flush=True)


def test_tools() -> list[str]:
    """The test extra of pyproject.toml: pytest and the tools the tests import."""
    pyproject = (SOURCE_TREE / "pyproject.toml").read_text()
    extra = re.search(r"^test = \[(.*?)^\]", pyproject, flags=re.M | re.S)
    if extra is None:
        raise SystemExit("pyproject.toml has no test = [...] extra")
    return re.findall(r'"([^"]+)"', extra.group(1))


def make_test_venv(root: Path) -> None:
    """A virtualenv over Debian's site-packages: pip adds only the test tools; the plugin and
    its libraries stay Debian's (checked by scripts/versions.py)."""
    in_root(root, ["/usr/bin/python3", "-m", "venv", "--system-site-packages", VENV_DIR])
    in_root(root, [f"{VENV_DIR}/bin/pip", "install", "-q", *test_tools()])
    bin_dir = root / VENV_DIR.lstrip("/") / "bin"
    for command in ("certbot", "certbot-dns-dnscale"):  # where the tests look for commands
        (bin_dir / command).unlink(missing_ok=True)
        (bin_dir / command).symlink_to(f"/usr/bin/{command}")


def check_versions(root: Path, release: Release) -> None:
    python = f"{VENV_DIR}/bin/python"
    expected = [f"certbot=={release.certbot}", f"acme=={release.acme}",
                f"josepy=={release.josepy}"]  # fmt: skip
    in_root(root, [python, "scripts/versions.py", "--expect-under", DEBIAN_SITE_PACKAGES,
                   "--expect-python", release.python,
                   *(arg for item in expected for arg in ("--expect", item))],
            cwd=SOURCE_DIR)  # fmt: skip
    in_root(root, [python, "scripts/check_dist.py", "--installed", "/usr/bin/certbot"],
            cwd=SOURCE_DIR)  # fmt: skip


def run_tests(root: Path, pytest_args: list[str]) -> None:
    pytest = [f"{VENV_DIR}/bin/python", "-m", "pytest", "-p", "no:cacheprovider"]
    unit = [*pytest, "tests", "--ignore=tests/e2e", "--ignore=tests/soak", *pytest_args]
    in_root(root, unit, cwd=SOURCE_DIR)
    e2e_env = {"DNSCALE_E2E_CERTBOT": "/usr/bin/certbot"}
    in_root(root, [*pytest, "tests/e2e", *pytest_args], cwd=SOURCE_DIR, env=e2e_env)


def test_release(root: Path, release: Release, pytest_args: list[str]) -> None:
    if not is_ready(root, release.codename):
        debootstrap(root, release.codename)
    with mounted(root):
        provision(root, release)
        mark_ready(root, release.codename)
        fresh_source_tree(root)
        build_and_install(root)
        make_test_venv(root)
        check_versions(root, release)
        run_tests(root, pytest_args)


def split_at_double_dash(argv: list[str]) -> tuple[list[str], list[str]]:
    """Our arguments, and pytest's after ``--`` (tox passes ``--`` even with no posargs)."""
    if "--" not in argv:
        return argv, []
    at = argv.index("--")
    return argv[:at], argv[at + 1 :]


def main(argv: list[str]) -> None:
    ours, pytest_args = split_at_double_dash(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("env", choices=sorted(RELEASES))
    parser.add_argument("--roots", type=Path, required=True, help="where the roots are cached")
    args = parser.parse_args(ours)
    exit_on_termination()
    enter_private_mount_namespace()
    args.roots.mkdir(parents=True, exist_ok=True)
    with (args.roots / f"{args.env}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one run per root at a time
        test_release((args.roots / args.env).resolve(), RELEASES[args.env], pytest_args)
    print(f"{args.env}: Debian {RELEASES[args.env].codename} passed", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
