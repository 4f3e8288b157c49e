"""The compiled knowledge base as N-Triples, in the dxgraph vocabulary (ontologies/dxgraph.ttl).

What is written (prefixes as in docs/ontology.md; ``link:`` is ``https://w3id.org/dxgraph/link/``):

* every live HPO term ``obo:HP_nnnnnnn``: ``a dx:Phenotype``, ``dx:identifier "HP:nnnnnnn"``,
  ``rdfs:label`` (@en, and @es when curated), ``skos:altLabel`` per synonym (@en / @es) and
  ``rdfs:subClassOf`` per is_a parent (so ``rdfs:subClassOf*`` gives subtypes in SPARQL);
* every disease ``dxd:OMIM_142900``: ``a dx:Disease``, ``rdfs:label`` (@en, @es), ``dx:identifier``,
  ``dx:diseaseSource``, ``dx:orphan``, ``dx:prevalence`` (+ kind and source) when known, ``dx:xref``,
  ``dx:icd10``, ``dx:ageMin``/``dx:ageMax``, ``dx:sexPattern``, ``dx:setting``, ``dx:typicalDuration`` (+
  ``dx:durationSource``), ``dx:inheritance`` and ``dx:onset`` (HPO terms), and ``dx:hasPhenotype`` per link;
* every link, aggregated per (disease, term) exactly as `knowledge.graph.aggregate_links` does, as
  ``link:<disease>_<term> a dx:PhenotypeAssociation`` with ``dx:disease``, ``dx:phenotype``,
  ``dx:negated``, ``dx:origin``, ``dx:source`` (one per reference), ``dx:evidence`` (one per code),
  ``dx:frequency`` (xsd:decimal), ``dx:frequencyN``/``dx:frequencyM``, ``dx:onset``, ``dx:sex`` when known.

Lines are built as plain strings (no rdflib objects), which keeps a full export to a few seconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, unquote

import numpy as np

from knowledge.graph import aggregate_links
from knowledge.kb import KnowledgeBase

__all__ = ["DXD", "DXR", "OBO", "PREFIXES", "curie_for_iri", "disease_iri", "term_iri", "write_ntriples"]

DX = "https://w3id.org/dxgraph/vocab#"
DXD = "https://w3id.org/dxgraph/disease/"
OBO = "http://purl.obolibrary.org/obo/"
LINK = "https://w3id.org/dxgraph/link/"
DXR = "https://w3id.org/dxgraph/risk/"  # risk factors (ontologies/risk_factors.ttl)
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"

PREFIXES = {
    "dx": DX,
    "dxd": DXD,
    "dxr": DXR,
    "obo": OBO,
    "link": LINK,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
    "owl": OWL,
}

_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|\\^`%]')
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if c not in _ESCAPES})

_TYPE = f"<{RDF}type>"
_LABEL = f"<{RDFS}label>"
_SUBCLASS = f"<{RDFS}subClassOf>"
_ALT = f"<{SKOS}altLabel>"
_BOOL = {True: f'"true"^^<{XSD}boolean>', False: f'"false"^^<{XSD}boolean>'}
_DECIMAL = f"^^<{XSD}decimal>"
_INTEGER = f"^^<{XSD}integer>"


def _p(name: str) -> str:
    return f"<{DX}{name}>"


def _local(curie: str) -> str:
    """OMIM:142900 -> OMIM_142900 (percent-encoding anything not allowed in an IRI)."""
    prefix, _, rest = curie.partition(":")
    local = f"{prefix}_{rest}"
    return quote(local, safe="") if _IRI_UNSAFE.search(local) else local


def disease_iri(curie: str) -> str:
    """OMIM:142900 -> https://w3id.org/dxgraph/disease/OMIM_142900 (docs/ontology.md)."""
    return DXD + _local(curie)


def term_iri(curie: str) -> str:
    """HP:0001945 -> http://purl.obolibrary.org/obo/HP_0001945."""
    return OBO + _local(curie)


def curie_for_iri(iri: str) -> str | None:
    """Inverse of disease_iri / term_iri; None for any other IRI."""
    if iri.startswith(DXD):
        prefix, sep, rest = iri[len(DXD) :].partition("_")
        return f"{unquote(prefix)}:{unquote(rest)}" if sep and rest else None
    if iri.startswith(OBO + "HP_"):
        return "HP:" + iri[len(OBO) + 3 :]
    return None


def literal(text: str, lang: str | None = None) -> str:
    """An N-Triples string literal, escaped, with an optional language tag."""
    body = f'"{str(text).translate(_ESCAPES)}"'
    return f"{body}@{lang}" if lang else body


def decimal_literal(value: float) -> str:
    """An xsd:decimal literal (never in exponent notation, which xsd:decimal does not allow)."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return f'"{text}"{_DECIMAL}'


def integer_literal(value: int) -> str:
    return f'"{int(value)}"{_INTEGER}'


def _term_lines(kb: KnowledgeBase) -> Iterator[str]:
    labels_es = kb.term_info["labels_es"]
    synonyms = kb.term_info["synonyms"]
    synonyms_es = kb.term_info["synonyms_es"]
    ptr = kb.term_parent_ptr.tolist()
    parents = kb.term_parent_idx.tolist()
    iris = [f"<{term_iri(t)}>" for t in kb.term_ids]
    phenotype = _p("Phenotype")
    identifier = _p("identifier")
    for i, (term, name) in enumerate(zip(kb.term_ids, kb.term_names, strict=True)):
        s = iris[i]
        lines = [
            f"{s} {_TYPE} {phenotype} .\n",
            f"{s} {identifier} {literal(term)} .\n",
            f"{s} {_LABEL} {literal(name, 'en')} .\n",
        ]
        if term in labels_es:
            lines.append(f"{s} {_LABEL} {literal(labels_es[term], 'es')} .\n")
        lines.extend(
            f"{s} {_ALT} {literal(text, 'en')} .\n"
            for text in dict.fromkeys(syn[0] for syn in synonyms.get(term, ()))
        )
        lines.extend(
            f"{s} {_ALT} {literal(text, 'es')} .\n" for text in dict.fromkeys(synonyms_es.get(term, ()))
        )
        lines.extend(f"{s} {_SUBCLASS} {iris[parents[j]]} .\n" for j in range(ptr[i], ptr[i + 1]))
        yield "".join(lines)


_DISEASE_LISTS = (
    ("xrefs", "xref", False),
    ("icd10", "icd10", False),
    ("setting", "setting", False),
    ("inheritance", "inheritance", True),
    ("onset", "onset", True),
)
_DISEASE_SCALARS = (
    ("prevalence_kind", "prevalenceKind"),
    ("prevalence_source", "prevalenceSource"),
    ("sex_pattern", "sexPattern"),
    ("course_source", "durationSource"),
    ("complaint_onset", "complaintOnset"),
    ("complaint_onset_source", "onsetSource"),
)


def _disease_lines(kb: KnowledgeBase, index: int) -> list[str]:
    curie = kb.disease_ids[index]
    info = kb.disease_info[index]
    s = f"<{disease_iri(curie)}>"
    lines = [
        f"{s} {_TYPE} {_p('Disease')} .\n",
        f"{s} {_LABEL} {literal(kb.disease_names[index], 'en')} .\n",
        f"{s} {_p('identifier')} {literal(curie)} .\n",
        f"{s} {_p('diseaseSource')} {literal(kb.disease_source[index])} .\n",
        f"{s} {_p('orphan')} {_BOOL[bool(kb.disease_orphan[index])]} .\n",
    ]
    if info.get("label_es"):
        lines.append(f"{s} {_LABEL} {literal(info['label_es'], 'es')} .\n")
    prevalence = float(kb.disease_prevalence[index])
    if not np.isnan(prevalence):
        lines.append(f"{s} {_p('prevalence')} {decimal_literal(prevalence)} .\n")
    for key, prop in _DISEASE_SCALARS:
        if info.get(key) is not None:
            lines.append(f"{s} {_p(prop)} {literal(info[key])} .\n")
    for key, prop in (("age_min", "ageMin"), ("age_max", "ageMax")):
        if info.get(key) is not None:
            lines.append(f"{s} {_p(prop)} {integer_literal(info[key])} .\n")
    if info.get("sudden_share") is not None:  # as in ontologies/onset_speed.ttl
        lines.append(f"{s} {_p('suddenShare')} {decimal_literal(info['sudden_share'])} .\n")
    if info.get("course"):  # one literal, most typical first, as in ontologies/clinical_course.ttl
        lines.append(f"{s} {_p('typicalDuration')} {literal(' '.join(info['course']))} .\n")
    for factor, (relative_risk, source) in (info.get("risk") or {}).items():  # as in risk_factors.ttl
        node = "_:risk_" + re.sub(r"[^A-Za-z0-9_]", "_", f"{_local(kb.disease_ids[index])}_{factor}")
        lines += [
            f"{s} {_p('riskFactor')} {node} .\n",
            f"{node} {_p('factor')} <{DXR}{factor}> .\n",
            f"{node} {_p('relativeRisk')} {decimal_literal(relative_risk)} .\n",
            f"{node} {_p('riskSource')} {literal(source)} .\n",
        ]
    for key, prop, is_term in _DISEASE_LISTS:
        values = info.get(key) or []
        values = [values] if isinstance(values, str) else values
        for value in dict.fromkeys(values):
            obj = f"<{term_iri(value)}>" if is_term else literal(value)
            lines.append(f"{s} {_p(prop)} {obj} .\n")
    return lines


def _link_lines(kb: KnowledgeBase) -> Iterator[str]:
    term_iris = [f"<{term_iri(t)}>" for t in kb.term_ids]
    disease_iris = [f"<{disease_iri(d)}>" for d in kb.disease_ids]
    disease_locals = [_local(d) for d in kb.disease_ids]
    term_locals = [_local(t) for t in kb.term_ids]
    p_type, p_has, p_disease, p_phenotype = _TYPE, _p("hasPhenotype"), _p("disease"), _p("phenotype")
    p_neg, p_origin, p_source, p_evidence = _p("negated"), _p("origin"), _p("source"), _p("evidence")
    p_freq, p_n, p_m = _p("frequency"), _p("frequencyN"), _p("frequencyM")
    p_onset, p_sex = _p("onset"), _p("sex")
    assoc = _p("PhenotypeAssociation")
    origins = {name: literal(name) for name in ("hpo", "curated", "overlay")}
    for link in aggregate_links(kb):
        s = f"<{LINK}{disease_locals[link.disease]}_{term_locals[link.term]}>"
        d = disease_iris[link.disease]
        lines = [
            f"{d} {p_has} {s} .\n",
            f"{s} {p_type} {assoc} .\n",
            f"{s} {p_disease} {d} .\n",
            f"{s} {p_phenotype} {term_iris[link.term]} .\n",
            f"{s} {p_neg} {_BOOL[link.negated]} .\n",
            f"{s} {p_origin} {origins.get(link.origin) or literal(link.origin)} .\n",
        ]
        lines.extend(f"{s} {p_source} {literal(ref)} .\n" for ref in link.references)
        lines.extend(f"{s} {p_evidence} {literal(code)} .\n" for code in link.evidence)
        if link.frequency is not None:
            lines.append(f"{s} {p_freq} {decimal_literal(link.frequency)} .\n")
        if link.m is not None:
            lines.append(f"{s} {p_n} {integer_literal(link.n)} .\n")
            lines.append(f"{s} {p_m} {integer_literal(link.m)} .\n")
        lines.extend(f"{s} {p_onset} {term_iris[o]} .\n" for o in link.onset)
        if link.sex:
            lines.append(f"{s} {p_sex} {literal(link.sex)} .\n")
        yield "".join(lines)


def _risk_factor_lines(kb: KnowledgeBase) -> Iterator[str]:
    for factor, info in (kb.term_info.get("risk_factors") or {}).items():
        s = f"<{DXR}{factor}>"
        lines = [f"{s} {_TYPE} {_p('RiskFactor')} .\n", f"{s} {_LABEL} {literal(info['label'], 'en')} .\n"]
        if info.get("label_es"):
            lines.append(f"{s} {_LABEL} {literal(info['label_es'], 'es')} .\n")
        if info.get("share") is not None:
            lines.append(f"{s} {_p('populationShare')} {decimal_literal(info['share'])} .\n")
        yield "".join(lines)


def iter_ntriples(kb: KnowledgeBase) -> Iterator[str]:
    """N-Triples text in chunks (each chunk is one or more complete lines)."""
    yield from _term_lines(kb)
    yield from _risk_factor_lines(kb)
    for index in range(len(kb.disease_ids)):
        yield "".join(_disease_lines(kb, index))
    yield from _link_lines(kb)


def write_ntriples(kb: KnowledgeBase, path: Path) -> int:
    """Write the whole KB to `path` as N-Triples (UTF-8); returns the number of triples."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as handle:
        for chunk in iter_ntriples(kb):
            count += chunk.count("\n")
            handle.write(chunk)
    return count
