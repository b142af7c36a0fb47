"""A Debian root made with debootstrap from Debian's archive: made once, cached, entered with
chroot, and deleted only when nothing is mounted inside it.

python scripts/debian_root.py remove ROOT   (delete a cached root; refuses while it has mounts)

Used by scripts/debian_env.py (tox -e debian12, debian13). Mounts (``/proc``, ``/dev``) are made
in a private mount namespace of this process: the host never sees them, they vanish with the
process however it ends (even killed), and they are also unmounted on every normal exit path.
Before any ``rm -rf`` of a root, /proc/self/mounts is read and the deletion refused if anything
is mounted at or under it, so a bind of ``/dev`` can never be followed into the host.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

CLONE_NEWNS = 0x00020000  # unshare(2): a new mount namespace
MOUNT_TABLE = Path("/proc/self/mounts")  # this process's mounts, its namespace's
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
STAMP = ".certbot-dns-dnscale-root-ready"  # written in the root only once it is complete
#: Host variables a build or pip inside the root may need (proxies, a pip mirror, CI).
PASSED_ENV_PREFIXES = ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                       "NO_PROXY", "PIP_", "CI")  # fmt: skip
#: Copied from the host each run, after apt: the network set-up and the TLS trust pip needs.
HOST_FILES = ("/etc/resolv.conf", "/etc/pip.conf", "/etc/ssl/certs/ca-certificates.crt")


def run(command: Sequence[str], shown: str = "") -> None:
    """Run ``command``, printed first (as ``shown`` when given); stop the run if it fails."""
    print("+", shown or " ".join(command), flush=True)
    if subprocess.run(command, check=False).returncode != 0:
        raise SystemExit(f"failed: {shown or ' '.join(command)} (its output is above)")


def chroot_env(extra: dict[str, str]) -> list[str]:
    """``env -i`` arguments: a clean environment plus the host's proxy and pip settings."""
    passed = {k: v for k, v in os.environ.items() if k.startswith(PASSED_ENV_PREFIXES)}
    base = {"PATH": SYSTEM_PATH, "HOME": "/root", "LC_ALL": "C.UTF-8",
            "DEBIAN_FRONTEND": "noninteractive", **passed, **extra}  # fmt: skip
    return [f"{name}={value}" for name, value in base.items()]


def in_root(
    root: Path, command: Sequence[str], cwd: str = "/", env: dict[str, str] | None = None
) -> None:
    """Run ``command`` inside ``root`` (chroot), in ``cwd``, with a clean environment."""
    shown = " ".join([*(f"{name}={value}" for name, value in (env or {}).items()), *command])
    run(["chroot", str(root), "/usr/bin/env", "-i", f"--chdir={cwd}",
         *chroot_env(env or {}), *command], shown=f"[{root.name}:{cwd}] {shown}")  # fmt: skip


# -- a private mount namespace -----------------------------------------------------------------


def enter_private_mount_namespace() -> None:
    """From here on, this process and its children mount only in their own namespace."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNS) != 0:
        error = os.strerror(ctypes.get_errno())
        raise SystemExit(f"cannot make a private mount namespace ({error}): run as root")
    run(["mount", "--make-rprivate", "/"])


def exit_on_termination() -> None:
    """SIGTERM and SIGHUP (tox stopped, CI cancelled) unwind like Ctrl-C: ``finally`` blocks
    unmount before the process ends."""

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(f"stopped by signal {signal.Signals(signum).name}")

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)


# -- mounts ------------------------------------------------------------------------------------


def mounts_under(path: Path, table: Path = MOUNT_TABLE) -> list[str]:
    """Mount points at or under ``path`` in this process's mount table."""
    prefix = str(path.resolve())
    points = []
    for line in table.read_text().splitlines():
        point = line.split()[1].encode().decode("unicode_escape")  # \040 is a space
        if point == prefix or point.startswith(prefix + "/"):
            points.append(point)
    return points


@contextmanager
def mounted(root: Path) -> Iterator[None]:
    """``/proc`` and the host's ``/dev`` (with ``/dev/pts`` and ``/dev/shm``) inside ``root``,
    unmounted again however the block ends."""
    done: list[Path] = []
    try:
        run(["mount", "-t", "proc", "proc", str(root / "proc")])
        done.append(root / "proc")
        run(["mount", "--rbind", "/dev", str(root / "dev")])
        done.append(root / "dev")
        run(["mount", "--make-rslave", str(root / "dev")])
        yield
    finally:
        for point in reversed(done):
            unmount(point)
        left = mounts_under(root)
        if left:
            print(f"warning: still mounted in {root}: {', '.join(left)}", file=sys.stderr)


def unmount(point: Path) -> None:
    print(f"+ umount -R {point}", flush=True)
    if subprocess.run(["umount", "-R", str(point)], check=False).returncode != 0:
        print(f"warning: {point} is busy; detaching it lazily", file=sys.stderr)
        subprocess.run(["umount", "-R", "--lazy", str(point)], check=False)


# -- making, checking and removing a root ------------------------------------------------------


def is_ready(root: Path, codename: str) -> bool:
    """The root was completed (its stamp names the release) and still works: its python3
    imports certbot and dpkg reports no half-installed package."""
    stamp = root / STAMP
    if not stamp.is_file() or stamp.read_text().strip() != codename:
        return False
    checks = (["/usr/bin/python3", "-c", "import certbot"], ["/usr/bin/dpkg", "--audit"])
    for check in checks:
        done = subprocess.run(["chroot", str(root), *check], capture_output=True, check=False)
        if done.returncode != 0 or done.stdout.strip():
            print(f"{root} is broken ({' '.join(check)} failed): making it again", flush=True)
            return False
    return True


def mark_ready(root: Path, codename: str) -> None:
    (root / STAMP).write_text(codename + "\n")


def debootstrap(root: Path, codename: str) -> None:
    """A minimal root of ``codename`` from Debian's archive (debootstrap's default mirror)."""
    remove(root)
    root.parent.mkdir(parents=True, exist_ok=True)
    run(["debootstrap", "--variant=minbase", codename, str(root)])


def remove(root: Path, table: Path = MOUNT_TABLE) -> None:
    """``rm -rf`` the root, refusing while anything is mounted at or under it."""
    if not root.exists():
        return
    left = mounts_under(root, table)
    if left:
        raise SystemExit(
            f"refusing to delete {root}: still mounted there: {', '.join(left)}. Unmount them "
            f"first (umount -R {left[0]}), then delete it."
        )
    run(["rm", "-rf", "--one-file-system", str(root)])


def copy_host_files(root: Path) -> None:
    for name in HOST_FILES:
        source = Path(name)
        if source.is_file():
            target = root / name.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink():  # never write through a link that points into the host
                target.unlink()
            target.write_bytes(source.read_bytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["remove"])
    parser.add_argument("root", type=Path)
    args = parser.parse_args()
    remove(args.root)


if __name__ == "__main__":
    main()
