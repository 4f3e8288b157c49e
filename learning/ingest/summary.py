"""What one ingestion run did, per file and per outcome, in words a person can read.

Counts by outcome (visits stored new, merged into visits already stored, records refused, values dropped,
warnings), reasons grouped with their counts, numbers rounded, and one line per file under its
pseudonymous label (the file name shown with name-like words masked: it is never stored).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from learning.privacy.kanon import KAnonymityReport

__all__ = ["REFUSED", "FileOutcome", "RunSummary", "group_reasons", "round_numbers"]

REFUSED, DROPPED, WARNING = "refused", "dropped", "warning"
OUTCOME_TEXT = {
    REFUSED: "refused (not stored)",
    DROPPED: "values dropped (record kept)",
    WARNING: "warnings (record kept)",
}
_LONG_FLOAT = re.compile(r"(?<![\w.])(-?\d+)\.(\d{3,})(?![\w.])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass
class IngestSummary:
    run_id: str
    files: int
    skipped_files: int
    rows_read: int
    rows_stored: int
    rows_quarantined: int
    reasons: dict[str, int]

    def as_text(self) -> str:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(self.reasons.items())) or "none"
        return (
            f"run {self.run_id}: {self.files} file(s) ({self.skipped_files} already loaded), "
            f"{self.rows_read} record(s) read, {self.rows_stored} stored, {self.rows_quarantined} "
            f"quarantined ({reasons})"
        )


def round_numbers(text: str) -> str:
    """'onset at 0.38329911019849416 years' -> 'onset at 0.38 years' (two decimals, trailing zeros cut)."""

    def shorten(match: re.Match[str]) -> str:
        value = round(float(f"{match.group(1)}.{match.group(2)}"), 2)
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))

    return _LONG_FLOAT.sub(shorten, text)


def group_reasons(reasons: dict[str, int]) -> list[tuple[str, int]]:
    """Reasons differing only in their numbers grouped under the first one seen, biggest group first."""
    groups: dict[str, list] = {}
    for reason, count in reasons.items():
        shape = _NUMBER.sub("#", reason)
        entry = groups.setdefault(shape, [reason, 0, 0])
        entry[1] += count
        entry[2] += 1
    rows = []
    for example, count, variants in groups.values():
        rows.append((f"{example} (and similar)" if variants > 1 else example, count))
    return sorted(rows, key=lambda r: (-r[1], r[0]))


@dataclass
class FileOutcome:
    """One input file: its stored label, the name shown on the console, and what became of it."""

    label: str  # "<source_id><suffix>": what the store keeps
    shown: str  # file name with name-like words masked (console only)
    kind: str | None = None
    status: str = "stored"  # stored | already loaded | quarantined
    reason: str | None = None
    records: int = 0
    new_visits: int = 0
    merged_visits: int = 0
    outcomes: Counter = field(default_factory=Counter)  # refused / dropped / warning -> count

    def as_text(self) -> str:
        """One line on what happened to the file."""
        head = f"{self.shown} [{self.label}]"
        if self.status == "already loaded":
            return f"{head}: already loaded (same path and content), skipped"
        if self.status == "quarantined":
            return f"{head}: quarantined, not read: {self.reason}"
        parts = [f"{self.kind}", f"{self.records} record(s)", f"{self.new_visits} new visit(s)"]
        if self.merged_visits:
            parts.append(f"{self.merged_visits} merged into visits already stored")
        for outcome in (REFUSED, DROPPED, WARNING):
            if self.outcomes.get(outcome):
                parts.append(f"{self.outcomes[outcome]} {OUTCOME_TEXT[outcome]}")
        return f"{head}: " + ", ".join(parts)


@dataclass
class RunSummary(IngestSummary):
    """The ingest summary plus per-file outcomes, reasons by outcome, findings and notes stored."""

    formats: dict[str, int] = field(default_factory=dict)
    findings_stored: int = 0
    notes_stored: int = 0
    merged_into_stored: int = 0
    kanon: KAnonymityReport | None = None
    files_detail: list[FileOutcome] = field(default_factory=list)
    reasons_by_outcome: dict[str, dict[str, int]] = field(default_factory=dict)
    files_quarantined: int = 0

    @property
    def records_refused(self) -> int:
        """The number of records refused, over all reasons."""
        return sum(self.reasons_by_outcome.get(REFUSED, {}).values())

    def as_text(self, files: int = 40) -> str:
        """What the run did, for the terminal: files, records, findings and notes stored, and the quarantine
        reasons (at most `files` files listed)."""
        stored = self.files - self.skipped_files - self.files_quarantined
        lines = [
            f"run {self.run_id}: {self.files} file(s): {stored} read, {self.skipped_files} already loaded, "
            f"{self.files_quarantined} quarantined",
            f"  records: {self.rows_read} read; {self.rows_stored} new visit(s) stored, "
            f"{self.merged_into_stored} merged into visits already stored",
            f"  {self.findings_stored} finding(s) and {self.notes_stored} scrubbed note(s) stored",
        ]
        if self.formats:
            lines.append("  formats: " + ", ".join(f"{k} {v}" for k, v in sorted(self.formats.items())))
        for outcome in (REFUSED, DROPPED, WARNING):
            reasons = self.reasons_by_outcome.get(outcome) or {}
            if not reasons:
                continue
            grouped = "; ".join(f"{reason}: {count}" for reason, count in group_reasons(reasons))
            lines.append(f"  {OUTCOME_TEXT[outcome]}, {sum(reasons.values())}: {grouped}")
        if not any(self.reasons_by_outcome.values()):
            lines.append("  nothing quarantined")
        if self.files_detail:
            lines.append("  files:")
            lines.extend(f"    {f.as_text()}" for f in self.files_detail[:files])
            if len(self.files_detail) > files:
                lines.append(f"    ... {len(self.files_detail) - files} more file(s)")
        if self.kanon is not None:
            lines.append("  " + self.kanon.as_text(rows=8).replace("\n", "\n  "))
        return "\n".join(lines)
