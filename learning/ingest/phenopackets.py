"""GA4GH phenopackets (JSON / JSONL) -> batch rows: one encounter per packet, its features as findings."""

from __future__ import annotations

import re
from pathlib import Path

from inference.evidence import EvidenceError
from inference.phenopackets import packet_to_case
from knowledge.jsonio import read_json, read_json_lines
from knowledge.kb import KnowledgeBase
from learning.ingest.batch import Batch, age_band, generalise_age, quarantine_row
from learning.privacy.pseudonym import pseudonym

__all__ = ["add_phenopacket"]

_PMID = re.compile(r"PMID[_:](\d+)")


def add_phenopacket(
    batch: Batch, kb: KnowledgeBase, key: bytes, packet: dict, source_id: str, row_ref: str, run_id: str
) -> None:
    """Add one phenopacket to the batch as pseudonymous patient, encounter, findings and diagnoses rows; a
    packet that is not valid evidence or has no id is quarantined as refused, one without a diagnosis is
    stored unlabelled with a warning."""
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


def _packets(path: Path, batch: Batch, source_id: str, run_id: str, label: str | None = None):
    """(line number, packet) of a phenopacket file; bad lines are refused, an unreadable file raises."""
    label = label or path.name
    if path.suffix == ".jsonl":
        for line in read_json_lines(path):
            if line.error is None:
                yield line.number, line.value
                continue
            batch.rows_read += 1
            batch.quarantine.append(
                quarantine_row(
                    run_id,
                    source_id,
                    f"{label}:{line.number}",
                    "json",
                    f"invalid JSON: {line.error.msg}",
                    "refused",
                )
            )
    else:
        yield 1, read_json(path)
