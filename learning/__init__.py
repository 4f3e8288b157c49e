"""Learning from patients: the store, the ingestion that fills it and the models learned from it.

- `store`: the central DuckDB store every part below reads or writes.
- `counts` / `spark_counts` / `count_sql`: the sufficient statistics (DuckDB or Spark, one SQL).
- `refine` / `learn`: a new model from the store's counts, validated and registered.
- `ingest/`: files of any format -> store rows; `privacy/`: de-identification before storage;
  `evaluation/`: cases, splits and the evaluation protocol; `fit/`: the scoring parameters;
  `ops/`: registry, scheduled re-learning, serving log and drift monitoring; `synthetic/`: synthetic data.
"""

__all__: list[str] = []  # a package of modules, imported by name; nothing re-exported here
