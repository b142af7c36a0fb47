"""How ``check --renewals`` shows its reports: one block per lineage, or JSON for monitoring."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from certbot_dns_dnscale._internal.commands.check import Finding, NameReport
from certbot_dns_dnscale._internal.commands.renewals.check import LineageReport

INDENT = "  "


def renewals_text(config_dir: Path, reports: list[LineageReport]) -> str:
    blocks = [_lineage_text(report) for report in reports]
    return "\n".join([*blocks, "", _summary(config_dir, reports)])


def _lineage_text(report: LineageReport) -> str:
    if report.skipped:
        return f"{report.name}: skipped (authenticator {report.authenticator}, not dns-dnscale)"
    lines = [f"{report.name}: {'ready' if report.ready else 'NOT READY'}  ({report.conf_path})"]
    if report.names:
        lines.append(f"{INDENT}names       {', '.join(report.names)}")
    lines.extend(_finding_lines(report.findings, INDENT))
    for name_report in report.name_reports:
        lines.extend(_name_lines(name_report))
    return "\n".join(lines)


def _name_lines(report: NameReport) -> list[str]:
    head = f"{INDENT}{report.name}: {'ready' if report.ready else 'NOT READY'}"
    return [head, *_finding_lines(report.findings, INDENT * 2)]


def _finding_lines(findings: list[Finding], indent: str) -> list[str]:
    lines = []
    for finding in findings:
        lines.append(
            f"{indent}{'ok' if finding.ok else 'FAIL':<5} {finding.check:<11} {finding.detail}"
        )
        if not finding.ok and finding.fix:
            lines.append(f"{indent}{'':<5} {'':<11} fix: {finding.fix}")
    return lines


def _summary(config_dir: Path, reports: list[LineageReport]) -> str:
    checked = [report for report in reports if not report.skipped]
    skipped = len(reports) - len(checked)
    if not checked:
        return f"no certificate in {config_dir} renews with dns-dnscale ({skipped} skipped)"
    bad = sum(1 for report in checked if not report.ready)
    verdict = "all ready" if not bad else f"{bad} NOT READY"
    return (
        f"{len(checked)} certificate(s) in {config_dir} renew with dns-dnscale: {verdict}; "
        f"{skipped} skipped"
    )


def renewals_json(config_dir: Path, reports: list[LineageReport]) -> str:
    checked = [report for report in reports if not report.skipped]
    document = {
        "config_dir": str(config_dir),
        "ready": all(report.ready for report in checked),
        "lineages": [_lineage_json(report) for report in reports],
    }
    return json.dumps(document, indent=2)


def _lineage_json(report: LineageReport) -> dict[str, object]:
    return {
        "name": report.name,
        "conf": report.conf_path,
        "authenticator": report.authenticator,
        "status": "skipped" if report.skipped else "ready" if report.ready else "not ready",
        "names": report.names,
        "expires": _iso(report.expires),
        "days_left": report.days_left,
        "renews_from": _iso(report.renews_from),
        "renewal_due": report.due,
        "settings": report.settings,
        "findings": [finding.__dict__ for finding in report.findings],
        "checks": [
            {"name": r.name, "ready": r.ready, "findings": [f.__dict__ for f in r.findings]}
            for r in report.name_reports
        ],
    }


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None
