"""Check that certbot lists the plugin and that ``certbot-dns-dnscale --version`` names this
version and that certbot: from a wheel installed into a fresh virtualenv, or from what is
installed already (Debian's /usr/bin/certbot with the .deb).

python scripts/check_dist.py DIST_DIR                 (tox -e dist: the wheel in DIST_DIR)
python scripts/check_dist.py --installed /usr/bin/certbot   (tox -e debian12, debian13)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

from build_deb import project_version

COMMAND = "certbot-dns-dnscale"
VERSION_LINE = re.compile(r"certbot-dns-dnscale (\S+) \(certbot (\S+), Python (\S+)\)")


def certbot_lists_plugin(certbot: str, scratch: str) -> bool:
    dirs = [f"--{kind}-dir={scratch}/{kind}" for kind in ("config", "work", "logs")]
    listing = subprocess.run(
        [certbot, "plugins", "--authenticators", *dirs],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    if "* dns-dnscale" not in listing:
        print(f"{certbot} plugins does not list dns-dnscale:\n{listing}", file=sys.stderr)
        return False
    return True


def version_is_right(command: str, certbot: str) -> bool:
    """``COMMAND --version`` names pyproject.toml's version and the certbot beside it."""
    line = subprocess.run([command, "--version"], capture_output=True, text=True, check=True)
    said = subprocess.run([certbot, "--version"], capture_output=True, text=True, check=True)
    certbot_version = (said.stdout + said.stderr).split()[-1]
    match = VERSION_LINE.fullmatch(line.stdout.strip())
    if match is None or match.group(1, 2) != (project_version(), certbot_version):
        print(
            f"{command} --version says {line.stdout.strip()!r}, not {COMMAND} "
            f"{project_version()} (certbot {certbot_version}, Python ...)",
            file=sys.stderr,
        )
        return False
    print(f"{command} --version: {line.stdout.strip()}")
    return True


def check_wheel(dist: str) -> int:
    (wheel,) = (str(path) for path in Path(dist).glob("certbot_dns_dnscale-*.whl"))
    with tempfile.TemporaryDirectory(prefix="check-dist-") as tmp:
        env_dir = Path(tmp) / "venv"
        venv.create(env_dir, with_pip=True)
        pip, certbot = env_dir / "bin" / "pip", env_dir / "bin" / "certbot"
        subprocess.run([str(pip), "install", "-q", wheel], check=True)
        if not certbot_lists_plugin(str(certbot), tmp):
            return 1
        if not version_is_right(str(env_dir / "bin" / COMMAND), str(certbot)):
            return 1
    print("certbot plugins lists dns-dnscale from the wheel in a fresh virtualenv")
    return 0


def check_installed(certbot: str) -> int:
    command = shutil.which(COMMAND, path="/usr/local/bin:/usr/bin:/bin")
    if command is None:
        print(f"{COMMAND} is not on the system's PATH", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="check-installed-") as tmp:
        if not certbot_lists_plugin(certbot, tmp):
            return 1
    if not version_is_right(command, certbot):
        return 1
    print(f"{certbot} plugins lists dns-dnscale; {command} is on PATH")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--installed":
        sys.exit(check_installed(sys.argv[2]))
    sys.exit(check_wheel(sys.argv[1]))
