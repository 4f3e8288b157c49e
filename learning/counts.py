"""The sufficient statistics of learning and where they are computed: DuckDB (default) or Spark.

Case counts per disease and disease-phenotype co-occurrence counts under the true-path rule (a case
showing a term also shows all its ancestors), overall and by stratum (age band x sex). The SQL below is
run as is by both engines, so the two give the same numbers by construction and the test checks it.
"""

from __future__ import annotations

from typing import Protocol

import pandas as pd

from learning.count_sql import sql, tidy
from learning.store import Store

__all__ = ["ENGINES", "CountSource", "count_source", "duckdb_counts"]

ENGINES = ("duckdb", "spark")


class CountSource(Protocol):
    """What `learning.learn.fit` needs (the Store itself is one: DuckDB)."""

    def case_counts(self, encounters: list[str] | None = None) -> pd.DataFrame:
        """Cases per disease (disease_id, n_cases), over all encounters or the given ones."""
        ...

    def present_counts(self, ancestors: pd.DataFrame, encounters: list[str] | None = None) -> pd.DataFrame:
        """Cases per disease showing each term or a descendant of it (true-path rule), over all encounters
        or the given ones."""
        ...


def count_source(store: Store, engine: str = "duckdb") -> CountSource:
    """The store (DuckDB SQL) or a Spark job over the store's tables; pyspark is imported only for spark."""
    if engine == "duckdb":
        return store
    if engine == "spark":
        from learning.spark_counts import SparkCounts

        return SparkCounts(store)
    raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")


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
