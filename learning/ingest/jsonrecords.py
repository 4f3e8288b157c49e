"""Semi-structured JSON / JSONL clinical records -> RawRecords.

A file holds one record, a list of records, an object with the list under a key ("records", "registros",
"visits", "pacientes"...), or one record per line (JSONL). Keys are matched like table headers (Spanish
or English), nested objects ("paciente": {...}, "visit": {...}, "vitals": {...}) are flattened, symptoms
may be a list of names, a list of {name, status, severity} objects or a {name: status} object, and a
temperature may be a number, "38,5 C" or {"value": 101.3, "unit": "F"}.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from knowledge.jsonio import read_json, read_json_lines
from learning.ingest import fields as F
from learning.ingest import values as V
from learning.ingest.raw import RawRecord, SymptomCell, assign

__all__ = ["json_documents", "json_record", "unwrap"]

LIST_KEYS = ("records", "registros", "visits", "visitas", "patients", "pacientes", "data", "items", "casos")
_VISIT_KEYS = frozenset({"visit", "visita", "encounter", "consulta", "episodio"})
_NAME_KEYS = ("name", "nombre", "sintoma", "symptom", "label", "hpo", "id", "term", "termino", "hallazgo")
_STATUS_KEYS = ("status", "estado", "present", "presente", "value", "valor", "observed")
_SEVERITY_KEYS = ("severity", "severidad", "gravedad", "intensidad")


def json_documents(path: Path) -> Iterator[tuple[str, object | None, str | None]]:
    """(line ref, parsed JSON or None, error) for each line of a JSONL file or the one JSON document."""
    if path.suffix.lower() == ".jsonl":
        for line in read_json_lines(path):
            error = f"invalid JSON: {line.error.msg}" if line.error else None
            yield str(line.number), line.value, error
        return
    try:
        yield "1", read_json(path), None
    except json.JSONDecodeError as error:
        yield "1", None, f"invalid JSON: {error.msg}"


def unwrap(document: object) -> list[tuple[str, object]]:
    """(suffix, record) pairs: a list or a wrapped list yields '#i' suffixes, a single record ''."""
    if isinstance(document, dict):
        for key in LIST_KEYS:
            for candidate in (key, key.capitalize(), key.upper()):
                if isinstance(document.get(candidate), list):
                    return [(f"#{i}", item) for i, item in enumerate(document[candidate], start=1)]
        return [("", document)]
    if isinstance(document, list):
        return [(f"#{i}", item) for i, item in enumerate(document, start=1)]
    return [("", document)]


def json_record(item: object, row_ref: str) -> RawRecord:
    """One JSON object as a raw record (a problem recorded when the item is not an object)."""
    record = RawRecord(row_ref)
    if not isinstance(item, dict):
        record.problems.append((row_ref, "record", "not a JSON object"))
        return record
    _walk(record, item, in_visit=False)
    return record


def _walk(record: RawRecord, item: dict, in_visit: bool) -> None:
    for key, value in item.items():
        field, unit = F.canonical_header(key)
        folded = V.fold(key)
        if folded in ("id", "code", "codigo") and in_visit:
            field = F.VISIT
        if field == F.TEMPERATURE:
            _temperature(record, value, unit)
        elif field in (F.SYMPTOMS_PRESENT, F.SYMPTOMS_ABSENT):
            _symptoms(record, value, field == F.SYMPTOMS_PRESENT)
        elif field == F.DIAGNOSIS:
            for entry in value if isinstance(value, list) else [value]:
                if isinstance(entry, dict):
                    entry = next(
                        (
                            entry[k]
                            for k in ("id", "code", "codigo", "label", "name", "nombre")
                            if entry.get(k)
                        ),
                        None,
                    )
                assign(record, F.DIAGNOSIS, entry, str(key))
        elif isinstance(value, dict):
            if field in F.IDENTIFIER_FIELDS:  # e.g. "address": {"street": ..., "city": ...}
                for part in _leaves(value):
                    record.add_identifier(field, part)
            else:
                _walk(record, value, in_visit or folded in _VISIT_KEYS)
        elif isinstance(value, list) and field not in (F.NOTE,):
            if field in F.IDENTIFIER_FIELDS:
                for part in _leaves(value):
                    record.add_identifier(field, part)
            elif all(isinstance(v, dict) for v in value):
                for entry in value:
                    _walk(record, entry, in_visit)
            else:
                record.problems.append((record.row_ref, str(key)[:60], "unexpected list"))
        elif isinstance(value, list):
            for text in value:
                assign(record, F.NOTE, text, str(key))
        else:
            assign(record, field, value, str(key))


def _temperature(record: RawRecord, value: object, unit: str | None) -> None:
    if isinstance(value, dict):
        number = next((value[k] for k in ("value", "valor", "v") if k in value), None)
        unit_value = next((value[k] for k in ("unit", "unidad", "units") if k in value), None)
        record.fields.setdefault(F.TEMPERATURE, number)
        if unit_value is not None:
            record.fields.setdefault(F.TEMPERATURE_UNIT, unit_value)
    else:
        record.fields.setdefault(F.TEMPERATURE, value)
    if unit:
        record.temperature_unit = unit


def _symptoms(record: RawRecord, value: object, present: bool) -> None:
    if isinstance(value, dict):  # {"fiebre": "sí", "tos": "no"}
        for name, status in value.items():
            if isinstance(status, dict):
                _symptom_object(record, {"name": name, **status}, present)
            else:
                record.symptoms.append(SymptomCell(str(name), status, None, record.row_ref))
        return
    if isinstance(value, str):
        assign(record, F.SYMPTOMS_PRESENT if present else F.SYMPTOMS_ABSENT, value, "symptoms")
        return
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, dict):
            _symptom_object(record, entry, present)
        elif isinstance(entry, str) and entry.strip():
            record.symptoms.append(SymptomCell(entry.strip(), present, None, record.row_ref))
        elif entry is not None:
            record.problems.append((record.row_ref, "symptoms", "unrecognised symptom entry"))


def _symptom_object(record: RawRecord, entry: dict, present: bool) -> None:
    lowered = {V.fold(k): v for k, v in entry.items()}
    name = next((lowered[k] for k in _NAME_KEYS if lowered.get(k)), None)
    if isinstance(name, dict):  # phenopacket-like {"type": {"id": ..., "label": ...}}
        name = name.get("id") or name.get("label")
    if name is None and isinstance(lowered.get("type"), dict):
        name = lowered["type"].get("id") or lowered["type"].get("label")
    if name is None:
        record.problems.append((record.row_ref, "symptoms", "symptom without a name"))
        return
    status: object = present
    for key in _STATUS_KEYS:
        if key in lowered and lowered[key] is not None:
            status = lowered[key]
            break
    if lowered.get("excluded") is True or lowered.get("excluido") is True:
        status = False
    severity = next((lowered[k] for k in _SEVERITY_KEYS if lowered.get(k)), None)
    if isinstance(severity, dict):
        severity = severity.get("label")
    record.symptoms.append(SymptomCell(str(name), status, severity, record.row_ref))


def _leaves(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for inner in value.values():
            yield from _leaves(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _leaves(inner)
    elif value is not None:
        yield str(value)
