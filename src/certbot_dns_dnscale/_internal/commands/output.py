"""What ``check`` and ``sweep`` print: each report as text for a person or JSON for a script.

``check --renewals`` has its own in ``renewals/output.py``.
"""

from __future__ import annotations

from certbot_dns_dnscale._internal.commands.check import NameReport
from certbot_dns_dnscale._internal.commands.sweep import Leftover


def report_json(report: NameReport) -> dict[str, object]:
    return {
        "name": report.name,
        "ready": report.ready,
        "findings": [finding.__dict__ for finding in report.findings],
    }


def report_text(report: NameReport) -> str:
    lines = [f"{report.name}: {'ready' if report.ready else 'NOT READY'}"]
    for finding in report.findings:
        lines.append(f"  {'ok' if finding.ok else 'FAIL':<5} {finding.check:<11} {finding.detail}")
        if not finding.ok and finding.fix:
            lines.append(f"  {'':<5} {'':<11} fix: {finding.fix}")
    return "\n".join(lines)


def leftover_text(leftover: Leftover, dry_run: bool) -> str:
    if leftover.skipped:
        outcome = f"LEFT ALONE ({leftover.skipped})"
    elif leftover.error:
        outcome = f"FAILED: {leftover.error}"
    else:
        outcome = "would delete" if dry_run else "deleted"
    made = f", made {leftover.created:%Y-%m-%d %H:%M} UTC" if leftover.created else ""
    record = leftover.record
    return f"{outcome}: {record.name} TXT {record.content!r} (zone {leftover.zone}{made})"


def leftover_json(leftover: Leftover, dry_run: bool) -> dict[str, object]:
    return {
        "zone": leftover.zone,
        "name": leftover.record.name,
        "content": leftover.record.content,
        "created": leftover.created.isoformat() if leftover.created else None,
        "deleted": not dry_run and leftover.error is None and leftover.skipped is None,
        "error": leftover.error,
        "skipped": leftover.skipped,
    }
