"""Free-text doctor notes, one per .txt file -> RawRecords.

Leading "Key: value" lines whose key is a known field ("Paciente: P-0012", "Nombre: ...", "Fecha: ...",
"DNI: ...", "Edad: 34", "Diagnóstico: Gripe") become record fields or identifiers and leave the text;
everything else is the note, scrubbed and searched for HPO terms by the record cleaner. Notes inside a
JSONL or CSV file (a text column) are read by the JSON and table adapters.
"""

from __future__ import annotations

import re

from learning.ingest import fields as F
from learning.ingest.raw import RawRecord, assign

__all__ = ["NOTE_SUFFIXES", "note_record"]

NOTE_SUFFIXES = (".txt", ".md", ".note")
_HEADER = re.compile(r"^\s*([^:\n]{1,40}?)\s*:\s*(.*?)\s*$")


def note_record(text: str, row_ref: str) -> RawRecord:
    """The record of one note file: known header fields out, the rest is the note body."""
    record = RawRecord(row_ref)
    body: list[str] = []
    for position, line in enumerate(text.splitlines()):
        match = _HEADER.match(line) if position < 25 else None
        field = F.canonical_header(match.group(1))[0] if match else None
        if match and field is not None and field != F.NOTE:
            unit = F.canonical_header(match.group(1))[1]
            if field == F.TEMPERATURE and unit:
                record.temperature_unit = unit
            assign(record, field, match.group(2), match.group(1))
        elif match and field == F.NOTE:
            body.append(match.group(2))
        else:
            body.append(line)
    note = "\n".join(body).strip()
    if note:
        record.notes.append(note)
    return record
