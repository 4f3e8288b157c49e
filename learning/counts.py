"""The sufficient statistics of learning and where they are computed: DuckDB (default) or Spark.

Case counts per disease and disease-phenotype co-occurrence counts under the true-path rule (a case
showing a term also shows all its ancestors), overall and by stratum (age band x sex). The SQL below is
run as is by both engines, so the two give the same numbers by construction and the test checks it.
"""

from __future__ import annotations

from typing import Protocol

import pandas as pd

from learning.store import Store

ENGINES = ("duckdb", "spark")
STRATA = ("age_band", "sex")

STRATA_VIEW = """
    SELECT e.encounter_id, coalesce(e.age_band, 'unknown') AS age_band,
           coalesce(CASE WHEN lower(p.sex) IN ('female', 'male') THEN lower(p.sex) END, 'unknown') AS sex
    FROM encounters e LEFT JOIN patients p ON p.patient_id = e.patient_id"""

CASES_SQL = """
    SELECT d.disease_id, count(DISTINCT d.encounter_id) AS n_cases
    FROM diagnoses d {where} GROUP BY d.disease_id"""

PRESENT_SQL = """
    SELECT d.disease_id, a.ancestor_id AS term_id,
           count(DISTINCT f.encounter_id) AS n_present,
           count(DISTINCT CASE WHEN a.ancestor_id = f.term_id THEN f.encounter_id END) AS n_exact
    FROM findings f
    JOIN diagnoses d ON d.encounter_id = f.encounter_id
    JOIN term_ancestors a ON a.term_id = f.term_id
    WHERE f.status = 'present' {and_where}
    GROUP BY d.disease_id, a.ancestor_id"""

STRATIFIED_CASES_SQL = f"""
    WITH strata AS ({STRATA_VIEW})
    SELECT d.disease_id, coalesce(s.age_band, 'unknown') AS age_band, coalesce(s.sex, 'unknown') AS sex,
           count(DISTINCT d.encounter_id) AS n_cases
    FROM diagnoses d LEFT JOIN strata s ON s.encounter_id = d.encounter_id {{where}}
    GROUP BY 1, 2, 3"""

STRATIFIED_PRESENT_SQL = f"""
    WITH strata AS ({STRATA_VIEW})
    SELECT d.disease_id, a.ancestor_id AS term_id,
           coalesce(s.age_band, 'unknown') AS age_band, coalesce(s.sex, 'unknown') AS sex,
           count(DISTINCT f.encounter_id) AS n_present,
           count(DISTINCT CASE WHEN a.ancestor_id = f.term_id THEN f.encounter_id END) AS n_exact
    FROM findings f
    JOIN diagnoses d ON d.encounter_id = f.encounter_id
    JOIN term_ancestors a ON a.term_id = f.term_id
    LEFT JOIN strata s ON s.encounter_id = f.encounter_id
    WHERE f.status = 'present' {{and_where}}
    GROUP BY 1, 2, 3, 4"""

SUBSET = "d.encounter_id IN (SELECT encounter_id FROM subset)"
KEYS = {
    "cases": ["disease_id"],
    "present": ["disease_id", "term_id"],
    "stratified_cases": ["disease_id", *STRATA],
    "stratified_present": ["disease_id", "term_id", *STRATA],
}


class CountSource(Protocol):
    """What `learning.learn.fit` needs (the Store itself is one: DuckDB)."""

    def case_counts(self, encounters: list[str] | None = None) -> pd.DataFrame: ...

    def present_counts(
        self, ancestors: pd.DataFrame, encounters: list[str] | None = None
    ) -> pd.DataFrame: ...


def count_source(store: Store, engine: str = "duckdb") -> CountSource:
    """The store (DuckDB SQL) or a Spark job over the store's tables; pyspark is imported only for spark."""
    if engine == "duckdb":
        return store
    if engine == "spark":
        from learning.spark_counts import SparkCounts

        return SparkCounts(store)
    raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")


def sql(name: str, subset: bool) -> str:
    """The query text shared by both engines, restricted to the `subset` view of encounter ids or not."""
    template = {
        "cases": CASES_SQL,
        "present": PRESENT_SQL,
        "stratified_cases": STRATIFIED_CASES_SQL,
        "stratified_present": STRATIFIED_PRESENT_SQL,
    }[name]
    return template.format(
        where=f"WHERE {SUBSET}" if subset else "", and_where=f"AND {SUBSET}" if subset else ""
    )


def tidy(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Sorted by key with int64 counts, so results of both engines compare equal."""
    for column in frame.columns:
        if column.startswith("n_"):
            frame[column] = frame[column].astype("int64")
    return frame.sort_values(KEYS[name]).reset_index(drop=True)


def duckdb_counts(
    store: Store, name: str, ancestors: pd.DataFrame | None = None, encounters: list[str] | None = None
) -> pd.DataFrame:
    """One of the count tables computed in the DuckDB store."""
    db = store.connection
    registered = []
    try:
        if ancestors is not None:
            db.register("term_ancestors", ancestors)
            registered.append("term_ancestors")
        if encounters is not None:
            db.register("subset", pd.DataFrame({"encounter_id": pd.Series(encounters, dtype=object)}))
            registered.append("subset")
        return tidy(db.execute(sql(name, encounters is not None)).df(), name)
    finally:
        for view in registered:
            db.unregister(view)


def stratified_counts(
    store: Store, ancestors: pd.DataFrame, encounters: list[str] | None = None, engine: str = "duckdb"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cases, present) by disease x age band x sex; summing over strata gives the overall counts."""
    if engine == "spark":
        from learning.spark_counts import SparkCounts

        spark = SparkCounts(store)
        return (
            spark.counts("stratified_cases", None, encounters),
            spark.counts("stratified_present", ancestors, encounters),
        )
    if engine != "duckdb":
        raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")
    return (
        duckdb_counts(store, "stratified_cases", None, encounters),
        duckdb_counts(store, "stratified_present", ancestors, encounters),
    )
