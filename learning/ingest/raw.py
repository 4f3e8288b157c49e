"""What a format adapter reads from a file, before any validation: a `RawRecord` of canonical fields,
symptom cells, identifiers, diagnoses and notes, filled cell by cell with `assign`. Every adapter (tables,
JSON records, notes) writes records this one way; `records.RecordCleaner` validates them."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from learning.ingest import fields as F
from learning.ingest import values as V

__all__ = ["RawRecord", "SourceRefused", "SymptomCell", "assign"]


class SourceRefused(ValueError):
    """A readable file that is not patient data of a known shape (an empty file, a sales spreadsheet)."""


@dataclass
class SymptomCell:
    """One symptom cell as read: the symptom's name, its status cell, severity and where it came from."""

    name: str  # local symptom name, label, synonym or HPO id
    value: object  # status cell (yes/no/sí/presente/ausente/leve/...); True for a bare list entry
    severity: object = None
    row_ref: str = ""


@dataclass
class RawRecord:
    """What an adapter read, not yet validated."""

    row_ref: str
    fields: dict[str, object] = field(default_factory=dict)  # canonical field -> raw value
    symptoms: list[SymptomCell] = field(default_factory=list)
    identifiers: dict[str, list[str]] = field(default_factory=dict)  # id:kind -> values (never stored)
    diagnoses: list[object] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    temperature_unit: str | None = None  # unit given by the header ("Temperatura (°F)")
    rows: int = 1  # source rows behind this record (long format: several)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (row_ref, field, reason)

    def content_digest(self) -> str:
        """A hash of what the record says (fields, symptoms, identifiers, diagnoses, notes), not where."""
        content = (
            sorted((k, str(v)) for k, v in self.fields.items()),
            [(c.name, str(c.value), str(c.severity)) for c in self.symptoms],
            sorted((k, sorted(vs)) for k, vs in self.identifiers.items()),
            [str(d) for d in self.diagnoses],
            self.notes,
            self.temperature_unit,
            [(f, r) for _, f, r in self.problems],
        )
        return hashlib.sha256(json.dumps(content, ensure_ascii=False, default=str).encode()).hexdigest()

    def is_empty(self) -> bool:
        """Nothing usable was read (only problems): the record is refused, no visit is made of it."""
        return not (self.fields or self.symptoms or self.identifiers or self.diagnoses or self.notes)

    def add_identifier(self, kind: str, value: object) -> None:
        """Keep an identifier of the given kind (for scrubbing it from notes); missing values are ignored."""
        if not V.is_missing(value):
            self.identifiers.setdefault(kind, []).append(str(value))


_LIST_SPLIT = re.compile(r"\s*[;|,\n]\s*")
_DIAGNOSIS_SPLIT = re.compile(r"\s*[;|\n]\s*")  # not commas: "Corneal dystrophy, posterior polymorphous, 1"
_SCALAR_FIELDS = frozenset(
    {
        F.PATIENT,
        F.VISIT,
        F.DATE,
        F.AGE,
        F.BIRTH_DATE,
        F.SEX,
        F.TEMPERATURE,
        F.TEMPERATURE_UNIT,
        F.POSTAL,
        F.LANGUAGE,
        F.SYNTHETIC,
    }
)


def assign(record: RawRecord, name: str | None, value: object, header: str, row_ref: str = "") -> None:
    """Put one cell into a record by its canonical field; unknown headers are symptom names."""
    if V.is_missing(value) if not isinstance(value, (list, dict)) else not value:
        return
    if name in _SCALAR_FIELDS:
        record.fields.setdefault(name, value)
        if name == F.SEX and V.fold(header) in F.SPANISH_SEX_HEADERS:
            record.fields[F.SEX_SPANISH] = True
    elif name in F.IDENTIFIER_FIELDS:
        record.add_identifier(name, value)
    elif name == F.DIAGNOSIS:
        if isinstance(value, str):
            items: list = _DIAGNOSIS_SPLIT.split(value)
        else:
            items = value if isinstance(value, list) else [value]
        record.diagnoses.extend(i for i in items if not V.is_missing(i))
    elif name == F.NOTE:
        record.notes.append(str(value))
    elif name in (F.SYMPTOMS_PRESENT, F.SYMPTOMS_ABSENT):
        items = value if isinstance(value, list) else _LIST_SPLIT.split(str(value))
        status = name == F.SYMPTOMS_PRESENT
        for item in items:
            if isinstance(item, str) and item.strip():
                record.symptoms.append(SymptomCell(item.strip(), status, None, row_ref or record.row_ref))
    elif name in (F.SYMPTOM, F.STATUS, F.SEVERITY):
        record.problems.append(
            (row_ref or record.row_ref, header, "symptom/status column outside long format")
        )
    else:
        record.symptoms.append(SymptomCell(header, value, None, row_ref or record.row_ref))
