"""Writing one run's rows into the store in one transaction: new encounters as they are, findings and
diagnoses for encounters an earlier run stored merged into them (conflicts quarantined), notes and
quarantine rows without repeating what is already stored."""

from __future__ import annotations

from contextlib import contextmanager

import pandas as pd

from learning.ingest.batch import FORMATS, RecordBatch, quarantine_row, write_batch
from learning.store import Store

__all__ = ["write_run"]


class _JoinedStore:
    """The store seen by write_batch inside a transaction this module already opened."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    @contextmanager
    def transaction(self):
        yield self._store.connection


def write_run(store: Store, batch: RecordBatch, run_id: str, started: str) -> dict[str, int]:
    """write_batch for new encounters plus merges into stored encounters and notes, in one transaction."""
    connection = store.connection
    ids = sorted({row["encounter_id"] for row in batch.encounters})
    stored_ids = (
        {
            r[0]
            for r in connection.execute(
                "SELECT encounter_id FROM encounters WHERE encounter_id IN (SELECT unnest(?))", [ids]
            ).fetchall()
        }
        if ids
        else set()
    )
    merge_findings, merge_diagnoses = _merges(store, batch, stored_ids, run_id)
    batch.quarantine = _new_problems(store, batch.quarantine)
    merged = len(stored_ids)
    batch.findings = [r for r in batch.findings if r["encounter_id"] not in stored_ids]
    batch.diagnoses = [r for r in batch.diagnoses if r["encounter_id"] not in stored_ids]
    findings_before = store.count("findings")
    notes_before = store.count("notes")
    with store.transaction():
        stored = write_batch(_JoinedStore(store), batch, run_id, started)
        store.insert_frame("findings", pd.DataFrame(merge_findings))
        store.insert_frame("diagnoses", pd.DataFrame(merge_diagnoses))
        notes = pd.DataFrame(batch.notes, columns=["encounter_id", "language", "text_scrubbed"])
        if not notes.empty:
            connection.register("incoming_notes", notes)
            try:
                connection.execute(
                    """INSERT INTO notes SELECT DISTINCT i.encounter_id, i.language, i.text_scrubbed
                       FROM incoming_notes i
                       WHERE i.encounter_id IN (SELECT encounter_id FROM encounters)
                         AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.encounter_id = i.encounter_id
                                         AND n.text_scrubbed = i.text_scrubbed)"""
                ).fetchall()
            finally:
                connection.unregister("incoming_notes")
    return {
        "encounters": stored,
        "findings": store.count("findings") - findings_before,
        "notes": store.count("notes") - notes_before,
        "merged": merged,
    }


def _new_problems(store: Store, rows: list[dict]) -> list[dict]:
    """Quarantine rows not already stored for the same record content (a re-exported file's old rows)."""
    keys = sorted({r["row_key"] for r in rows if r.get("row_key")})
    if not keys:
        return rows
    stored = set(
        store.connection.execute(
            "SELECT row_key, field, reason FROM quarantine WHERE row_key IN (SELECT unnest(?))", [keys]
        ).fetchall()
    )
    return [r for r in rows if (r.get("row_key"), r["field"], r["reason"]) not in stored]


def _merges(
    store: Store, batch: RecordBatch, stored_ids: set[str], run_id: str
) -> tuple[list[dict], list[dict]]:
    """Findings and diagnoses for encounters stored by earlier runs: new ones merge, conflicts quarantine."""
    if not stored_ids:
        return [], []
    connection = store.connection
    existing = {
        (e, t): s
        for e, t, s in connection.execute(
            "SELECT encounter_id, term_id, status FROM findings WHERE encounter_id IN (SELECT unnest(?))",
            [sorted(stored_ids)],
        ).fetchall()
    }
    diagnosed = set(
        connection.execute(
            "SELECT encounter_id, disease_id FROM diagnoses WHERE encounter_id IN (SELECT unnest(?))",
            [sorted(stored_ids)],
        ).fetchall()
    )
    findings = []
    for row in batch.findings:
        if row["encounter_id"] not in stored_ids:
            continue
        status = existing.get((row["encounter_id"], row["term_id"]))
        if status is None:
            findings.append(row)
        elif status != row["status"]:
            source_id, row_ref = _provenance_parts(row["provenance"])
            batch.quarantine.append(
                quarantine_row(
                    run_id,
                    source_id,
                    row_ref,
                    row["term_id"],
                    "conflicts with a finding stored by an earlier run: kept the stored one",
                    "warning",
                )
            )
    diagnoses = [
        row
        for row in batch.diagnoses
        if row["encounter_id"] in stored_ids and (row["encounter_id"], row["disease_id"]) not in diagnosed
    ]
    return findings, diagnoses


def _provenance_parts(provenance: str) -> tuple[str, str]:
    """(source id, row ref) of the first statement "<format>:<label>:<row>" of a provenance."""
    parts = provenance.split(";")[0].split(":")
    while parts and parts[0] in ("note", "vitals") + FORMATS:
        parts = parts[1:]
    return (parts[0].split(".")[0], ":".join(parts)) if parts else ("", "")
