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
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from knowledge.kb import KnowledgeBase
from learning import fields as F
from learning.anonymize import Scrubber
from learning.ingest import IngestSummary, _packets, add_phenopacket, sha256_file, write_batch
from learning.jsonrecords import json_documents, json_record, unwrap
from learning.kanon import DEFAULT_K, KAnonymityReport, batch_quasi_identifiers, k_anonymity
from learning.notes import NOTE_SUFFIXES, note_record
from learning.records import RawRecord, RecordBatch, RecordCleaner, SourceContext
from learning.store import Store
from learning.tabular import TABULAR_SUFFIXES, read_table, table_records

log = logging.getLogger(__name__)
FORMATS = ("phenopackets", "csv", "json", "notes")
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


@dataclass
class RunSummary(IngestSummary):
    """The ingest summary plus formats, merged visits, findings and notes stored, and k-anonymity."""

    formats: dict[str, int] = field(default_factory=dict)
    findings_stored: int = 0
    notes_stored: int = 0
    merged_into_stored: int = 0
    kanon: KAnonymityReport | None = None

    def as_text(self) -> str:
        lines = [super().as_text()]
        if self.formats:
            lines.append("  formats: " + ", ".join(f"{k} {v}" for k, v in sorted(self.formats.items())))
        lines.append(
            f"  {self.findings_stored} finding(s) and {self.notes_stored} scrubbed note(s) stored; "
            f"{self.merged_into_stored} record(s) merged into visits stored by earlier runs"
        )
        if self.kanon is not None:
            lines.append("  " + self.kanon.as_text(rows=8).replace("\n", "\n  "))
        return "\n".join(lines)


def ingest_paths(
    store: Store,
    kb: KnowledgeBase,
    key: bytes,
    paths: list[Path],
    fmt: str | None = None,
    progress: bool = True,
    k: int = DEFAULT_K,
    scrubber: Scrubber | None = None,
) -> RunSummary:
    """Ingest files (format given or detected per file) as one transactional, idempotent run."""
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    run_id = uuid.uuid4().hex[:12]
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    files = input_files(paths, fmt)
    batch = RecordBatch()
    cleaner = RecordCleaner(kb, key, scrubber)
    skipped = 0
    seen: set[str] = set()
    formats: Counter[str] = Counter()
    for path in tqdm(files, desc="ingesting", unit="file", disable=not progress):
        digest = sha256_file(path)
        if digest in seen or store.has_source(digest):
            skipped += 1
            continue
        seen.add(digest)
        source_id = digest[:16]
        kind = fmt or detect_format(path)
        formats[kind] += 1
        context = SourceContext(source_id, kind, run_id)
        before = batch.rows_read
        name = _read_source(batch, cleaner, kb, key, path, context)
        batch.sources.append(
            {
                "source_id": source_id,
                "kind": kind,
                "name": name,
                "sha256": digest,
                "first_run": run_id,
            }
        )
        log.debug("source %s (%s): %d record(s) read", source_id, kind, batch.rows_read - before)
    written = write_run(store, batch, run_id, started)
    reasons = Counter(row["reason"] for row in batch.quarantine)
    frame = batch_quasi_identifiers(batch.encounters, batch.patients, batch.quasi)
    return RunSummary(
        run_id,
        len(files),
        skipped,
        batch.rows_read,
        written["encounters"],
        len(batch.quarantine),
        dict(reasons),
        formats=dict(formats),
        findings_stored=written["findings"],
        notes_stored=written["notes"],
        merged_into_stored=written["merged"],
        kanon=k_anonymity(frame, k=k) if len(frame) else None,
    )


def _read_source(
    batch: RecordBatch,
    cleaner: RecordCleaner,
    kb: KnowledgeBase,
    key: bytes,
    path: Path,
    context: SourceContext,
) -> str:
    """Feed one file's records to the cleaner; returns the file name to store (identifiers removed)."""
    words: set[str] = set()
    if context.kind == "phenopackets":  # row refs and names exactly as learning.ingest gives them
        for number, packet in _packets(path, batch, context.source_id, context.run_id):
            row_ref = f"{path.name}:{number}"
            add_phenopacket(batch, kb, key, packet, context.source_id, row_ref, context.run_id)
        return path.name
    display = safe_name(path.name, set(), cleaner.scrubber)
    try:
        records = list(_records(path, context.kind, display))
    except (OSError, UnicodeDecodeError, ValueError, ImportError) as error:
        batch.rows_read += 1
        batch.quarantine.append(
            {
                "run_id": context.run_id,
                "source_id": context.source_id,
                "row_ref": display,
                "field": "file",
                "reason": f"unreadable: {type(error).__name__}",
            }
        )
        return display
    tokens = {F.fold(t) for t in _NAME_WORDS.findall(path.stem) if len(t) > 2}
    for record in records:  # which words of the file name are identifiers of its own records
        values = [v for vs in record.identifiers.values() for v in vs] + [str(record.fields.get(F.PATIENT))]
        for value in values:
            plain = value.lower() if value.isascii() else F.fold(value)
            words.update(t for t in tokens if t in plain)
    final = safe_name(path.name, words, cleaner.scrubber)
    for record in records:
        if final != display:
            _rename(record, display, final)
        cleaner.add(batch, context, record)
    return final


def _rename(record: RawRecord, old: str, new: str) -> None:
    """Row refs of a record under the file's final (identifier-free) name."""

    def fix(ref: str) -> str:
        return new + ref[len(old) :] if ref.startswith(old) else ref

    record.row_ref = fix(record.row_ref)
    for cell in record.symptoms:
        cell.row_ref = fix(cell.row_ref)
    record.problems = [(fix(ref), name, reason) for ref, name, reason in record.problems]


def _records(path: Path, kind: str, display: str) -> Iterator[RawRecord]:
    if kind == "csv":
        yield from table_records(read_table(path), display)
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
            yield from _records(path, "csv", display)
        else:
            yield note_record(path.read_text(encoding="utf-8-sig", errors="replace"), f"{display}:1")
    else:
        raise ValueError(f"unknown format {kind!r}")


_NAME_WORDS = re.compile(r"[^\W_]+")


def safe_name(name: str, identifier_words: set[str], scrubber: Scrubber) -> str:
    """A file name with identifiers removed: words of the file's own identifiers and pattern matches."""
    stem, dot, suffix = name.rpartition(".")
    stem = stem if dot else name
    cleaned = _NAME_WORDS.sub(
        lambda m: "x" if F.fold(m.group()) in identifier_words and len(m.group()) > 2 else m.group(), stem
    )
    spaced = re.sub(r"[_]+", " ", cleaned)
    scrubbed = scrubber.scrub(spaced)
    if scrubbed != spaced:
        cleaned = re.sub(r"\[[A-Z]+\]", "x", scrubbed).replace(" ", "_")
    return f"{cleaned}.{suffix}" if dot else cleaned


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
    merged = len({r["encounter_id"] for r in merge_findings + merge_diagnoses})
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
                {
                    "run_id": run_id,
                    "source_id": source_id,
                    "row_ref": row_ref,
                    "field": row["term_id"],
                    "reason": "conflicts with a finding stored by an earlier run: kept the stored one",
                }
            )
    diagnoses = [
        row
        for row in batch.diagnoses
        if row["encounter_id"] in stored_ids and (row["encounter_id"], row["disease_id"]) not in diagnosed
    ]
    return findings, diagnoses


def _provenance_parts(provenance: str) -> tuple[str, str]:
    parts = provenance.split(";")[0].split(":")
    while parts and parts[0] in ("note", "vitals") + FORMATS:
        parts = parts[1:]
    return (parts[0], ":".join(parts[1:])) if parts else ("", "")
