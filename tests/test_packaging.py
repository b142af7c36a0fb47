"""The Debian package's metadata stays in step with pyproject.toml."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: pip's name -> Debian's package for each runtime dependency.
DEBIAN_NAMES = {
    "acme": "python3-acme",
    "certbot": "python3-certbot",
    "configobj": "python3-configobj",
    "cryptography": "python3-cryptography",
    "dnspython": "python3-dnspython",
    "josepy": "python3-josepy",
    "parsedatetime": "python3-parsedatetime",
    "requests": "python3-requests",
}


def pip_minimums() -> dict[str, str]:
    pyproject = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[(.*?)\]", pyproject, flags=re.M | re.S)
    assert block is not None
    return dict(re.findall(r'"([A-Za-z0-9_.-]+)>=([^",;]+)"', block.group(1)))


def debian_minimums() -> dict[str, str]:
    control = (ROOT / "debian" / "control").read_text()
    depends = re.search(r"^Depends:(.*?)^\S", control.split("\nPackage:")[1], flags=re.M | re.S)
    assert depends is not None
    return dict(re.findall(r"(python3-[a-z0-9.-]+) \(>= ([^)]+)\)", depends.group(1)))


def test_debian_changelog_is_at_pyprojects_version_revision_1() -> None:
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    first_line = (ROOT / "debian" / "changelog").read_text().splitlines()[0]
    assert version is not None
    assert first_line.startswith(f"certbot-dns-dnscale ({version.group(1)}-1) ")


def test_every_runtime_dependency_is_a_debian_dependency_with_the_same_minimum() -> None:
    expected = {DEBIAN_NAMES[name]: minimum for name, minimum in pip_minimums().items()}
    assert debian_minimums() == expected


def test_the_debian_build_skips_no_classifier_but_the_one_hatchling_1_12_lacks() -> None:
    patch = (ROOT / "debian" / "patches" / "hatchling-1.12-classifiers.patch").read_text()
    removed = [line[1:] for line in patch.splitlines() if line.startswith("-    ")]
    assert removed == ['    "Programming Language :: Python :: 3.13",']


def test_the_man_page_names_pyprojects_version_wherever_it_names_one() -> None:
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    page = (ROOT / "debian" / "certbot-dns-dnscale.1").read_text()
    assert version is not None
    named = re.findall(r"certbot-dns-dnscale (\d[^\s\")]*)", page)
    assert named
    assert set(named) == {version.group(1)}


def test_the_man_page_documents_the_version_flag() -> None:
    page = (ROOT / "debian" / "certbot-dns-dnscale.1").read_text()
    assert ".B certbot-dns-dnscale \\-\\-version" in page  # the synopsis
    assert ".SH OPTIONS\n.TP\n.B \\-\\-version\n" in page
