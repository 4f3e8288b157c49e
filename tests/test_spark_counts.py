"""The sufficient statistics on Spark (local mode) equal DuckDB's, and so do the models learned from them."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from cli.main import build_parser, main
from learning.counts import ENGINES, duckdb_counts
from learning.learn import ancestor_table, learn
from learning.store import Store


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


REPO = Path(__file__).resolve().parents[1]


def test_spark_is_imported_only_for_the_spark_engine():
    code = "import sys, cli.main, learning.learn, learning.counts; sys.exit('pyspark' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 0
    assert build_parser().parse_args(["learn", "--engine", "spark"]).engine == "spark"
    assert build_parser().parse_args(["learn"]).engine == "duckdb"


@pytest.fixture(scope="module")
def pyspark_available() -> None:
    missing = []
    if importlib.util.find_spec("pyspark") is None:
        missing.append("pyspark (pip install -e '.[dev]' or '.[spark]')")
    if shutil.which("java") is None:
        missing.append("Java 17+ (apt-get install openjdk-17-jre-headless)")
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"the Spark engine's test needs {' and '.join(missing)}")
    if missing:
        pytest.skip(f"needs {' and '.join(missing)}")


def _links(artifact) -> dict:
    return dict(
        zip(zip(artifact.link_disease, artifact.link_term, strict=True), artifact.link_strength, strict=True)
    )


@pytest.mark.slow
def test_spark_and_duckdb_give_identical_counts_and_models(
    pyspark_available, kb_home, kb, dev_cases_dir, tmp_path, monkeypatch, capsys
):
    home = tmp_path / "home"
    shutil.copytree(kb_home / "kb", home / "kb")
    subset = tmp_path / "subset"
    subset.mkdir()
    for path in sorted(dev_cases_dir.glob("*.json"))[::16][:300]:
        shutil.copy(path, subset / path.name)
    monkeypatch.setenv("DXGRAPH_PSEUDONYM_KEY", "test-key")
    monkeypatch.setenv("DXGRAPH_MLFLOW_URI", "off")
    monkeypatch.setenv("DXGRAPH_SPARK_MASTER", "local[2]")
    assert main(["--home", str(home), "ingest", str(subset)]) == 0
    ancestors = ancestor_table(kb)
    with Store(home / "store.duckdb") as store:
        some = store.labelled_encounters()["encounter_id"].tolist()[::2]
        timings = {}
        for engine in ("duckdb", "spark"):
            started = time.perf_counter()
            stratified_counts(store, ancestors, None, engine)  # warm-up (Spark: JVM start)
            started = time.perf_counter()
            cases, present = stratified_counts(store, ancestors, None, engine)
            subset_cases, subset_present = stratified_counts(store, ancestors, some, engine)
            timings[engine] = (
                round(time.perf_counter() - started, 2),
                cases,
                present,
                subset_cases,
                subset_present,
            )
        for duck, spark in zip(timings["duckdb"][1:], timings["spark"][1:], strict=True):
            assert len(duck) > 0
            pd.testing.assert_frame_equal(duck, spark, check_dtype=False)
        _, cases, present, _, _ = timings["duckdb"]
        assert {"age_band", "sex"} <= set(present.columns) and present["sex"].nunique() >= 2
        # the strata add up to the overall counts the learning uses (each case is in one stratum)
        overall = duckdb_counts(store, "present", ancestors)
        summed = present.groupby(["disease_id", "term_id"], as_index=False)[["n_present", "n_exact"]].sum()
        pd.testing.assert_frame_equal(overall, summed, check_dtype=False)
        duck_model = learn(store, kb, home / "models", promote=False, engine="duckdb").artifact
        spark_model = learn(store, kb, home / "models", promote=False, engine="spark").artifact
    assert _links(duck_model) == _links(spark_model) and len(_links(duck_model)) > 1000
    assert (
        duck_model.prevalence == spark_model.prevalence
        and duck_model.new_diseases == spark_model.new_diseases
    )
    assert duck_model.info["metrics"] == spark_model.info["metrics"]
    assert spark_model.info["engine"] == "spark"
    with capsys.disabled():
        print(
            f"\ncounts of {len(present)} stratified (disease, term) rows, overall + a half subset: "
            f"duckdb {timings['duckdb'][0]} s, spark local[2] {timings['spark'][0]} s (JVM warm)"
        )
