"""`dxgraph diagnose --phenopackets` on several processes writes what one process writes, in input order."""

from __future__ import annotations

import io
import json

from cli.batch import PARALLEL_FROM, read_cases, run_batch
from cli.diagnose_commands import batch_record
from inference.engine import Diagnoser
from inference.phenopackets import iter_packets


def test_parallel_batch_equals_one_process(kb, dev_cases_dir):
    items = []
    for where, packet in iter_packets(dev_cases_dir):
        items.append((where, packet))
        if len(items) == PARALLEL_FROM + 16:
            break
    options = {"top": 5, "sources": None}
    outputs = []
    for jobs in (1, 2):
        diagnoser = Diagnoser(kb)  # a cold cache each time: the parallel run computes its terms itself
        cases = read_cases(diagnoser, items, "rare-disease-clinic")
        out = io.StringIO()
        assert run_batch(diagnoser, cases, options, batch_record, out, jobs) == len(cases)
        outputs.append(out.getvalue())
        if jobs == 2:  # every finding term was computed by the workers and handed back
            wanted = {kb.term_index[f.term] for _, e in cases for f in diagnoser.scored_findings(e)[0]}
            assert wanted <= set(diagnoser.cache._cache)
    assert outputs[0] == outputs[1]
    lines = [json.loads(line) for line in outputs[1].splitlines()]
    assert [line["case_id"] for line in lines] == [case_id for case_id, _ in cases]
    assert all(len(line["ranking"]) == 5 for line in lines)
