"""MLOps: the life of a model after it is learned.

`registry` (every model, the production pointer, rollback), `tracking` (MLflow), `relearn` and
`scheduler` (locked, scheduled re-learning), `serving_log` (what was served, as anonymized evidence),
`reference` (the training distribution a model is monitored against), `drift`, `monitor` and
`monitor_report` (the drift check and its report). Everything that runs around serving, not in it.
"""

__all__: list[str] = []  # a package of modules, imported by name; nothing re-exported here
