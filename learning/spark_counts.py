"""The sufficient statistics on Apache Spark (`dxgraph learn --engine spark`), for data past one machine.

The store's tables are exported to Parquet (or read from $DXGRAPH_SPARK_DATA, a directory or URI with
findings/, diagnoses/, encounters/ and patients/ Parquet datasets, for data kept outside DuckDB) and the
same SQL as the DuckDB engine runs in Spark SQL. The master comes from $DXGRAPH_SPARK_MASTER (default
local[*]); pyspark is imported here only, so the rest of dxgraph never needs it.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import pandas as pd

from knowledge import config
from learning.count_sql import sql, tidy
from learning.store import Store

__all__ = ["SparkCounts"]

TABLES = {
    "findings": "SELECT encounter_id, term_id, status FROM findings",
    "diagnoses": "SELECT encounter_id, disease_id FROM diagnoses",
    "encounters": "SELECT encounter_id, patient_id, age_band FROM encounters",
    "patients": "SELECT patient_id, sex FROM patients",
}


def spark_session():
    """A Spark session (created once per process and reused)."""
    from pyspark.sql import SparkSession

    master = config.spark_master()
    builder = (
        SparkSession.builder.master(master)
        .appName("dxgraph-counts")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", config.spark_partitions())
        .config("spark.driver.memory", config.spark_driver_memory())
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _copy(store: Store, query: str, path: Path) -> str:
    store.connection.execute(f"COPY ({query}) TO '{path}' (FORMAT parquet)").fetchall()
    return str(path)


class SparkCounts:
    """case_counts / present_counts (and the stratified tables) computed by Spark."""

    def __init__(self, store: Store, data: str | None = None) -> None:
        self.store = store
        self.data = data or config.spark_data()

    def case_counts(self, encounters: list[str] | None = None) -> pd.DataFrame:
        """As `Store.case_counts`, computed by Spark."""
        return self.counts("cases", None, encounters)

    def present_counts(self, ancestors: pd.DataFrame, encounters: list[str] | None = None) -> pd.DataFrame:
        """As `Store.present_counts`, computed by Spark."""
        return self.counts("present", ancestors, encounters)

    def counts(self, name: str, ancestors: pd.DataFrame | None, encounters: list[str] | None) -> pd.DataFrame:
        """Run one of the shared count queries in Spark SQL and collect it as a sorted pandas frame."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pyspark: pandas 3 "not yet fully supported"
            return self._counts(name, ancestors, encounters)

    def _counts(
        self, name: str, ancestors: pd.DataFrame | None, encounters: list[str] | None
    ) -> pd.DataFrame:
        spark = spark_session()
        with tempfile.TemporaryDirectory(prefix="dxgraph-spark-") as scratch:
            for view, path in self._export(Path(scratch), ancestors, encounters).items():
                spark.read.parquet(path).createOrReplaceTempView(view)
            result = spark.sql(sql(name, encounters is not None))
            columns = result.columns
            rows = [tuple(row) for row in result.collect()]
        return tidy(pd.DataFrame(rows, columns=columns), name)

    def _export(
        self, folder: Path, ancestors: pd.DataFrame | None, encounters: list[str] | None
    ) -> dict[str, str]:
        """Parquet paths of the tables (the store's, or $DXGRAPH_SPARK_DATA's) and of the query inputs."""
        if self.data:
            paths = {table: f"{self.data.rstrip('/')}/{table}" for table in TABLES}
        else:
            paths = {
                table: _copy(self.store, query, folder / f"{table}.parquet")
                for table, query in TABLES.items()
            }
        inputs = {
            "term_ancestors": None if ancestors is None else ancestors[["term_id", "ancestor_id"]],
            "subset": None
            if encounters is None
            else pd.DataFrame({"encounter_id": pd.Series(encounters, dtype=object)}),
        }
        db = self.store.connection
        for view, frame in inputs.items():
            if frame is None:
                continue
            db.register(f"dxgraph_{view}", frame)
            try:
                paths[view] = _copy(self.store, f"SELECT * FROM dxgraph_{view}", folder / f"{view}.parquet")
            finally:
                db.unregister(f"dxgraph_{view}")
        return paths
