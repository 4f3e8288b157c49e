"""The knowledge base as one networkx graph: phenotype DAG + diseases + aggregated disease-phenotype links.

Nodes
    ``HP:nnnnnnn``  kind="phenotype", label, label_es (None when not curated)
    disease CURIE   kind="disease", label, label_es, source, orphan, prevalence (None when unknown),
                    plus the curated extras of ``kb.disease_info`` (icd10, xrefs, setting, age_min, ...)

Edges
    term -> parent      kind="is_a"
    disease -> term     kind="has_phenotype", one edge per (disease, term) pair, see `aggregate_links`

The same aggregation feeds the RDF export (`knowledge.rdf_export`), so the graph and the SPARQL store
always agree on what a "link" is.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

import networkx as nx
import numpy as np

from knowledge.kb import ORIGINS, SEXES, KnowledgeBase

__all__ = [
    "HAS_PHENOTYPE",
    "Link",
    "aggregate_links",
    "build_graph",
    "descendants_or_self",
    "diseases",
    "links_to",
]

IS_A = "is_a"
HAS_PHENOTYPE = "has_phenotype"
_CACHE_KEY = "aggregated_links"


class Link(NamedTuple):
    """All KB rows of one (disease, term) pair folded into one statement.

    Aggregation rules (kept deliberately simple):

    * ``negated`` is True only if *every* row of the pair is a NOT row; otherwise the link is positive
      and the NOT rows are ignored for frequency/n/m (they still contribute references and evidence).
    * ``frequency`` is the maximum known frequency over the rows of the link's polarity (None if none
      is known); ``n``/``m`` come from the row that gave that maximum, when it was an n/m frequency.
    * ``references`` is the union of all rows' ';'-separated citations (first-seen order);
      ``evidence`` the distinct evidence codes (first-seen order); ``onset`` the distinct onset terms.
    * ``origin`` is the highest in ORIGINS order (hpo < curated < overlay); ``sex`` is kept only when all
      rows name the same sex.
    """

    disease: int
    term: int
    frequency: float | None
    n: int | None
    m: int | None
    negated: bool
    origin: str
    references: tuple[str, ...]
    evidence: tuple[str, ...]
    onset: tuple[int, ...]
    sex: str | None
    rows: int


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while creating many small objects (it otherwise triples the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _freq_values(kb: KnowledgeBase) -> list[float | None]:
    """float32 frequencies as the shortest decimal that round-trips (0.5714286, not 0.571428596...)."""
    unique, inverse = np.unique(kb.link_freq, return_inverse=True)
    values = [None if text == "nan" else float(text) for text in unique.astype(str).tolist()]
    return [values[i] for i in inverse.tolist()]


def _split_refs(text: str) -> tuple[str, ...]:
    if ";" not in text:
        return (text,) if text else ()
    return tuple(dict.fromkeys(r for r in text.split(";") if r))


def aggregate_links(kb: KnowledgeBase) -> list[Link]:
    """One `Link` per distinct (disease, term) pair, sorted by disease then term index (cached on the kb)."""
    cached = kb._cache.get(_CACHE_KEY)
    if cached is None:
        with gc_paused():
            cached = kb._cache[_CACHE_KEY] = _aggregate(kb)
    return cached


def _aggregate(kb: KnowledgeBase) -> list[Link]:
    keys = kb.link_disease.astype(np.int64) * len(kb.term_ids) + kb.link_term.astype(np.int64)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    ends = np.r_[starts[1:], len(order)]
    freqs = _freq_values(kb)
    disease = kb.link_disease.tolist()
    term = kb.link_term.tolist()
    n = kb.link_n.tolist()
    m = kb.link_m.tolist()
    negated = kb.link_negated.tolist()
    origin = kb.link_origin.tolist()
    sex = kb.link_sex.tolist()
    onset = kb.link_onset.tolist()
    refs = kb.link_refs
    evidence = kb.link_evidence
    order_list = order.tolist()
    links: list[Link] = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if end - start == 1:  # the common case, kept fast
            i = order_list[start]
            links.append(
                Link(
                    disease[i],
                    term[i],
                    freqs[i],
                    n[i] if m[i] > 0 and freqs[i] is not None else None,
                    m[i] if m[i] > 0 and freqs[i] is not None else None,
                    negated[i],
                    ORIGINS[origin[i]],
                    _split_refs(refs[i]),
                    (evidence[i],) if evidence[i] else (),
                    (onset[i],) if onset[i] >= 0 else (),
                    SEXES[sex[i]] or None,
                    1,
                )
            )
            continue
        rows = order_list[start:end]
        is_negated = all(negated[i] for i in rows)
        best: int | None = None
        for i in rows:
            if negated[i] == is_negated and freqs[i] is not None and (best is None or freqs[i] > freqs[best]):
                best = i
        sexes = {SEXES[sex[i]] for i in rows}
        links.append(
            Link(
                disease=disease[rows[0]],
                term=term[rows[0]],
                frequency=None if best is None else freqs[best],
                n=n[best] if best is not None and m[best] > 0 else None,
                m=m[best] if best is not None and m[best] > 0 else None,
                negated=is_negated,
                origin=ORIGINS[max(origin[i] for i in rows)],
                references=tuple(dict.fromkeys(r for i in rows for r in refs[i].split(";") if r)),
                evidence=tuple(dict.fromkeys(evidence[i] for i in rows if evidence[i])),
                onset=tuple(dict.fromkeys(onset[i] for i in rows if onset[i] >= 0)),
                sex=next(iter(sexes)) or None if len(sexes) == 1 else None,
                rows=len(rows),
            )
        )
    return links


def _disease_attrs(kb: KnowledgeBase, index: int) -> dict:
    info = kb.disease_info[index]
    prevalence = float(kb.disease_prevalence[index])
    attrs = {k: v for k, v in info.items() if k not in ("label_es", "curated_in")}
    attrs.update(
        kind="disease",
        label=kb.disease_names[index],
        label_es=info.get("label_es"),
        source=kb.disease_source[index],
        orphan=bool(kb.disease_orphan[index]),
        prevalence=None if np.isnan(prevalence) else prevalence,
    )
    return attrs


def build_graph(kb: KnowledgeBase) -> nx.DiGraph:
    """The whole KB as one DiGraph (see the module docstring for node and edge attributes)."""
    links = aggregate_links(kb)
    with gc_paused():
        return _build_graph(kb, links)


def _build_graph(kb: KnowledgeBase, links: list[Link]) -> nx.DiGraph:
    graph = nx.DiGraph(kb_version=kb.version, hpo_release=kb.release)
    labels_es = kb.term_info["labels_es"]
    graph.add_nodes_from(
        (t, {"kind": "phenotype", "label": name, "label_es": labels_es.get(t)})
        for t, name in zip(kb.term_ids, kb.term_names, strict=True)
    )
    ptr = kb.term_parent_ptr.tolist()
    parents = kb.term_parent_idx.tolist()
    term_ids = kb.term_ids
    graph.add_edges_from(
        (term_ids[child], term_ids[parents[j]], {"kind": IS_A})
        for child in range(len(term_ids))
        for j in range(ptr[child], ptr[child + 1])
    )
    graph.add_nodes_from((d, _disease_attrs(kb, i)) for i, d in enumerate(kb.disease_ids))
    disease_ids = kb.disease_ids
    graph.add_edges_from(
        (
            disease_ids[link.disease],
            term_ids[link.term],
            {
                "kind": HAS_PHENOTYPE,
                "frequency": link.frequency,
                "n": link.n,
                "m": link.m,
                "negated": link.negated,
                "origin": link.origin,
                "references": list(link.references),
                "evidence": list(link.evidence),
                "onset": [term_ids[o] for o in link.onset],
                "sex": link.sex,
                "rows": link.rows,
            },
        )
        for link in links
    )
    return graph


# ---- helpers for analysts and tests ------------------------------------------------------------------


def diseases(graph: nx.DiGraph) -> list[str]:
    """All disease node ids."""
    return [node for node, kind in graph.nodes(data="kind") if kind == "disease"]


def parents(graph: nx.DiGraph, term: str) -> list[str]:
    return [p for p, data in graph.succ[term].items() if data["kind"] == IS_A]


def children(graph: nx.DiGraph, term: str) -> list[str]:
    return [c for c, data in graph.pred[term].items() if data["kind"] == IS_A]


def _closure(graph: nx.DiGraph, term: str, step) -> set[str]:
    seen = {term}
    stack = [term]
    while stack:
        for nxt in step(graph, stack.pop()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def descendants_or_self(graph: nx.DiGraph, term: str) -> set[str]:
    """The term and all its subtypes (following is_a edges backwards; diseases are never included)."""
    return _closure(graph, term, children)


def links_to(
    graph: nx.DiGraph, terms: str | Iterable[str], negated: bool | None = False
) -> dict[tuple[str, str], dict]:
    """(disease, term) -> edge attributes of every link pointing at the given term(s)."""
    wanted = [terms] if isinstance(terms, str) else list(terms)
    return {
        (d, t): data
        for t in wanted
        for d, data in graph.pred[t].items()
        if data["kind"] == HAS_PHENOTYPE and (negated is None or data["negated"] == negated)
    }
