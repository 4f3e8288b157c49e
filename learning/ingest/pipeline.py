"""One ingestion run over files of any format: detect, read, clean, anonymise, write in one transaction.

Formats: phenopackets (GA4GH JSON/JSONL), csv (CSV/TSV, Excel .xlsx, Parquet; wide or long), json
(semi-structured JSON/JSONL records) and notes (.txt doctor notes; notes inside JSONL/CSV are read by the
json/csv adapters). Every file is a source keyed by its sha256 (loading it again adds nothing); all new
files of a run go through the same `Batch` / `write_batch` path in a single transaction, so a run killed
half way leaves the store as it was. Findings, diagnoses and notes for a visit already stored by an earlier
run (same pseudonymous patient, same date) merge into that encounter in the same transaction.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from knowledge.kb import KnowledgeBase
from learning.ingest.batch import FORMATS, RecordBatch, SourceContext, quarantine_row, sha256_file
from learning.ingest.jsonrecords import json_documents, json_record, unwrap
from learning.ingest.notes import NOTE_SUFFIXES, note_record
from learning.ingest.phenopackets import _packets, add_phenopacket
from learning.ingest.raw import RawRecord, SourceRefused
from learning.ingest.records import RecordCleaner
from learning.ingest.summary import REFUSED, FileOutcome, RunSummary
from learning.ingest.tabular import TABULAR_SUFFIXES, TableRead, read_table, table_records, table_shape
from learning.ingest.write import write_run
from learning.privacy.anonymize import Scrubber
from learning.privacy.kanon import DEFAULT_K, batch_quasi_identifiers, k_anonymity
from learning.privacy.pseudonym import pseudonym
from learning.store import Store

__all__ = ["detect_format", "ingest_paths", "ingest_phenopackets", "source_label"]

log = logging.getLogger(__name__)
JSON_SUFFIXES = (".json", ".jsonl")
SUFFIXES = TABULAR_SUFFIXES + JSON_SUFFIXES + NOTE_SUFFIXES


def detect_format(path: Path) -> str:
    """Format of one file from its suffix and, for JSON, its first record (phenopacket or not)."""
    suffix = path.suffix.lower()
    if suffix in TABULAR_SUFFIXES:
        return "csv"
    if suffix in NOTE_SUFFIXES:
        return "notes"
    if suffix in JSON_SUFFIXES:
        return "phenopackets" if _looks_like_phenopacket(path) else "json"
    raise ValueError(f"{path.name}: unknown input format (use --format phenopackets|csv|json|notes)")


def _looks_like_phenopacket(path: Path) -> bool:
    """The first record (its first 64 kB) names phenotypicFeatures, or has metaData and subject."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            head = handle.readline() if path.suffix.lower() == ".jsonl" else handle.read(65536)
    except OSError:
        return False
    return '"phenotypicFeatures"' in head or ('"metaData"' in head and '"subject"' in head)


FORMAT_SUFFIXES = {
    "phenopackets": JSON_SUFFIXES,
    "csv": TABULAR_SUFFIXES,
    "json": JSON_SUFFIXES,
    "notes": NOTE_SUFFIXES + JSON_SUFFIXES + TABULAR_SUFFIXES,
}


def input_files(paths: list[Path], fmt: str | None = None) -> list[Path]:
    """Files given, and the files under directories given whose suffix suits the format (any known one
    when no format is given); sorted, hidden ones left out."""
    suffixes = FORMAT_SUFFIXES.get(fmt or "", SUFFIXES)
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(".")
                )
            )
        elif path.exists():
            files.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")
    return files


def ingest_paths(
    store: Store,
    kb: KnowledgeBase,
    key: bytes,
    paths: list[Path],
    fmt: str | None = None,
    progress: bool = True,
    k: int = DEFAULT_K,
    scrubber: Scrubber | None = None,
    sheet: str | None = None,
) -> RunSummary:
    """Ingest files (format given or detected per file) as one transactional, idempotent run. A file that
    cannot be read is quarantined with its reason and the rest of the run is stored."""
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    run_id = uuid.uuid4().hex[:12]
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    files = input_files(paths, fmt)
    batch = RecordBatch()
    cleaner = RecordCleaner(kb, key, scrubber)
    seen: set[str] = set()
    formats: Counter[str] = Counter()
    outcomes: list[FileOutcome] = []
    touched: dict[str, set[str]] = {}  # label -> encounters its records went to
    for path in tqdm(files, desc="ingesting", unit="file", disable=not progress):
        try:
            digest = sha256_file(path)
        except OSError:
            digest = "unreadable"
        path_key = source_path_key(key, path)
        label = source_label(key, path, digest)
        source_id = label.split(".")[0]
        outcome = FileOutcome(label, shown_name(path.name, cleaner.scrubber))
        outcomes.append(outcome)
        if source_id in seen or store.has_source(source_id, digest):
            outcome.status = "already loaded"
            continue
        seen.add(source_id)
        context = SourceContext(source_id, fmt or "", run_id, label, path_key)
        mark, cleaner_mark = batch.checkpoint(), cleaner.checkpoint()
        try:
            context.kind = fmt or detect_format(path)
            outcome.kind = context.kind
            touched[label] = _read_source(batch, cleaner, kb, key, path, context, sheet)
        except Exception as error:  # one bad file never stops the run: its rows are undone, it is quarantined
            batch.rollback(mark)
            cleaner.rollback(cleaner_mark)
            outcome.status = "quarantined"
            outcome.reason = cleaner.scrubber.scrub(unreadable_reason(error, path))
            batch.quarantine.append(quarantine_row(run_id, source_id, label, "file", outcome.reason, REFUSED))
            log.debug("source %s quarantined: %s", label, outcome.reason)
        else:
            formats[context.kind] += 1
            outcome.records = batch.rows_read - mark["rows_read"]
            log.debug("source %s (%s): %d record(s) read", label, context.kind, outcome.records)
        batch.sources.append(
            {
                "source_id": source_id,
                "kind": context.kind or None,
                "name": label,
                "sha256": digest,
                "first_run": run_id,
                "path_key": path_key,
                "status": outcome.status,
            }
        )
    stored_before = _stored_encounters(store, batch)
    written = write_run(store, batch, run_id, started)
    _count_visits(outcomes, touched, stored_before)
    by_outcome: dict[str, Counter] = {}
    per_source: dict[str, Counter] = {}
    for row in batch.quarantine:
        by_outcome.setdefault(row["outcome"], Counter())[row["reason"]] += 1
        per_source.setdefault(row["source_id"], Counter())[row["outcome"]] += 1
    for outcome in outcomes:
        if outcome.status == "stored":
            outcome.outcomes = per_source.get(outcome.label.split(".")[0], Counter())
    frame = batch_quasi_identifiers(batch.encounters, batch.patients, batch.quasi)
    return RunSummary(
        run_id,
        len(files),
        sum(o.status == "already loaded" for o in outcomes),
        batch.rows_read,
        written["encounters"],
        len(batch.quarantine),
        dict(Counter(row["reason"] for row in batch.quarantine)),
        formats=dict(formats),
        findings_stored=written["findings"],
        notes_stored=written["notes"],
        merged_into_stored=written["merged"],
        kanon=k_anonymity(frame, k=k) if len(frame) else None,
        files_detail=outcomes,
        reasons_by_outcome={o: dict(c) for o, c in by_outcome.items()},
        files_quarantined=sum(o.status == "quarantined" for o in outcomes),
    )


def ingest_phenopackets(
    store: Store, kb: KnowledgeBase, key: bytes, paths: list[Path], progress: bool = True
) -> RunSummary:
    """All new files of the run go in one transaction: a killed run leaves the store as it was; the
    general run (`ingest_paths`) reading the files as phenopackets."""
    return ingest_paths(store, kb, key, paths, fmt="phenopackets", progress=progress)


def source_label(key: bytes, path: Path, digest: str | None = None) -> str:
    """ "<source_id><suffix>": how the store names a file (source id: keyed hash of path and content)."""
    digest = digest or sha256_file(path)
    source_id = pseudonym(key, f"{source_path_key(key, path)}|{digest}", "source")[2:18]
    return f"{source_id}{path.suffix.lower()[:8]}"


def source_path_key(key: bytes, path: Path) -> str:
    """A keyed hash of the file's absolute path: the source key without keeping the path."""
    return pseudonym(key, str(path.resolve()), "path")[2:18]


def unreadable_reason(error: Exception, path: Path) -> str:
    """Why a file could not be read, without its name or path (they may hold a patient's name)."""
    if isinstance(error, SourceRefused):
        return str(error)
    text = str(error)
    for part in {str(path), str(path.resolve()), path.name, path.stem}:
        if part:
            text = text.replace(part, "<file>")
    text = re.sub(r"[\'\"]?(?:/[^\s'\"]+)+[\'\"]?", "<path>", text)  # any other absolute path
    detail = text.strip().splitlines()[0][:80] if text.strip() else ""
    kind = {
        "BadZipFile": "not a valid .xlsx (zip) file",
        "InvalidFileException": "not a valid Excel file",
        "UnicodeDecodeError": "not text in a known encoding",
        "JSONDecodeError": "invalid JSON",
        "EmptyDataError": "no columns",
    }.get(type(error).__name__, type(error).__name__)
    return f"unreadable: {kind}" + (f" ({detail})" if detail and kind == type(error).__name__ else "")


def _stored_encounters(store: Store, batch: RecordBatch) -> set[str]:
    ids = sorted({row["encounter_id"] for row in batch.encounters})
    if not ids:
        return set()
    return {
        r[0]
        for r in store.connection.execute(
            "SELECT encounter_id FROM encounters WHERE encounter_id IN (SELECT unnest(?))", [ids]
        ).fetchall()
    }


def _count_visits(outcomes: list[FileOutcome], touched: dict[str, set[str]], stored: set[str]) -> None:
    """New visits of each file (first file of the run to bring them), the rest merged."""
    claimed: set[str] = set(stored)
    for outcome in outcomes:
        ids = touched.get(outcome.label)
        if not ids or outcome.status != "stored":
            continue
        new = ids - claimed
        outcome.new_visits, outcome.merged_visits = len(new), len(ids) - len(new)
        claimed |= ids


def _read_source(
    batch: RecordBatch,
    cleaner: RecordCleaner,
    kb: KnowledgeBase,
    key: bytes,
    path: Path,
    context: SourceContext,
    sheet: str | None = None,
) -> set[str]:
    """Feed one file's records to the cleaner; returns the encounters they went to. Raises when the file
    cannot be read at all (the caller quarantines it)."""
    if path.stat().st_size == 0 or not path.read_bytes()[:65536].strip():
        raise SourceRefused("empty file")
    label = context.label
    if context.kind == "phenopackets":
        before = len(batch.encounters)
        for number, packet in _packets(path, batch, context.source_id, context.run_id, label):
            add_phenopacket(batch, kb, key, packet, context.source_id, f"{label}:{number}", context.run_id)
        return {row["encounter_id"] for row in batch.encounters[before:]}
    warnings: list[tuple[str, str]] = []
    records = list(_records(path, context.kind, label, sheet, cleaner.mapper.map_name, warnings))
    for field_name, reason in warnings:
        batch.quarantine.append(
            quarantine_row(context.run_id, context.source_id, label, field_name, reason, "warning")
        )
    encounters = set()
    for record in records:
        encounter = cleaner.add(batch, context, record)
        if encounter is not None:
            encounters.add(encounter)
    return encounters


def _records(
    path: Path,
    kind: str,
    display: str,
    sheet: str | None = None,
    is_symptom=None,
    warnings: list[tuple[str, str]] | None = None,
) -> Iterator[RawRecord]:
    if kind == "csv":
        yield from table_records(_clinical_table(path, sheet, is_symptom, warnings), display)
    elif kind == "json":
        for line, document, error in json_documents(path):
            if error:
                record = RawRecord(f"{display}:{line}")
                record.problems.append((record.row_ref, "json", error))
                yield record
                continue
            for suffix, item in unwrap(document):
                yield json_record(item, f"{display}:{line}{suffix}")
    elif kind == "notes":
        if path.suffix.lower() in JSON_SUFFIXES:
            yield from _records(path, "json", display)
        elif path.suffix.lower() in TABULAR_SUFFIXES:
            yield from _records(path, "csv", display, sheet, is_symptom, warnings)
        else:
            yield note_record(path.read_text(encoding="utf-8-sig", errors="replace"), f"{display}:1")
    else:
        raise ValueError(f"unknown format {kind!r}")


def _clinical_table(path: Path, sheet, is_symptom, warnings) -> pd.DataFrame | TableRead:
    """The table of a tabular file (a workbook: the sheet holding the records), refused when its columns
    do not look like clinical records (a sales spreadsheet)."""
    table = read_table(path, sheet, is_symptom)
    frame = table.frame if isinstance(table, TableRead) else table
    shape = table_shape(list(frame.columns), is_symptom)
    if not shape.clinical:
        raise SourceRefused(shape.refusal())
    if isinstance(table, TableRead) and warnings is not None and (table.sheets > 1 or table.first_line > 2):
        warnings.append(
            (
                "sheet",
                f"workbook of {table.sheets} sheet(s): read sheet {table.sheet}, header on row "
                f"{table.first_line - 1} (the one holding the records)",
            )
        )
    return table


def shown_name(name: str, scrubber: Scrubber) -> str:
    """The file name as shown on the console: name-like words masked. Never stored."""
    return scrubber.scrub_file_name(name) if hasattr(scrubber, "scrub_file_name") else "file"
