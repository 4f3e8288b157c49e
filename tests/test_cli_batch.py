"""`dxgraph diagnose --phenopackets` on several processes writes what one process writes, in input order."""

from __future__ import annotations

import io
import json

import numpy as np

from cli.batch import PARALLEL_FROM, read_cases, run_batch
from cli.diagnose_commands import batch_record
from inference.engine import Diagnoser
from inference.phenopackets import iter_packets


def _first_packets(directory, count: int) -> list[tuple[str, dict]]:
    items = []
    for where, packet in iter_packets(directory):
        items.append((where, packet))
        if len(items) == count:
            break
    return items


def test_parallel_batch_equals_one_process(kb, dev_cases_dir):
    items = _first_packets(dev_cases_dir, PARALLEL_FROM + 16)
    options = {"top": 5, "sources": None}
    outputs = []
    for jobs in (1, 2):
        diagnoser = Diagnoser(kb)  # a cold cache each time: the parallel run computes its terms itself
        cases = read_cases(diagnoser, items, "rare-disease-clinic")
        out = io.StringIO()
        assert run_batch(diagnoser, cases, options, batch_record, out, jobs) == len(cases)
        outputs.append(out.getvalue())
        if jobs == 2:  # every finding term was computed by the workers and handed back: in this fitted
            # context only the fitted columns, the ones the diagnosing workers read
            wanted = {kb.term_index[f.term] for _, e in cases for f in diagnoser.scored_findings(e)[0]}
            assert wanted <= set(diagnoser.fitted._columns)
            assert not wanted & set(diagnoser.cache._cache)
    assert outputs[0] == outputs[1]
    lines = [json.loads(line) for line in outputs[1].splitlines()]
    assert [line["case_id"] for line in lines] == [case_id for case_id, _ in cases]
    assert all(len(line["ranking"]) == 5 for line in lines)


def test_a_batch_reading_the_likelihood_table_writes_what_a_computing_one_writes(kb, dev_cases_dir, tmp_path):
    from inference.term_table import ensure_table

    items = _first_packets(dev_cases_dir, PARALLEL_FROM + 16)
    options = {"top": 5, "sources": None}
    rankings = []
    for table_terms in (0, 400):
        diagnoser = Diagnoser(kb)
        if table_terms:
            diagnoser.attach_table(ensure_table(diagnoser, tmp_path, table_terms, jobs=2, progress=False))
        cases = read_cases(diagnoser, items, "rare-disease-clinic")
        out = io.StringIO()
        assert run_batch(diagnoser, cases, options, batch_record, out, 2) == len(cases)
        if table_terms:  # the terms outside the table were computed by the workers, fitted columns too
            wanted = {kb.term_index[f.term] for _, e in cases for f in diagnoser.scored_findings(e)[0]}
            outside = {t for t in wanted if diagnoser.table.row(t) < 0}
            assert outside and outside <= set(diagnoser.fitted._columns)
            assert not (wanted - outside) & set(diagnoser.fitted._columns)
        rankings.append([json.loads(line)["ranking"] for line in out.getvalue().splitlines()])
    for computed, tabled in zip(*rankings, strict=True):
        assert [r["disease_id"] for r in computed] == [r["disease_id"] for r in tabled]
        for a, b in zip(computed, tabled, strict=True):
            assert abs(a["probability"] - b["probability"]) < 1e-5


def test_a_literature_context_batch_hands_back_the_literature_columns_only(kb, dev_cases_dir):
    items = _first_packets(dev_cases_dir, PARALLEL_FROM + 16)
    options = {"top": 5, "sources": None}
    outputs = []
    for jobs in (1, 2):
        diagnoser = Diagnoser(kb)
        cases = read_cases(diagnoser, items, "primary-care")
        out = io.StringIO()
        assert run_batch(diagnoser, cases, options, batch_record, out, jobs) == len(cases)
        outputs.append(out.getvalue())
        if jobs == 2:
            wanted = {kb.term_index[f.term] for _, e in cases for f in diagnoser.scored_findings(e)[0]}
            assert wanted <= set(diagnoser.cache._cache)
            assert not diagnoser.fitted._columns
    assert outputs[0] == outputs[1]


def test_the_curated_only_literature_columns_give_the_fitted_columns_of_the_full_ones(kb):
    diagnoser = Diagnoser(kb)
    net, cache = diagnoser.network, diagnoser.cache
    curated = net.curated_index
    assert len(curated)
    checked = 0
    for term_id in (
        "HP:0002315",
        "HP:0001945",
        "HP:0012735",
        "HP:0007359",
        "HP:0001250",
        "HP:0000252",
    ):  # headache, fever, cough, focal seizure, seizure, microcephaly
        term = kb.term_index[term_id]
        full, partial = cache.compute(term), cache.curated_columns(term)
        np.testing.assert_array_equal(full.log_present(net)[curated], partial.log_present(net)[curated])
        np.testing.assert_array_equal(
            full.log_absent(net, "rare-disease-clinic")[curated],
            partial.log_absent(net, "rare-disease-clinic")[curated],
        )
        a, b = diagnoser.fitted.compute(term, full), diagnoser.fitted.compute(term, partial)
        np.testing.assert_array_equal(a.log_present, b.log_present)
        np.testing.assert_array_equal(a.log_absent, b.log_absent)
        assert (a.other_present, a.other_absent) == (b.other_present, b.other_absent)
        # the fuzzy match is skipped for the other diseases: the partial columns are no substitute there
        checked += len(full.related_index) > len(partial.related_index)
    assert checked
