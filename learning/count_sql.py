"""The SQL of the sufficient statistics, run as is by both engines (DuckDB in `learning.counts`, Spark in
`learning.spark_counts`): one text, so the two give the same numbers by construction.

Here, below both engines, so neither imports the other for it.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["sql", "tidy"]

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
