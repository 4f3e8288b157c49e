"""The likelihood table (inference/term_table.py): a diagnoser reading the most used terms' columns from
the memory-mapped table answers as one that computes them, in every context and for absent findings;
the table is reused for the same model and rebuilt for another."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from inference.engine import Diagnoser
from inference.evidence import CONTEXTS, make_evidence
from inference.params import ModelParams
from inference.term_table import ensure_table, load_table, most_used_terms, table_key

COUNT = 300  # terms in the test tables (the server's default is thousands; the rule is the same)


def _cases(kb, tabled: np.ndarray, seed: int, count: int) -> list[tuple[list[str], list[str]]]:
    """Findings mixing tabled and untabled terms, present and absent."""
    rng = random.Random(seed)
    inside = [kb.term_ids[t] for t in tabled.tolist()]
    outside = [t for t in kb.term_ids[1000:3000] if kb.term_index[t] not in set(tabled.tolist())]
    cases = []
    for _ in range(count):
        observed = rng.sample(inside, rng.randint(1, 6)) + rng.sample(outside, rng.randint(0, 3))
        excluded = rng.sample(inside, rng.randint(0, 3)) + rng.sample(outside, rng.randint(0, 1))
        cases.append((observed, [t for t in excluded if t not in observed]))
    return cases


@pytest.fixture(scope="module")
def tables(kb, tmp_path_factory):
    root = tmp_path_factory.mktemp("term-tables")
    plain = Diagnoser(kb)
    tabled = Diagnoser(kb)
    table = ensure_table(tabled, root, COUNT, jobs=2, progress=False)
    tabled.attach_table(table)
    return root, plain, tabled, table


def test_a_tabled_diagnoser_answers_as_one_that_computes(kb, tables):
    _, plain, tabled, table = tables
    assert len(table) == COUNT
    terms = most_used_terms(plain, COUNT)
    assert (table.slot[terms] >= 0).all() and (table.slot >= 0).sum() == COUNT
    assert plain.params.fitted_contexts, "the fitted context must be exercised too"
    worst = 0.0
    for context in CONTEXTS:
        for observed, excluded in _cases(kb, terms, seed=len(context), count=25):
            evidence = make_evidence(kb, observed, excluded, context=context, strict=False)
            expected = plain.diagnose(evidence, top=20)
            got = tabled.diagnose(evidence, top=20)
            assert [r.disease_id for r in got.ranking] == [r.disease_id for r in expected.ranking]
            for a, b in zip(got.ranking, expected.ranking, strict=True):
                worst = max(worst, abs(a.probability - b.probability))
                assert a.probability == pytest.approx(b.probability, rel=1e-5, abs=1e-9)
    assert worst < 1e-5


def test_the_table_holds_the_columns_of_the_caches(kb, tables):
    _, plain, _, table = tables
    term = int(most_used_terms(plain, COUNT)[7])
    row = table.row(term)
    lit = plain.cache.columns(term)
    np.testing.assert_allclose(table.lit_log_present[row], lit.log_present(plain.network), rtol=1e-6)
    assert table.lit_other[row] == pytest.approx(lit.log_present_other())
    fitted = plain.fitted.columns(term)
    np.testing.assert_array_equal(table.fit_log_present[row], fitted.log_present)
    np.testing.assert_array_equal(table.fit_log_absent[row], fitted.log_absent)
    assert table.row(int(np.setdiff1d(np.arange(len(kb.term_ids)), most_used_terms(plain, COUNT))[0])) == -1


def test_the_table_is_reused_for_the_same_model_and_rebuilt_for_another(kb, tables):
    root, plain, _, table = tables
    directory = root / table.key
    stamp = (directory / "table.json").stat().st_mtime_ns
    again = ensure_table(Diagnoser(kb), root, COUNT, progress=False)
    assert again.key == table.key and (directory / "table.json").stat().st_mtime_ns == stamp
    other = Diagnoser(kb, params=replace(ModelParams(), leak_floor=ModelParams().leak_floor * 2))
    assert table_key(other) != table.key
    rebuilt = ensure_table(other, root, 50, progress=False)
    assert len(rebuilt) == 50 and (root / rebuilt.key).is_dir()
    assert not directory.exists(), "a table of another model is removed"
    assert load_table(root / rebuilt.key, len(kb.term_ids)).key == rebuilt.key
