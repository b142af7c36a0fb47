"""Install a built wheel into a fresh virtualenv and check that certbot lists the plugin.

python scripts/check_dist.py dist/certbot_dns_dnscale-*.whl
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import venv
from pathlib import Path


def main(dist: str) -> int:
    (wheel,) = (str(path) for path in Path(dist).glob("certbot_dns_dnscale-*.whl"))
    with tempfile.TemporaryDirectory(prefix="check-dist-") as tmp:
        env_dir = Path(tmp) / "venv"
        venv.create(env_dir, with_pip=True)
        pip, certbot = env_dir / "bin" / "pip", env_dir / "bin" / "certbot"
        subprocess.run([str(pip), "install", "-q", wheel], check=True)
        dirs = [f"--{kind}-dir={tmp}/{kind}" for kind in ("config", "work", "logs")]
        listing = subprocess.run(
            [str(certbot), "plugins", "--authenticators", *dirs],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        if "* dns-dnscale" not in listing:
            print(f"certbot does not list dns-dnscale:\n{listing}", file=sys.stderr)
            return 1
        print("certbot plugins lists dns-dnscale from the wheel in a fresh virtualenv")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
