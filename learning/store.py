"""The central DuckDB store: documented schema, transactional idempotent writes, SQL sufficient statistics."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (          -- one row per ingested file (content hash = idempotency key)
    source_id VARCHAR PRIMARY KEY, kind VARCHAR, name VARCHAR, sha256 VARCHAR, first_run VARCHAR);
CREATE TABLE IF NOT EXISTS ingestion_runs (   -- one row per `dxgraph ingest`
    run_id VARCHAR PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, status VARCHAR,
    rows_read INTEGER, rows_stored INTEGER, rows_quarantined INTEGER);
CREATE TABLE IF NOT EXISTS patients (         -- pseudonymised: patient_id is an HMAC, never a raw id
    patient_id VARCHAR PRIMARY KEY, sex VARCHAR, synthetic BOOLEAN);
CREATE TABLE IF NOT EXISTS encounters (       -- a case / visit; age generalised (90+ -> 90), year only
    encounter_id VARCHAR PRIMARY KEY, patient_id VARCHAR, source_id VARCHAR, age_years DOUBLE,
    age_band VARCHAR, year INTEGER, context VARCHAR, publication VARCHAR, run_id VARCHAR);
CREATE TABLE IF NOT EXISTS findings (         -- HPO findings: present / absent, severity, provenance
    encounter_id VARCHAR, term_id VARCHAR, status VARCHAR, severity VARCHAR, provenance VARCHAR);
CREATE TABLE IF NOT EXISTS diagnoses (        -- confirmed diagnoses (the labels learning uses)
    encounter_id VARCHAR, disease_id VARCHAR, label VARCHAR);
CREATE TABLE IF NOT EXISTS notes (            -- free text, scrubbed of identifiers before storage
    encounter_id VARCHAR, language VARCHAR, text_scrubbed VARCHAR);
CREATE TABLE IF NOT EXISTS quarantine (       -- rows refused, with where they came from and why
    run_id VARCHAR, source_id VARCHAR, row_ref VARCHAR, field VARCHAR, reason VARCHAR);
"""


class Store:
    """A DuckDB file; every ingestion happens inside one transaction."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.connection = duckdb.connect(str(path))
        self.connection.execute(SCHEMA).fetchall()

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self):
        self.connection.execute("BEGIN TRANSACTION").fetchall()
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK").fetchall()
            raise
        else:
            self.connection.execute("COMMIT").fetchall()

    def has_source(self, sha256: str) -> bool:
        return bool(self.connection.execute("SELECT 1 FROM sources WHERE sha256 = ?", [sha256]).fetchall())

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
        return int(self.connection.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])

    # ---- sufficient statistics for learning -------------------------------------------------------
    def case_counts(self, encounters: list[str] | None = None) -> pd.DataFrame:
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
        return self.connection.execute(
            """SELECT e.encounter_id, e.patient_id, e.publication, min(d.disease_id) AS disease_id
               FROM encounters e JOIN diagnoses d USING (encounter_id) GROUP BY 1, 2, 3 ORDER BY 1"""
        ).df()

    def fingerprint(self) -> str:
        row = self.connection.execute(
            "SELECT count(*), coalesce(sum(hash(encounter_id || term_id || status)), 0) FROM findings"
        ).fetchall()[0]
        cases = self.connection.execute(
            "SELECT coalesce(sum(hash(encounter_id || disease_id)), 0) FROM diagnoses"
        ).fetchall()[0]
        return f"{row[0]}-{abs(int(row[1])) % 10**12:012d}-{abs(int(cases[0])) % 10**12:012d}"


def _subset(encounters: list[str] | None, alias: str = "") -> tuple[str, list]:
    if encounters is None:
        return "", []
    column = f"{alias}.encounter_id" if alias else "encounter_id"
    return f"WHERE {column} IN (SELECT unnest(?))", [encounters]


def encounter_evidence(store: Store, encounters: list[str] | None = None) -> pd.DataFrame:
    """One row per encounter: present and absent term lists, age, sex (what the engine needs)."""
    where, params = _subset(encounters, alias="e")
    return store.connection.execute(
        f"""SELECT e.encounter_id, e.age_years, p.sex,
                   list(f.term_id) FILTER (WHERE f.status = 'present') AS present,
                   list(f.term_id) FILTER (WHERE f.status = 'absent') AS absent
            FROM encounters e JOIN patients p USING (patient_id)
            LEFT JOIN findings f ON f.encounter_id = e.encounter_id
            {where} GROUP BY 1, 2, 3 ORDER BY 1""",
        params,
    ).df()
