"""Tabular clinical histories (CSV/TSV, Excel .xlsx, Parquet) -> RawRecords.

Wide tables have one column per symptom (yes/no/sí/presente/ausente/leve/moderado/grave...); long tables
have a symptom column plus status and severity columns, one row per (patient, visit, symptom), grouped
here into one record per patient and visit. Headers and values may be Spanish or English; any header that
is not a known field is read as a local symptom name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd

from learning import fields as F
from learning.records import RawRecord, SymptomCell, assign

TABULAR_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".parquet")


def read_table(path: Path) -> pd.DataFrame:
    """All cells as read (CSV: text), one row per record; header on the first row."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return pd.read_excel(path, dtype=object, engine="openpyxl")
    if suffix == ".parquet":
        connection = duckdb.connect()
        try:
            return connection.execute("SELECT * FROM read_parquet(?)", [str(path)]).df()
        finally:
            connection.close()
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if suffix == ".tsv" else max((";", ",", "\t", "|"), key=first.count)
    return pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        quoting=csv.QUOTE_MINIMAL,
        skipinitialspace=True,
    )


def table_records(frame: pd.DataFrame, name: str) -> Iterator[RawRecord]:
    """Records of a wide or long table; row refs are '<name>:<line>' (the header is line 1)."""
    headers = [str(c).strip() for c in frame.columns]
    canon: list[tuple[str | None, str | None]] = [F.canonical_header(h) for h in headers]
    fields = [c[0] for c in canon]
    unit = next((u for f, u in canon if f == F.TEMPERATURE and u), None)
    rows = frame.to_numpy(dtype=object, na_value=None).tolist()
    if F.SYMPTOM in fields:
        yield from _long(rows, headers, fields, name, unit)
        return
    for number, row in enumerate(rows, start=2):
        record = RawRecord(f"{name}:{number}", temperature_unit=unit)
        for header, field, value in zip(headers, fields, row, strict=True):
            if isinstance(value, str):
                value = value.strip()
                if not value:
                    continue
            assign(record, field, value, header)
        yield record


def _long(
    rows, headers: list[str], fields: list[str | None], name: str, unit: str | None
) -> Iterator[RawRecord]:
    """Group rows by (patient, date or visit): one record each, every symptom row keeping its own ref."""
    position = {f: i for i, f in reversed(list(enumerate(fields))) if f}
    groups: dict[tuple, RawRecord] = {}
    for number, row in enumerate(rows, start=2):
        row_ref = f"{name}:{number}"
        key = tuple(
            str(row[position[f]]).strip() if f in position else "" for f in (F.PATIENT, F.DATE, F.VISIT)
        )
        if not any(key):
            key = ("", "", row_ref)
        record = groups.get(key)
        if record is None:
            record = groups[key] = RawRecord(row_ref, temperature_unit=unit, rows=0)
        record.rows += 1
        symptom = status = severity = None
        for header, field, value in zip(headers, fields, row, strict=True):
            if isinstance(value, str):
                value = value.strip()
            if field == F.SYMPTOM:
                symptom = value
            elif field == F.STATUS:
                status = value
            elif field == F.SEVERITY:
                severity = value
            elif field is None:
                if not F.is_missing(value):
                    record.problems.append((row_ref, header, "unknown column in a long table"))
            else:
                assign(record, field, value, header, row_ref)
        if F.is_missing(symptom):
            if not (F.is_missing(status) and F.is_missing(severity)):
                record.problems.append((row_ref, F.SYMPTOM, "status without a symptom name"))
            continue
        if F.is_missing(status) and not F.is_missing(severity):
            status = severity
        elif F.is_missing(status):
            status = True  # a symptom listed without status is reported present
        record.symptoms.append(SymptomCell(str(symptom), status, severity, row_ref))
    yield from groups.values()
