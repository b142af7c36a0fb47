"""The Debian roots of tox -e debian12/debian13 (scripts/debian_root.py, scripts/debian_env.py):
a cached root is deleted only when nothing is mounted inside it, so ``rm -rf`` can never follow a
bind of ``/dev`` into the host; a root counts as made only once its stamp names its release."""

from __future__ import annotations

import configparser
from pathlib import Path
from types import ModuleType

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@pytest.fixture
def scripts(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, ModuleType]:
    monkeypatch.syspath_prepend(str(SCRIPTS))
    import debian_env
    import debian_root

    return debian_root, debian_env


def mount_table(tmp_path: Path, *points: Path | str) -> Path:
    """A /proc/self/mounts with a mount at each of ``points`` (spaces escaped as the kernel
    does)."""
    lines = [f"proc {str(point).replace(' ', chr(92) + '040')} proc rw 0 0" for point in points]
    table = tmp_path / "mounts"
    table.write_text("\n".join(["/dev/vda / ext4 rw 0 0", *lines]) + "\n")
    return table


def made_root(tmp_path: Path, name: str = "debian13") -> Path:
    root = tmp_path / "roots" / name
    (root / "dev").mkdir(parents=True)
    (root / "dev" / "null").write_text("stands for the host's /dev/null")
    return root


def test_a_root_with_a_mount_inside_is_not_deleted_and_the_mount_is_named(
    tmp_path: Path, scripts: tuple[ModuleType, ModuleType]
) -> None:
    debian_root, _ = scripts
    root = made_root(tmp_path)
    table = mount_table(tmp_path, root / "dev")
    with pytest.raises(SystemExit, match=rf"refusing to delete {root}: still mounted there: "):
        debian_root.remove(root, table)
    assert (root / "dev" / "null").exists()


def test_a_root_with_nothing_mounted_inside_is_deleted(
    tmp_path: Path, scripts: tuple[ModuleType, ModuleType]
) -> None:
    debian_root, _ = scripts
    root = made_root(tmp_path)
    sibling = made_root(tmp_path, "debian13-old")  # same prefix, not inside the root
    debian_root.remove(root, mount_table(tmp_path, sibling / "dev"))
    assert not root.exists()
    assert sibling.exists()


def test_a_mount_point_with_a_space_is_read_as_the_kernel_escapes_it(
    tmp_path: Path, scripts: tuple[ModuleType, ModuleType]
) -> None:
    debian_root, _ = scripts
    root = made_root(tmp_path, "debian 13")
    table = mount_table(tmp_path, root / "proc")
    assert debian_root.mounts_under(root, table) == [str(root / "proc")]


@pytest.mark.parametrize("stamp", [None, "bookworm\n"])
def test_a_root_without_its_releases_stamp_is_not_ready(
    tmp_path: Path, scripts: tuple[ModuleType, ModuleType], stamp: str | None
) -> None:
    """An interrupted debootstrap leaves no stamp; a root of another release is not this one."""
    debian_root, _ = scripts
    root = made_root(tmp_path)
    if stamp is not None:
        (root / debian_root.STAMP).write_text(stamp)
    assert not debian_root.is_ready(root, "trixie")


def test_pytest_arguments_are_those_after_the_double_dash(
    scripts: tuple[ModuleType, ModuleType],
) -> None:
    _, debian_env = scripts
    split = debian_env.split_at_double_dash
    assert split(["debian13", "--roots", "r", "--", "-k", "renew"]) == (
        ["debian13", "--roots", "r"],
        ["-k", "renew"],
    )
    assert split(["debian13", "--roots", "r", "--"]) == (["debian13", "--roots", "r"], [])


def test_the_roots_test_tools_are_the_test_extra_of_pyproject(
    scripts: tuple[ModuleType, ModuleType],
) -> None:
    tomllib = pytest.importorskip("tomllib")
    _, debian_env = scripts
    pyproject = tomllib.loads((SCRIPTS.parent / "pyproject.toml").read_text())
    assert debian_env.test_tools() == pyproject["project"]["optional-dependencies"]["test"]


def test_the_default_tox_run_has_an_env_for_each_debian_release(
    scripts: tuple[ModuleType, ModuleType],
) -> None:
    _, debian_env = scripts
    tox_ini = configparser.ConfigParser(interpolation=None)
    tox_ini.read(SCRIPTS.parent / "tox.ini")
    default_run = [env.strip() for env in tox_ini["tox"]["env_list"].split(",")]
    assert set(debian_env.RELEASES) <= set(default_run)
    assert all(f"testenv:{env}" in tox_ini for env in debian_env.RELEASES)
