"""The rows of one ingestion run: accumulated in a `Batch` (a `RecordBatch` for cleaned records, with
notes and quasi-identifiers), written in one transaction; bad values quarantined (`quarantine_row`, per
record `RecordQuarantine`); the age generalisation every adapter shares."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from learning.ingest.summary import round_numbers
from learning.store import Store

__all__ = [
    "AGE_BANDS",
    "FORMATS",
    "Batch",
    "RecordBatch",
    "RecordQuarantine",
    "SourceContext",
    "age_band",
    "generalise_age",
    "quarantine_row",
    "sha256_file",
    "truncate",
    "write_batch",
]

FORMATS = ("phenopackets", "csv", "json", "notes")  # the input formats; provenance starts with one
AGE_BANDS = [(1, "0-1"), (5, "1-4"), (12, "5-11"), (18, "12-17"), (40, "18-39"), (65, "40-64"), (90, "65-89")]


def age_band(age: float | None) -> str | None:
    """The age band label of an age in years (None when unknown)."""
    if age is None:
        return None
    for upper, label in AGE_BANDS:
        if age < upper:
            return label
    return "90+"


def generalise_age(age: float | None) -> float | None:
    """Safe-Harbor style: ages above 89 are reported as 90; others to one decimal."""
    if age is None:
        return None
    return 90.0 if age > 89 else round(age, 1)


_HPO_LIKE = re.compile(r"^\s*HP[:_]?\s*\d{1,8}\s*$", re.IGNORECASE)
_LISTS = ("patients", "encounters", "findings", "diagnoses", "quarantine", "sources")


@dataclass
class Batch:
    """Rows of one run, accumulated in memory, written in one transaction."""

    patients: list[dict] = field(default_factory=list)
    encounters: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    diagnoses: list[dict] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    rows_read: int = 0

    def checkpoint(self) -> dict[str, int]:
        """Lengths of every row list (and rows read), to undo one file's rows with `rollback`."""
        return {name: len(getattr(self, name)) for name in self._lists()} | {"rows_read": self.rows_read}

    def rollback(self, mark: dict[str, int]) -> None:
        """Drop the rows added since a `checkpoint`."""
        for name in self._lists():
            del getattr(self, name)[mark[name] :]
        self.rows_read = mark["rows_read"]

    def _lists(self) -> tuple[str, ...]:
        return _LISTS


def quarantine_row(
    run_id: str,
    source_id: str,
    row_ref: str,
    field_name: str,
    reason: str,
    outcome: str = "dropped",
    row_key: str | None = None,
) -> dict:
    """One quarantine row; numbers in the reason rounded ("onset at 0.38 years")."""
    return {
        "run_id": run_id,
        "source_id": source_id,
        "row_ref": row_ref,
        "field": field_name,
        "reason": round_numbers(reason),
        "outcome": outcome,
        "row_key": row_key,
    }


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_batch(store: Store, batch: Batch, run_id: str, started: str) -> int:
    """Store one run's rows in one transaction and record the run.

    Returns
    -------
    int
        The number of new encounters stored.
    """
    with store.transaction():
        store.insert_frame("sources", pd.DataFrame(batch.sources))
        store.insert_frame("patients", pd.DataFrame(batch.patients))
        new_encounters = store.insert_frame("encounters", pd.DataFrame(batch.encounters))
        known = {
            r[0]
            for r in store.connection.execute(
                "SELECT encounter_id FROM encounters WHERE run_id = ?", [run_id]
            ).fetchall()
        }
        for table, rows in (("findings", batch.findings), ("diagnoses", batch.diagnoses)):
            store.insert_frame(table, pd.DataFrame([r for r in rows if r["encounter_id"] in known]))
        store.insert_frame("quarantine", pd.DataFrame(batch.quarantine))
        store.connection.execute(
            "INSERT INTO ingestion_runs VALUES (?, ?, now(), 'complete', ?, ?, ?)",
            [run_id, started, batch.rows_read, new_encounters, len(batch.quarantine)],
        ).fetchall()
    return new_encounters


@dataclass
class RecordBatch(Batch):
    """A Batch plus scrubbed notes and the in-memory quasi-identifiers of the run."""

    notes: list[dict] = field(default_factory=list)
    quasi: dict[str, dict] = field(default_factory=dict)  # encounter -> age band, sex, year, postal prefix

    def _lists(self) -> tuple[str, ...]:
        return (*super()._lists(), "notes")

    def checkpoint(self) -> dict[str, int]:
        """As `Batch.checkpoint`, with the quasi-identifiers too."""
        return super().checkpoint() | {"quasi": len(self.quasi)}

    def rollback(self, mark: dict[str, int]) -> None:
        """As `Batch.rollback`, with the quasi-identifiers too."""
        super().rollback(mark)
        truncate(self.quasi, mark["quasi"])


def truncate(index: dict, length: int) -> None:
    """Drop the keys added after the first `length` (dicts keep insertion order)."""
    for stale in list(index)[length:]:
        del index[stale]


@dataclass
class SourceContext:
    """The file a record came from, as the run names it (never by its file name)."""

    source_id: str
    kind: str  # csv | json | notes | phenopackets
    run_id: str
    label: str = ""  # "<source_id><suffix>": how row refs and provenance name the file
    path_key: str = ""  # keyed hash of the file's path: part of the content key of rows without dates


class RecordQuarantine:
    """Appends quarantine rows for one record."""

    def __init__(
        self, batch: RecordBatch, context: SourceContext, row_ref: str, scrub=None, known=(), row_key=None
    ) -> None:
        self.batch, self.context, self.row_ref, self.row_key = batch, context, row_ref, row_key
        self._scrub, self._known = scrub, known  # identifiers, or a function computing them when needed

    def label(self, name: object) -> str:
        """A field label taken from the data (a header, a symptom cell), scrubbed and shortened."""
        text = str(name)[:60]
        if _HPO_LIKE.match(text) or not self._scrub:
            return text
        if callable(self._known):
            self._known = self._known()
        return self._scrub(text, self._known)

    def add(self, field_name: str, reason: str, row_ref: str | None = None, outcome: str = "dropped") -> None:
        """Quarantine one field of the current row, with the reason and what was done (dropped by default)."""
        self.batch.quarantine.append(
            quarantine_row(
                self.context.run_id,
                self.context.source_id,
                row_ref or self.row_ref,
                field_name,
                reason,
                outcome,
                self.row_key,
            )
        )
