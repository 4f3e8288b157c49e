"""The central DuckDB store: documented schema, transactional idempotent writes, SQL sufficient statistics."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

__all__ = ["Store"]

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER);
CREATE TABLE IF NOT EXISTS sources (          -- one row per ingested file, keyed by its path and content
    source_id VARCHAR PRIMARY KEY,            -- HMAC of (path, sha256): a file at one path is loaded once
    kind VARCHAR,
    name VARCHAR,                             -- label "<source_id>.<suffix>", never the file name
    sha256 VARCHAR, first_run VARCHAR,
    path_key VARCHAR,                         -- HMAC of the path (NULL: loaded before schema 2)
    status VARCHAR);                          -- stored | quarantined (the whole file refused)
CREATE TABLE IF NOT EXISTS ingestion_runs (   -- one row per `dxgraph ingest`
    run_id VARCHAR PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, status VARCHAR,
    rows_read INTEGER, rows_stored INTEGER, rows_quarantined INTEGER);
CREATE TABLE IF NOT EXISTS patients (         -- pseudonymised: patient_id is an HMAC, never a raw id
    patient_id VARCHAR PRIMARY KEY, sex VARCHAR, synthetic BOOLEAN);
CREATE TABLE IF NOT EXISTS encounters (       -- a case / visit; age generalised (90+ -> 90), year only
    encounter_id VARCHAR PRIMARY KEY, patient_id VARCHAR, source_id VARCHAR, age_years DOUBLE,
    age_band VARCHAR, year INTEGER, context VARCHAR, publication VARCHAR, run_id VARCHAR);
CREATE TABLE IF NOT EXISTS findings (         -- HPO findings: present / absent, severity, provenance
    encounter_id VARCHAR, term_id VARCHAR, status VARCHAR, severity VARCHAR,
    provenance VARCHAR);                      -- "<format>:<source label>:<row>" statements joined by ";"
CREATE TABLE IF NOT EXISTS diagnoses (        -- confirmed diagnoses (the labels learning uses)
    encounter_id VARCHAR, disease_id VARCHAR, label VARCHAR);
CREATE TABLE IF NOT EXISTS notes (            -- free text, scrubbed of identifiers before storage
    encounter_id VARCHAR, language VARCHAR, text_scrubbed VARCHAR);
CREATE TABLE IF NOT EXISTS quarantine (       -- what was refused or noted, with where it came from and why
    run_id VARCHAR, source_id VARCHAR, row_ref VARCHAR, field VARCHAR, reason VARCHAR,
    outcome VARCHAR,                          -- refused (not stored) | dropped (a value) | warning
    row_key VARCHAR);                         -- content key of the record: the same problem is kept once
"""
# ALTERs bringing an older store to SCHEMA (CREATE TABLE IF NOT EXISTS leaves old tables as they are)
MIGRATIONS: dict[int, list[str]] = {
    2: [
        "ALTER TABLE sources ADD COLUMN IF NOT EXISTS path_key VARCHAR",
        "ALTER TABLE sources ADD COLUMN IF NOT EXISTS status VARCHAR",
        "ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS outcome VARCHAR",
        "ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS row_key VARCHAR",
    ],
}
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


class Store:
    """A DuckDB file; every ingestion happens inside one transaction."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.connection = duckdb.connect(str(path))
        self.connection.execute(SCHEMA).fetchall()
        self.migrate()

    def schema_version(self) -> int:
        """The store's schema version (a store written before versions were kept counts as 1)."""
        row = self.connection.execute("SELECT max(version) FROM schema_version").fetchone()
        if row and row[0] is not None:
            return int(row[0])
        # no version recorded: a new store (nothing in it) or one written before versions were kept (1)
        return 1 if self.count("sources") or self.count("encounters") else SCHEMA_VERSION

    def migrate(self) -> int:
        """Bring an older store to SCHEMA_VERSION in one transaction; returns the version it had."""
        found = self.schema_version()
        if found >= SCHEMA_VERSION:
            if not self.connection.execute("SELECT 1 FROM schema_version").fetchall():
                self.connection.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION]).fetchall()
            return found
        with self.transaction():
            for version in range(found + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS.get(version, []):
                    self.connection.execute(statement).fetchall()
                if version == 2:
                    _pseudonymise_legacy_names(self.connection)
            self.connection.execute("DELETE FROM schema_version").fetchall()
            self.connection.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION]).fetchall()
        return found

    def close(self) -> None:
        """Close the DuckDB connection."""
        self.connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self):
        """A context manager: one transaction, committed on success and rolled back on any exception."""
        self.connection.execute("BEGIN TRANSACTION").fetchall()
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK").fetchall()
            raise
        else:
            self.connection.execute("COMMIT").fetchall()

    def has_source(self, source_id: str, sha256: str) -> bool:
        """The file (same path, same content) was loaded before; a file loaded before schema 2 (no path
        kept) counts as loaded when its content matches, unless it was empty."""
        return bool(
            self.connection.execute(
                """SELECT 1 FROM sources WHERE source_id = ?
                   OR (path_key IS NULL AND sha256 = ? AND sha256 <> ?)""",
                [source_id, sha256, EMPTY_SHA256],
            ).fetchall()
        )

    def insert_frame(self, table: str, frame: pd.DataFrame) -> int:
        """Insert rows whose key is not there yet (idempotent); returns how many were added."""
        if frame.empty:
            return 0
        self.connection.register("incoming", frame)
        try:
            columns = ", ".join(frame.columns)
            keys = {"patients": "patient_id", "encounters": "encounter_id"}
            if table in keys:
                key = keys[table]
                sql = (
                    f"INSERT INTO {table} ({columns}) SELECT DISTINCT ON ({key}) {columns} FROM incoming "
                    f"WHERE {key} NOT IN (SELECT {key} FROM {table})"
                )
            else:
                sql = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming"
            before = self.count(table)
            self.connection.execute(sql).fetchall()
            return self.count(table) - before
        finally:
            self.connection.unregister("incoming")

    def count(self, table: str) -> int:
        """The number of rows in a table."""
        return int(self.connection.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])

    # ---- sufficient statistics for learning -------------------------------------------------------
    def case_counts(self, encounters: list[str] | None = None) -> pd.DataFrame:
        """Cases per disease (disease_id, n_cases), over all encounters or the given ones."""
        where, params = _subset(encounters)
        return self.connection.execute(
            f"SELECT disease_id, count(DISTINCT encounter_id) AS n_cases FROM diagnoses {where} GROUP BY 1",
            params,
        ).df()

    def present_counts(self, ancestors: pd.DataFrame, encounters: list[str] | None = None) -> pd.DataFrame:
        """Cases of each disease showing each term or a subtype (true-path rule), and exactly the term."""
        where, params = _subset(encounters, alias="f")
        self.connection.register("term_ancestors", ancestors)
        try:
            return self.connection.execute(
                f"""SELECT d.disease_id, a.ancestor_id AS term_id,
                           count(DISTINCT f.encounter_id) AS n_present,
                           count(DISTINCT CASE WHEN a.ancestor_id = f.term_id
                                 THEN f.encounter_id END) AS n_exact
                    FROM findings f
                    JOIN diagnoses d ON d.encounter_id = f.encounter_id
                    JOIN term_ancestors a ON a.term_id = f.term_id
                    {where} {"AND" if where else "WHERE"} f.status = 'present'
                    GROUP BY 1, 2""",
                params,
            ).df()
        finally:
            self.connection.unregister("term_ancestors")

    def labelled_encounters(self) -> pd.DataFrame:
        """Every encounter with a diagnosis: its patient, publication and (first) disease."""
        return self.connection.execute(
            """SELECT e.encounter_id, e.patient_id, e.publication, min(d.disease_id) AS disease_id
               FROM encounters e JOIN diagnoses d USING (encounter_id) GROUP BY 1, 2, 3 ORDER BY 1"""
        ).df()

    def fingerprint(self) -> str:
        """A short digest of the stored findings and diagnoses: equal fingerprints mean nothing to
        re-learn."""
        row = self.connection.execute(
            "SELECT count(*), coalesce(sum(hash(encounter_id || term_id || status)), 0) FROM findings"
        ).fetchall()[0]
        cases = self.connection.execute(
            "SELECT coalesce(sum(hash(encounter_id || disease_id)), 0) FROM diagnoses"
        ).fetchall()[0]
        return f"{row[0]}-{abs(int(row[1])) % 10**12:012d}-{abs(int(cases[0])) % 10**12:012d}"


def _pseudonymise_legacy_names(connection) -> None:
    """Schema 2 stores no file name: legacy names become "<source_id><suffix>" in sources, row refs and
    provenance (a file name may hold a patient's surname)."""
    legacy = connection.execute(
        "SELECT source_id, name FROM sources WHERE path_key IS NULL AND name IS NOT NULL"
    ).fetchall()
    for source_id, name in legacy:
        suffix = Path(name).suffix.lower()[:8] if "." in name else ""
        label = f"{source_id}{suffix}"
        if name == label:
            continue
        connection.execute("UPDATE sources SET name = ? WHERE source_id = ?", [label, source_id]).fetchall()
        connection.execute(
            "UPDATE findings SET provenance = replace(provenance, ?, ?) WHERE contains(provenance, ?)",
            [f"{source_id}:{name}:", f"{label}:", f"{source_id}:{name}:"],
        ).fetchall()
        connection.execute(
            """UPDATE quarantine SET row_ref = ? || substr(row_ref, ?)
               WHERE source_id = ? AND (row_ref = ? OR starts_with(row_ref, ?))""",
            [label, len(name) + 1, source_id, name, f"{name}:"],
        ).fetchall()
    connection.execute("UPDATE sources SET status = 'stored' WHERE status IS NULL").fetchall()


def _subset(encounters: list[str] | None, alias: str = "") -> tuple[str, list]:
    if encounters is None:
        return "", []
    column = f"{alias}.encounter_id" if alias else "encounter_id"
    return f"WHERE {column} IN (SELECT unnest(?))", [encounters]
