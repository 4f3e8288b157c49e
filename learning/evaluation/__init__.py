"""Evaluation on stored encounters: which cases, which split, which baseline, and the protocol.

`cases` (stored encounters as evaluation cases, one query for every evaluation), `split` and `stratify`
(grouped, stratified hold-outs), `baseline` (the one-vs-rest logistic regression), `protocol` (the
evaluation protocol of issue 4) and `protocol_report` (its HTML report).
"""

__all__: list[str] = []  # a package of modules, imported by name; nothing re-exported here
