"""The SPARQL view of the KB: every documented query in docs/queries/ agrees with the networkx graph.

Each example query has an "oracle" here that computes the same answer independently from
`knowledge.graph.build_graph` (reading the query's parameters from the .rq file itself, so analysts can
edit them). Oracles run on the real KB (slow: one store build per session) and on a tiny hand-made KB
that exercises escaping, Spanish labels, curated diseases and link aggregation.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import rdflib

from knowledge.graph import (
    HAS_PHENOTYPE,
    aggregate_links,
    build_graph,
    descendants_or_self,
    diseases,
    links_to,
)
from knowledge.kb import ORIGINS, SEXES, KnowledgeBase
from knowledge.rdf_export import DXD, OBO, curie_for_iri, disease_iri, term_iri, write_ntriples
from knowledge.sparql import SparqlStore, check_read_only, ensure_store, format_rows, store_is_built


def phenotype_links(graph: nx.DiGraph, disease: str, negated: bool | None = False) -> dict[str, dict]:
    """term -> edge attributes of a disease's links; negated=None returns positive and NOT links."""
    return {
        t: data
        for t, data in graph.succ[disease].items()
        if data["kind"] == HAS_PHENOTYPE and (negated is None or data["negated"] == negated)
    }


def phenotypes(graph: nx.DiGraph) -> list[str]:
    """All phenotype (HPO term) node ids."""
    return [node for node, kind in graph.nodes(data="kind") if kind == "phenotype"]


QUERIES = Path(__file__).resolve().parents[1] / "docs" / "queries"
QUERY_FILES = sorted(QUERIES.glob("*.rq"))

Rows = list[list[str | None]]


# ---- reading parameters out of a query ---------------------------------------------------------------


def _curie(token: str) -> str:
    """obo:HP_0001250 -> HP:0001250, dxd:OMIM_142900 -> OMIM:142900."""
    prefix, _, local = token.partition(":")
    namespace = {"obo": OBO, "dxd": DXD}[prefix]
    curie = curie_for_iri(namespace + local)
    assert curie, f"unexpected VALUES token {token}"
    return curie


def values_of(query: str, var: str) -> list[str]:
    match = re.search(rf"VALUES\s+\?{var}\s*\{{([^}}]*)\}}", query)
    assert match, f"no VALUES ?{var} in the query"
    return [_curie(token) for token in match.group(1).split()]


def having_min(query: str) -> int:
    match = re.search(r"HAVING\s*\(.*>=\s*(\d+)\s*\)", query)
    assert match, "no HAVING (... >= N) in the query"
    return int(match.group(1))


def limit_of(query: str) -> int | None:
    found = re.findall(r"^LIMIT\s+(\d+)\s*$", query, flags=re.MULTILINE)
    return int(found[-1]) if found else None


def set_having(query: str, n: int) -> str:
    return re.sub(r"(HAVING\s*\(.*>=\s*)\d+(\s*\))", rf"\g<1>{n}\g<2>", query)


# ---- oracles: the same answers from the networkx graph -------------------------------------------------


def _d(curie: str) -> str:  # SPARQL orders IRIs as strings: sort on the IRI, not the CURIE
    return disease_iri(curie)


def _label(graph: nx.DiGraph, node: str) -> str:
    return graph.nodes[node]["label"]


def oracle_orphan_diseases_with_symptom(graph: nx.DiGraph, query: str) -> list[tuple]:
    (symptom,) = values_of(query, "symptom")
    terms_by_disease: dict[str, set[str]] = defaultdict(set)
    for disease, term in links_to(graph, descendants_or_self(graph, symptom)):
        if graph.nodes[disease]["orphan"]:
            terms_by_disease[disease].add(term)
    rows = [(d, _label(graph, d), len(ts), frozenset(ts)) for d, ts in terms_by_disease.items()]
    return sorted(rows, key=lambda r: (-r[2], _d(r[0])))


def oracle_shared_phenotypes(graph: nx.DiGraph, query: str) -> list[tuple]:
    (disease,) = values_of(query, "disease")
    minimum = having_min(query)
    shared: Counter[str] = Counter()
    for other, _term in links_to(graph, phenotype_links(graph, disease)):
        if other != disease:
            shared[other] += 1
    rows = [(o, _label(graph, o), n) for o, n in shared.items() if n >= minimum]
    return sorted(rows, key=lambda r: (-r[2], _d(r[0])))


def oracle_best_evidenced_links(graph: nx.DiGraph, query: str) -> list[tuple]:
    (term,) = values_of(query, "term")
    rows = [
        (
            d,
            _label(graph, d),
            data["frequency"],
            len(data["references"]),
            frozenset(data["references"]),
            frozenset(data["evidence"]),
        )
        for (d, _), data in links_to(graph, term).items()
        if data["references"] and data["evidence"]
    ]
    rows.sort(key=lambda r: (-r[3], r[2] is None, -(r[2] or 0.0), _d(r[0])))
    return rows[: limit_of(query)]


def oracle_not_links_of_disease(graph: nx.DiGraph, query: str) -> list[tuple]:
    (disease,) = values_of(query, "disease")
    rows = [
        (t, _label(graph, t), data["origin"], frozenset(data["references"]))
        for t, data in phenotype_links(graph, disease, negated=True).items()
    ]
    return sorted(rows, key=lambda r: term_iri(r[0]))


def oracle_diseases_per_source(graph: nx.DiGraph, query: str) -> list[tuple]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for d in diseases(graph):
        attrs = graph.nodes[d]
        row = counts[attrs["source"]]
        row[0] += 1
        row[1] += attrs["orphan"]
        row[2] += attrs["prevalence"] is not None
    rows = [(source, *row) for source, row in counts.items()]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def oracle_curated_common_diseases_es(graph: nx.DiGraph, query: str) -> list[tuple]:
    rows = []
    for d in diseases(graph):
        attrs = graph.nodes[d]
        if attrs["source"] == "curated" and attrs["label_es"]:
            rows.append(
                (
                    d,
                    attrs["label"],
                    attrs["label_es"],
                    attrs["prevalence"],
                    "true" if attrs["orphan"] else "false",
                    frozenset(attrs.get("icd10") or []),
                )
            )
    return sorted(rows, key=lambda r: (r[1], _d(r[0])))


def oracle_curated_typical_durations(graph: nx.DiGraph, query: str) -> list[tuple]:
    wanted = re.search(r'VALUES \?bin \{ "(\w+)" \}', query).group(1)
    rows = [
        (d, graph.nodes[d]["label"], " ".join(graph.nodes[d]["course"]), graph.nodes[d]["course_source"])
        for d in diseases(graph)
        if wanted in (graph.nodes[d].get("course") or [])
    ]
    return sorted(rows, key=lambda r: (r[1], _d(r[0])))


def oracle_diseases_raised_by_risk_factor(graph: nx.DiGraph, query: str) -> list[tuple]:
    wanted = re.search(r"VALUES \?factor \{ dxr:(\w+) \}", query).group(1)
    rows = [
        (d, graph.nodes[d]["label"], graph.nodes[d]["risk"][wanted][0], graph.nodes[d]["risk"][wanted][1])
        for d in diseases(graph)
        if wanted in (graph.nodes[d].get("risk") or {})
    ]
    return sorted(rows, key=lambda r: (-r[2], r[1], _d(r[0])))


def oracle_terms_missing_spanish_label(graph: nx.DiGraph, query: str) -> list[tuple]:
    rows = []
    for t in phenotypes(graph):
        if graph.nodes[t]["label_es"]:
            continue
        n = len(links_to(graph, t))
        if n:
            rows.append((t, _label(graph, t), n))
    rows.sort(key=lambda r: (-r[2], term_iri(r[0])))
    return rows[: limit_of(query)]


def oracle_diseases_matching_findings(graph: nx.DiGraph, query: str) -> list[tuple]:
    findings = values_of(query, "finding")
    minimum = having_min(query)
    matched: dict[str, set[str]] = defaultdict(set)
    for finding in findings:
        for disease, _ in links_to(graph, descendants_or_self(graph, finding)):
            matched[disease].add(finding)
    rows = [(d, _label(graph, d), len(fs), frozenset(fs)) for d, fs in matched.items() if len(fs) >= minimum]
    return sorted(rows, key=lambda r: (-r[2], _d(r[0])))


# query file stem -> (oracle, column kinds: s = string, n = number, o = optional number, set = GROUP_CONCAT)
ORACLES: dict[str, tuple[Callable[[nx.DiGraph, str], list[tuple]], tuple[str, ...]]] = {
    "orphan_diseases_with_symptom": (oracle_orphan_diseases_with_symptom, ("s", "s", "n", "set")),
    "shared_phenotypes": (oracle_shared_phenotypes, ("s", "s", "n")),
    "best_evidenced_links": (oracle_best_evidenced_links, ("s", "s", "o", "n", "set", "set")),
    "not_links_of_disease": (oracle_not_links_of_disease, ("s", "s", "s", "set")),
    "diseases_per_source": (oracle_diseases_per_source, ("s", "n", "n", "n")),
    "curated_common_diseases_es": (oracle_curated_common_diseases_es, ("s", "s", "s", "o", "s", "set")),
    "curated_typical_durations": (oracle_curated_typical_durations, ("s", "s", "s", "s")),
    "diseases_raised_by_risk_factor": (oracle_diseases_raised_by_risk_factor, ("s", "s", "n", "s")),
    "terms_missing_spanish_label": (oracle_terms_missing_spanish_label, ("s", "s", "n")),
    "diseases_matching_findings": (oracle_diseases_matching_findings, ("s", "s", "n", "set")),
}


def _normalize(rows: Rows, kinds: tuple[str, ...]) -> list[tuple]:
    out = []
    for row in rows:
        assert len(row) == len(kinds), row
        cells: list[object] = []
        for value, kind in zip(row, kinds, strict=True):
            if kind == "set":
                cells.append(frozenset((value or "").split()))
            elif kind in ("n", "o"):
                assert kind == "o" or value is not None
                cells.append(None if value is None else pytest.approx(float(value), rel=1e-6))
            else:
                cells.append(value)
        out.append(tuple(cells))
    return out


def check_query(store: SparqlStore, graph: nx.DiGraph, query: str, name: str) -> Rows:
    oracle, kinds = ORACLES[name]
    variables, rows = store.select(query)
    assert len(variables) == len(kinds)
    expected = oracle(graph, query)
    got = _normalize(rows, kinds)
    assert len(got) == len(expected), f"{name}: {len(got)} rows from SPARQL, {len(expected)} from the graph"
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        assert g == e, f"{name} row {i}: SPARQL {g} != graph {e}"
    return rows


# ---- a tiny hand-made KB ---------------------------------------------------------------------------------

TINY_TERMS = {  # id: (name, parents)
    "HP:0000001": ("All", []),
    "HP:0000118": ("Phenotypic abnormality", ["HP:0000001"]),
    "HP:0001250": ("Seizure", ["HP:0000118"]),
    "HP:0007359": ("Focal-onset seizure", ["HP:0001250"]),
    "HP:0002069": ("Bilateral tonic-clonic seizure", ["HP:0001250", "HP:0007359"]),
    "HP:0001945": ("Fever", ["HP:0000118"]),
    "HP:0002315": ('Headache "quoted" \\ back', ["HP:0000118"]),
    "HP:0003577": ("Congenital onset", ["HP:0000001"]),
}
TINY_DISEASES = [  # id, name, source, orphan, prevalence, info
    ("OMIM:142900", "Holt-Oram syndrome", "OMIM", True, np.nan, {"inheritance": ["HP:0000001"]}),
    ("OMIM:620157", "Intellectual developmental disorder", "OMIM", True, np.nan, {}),
    ("ORPHA:558", 'Marfan "syndrome" \\ with\nnewline\tand tab, Síndrome 😀', "ORPHA", True, np.nan, {}),
    ("DECIPHER:1", "No links at all", "DECIPHER", True, np.nan, {}),
    (
        "DXG:influenza",
        "Influenza",
        "curated",
        False,
        0.08,
        {
            "label_es": "Gripe",
            "icd10": ["J10", "J11"],
            "xrefs": ["MONDO:0005812"],
            "age_min": 0,
            "age_max": 120,
            "sex_pattern": "any",
            "setting": ["primary-care", "emergency"],
            "prevalence_kind": "annual-incidence",
            "prevalence_source": "PMID:29297555",
            "course": ["days", "hours"],
            "course_source": "unverified",
            "risk": {"smoking": [1.5, "unverified"], "sick_contact": [3.0, "PMID:1"]},
        },
    ),
    ("DXG:rare_thing", "A rare curated thing", "curated", True, 1e-05, {"label_es": "Cosa rara «ñ»"}),
    ("DXG:no_spanish", "Curated without Spanish", "curated", False, 0.01, {}),
]
TINY_LINKS = [  # disease, term, freq, n, m, negated, origin, sex, onset, refs, evidence
    ("OMIM:142900", "HP:0001250", 0.5, 1, 2, False, "hpo", "", None, "PMID:1", "PCS"),
    ("OMIM:142900", "HP:0001250", 0.8, -1, -1, False, "hpo", "", None, "PMID:2;PMID:1", "TAS"),
    ("OMIM:142900", "HP:0001945", np.nan, -1, -1, False, "hpo", "", None, "OMIM:142900", "TAS"),
    ("OMIM:142900", "HP:0002315", 0.3, -1, -1, False, "hpo", "", None, "PMID:9", "PCS"),
    ("OMIM:142900", "HP:0007359", 1.0, 3, 3, False, "hpo", "MALE", "HP:0003577", "PMID:3", "PCS"),
    ("OMIM:620157", "HP:0001250", np.nan, -1, -1, True, "hpo", "", None, "PMID:4", "PCS"),
    ("OMIM:620157", "HP:0001945", 0.0, -1, -1, True, "hpo", "", None, "PMID:5", "PCS"),
    ("OMIM:620157", "HP:0001945", 0.4, -1, -1, False, "overlay", "", None, "PMID:6", "TAS"),
    ("OMIM:620157", "HP:0002315", np.nan, -1, -1, True, "hpo", "", None, "PMID:7", "PCS"),
    ("OMIM:620157", "HP:0002315", np.nan, -1, -1, True, "hpo", "", None, "PMID:8;PMID:7", "IEA"),
    ("OMIM:620157", "HP:0007359", 0.2, -1, -1, False, "hpo", "", None, "PMID:10", "PCS"),
    ("ORPHA:558", "HP:0002069", 0.5714286, 4, 7, False, "hpo", "", None, "PMID:11", "PCS"),
    ("ORPHA:558", "HP:0001945", 0.9, -1, -1, False, "hpo", "FEMALE", None, "PMID:12", "PCS"),
    ("ORPHA:558", "HP:0002315", 0.1, -1, -1, False, "hpo", "", None, "PMID:13", "PCS"),
    ("DXG:influenza", "HP:0001945", 0.85, -1, -1, False, "curated", "", None, "PMID:10891287", "PCS"),
    ("DXG:influenza", "HP:0002315", 0.7, -1, -1, False, "curated", "", None, "PMID:10891287", "PCS"),
    (
        "DXG:rare_thing",
        "HP:0001250",
        0.05,
        -1,
        -1,
        False,
        "curated",
        "",
        None,
        "guideline:X 2020",
        "guideline",
    ),
]


def make_tiny_kb() -> KnowledgeBase:
    term_ids = sorted(TINY_TERMS)
    index = {t: i for i, t in enumerate(term_ids)}
    ptr, parent_idx = [0], []
    for t in term_ids:
        parent_idx += [index[p] for p in TINY_TERMS[t][1]]
        ptr.append(len(parent_idx))
    disease_index = {d[0]: i for i, d in enumerate(TINY_DISEASES)}
    cols = list(zip(*TINY_LINKS, strict=True))
    return KnowledgeBase(
        meta={
            "format": 1,
            "release": "tiny",
            "version": "tiny0001",
            "overridden_hpo_links": 0,
            "unparsed_frequencies": 0,
        },
        term_ids=term_ids,
        term_names=[TINY_TERMS[t][0] for t in term_ids],
        term_parent_ptr=np.asarray(ptr, dtype=np.int32),
        term_parent_idx=np.asarray(parent_idx, dtype=np.int32),
        term_info={
            "synonyms": {"HP:0001945": [["Pyrexia", "EXACT", ""], ["Pyrexia", "RELATED", ""]]},
            "labels_es": {"HP:0001945": "Fiebre", "HP:0001250": "Convulsión"},
            "synonyms_es": {"HP:0001945": ["Calentura"]},
            "alt_ids": {},
            "obsolete": {},
            "risk_factors": {
                "smoking": {"label": "Smoker", "label_es": "Fumador", "share": 0.25},
                "sick_contact": {"label": "Sick contact", "label_es": None, "share": 0.1},
            },
        },
        disease_ids=[d[0] for d in TINY_DISEASES],
        disease_names=[d[1] for d in TINY_DISEASES],
        disease_source=[d[2] for d in TINY_DISEASES],
        disease_prevalence=np.asarray([d[4] for d in TINY_DISEASES], dtype=np.float64),
        disease_orphan=np.asarray([d[3] for d in TINY_DISEASES], dtype=bool),
        disease_info=[{"inheritance": [], "onset": [], "xrefs": [], **d[5]} for d in TINY_DISEASES],
        link_disease=np.asarray([disease_index[d] for d in cols[0]], dtype=np.int32),
        link_term=np.asarray([index[t] for t in cols[1]], dtype=np.int32),
        link_freq=np.asarray(cols[2], dtype=np.float32),
        link_n=np.asarray(cols[3], dtype=np.int32),
        link_m=np.asarray(cols[4], dtype=np.int32),
        link_negated=np.asarray(cols[5], dtype=bool),
        link_origin=np.asarray([ORIGINS.index(o) for o in cols[6]], dtype=np.uint8),
        link_sex=np.asarray([SEXES.index(s) for s in cols[7]], dtype=np.uint8),
        link_onset=np.asarray([-1 if o is None else index[o] for o in cols[8]], dtype=np.int32),
        link_refs=list(cols[9]),
        link_evidence=list(cols[10]),
    )


@pytest.fixture(scope="module")
def tiny_kb() -> KnowledgeBase:
    return make_tiny_kb()


@pytest.fixture(scope="module")
def tiny_graph(tiny_kb: KnowledgeBase) -> nx.DiGraph:
    return build_graph(tiny_kb)


@pytest.fixture(scope="module")
def tiny_dir(tiny_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("tiny_kb")
    ensure_store(tiny_kb, directory)
    return directory


@pytest.fixture(scope="module")
def tiny_store(tiny_dir: Path) -> SparqlStore:
    return SparqlStore.open(tiny_dir, build_if_missing=False)


# ---- the real KB (one store build per session) ------------------------------------------------------------


@pytest.fixture(scope="session")
def graph(kb: KnowledgeBase) -> nx.DiGraph:
    return build_graph(kb)


@pytest.fixture(scope="session")
def store_dir(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("real_kb")
    ensure_store(kb, directory)
    return directory


@pytest.fixture(scope="session")
def store(store_dir: Path) -> SparqlStore:
    return SparqlStore.open(store_dir, build_if_missing=False)


# ---- every documented query --------------------------------------------------------------------------------


def test_queries_are_documented() -> None:
    assert len(QUERY_FILES) >= 5
    assert (QUERIES / "README.md").exists()
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    for path in QUERY_FILES:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("#"), f"{path.name} needs a comment header"
        assert "Parameters:" in text and "Answers:" in text, f"{path.name}: header needs Answers/Parameters"
        assert path.stem in ORACLES, f"{path.name} has no oracle in tests/test_sparql.py: add one"
        assert path.name in readme, f"{path.name} is not listed in docs/queries/README.md"
        assert check_read_only(text) == "SELECT"


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_example_query_on_tiny_kb(path: Path, tiny_store: SparqlStore, tiny_graph: nx.DiGraph) -> None:
    query = path.read_text(encoding="utf-8")
    if "HAVING" in query:
        query = set_having(query, 1)
    check_query(tiny_store, tiny_graph, query, path.stem)


def test_tiny_oracles_are_not_trivial(tiny_store: SparqlStore, tiny_graph: nx.DiGraph) -> None:
    """The tiny KB is built so that every example query returns something (or the test would prove little)."""
    for path in QUERY_FILES:
        query = path.read_text(encoding="utf-8")
        if "HAVING" in query:
            query = set_having(query, 1)
        assert check_query(tiny_store, tiny_graph, query, path.stem), f"{path.name} is empty on the tiny KB"


@pytest.mark.slow
@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_example_query_on_real_kb(path: Path, store: SparqlStore, graph: nx.DiGraph) -> None:
    check_query(store, graph, path.read_text(encoding="utf-8"), path.stem)


# ---- aggregation, export and counts ----------------------------------------------------------------------


def test_tiny_aggregation(tiny_graph: nx.DiGraph) -> None:
    edge = tiny_graph.edges["OMIM:142900", "HP:0001250"]
    assert edge["frequency"] == pytest.approx(0.8) and edge["references"] == ["PMID:1", "PMID:2"]
    assert edge["evidence"] == ["PCS", "TAS"] and edge["rows"] == 2 and edge["n"] is None
    mixed = tiny_graph.edges["OMIM:620157", "HP:0001945"]
    assert not mixed["negated"] and mixed["frequency"] == pytest.approx(0.4) and mixed["origin"] == "overlay"
    assert mixed["references"] == ["PMID:5", "PMID:6"]
    both_not = tiny_graph.edges["OMIM:620157", "HP:0002315"]
    assert both_not["negated"] and both_not["references"] == ["PMID:7", "PMID:8"]
    focal = tiny_graph.edges["OMIM:142900", "HP:0007359"]
    assert (focal["n"], focal["m"], focal["sex"], focal["onset"]) == (3, 3, "MALE", ["HP:0003577"])
    assert descendants_or_self(tiny_graph, "HP:0001250") == {"HP:0001250", "HP:0007359", "HP:0002069"}
    assert tiny_graph.nodes["DXG:influenza"]["prevalence"] == pytest.approx(0.08)
    assert tiny_graph.nodes["OMIM:142900"]["prevalence"] is None


def test_tiny_ntriples_parse_with_rdflib(tiny_kb: KnowledgeBase, tmp_path: Path) -> None:
    """An independent parser reads the export, and tricky literals survive the round trip."""
    path = tmp_path / "tiny.nt"
    count = write_ntriples(tiny_kb, path)
    parsed = rdflib.Graph().parse(path, format="nt")
    assert len(parsed) == count
    labels = {str(o) for o in parsed.objects(rdflib.URIRef(disease_iri("ORPHA:558")), rdflib.RDFS.label)}
    assert labels == {TINY_DISEASES[2][1]}
    prevalence = parsed.value(
        rdflib.URIRef(disease_iri("DXG:rare_thing")),
        rdflib.URIRef("https://w3id.org/dxgraph/vocab#prevalence"),
    )
    assert str(prevalence) == "0.00001" and prevalence.datatype == rdflib.XSD.decimal


def test_tiny_store_contents(tiny_store: SparqlStore, tiny_kb: KnowledgeBase, tiny_dir: Path) -> None:
    marker = json.loads((tiny_dir / "sparql" / "BUILT.json").read_text(encoding="utf-8"))
    assert marker["version"] == tiny_kb.version and marker["triples"] == len(tiny_store)
    _, rows = tiny_store.select("SELECT ?l WHERE { obo:HP_0001945 rdfs:label ?l } ORDER BY ?l")
    assert rows == [["Fever"], ["Fiebre"]]
    _, rows = tiny_store.select("SELECT ?s WHERE { obo:HP_0001945 skos:altLabel ?s } ORDER BY ?s")
    assert rows == [["Calentura"], ["Pyrexia"]]
    _, rows = tiny_store.select("SELECT ?t WHERE { ?t rdfs:subClassOf* obo:HP_0001250 } ORDER BY ?t")
    assert [r[0] for r in rows] == ["HP:0001250", "HP:0002069", "HP:0007359"]
    _, rows = tiny_store.select("SELECT ?d WHERE { ?d dx:inheritance obo:HP_0000001 }")
    assert rows == [["OMIM:142900"]]
    _, rows = tiny_store.select("SELECT ?d WHERE { ?d dx:identifier 'DXG:influenza' }", shorten=False)
    assert rows == [[disease_iri("DXG:influenza")]]


def test_ensure_store_is_idempotent(tiny_kb: KnowledgeBase, tiny_dir: Path) -> None:
    marker = tiny_dir / "sparql" / "BUILT.json"
    before = marker.stat().st_mtime_ns
    assert ensure_store(tiny_kb, tiny_dir) == tiny_dir / "sparql"
    assert marker.stat().st_mtime_ns == before
    assert store_is_built(tiny_dir, tiny_kb.version) and not store_is_built(tiny_dir, "other")
    assert not [p for p in tiny_dir.iterdir() if p.name.startswith(".sparql-")], "staging dir left behind"


def test_open_without_store(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        SparqlStore.open(tmp_path, build_if_missing=False)


@pytest.mark.slow
def test_link_triples_match_kb(store: SparqlStore, kb: KnowledgeBase, graph: nx.DiGraph) -> None:
    pairs = np.unique(np.stack([kb.link_disease, kb.link_term]), axis=1).shape[1]
    edges = [data for _, _, data in graph.edges(data=True) if data["kind"] == "has_phenotype"]
    assert len(edges) == pairs == len(aggregate_links(kb))
    query = """SELECT (COUNT(?l) AS ?n) WHERE {{ {} }}"""
    count = {
        name: int(store.select(query.format(pattern))[1][0][0])
        for name, pattern in {
            "links": "?l a dx:PhenotypeAssociation",
            "has": "?d dx:hasPhenotype ?l",
            "sources": "?l dx:source ?s",
            "not": "?l dx:negated true",
            "freq": "?l dx:frequency ?f",
            "is_a": "?l rdfs:subClassOf ?p",
            "diseases": "?l a dx:Disease",
            "terms": "?l a dx:Phenotype",
        }.items()
    }
    assert count["links"] == count["has"] == pairs
    assert count["sources"] == sum(len(e["references"]) for e in edges)
    assert count["not"] == sum(e["negated"] for e in edges)
    assert count["freq"] == sum(e["frequency"] is not None for e in edges)
    assert count["is_a"] == len(kb.term_parent_idx)
    assert count["diseases"] == len(kb.disease_ids) and count["terms"] == len(kb.term_ids)
    marker = json.loads((store.path.parent / "BUILT.json").read_text(encoding="utf-8"))
    assert marker["triples"] == len(store) and marker["version"] == kb.version


@pytest.mark.slow
def test_subclass_closure_matches_graph(store: SparqlStore, graph: nx.DiGraph) -> None:
    for term in ("HP:0001250", "HP:0001945", "HP:0000118"):
        _, rows = store.select(f"SELECT ?t WHERE {{ ?t rdfs:subClassOf* {term.replace('HP:', 'obo:HP_')} }}")
        assert {r[0] for r in rows} == descendants_or_self(graph, term)


# ---- the guard: read-only, clear errors ------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "PREFIX dx: <https://w3id.org/dxgraph/vocab#>\nDELETE WHERE { ?l dx:negated ?x }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/x.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <urn:g>",
    "CREATE GRAPH <urn:g>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ;\nCLEAR DEFAULT",
    "# a comment\n  insert data { <urn:a> <urn:b> <urn:c> }",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused(update: str, tiny_store: SparqlStore) -> None:
    before = len(tiny_store)
    with pytest.raises(ValueError, match="SPARQL Update"):
        tiny_store.select(update)
    assert len(tiny_store) == before


@pytest.mark.parametrize(
    "query",
    [
        "CONSTRUCT WHERE { ?s ?p ?o }",
        "DESCRIBE <urn:a>",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "",
    ],
)
def test_other_forms_are_refused(query: str, tiny_store: SparqlStore) -> None:
    with pytest.raises(ValueError, match="allowed"):
        tiny_store.select(query)


def test_store_is_opened_read_only(tiny_store: SparqlStore) -> None:
    with pytest.raises(Exception):  # noqa: B017 - pyoxigraph raises its own error type for read-only stores
        tiny_store._store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_keywords_inside_strings_and_comments_are_fine(tiny_store: SparqlStore) -> None:
    query = (
        "# DELETE and INSERT in a comment\n"
        'SELECT ?d WHERE { ?d dx:identifier ?id FILTER(?id != "DROP ALL; INSERT") } ORDER BY ?d LIMIT 1'
    )
    variables, rows = tiny_store.select(query)
    assert variables == ["d"] and len(rows) == 1


def test_syntax_error_is_a_value_error(tiny_store: SparqlStore) -> None:
    with pytest.raises(ValueError, match="syntax error"):
        tiny_store.select("SELECT ?x WHERE { ?x dx:label ")
    with pytest.raises(ValueError, match="syntax error"):
        tiny_store.select("SELECT ?x WHERE { ?x nope:label ?y }")  # unknown prefix


def test_ask_limit_and_timeout(tiny_store: SparqlStore) -> None:
    yes = tiny_store.select("ASK { obo:HP_0002069 rdfs:subClassOf* obo:HP_0000118 }")
    no = tiny_store.select("ASK { obo:HP_0000118 rdfs:subClassOf obo:HP_0002069 }")
    assert (yes, no) == ((["ask"], [["true"]]), (["ask"], [["false"]]))
    variables, rows = tiny_store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", limit=3)
    assert variables == ["s", "p", "o"] and len(rows) == 3
    with pytest.raises(TimeoutError):
        tiny_store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", timeout_s=0.0)
    _, rows = tiny_store.select("SELECT ?x WHERE { OPTIONAL { ?x dx:nothing ?y } }")
    assert rows == [[None]]


def test_format_rows() -> None:
    variables, rows = ["disease", "label"], [["OMIM:1", 'A, "b"'], ["OMIM:2", None]]
    assert format_rows(variables, rows, "csv") == 'disease,label\nOMIM:1,"A, ""b"""\nOMIM:2,\n'
    assert json.loads(format_rows(variables, rows, "json")) == [
        {"disease": "OMIM:1", "label": 'A, "b"'},
        {"disease": "OMIM:2", "label": None},
    ]
    table = format_rows(variables, rows, "table").splitlines()
    assert table[0].split() == ["disease", "label"] and table[-1] == "(2 rows)"
    with pytest.raises(ValueError):
        format_rows(variables, rows, "xml")
