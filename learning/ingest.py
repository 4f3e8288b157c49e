"""Load patient data into the store: one transaction per run, idempotent per file, bad rows quarantined."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from inference.evidence import EvidenceError
from inference.phenopackets import packet_to_case
from knowledge.kb import KnowledgeBase
from learning.pseudonym import pseudonym
from learning.store import Store

AGE_BANDS = [(1, "0-1"), (5, "1-4"), (12, "5-11"), (18, "12-17"), (40, "18-39"), (65, "40-64"), (90, "65-89")]
_PMID = re.compile(r"PMID[_:](\d+)")


def age_band(age: float | None) -> str | None:
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
    from learning.ingest_summary import round_numbers

    return {
        "run_id": run_id,
        "source_id": source_id,
        "row_ref": row_ref,
        "field": field_name,
        "reason": round_numbers(reason),
        "outcome": outcome,
        "row_key": row_key,
    }


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


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_phenopacket(
    batch: Batch, kb: KnowledgeBase, key: bytes, packet: dict, source_id: str, row_ref: str, run_id: str
) -> None:
    batch.rows_read += 1
    raw_id = str(packet.get("id") or "")
    row_key = pseudonym(key, f"phenopacket:{raw_id}", "row")[2:18] if raw_id else None
    try:
        case = packet_to_case(kb, packet)
    except EvidenceError as error:
        batch.quarantine.append(
            quarantine_row(run_id, source_id, row_ref, error.field, error.message, "refused", row_key)
        )
        return
    if not raw_id:
        batch.quarantine.append(
            quarantine_row(run_id, source_id, row_ref, "id", "phenopacket without id", "refused", row_key)
        )
        return
    if not case.diagnoses:
        batch.quarantine.append(
            quarantine_row(
                run_id, source_id, row_ref, "interpretations", "no diagnosis (stored unlabelled)", "warning"
            )
        )
    encounter = pseudonym(key, f"phenopacket:{raw_id}", "encounter")
    patient = pseudonym(key, raw_id, "patient")
    match = _PMID.search(raw_id)
    synthetic = bool((packet.get("metaData") or {}).get("synthetic"))
    synthetic = synthetic or raw_id.upper().startswith("SYNTHETIC")
    batch.patients.append({"patient_id": patient, "sex": case.evidence.sex, "synthetic": synthetic})
    batch.encounters.append(
        {
            "encounter_id": encounter,
            "patient_id": patient,
            "source_id": source_id,
            "age_years": generalise_age(case.evidence.age_years),
            "age_band": age_band(case.evidence.age_years),
            "year": None,
            "context": "rare-disease-clinic",
            "publication": f"PMID:{match.group(1)}" if match else None,
            "run_id": run_id,
        }
    )
    for finding in case.evidence.findings:
        batch.findings.append(
            {
                "encounter_id": encounter,
                "term_id": finding.term,
                "status": "present" if finding.present else "absent",
                "severity": finding.severity,
                "provenance": "phenopacket",
            }
        )
    labels = {
        d.get("diagnosis", {}).get("disease", {}).get("id"): d.get("diagnosis", {})
        .get("disease", {})
        .get("label")
        for d in packet.get("interpretations") or []
        if isinstance(d, dict)
    }
    for disease in case.diagnoses:
        batch.diagnoses.append(
            {"encounter_id": encounter, "disease_id": disease, "label": labels.get(disease)}
        )
    for warning in case.evidence.warnings:
        field_name = "onset" if "onset" in warning else "phenotypicFeatures"
        batch.quarantine.append(
            quarantine_row(run_id, source_id, row_ref, field_name, _reason(warning), "warning", row_key)
        )


def _reason(warning: str) -> str:
    return re.sub(r"HP:\d{7}", "HP id", warning.split(";")[0]) if "HP:" in warning else warning


def ingest_phenopackets(
    store: Store, kb: KnowledgeBase, key: bytes, paths: list[Path], progress: bool = True
) -> IngestSummary:
    """All new files of the run go in one transaction: a killed run leaves the store as it was. The run
    itself is the general one (`learning.pipeline.ingest_paths`), which reads these files with this
    module's phenopacket adapter."""
    from learning.pipeline import ingest_paths  # imported here: the pipeline imports this module

    return ingest_paths(store, kb, key, paths, fmt="phenopackets", progress=progress)


def _packets(path: Path, batch: Batch, source_id: str, run_id: str, label: str | None = None):
    """(line number, packet) of a phenopacket file; bad lines are refused, an unreadable file raises."""
    label = label or path.name
    if path.suffix == ".jsonl":
        for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as error:
                    batch.rows_read += 1
                    batch.quarantine.append(
                        quarantine_row(
                            run_id,
                            source_id,
                            f"{label}:{number}",
                            "json",
                            f"invalid JSON: {error.msg}",
                            "refused",
                        )
                    )
    else:
        yield 1, json.loads(path.read_text(encoding="utf-8-sig"))


def write_batch(store: Store, batch: Batch, run_id: str, started: str) -> int:
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
