"""What a worker reads widely stays shared with the preloaded master: the disease pages read the links'
citations and evidence packed (not the KB's lists of Python strings, whose reference counts would copy
their pages into each worker), and the note extractor is built before the fork. Packed columns read back
exactly what they pack; a burst of rare findings keeps each likelihood cache within its byte budget."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.notes import note_extractor
from knowledge.packed import PackedStrings
from knowledge.search import phenotype_index
from web import diseases
from web.state import Engine, load_engine

STRINGS = ["", "PMID:123;OMIM:601622", "ñandú", "𝟗 digits", "\ud800 lone surrogate", "a" * 5000, "", "x"]


def test_packed_strings_read_back_what_they_pack():
    packed = PackedStrings(STRINGS)
    assert len(packed) == len(STRINGS)
    assert list(packed) == STRINGS
    assert [packed[i] for i in range(-len(STRINGS), 0)] == STRINGS
    assert packed[2:5] == STRINGS[2:5] and packed[::-3] == STRINGS[::-3]
    assert packed[1] is not packed[1]  # decoded afresh: nothing shared is read
    assert packed.nbytes == sum(len(s.encode("utf-8", "surrogatepass")) for s in STRINGS) + 8 * len(STRINGS)
    for bad in (len(STRINGS), -len(STRINGS) - 1):
        with pytest.raises(IndexError):
            packed[bad]
    assert len(PackedStrings([])) == 0 and list(PackedStrings([])) == []


def test_packed_strings_keep_a_real_kb_column(kb):
    packed = PackedStrings(kb.link_refs)
    rng = np.random.default_rng(5)
    for row in rng.integers(0, len(kb.link_refs), 2000).tolist():
        assert packed[row] == kb.link_refs[row]


class _Untouchable(list):
    """A KB column that fails when read: what the serving path must not read."""

    def __getitem__(self, index):
        raise AssertionError("read the KB's list of strings")

    def __iter__(self):
        raise AssertionError("read the KB's list of strings")


def test_disease_page_reads_the_packed_link_columns(kb, tmp_path):
    engine = Engine(kb, None, None, tmp_path)  # type: ignore[arg-type]
    engine.diagnoser = type("D", (), {"kb": kb})()  # (the page reads the diagnoser's KB for the facts)
    index = int(np.bincount(kb.link_disease).argmax())
    disease_id = kb.disease_ids[index]
    expected = diseases.disease(engine, disease_id)
    refs, evidence = kb.link_refs, kb.link_evidence
    try:
        kb.link_refs, kb.link_evidence = _Untouchable(refs), _Untouchable(evidence)
        assert diseases.disease(engine, disease_id) == expected
    finally:
        kb.link_refs, kb.link_evidence = refs, evidence
    assert any(link["references"] for link in expected["phenotypes"])


def test_engine_builds_the_note_extractor_before_the_fork(kb_home):
    from knowledge.config import Settings, load_settings

    base = load_settings()
    settings = Settings(home=kb_home, hpo_dir=base.hpo_dir, ontologies_dir=base.ontologies_dir)
    engine = load_engine(settings)
    import knowledge.notes as notes

    key = (engine.kb.version, len(engine.kb.term_ids))
    assert key in notes._CACHE  # built while loading (in the master, before the fork)
    assert note_extractor(engine.kb) is notes._CACHE[key]
    assert isinstance(engine.link_refs, PackedStrings) and len(engine.link_refs) == len(engine.kb.link_refs)
    assert phenotype_index(engine.kb) is engine.index
    # a reload of the same KB build keeps the packed columns
    again = load_engine(settings, engine)
    assert again.link_refs is engine.link_refs and again.link_evidence is engine.link_evidence


def test_a_burst_of_rare_findings_keeps_each_likelihood_cache_within_its_budget(kb_home, monkeypatch):
    """Random findings, most outside any table, in a literature and the fitted context: both per-worker
    caches of term likelihoods stay within DXGRAPH_CACHE_MB (each of the two kinds), at any time."""
    from knowledge.config import Settings, load_settings
    from web import create_app

    monkeypatch.setenv("DXGRAPH_CACHE_MB", "2")
    monkeypatch.setenv("DXGRAPH_RATE_LIMIT", "1000000 per minute")
    base = load_settings()
    settings = Settings(home=kb_home, hpo_dir=base.hpo_dir, ontologies_dir=base.ontologies_dir)
    app = create_app(settings, testing=True)
    client = app.test_client()
    diagnoser = app.extensions["dxgraph"].peek().diagnoser
    budget = 2 * 2**20
    assert diagnoser.cache.max_bytes == budget
    kb = diagnoser.kb
    rng = np.random.default_rng(11)
    annotated = sorted(set(diagnoser.network.ann_term.tolist()))
    for i in range(40):
        terms = [kb.term_ids[t] for t in rng.choice(annotated, 6, replace=False).tolist()]
        context = ("rare-disease-clinic", "primary-care")[i % 2]
        body = {"observed": terms[:4], "excluded": terms[4:], "context": context, "explain": 3}
        assert client.post("/api/v1/diagnose", json=body).status_code == 200
        assert diagnoser.cache.bytes <= budget
        fitted = diagnoser.__dict__.get("_fitted")
        if fitted is not None:
            held = sum(c.log_present.nbytes + c.log_absent.nbytes for c in fitted._columns.values())
            assert held <= budget
    assert len(diagnoser.cache._cache) > 0
