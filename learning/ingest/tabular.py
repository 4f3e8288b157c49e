"""Tabular clinical histories (CSV/TSV, Excel .xlsx, Parquet) -> RawRecords.

Wide tables have one column per symptom (yes/no/sí/presente/ausente/leve/moderado/grave...); long tables
have a symptom column plus status and severity columns, one row per (patient, visit, symptom), grouped
here into one record per patient and visit. Headers and values may be Spanish or English; any header that
is not a known field is read as a local symptom name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from learning.ingest import fields as F
from learning.ingest import values as V
from learning.ingest.raw import RawRecord, SourceRefused, SymptomCell, assign

__all__ = ["TABULAR_SUFFIXES", "TableRead", "TableShape", "read_table", "table_records", "table_shape"]

TABULAR_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".parquet")
HEADER_SEARCH_ROWS = 20  # a workbook's header may sit below a title or a few lines of cover text
# columns that say what happened clinically, and columns that say whose record it is
_CONTENT_FIELDS = frozenset(
    {F.DIAGNOSIS, F.SYMPTOM, F.SYMPTOMS_PRESENT, F.SYMPTOMS_ABSENT, F.TEMPERATURE, F.STATUS, F.SEVERITY}
)
_PERSON_FIELDS = frozenset({F.PATIENT, F.AGE, F.SEX, F.BIRTH_DATE, F.VISIT})


@dataclass
class TableShape:
    """How much a header row looks like clinical records: content columns and person columns."""

    columns: int
    content: int  # diagnosis, symptom (named or a column per symptom), temperature
    person: int  # patient id, age, sex, birth date, visit
    notes: int

    @property
    def clinical(self) -> bool:
        """Whether the columns look like clinical records (content columns, and a patient column or two of
        content)."""
        content = self.content + (self.notes if self.person else 0)
        return content >= 1 and (self.person >= 1 or content >= 2)

    @property
    def score(self) -> int:
        """How clinical the table looks, for choosing the sheet (content counts most)."""
        return 3 * self.content + 2 * self.person + self.notes

    def refusal(self) -> str:
        """Why the table was not read as clinical records."""
        return (
            f"not clinical records: of {self.columns} column(s), {self.content} name a finding, diagnosis "
            f"or vital sign and {self.person} a patient, age, sex or visit"
        )


def table_shape(headers: list[object], is_symptom: Callable[[str], object] | None = None) -> TableShape:
    """Count the clinical columns of a header row (unknown headers that name an HPO term are findings)."""
    content = person = notes = columns = 0
    for header in headers:
        if V.is_missing(header) if not isinstance(header, str) else not header.strip():
            continue
        columns += 1
        field, _ = F.canonical_header(header)
        if field in _CONTENT_FIELDS:
            content += 1
        elif field in _PERSON_FIELDS and not (field == F.PATIENT and V.fold(header) == "id"):
            person += 1
        elif field == F.NOTE:
            notes += 1
        elif field is None and is_symptom is not None and is_symptom(str(header)):
            content += 1
    return TableShape(columns, content, person, notes)


@dataclass
class TableRead:
    """A table as read: its frame, the source line of its first data row, and which sheet it came from."""

    frame: pd.DataFrame
    first_line: int = 2
    sheet: int | None = None  # 1-based, for workbooks
    sheets: int = 1


def read_workbook(
    path: Path, sheet: str | None = None, is_symptom: Callable[[str], object] | None = None
) -> TableRead:
    """The sheet holding the records (`sheet`: a name or 1-based number), its header found in the first
    rows; cover sheets and title lines are skipped. Raises SourceRefused when no sheet looks clinical."""
    raw = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    names = list(raw)
    if sheet is not None:
        wanted = names[int(sheet) - 1] if sheet.isdigit() and 0 < int(sheet) <= len(names) else sheet
        if wanted not in raw:
            raise SourceRefused(f"no sheet {sheet!r} (the workbook has {len(names)} sheet(s))")
        candidates = [wanted]
    else:
        candidates = names
    best: tuple[int, int, int, TableShape] | None = None  # (score, sheet index, header row, shape)
    for name in candidates:
        frame = raw[name].dropna(how="all").dropna(axis=1, how="all")
        for position, (row_index, row) in enumerate(frame.head(HEADER_SEARCH_ROWS).iterrows()):
            shape = table_shape(list(row), is_symptom)
            if best is None or shape.score > best[0]:
                best = (shape.score, names.index(name), row_index, shape)
            if position == 0 and shape.clinical and sheet is None and shape.score >= 6:
                break
    if best is None:
        raise SourceRefused("empty workbook")
    _, index, header_row, shape = best
    if not shape.clinical:
        where = "" if sheet is not None or len(names) == 1 else f"none of {len(names)} sheets holds records; "
        raise SourceRefused(where + shape.refusal())
    sheet_frame = raw[names[index]]
    header = [str(h).strip() if not V.is_missing(h) else "" for h in sheet_frame.iloc[header_row]]
    body = sheet_frame.iloc[header_row + 1 :]
    keep = [i for i, h in enumerate(header) if h]
    frame = body.iloc[:, keep].copy()
    frame.columns = [header[i] for i in keep]
    frame = frame.dropna(how="all")
    first = header_row + 2
    frame.index = [int(i) + 1 for i in frame.index]  # Excel row numbers
    return TableRead(frame, first, index + 1, len(names))


def read_table(path: Path, sheet: str | None = None, is_symptom=None) -> pd.DataFrame | TableRead:
    """All cells as read (CSV: text), one row per record; header on the first row (workbooks: the
    records' sheet and header row, as a TableRead)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_workbook(path, sheet, is_symptom)
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


def table_records(frame: pd.DataFrame | TableRead, name: str) -> Iterator[RawRecord]:
    """Records of a wide or long table; row refs are '<name>:<line>' (the header is line 1; workbooks:
    the sheet's own row numbers, '<name>:<sheet>!<row>' when it has several sheets)."""
    lines: list[int] | None = None
    if isinstance(frame, TableRead):
        read = frame
        frame = read.frame
        lines = [int(i) for i in frame.index]
        if read.sheets > 1:
            name = f"{name}:{read.sheet}!"
    headers = [str(c).strip() for c in frame.columns]
    canon: list[tuple[str | None, str | None]] = [F.canonical_header(h) for h in headers]
    fields = [c[0] for c in canon]
    unit = next((u for f, u in canon if f == F.TEMPERATURE and u), None)
    rows = frame.to_numpy(dtype=object, na_value=None).tolist()
    numbers = lines or list(range(2, len(rows) + 2))
    ref = (lambda n: f"{name}{n}") if name.endswith("!") else (lambda n: f"{name}:{n}")
    if F.SYMPTOM in fields:
        yield from _long(rows, headers, fields, [ref(n) for n in numbers], unit)
        return
    for number, row in zip(numbers, rows, strict=True):
        record = RawRecord(ref(number), temperature_unit=unit)
        for header, field, value in zip(headers, fields, row, strict=True):
            if isinstance(value, str):
                value = value.strip()
                if not value:
                    continue
            assign(record, field, value, header)
        yield record


def _long(
    rows, headers: list[str], fields: list[str | None], refs: list[str], unit: str | None
) -> Iterator[RawRecord]:
    """Group rows by (patient, date or visit): one record each, every symptom row keeping its own ref."""
    position = {f: i for i, f in reversed(list(enumerate(fields))) if f}
    groups: dict[tuple, RawRecord] = {}
    for row_ref, row in zip(refs, rows, strict=True):
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
                if not V.is_missing(value):
                    record.problems.append((row_ref, header, "unknown column in a long table"))
            else:
                assign(record, field, value, header, row_ref)
        if V.is_missing(symptom):
            if not (V.is_missing(status) and V.is_missing(severity)):
                record.problems.append((row_ref, F.SYMPTOM, "status without a symptom name"))
            continue
        if V.is_missing(status) and not V.is_missing(severity):
            status = severity
        elif V.is_missing(status):
            status = True  # a symptom listed without status is reported present
        record.symptoms.append(SymptomCell(str(symptom), status, severity, row_ref))
    yield from groups.values()
