"""What the benchmark scripts share: one measured certbot process, the cells they fill, and the
virtualenv with the published 1.0.2."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from certbot_dns_dnscale.sandbox import Sandbox

HERE = Path(__file__).resolve().parent
OLD_VERSION = "1.0.2"
ZONE_LIST_ROUTE = "/zones"


@dataclass(frozen=True)
class Run:
    """One measured certbot process."""

    ok: bool
    seconds: float
    requests: int
    zone_requests: int  # GET /zones pages among ``requests``
    peak_mb: float


@dataclass
class Cell:
    """The successful runs of one variant on one workload."""

    seconds: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    zone_requests: list[int] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    failed: int = 0

    def add(self, run: Run) -> None:
        if not run.ok:
            self.failed += 1
            return
        self.seconds.append(run.seconds)
        self.requests.append(run.requests)
        self.zone_requests.append(run.zone_requests)
        self.peak_mb.append(run.peak_mb)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cell:
        return cls(**data)


def old_plugin_certbot() -> Path:
    """A virtualenv with the same certbot and the published plugin; made once, reused."""
    venv = HERE / ".venv-1.0.2"
    certbot = venv / "bin" / "certbot"
    if not certbot.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pins = [f"certbot=={metadata.version('certbot')}", f"acme=={metadata.version('acme')}"]
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", *pins,
             f"certbot-dns-dnscale=={OLD_VERSION}"],
            check=True,
        )  # fmt: skip
    return certbot


def run_certbot(command: list[str], env: dict[str, str], sandbox: Sandbox, log: Path) -> Run:
    """Run ``command`` to its end, timing it and counting the API requests it made."""
    calls_before = len(sandbox.calls)
    started = time.monotonic()
    with log.open("w+") as stderr:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)  # wait4: this child's own peak memory
        elapsed = time.monotonic() - started
        ok = os.waitstatus_to_exitcode(status) == 0
        if not ok:
            stderr.seek(0)
            print(f"    failed: {stderr.read()[-400:]}", flush=True)
    calls = sandbox.calls[calls_before:]
    zone_requests = sum(1 for call in calls if call.route == ZONE_LIST_ROUTE)
    return Run(ok, elapsed, len(calls), zone_requests, usage.ru_maxrss / 1024)


def print_run(workload: str, variant: str, number: int, run: Run) -> None:
    print(f"{workload} | {variant} | run {number}: {run.seconds:.2f} s, {run.requests} requests "
          f"({run.zone_requests} zone-list), {run.peak_mb:.0f} MB{'' if run.ok else ' FAILED'}",
          flush=True)  # fmt: skip
