"""Read the curators' Turtle files into plain records, each remembering its file and line."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

__all__ = [
    "DX",
    "CuratedFile",
    "RiskFactorRecord",
    "TermLabels",
    "TurtleSyntaxError",
    "Where",
    "curated_paths",
    "disease_curie",
    "is_superseded",
    "read_curated_file",
    "superseded_sources",
    "term_curie",
]

DX = Namespace("https://w3id.org/dxgraph/vocab#")
DXD = Namespace("https://w3id.org/dxgraph/disease/")
DXR = Namespace("https://w3id.org/dxgraph/risk/")  # the risk factors (ontologies/risk_factors.ttl)
OBO = "http://purl.obolibrary.org/obo/"
VOCAB_FILES = ("dxgraph.ttl", "shapes.ttl")


def disease_curie(iri: str) -> str | None:
    """dxd:OMIM_142900 -> OMIM:142900; None for an IRI outside the disease namespace."""
    if not iri.startswith(str(DXD)):
        return None
    local = iri[len(str(DXD)) :]
    prefix, sep, rest = local.partition("_")
    return f"{prefix}:{rest}" if sep and rest else None


def term_curie(iri: str) -> str | None:
    """obo:HP_0001945 -> HP:0001945; None for an IRI that is not an HPO term."""
    if not iri.startswith(OBO + "HP_"):
        return None
    return "HP:" + iri[len(OBO) + 3 :]


@dataclass(frozen=True)
class Where:
    """A place in a curated file (file and line), for error messages."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class CuratedLink:
    disease_id: str
    hpo_id: str | None  # None when the IRI is not an HPO term (reported by validation)
    frequency: float | None
    negated: bool
    sources: list[str]
    evidence: str
    where: Where
    raw_phenotype: str = ""
    raw_frequencies: list[float] = field(default_factory=list)


@dataclass
class DiseaseRecord:
    """A curated disease (declared dx:Disease) or an overlay patch on an HPO disease."""

    id: str
    declared: bool
    where: Where
    label_en: str | None = None
    label_es: str | None = None
    icd10: list[str] = field(default_factory=list)
    xrefs: list[str] = field(default_factory=list)
    prevalence: float | None = None
    prevalence_kind: str | None = None
    prevalence_source: str | None = None
    orphan: bool | None = None
    age_min: int | None = None
    age_max: int | None = None
    sex_pattern: str | None = None
    settings: list[str] = field(default_factory=list)
    links: list[CuratedLink] = field(default_factory=list)
    age_odds: list[tuple[float, float]] = field(default_factory=list)  # (band lower bound, odds)
    sex_odds: dict[str, float] = field(default_factory=dict)
    same_as: str | None = None  # an HPO disease this curated one is (dx:sameDiseaseAs): ranked as one
    derived_from: str | None = None
    consultation_prior: float | None = None  # P(this diagnosis | a primary-care / emergency visit)
    dont_miss: str | None = None  # the guideline that makes this a time-critical diagnosis (dx:dontMiss)
    supersedes: list[str] = field(default_factory=list)  # source prefixes whose links this record's replace
    typical_duration: list[str] = field(default_factory=list)  # how long the complaint has lasted when seen
    duration_source: str | None = None  # (hours / days / weeks / months, most typical first) and its source
    complaint_onset: str | None = None  # how the complaint typically starts: sudden | gradual | either
    sudden_share: float | None = None  # of its patients, those whose complaint began suddenly
    onset_source: str | None = None
    risk_factors: list[tuple[str | None, float | None, str | None]] = field(default_factory=list)
    # (factor id, relative risk, source) from dx:riskFactor nodes; None where the node lacks it (validation)


@dataclass
class RiskFactorRecord:
    """A risk factor of the vocabulary (dx:RiskFactor): labels, the share of patients who have it and the HPO
    terms whose mention in a past history is the factor."""

    id: str
    where: Where
    label_en: str | None = None
    label_es: str | None = None
    share: float | None = None
    definition: str | None = None
    history_terms: list[str] = field(default_factory=list)


@dataclass
class TermLabels:
    """Curated labels and synonyms of one HPO term, by language, from a curated file."""

    hpo_id: str
    where: Where
    labels: dict[str, str] = field(default_factory=dict)  # lang -> label
    synonyms: list[tuple[str, str]] = field(default_factory=list)  # (text, lang)
    keep_label: bool = False  # dx:keepLabel true: a reviewed curated label kept over the official one


@dataclass
class CuratedFile:
    """One curated Turtle file as read: its graph, disease records, term labels and the subjects not
    understood."""

    path: Path
    graph: Graph
    diseases: list[DiseaseRecord]
    term_labels: list[TermLabels]
    unknown_subjects: list[tuple[str, Where]]
    risk_factors: list[RiskFactorRecord] = field(default_factory=list)


def superseded_sources(records: list[DiseaseRecord]) -> dict[str, tuple[str, ...]]:
    """Per disease: the source prefixes (dx:supersedes) a reviewed clinical profile replaces in the
    disease's other records, so a survey's lay-symptom list does not linger beside the profile that
    supersedes it (the profile itself may keep a survey figure it agrees with, citing it)."""
    out: dict[str, set[str]] = defaultdict(set)
    for record in records:
        out[record.id].update(record.supersedes)
    return {disease: tuple(sorted(prefixes)) for disease, prefixes in out.items() if prefixes}


def is_superseded(record: DiseaseRecord, link: CuratedLink, superseded: dict[str, tuple[str, ...]]) -> bool:
    """Is this link of the record one a clinical profile replaces (every citation from a dataset that
    `superseded_sources` lists for the disease)? A profile's own links are never replaced."""
    prefixes = () if record.supersedes else superseded.get(record.id, ())
    return bool(prefixes) and bool(link.sources) and all(src.startswith(prefixes) for src in link.sources)


class TurtleSyntaxError(ValueError):
    """A curated Turtle file that does not parse; the message names the file and line."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


class _LineFinder:
    """Finds the line where a subject or an association's phenotype is written."""

    def __init__(self, path: Path, graph: Graph) -> None:
        self.path = path
        self.lines = path.read_text(encoding="utf-8").splitlines()
        self.graph = graph

    def _forms(self, iri: str) -> list[str]:
        forms = [f"<{iri}>"]
        for prefix, namespace in self.graph.namespaces():
            if iri.startswith(str(namespace)) and prefix:
                forms.append(f"{prefix}:{iri[len(str(namespace)) :]}")
        return forms

    def subject_line(self, iri: str) -> int:
        forms = self._forms(iri)
        for number, text in enumerate(self.lines, start=1):
            stripped = text.lstrip()
            if any(
                stripped.startswith(form) and not stripped[len(form) : len(form) + 1].isalnum()
                for form in forms
            ):
                return number
        for number, text in enumerate(self.lines, start=1):
            if any(form in text for form in forms):
                return number
        return 1

    def object_line(self, after: int, iri: str, before: int | None = None, occurrence: int = 0) -> int:
        """Line of the `occurrence`-th mention of an IRI between two lines (0 = the first)."""
        forms = self._forms(iri)
        stop = before if before is not None else len(self.lines)
        found = []
        for number in range(after, stop + 1):
            if number - 1 < len(self.lines) and any(
                re.search(re.escape(form) + r"(?![\w-])", self.lines[number - 1]) for form in forms
            ):
                found.append(number)
        if not found:
            return after
        return found[min(occurrence, len(found) - 1)]


def _literals(graph: Graph, subject: object, predicate: URIRef) -> list[Literal]:
    return [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


def _one(graph: Graph, subject: object, predicate: URIRef) -> object | None:
    values = list(graph.objects(subject, predicate))
    return values[0].toPython() if values and isinstance(values[0], Literal) else None


def parse_turtle(path: Path) -> Graph:
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as error:  # rdflib raises several types; all mean bad syntax
        text = str(error)
        match = re.search(r"line (\d+)", text)
        raise TurtleSyntaxError(
            path,
            int(match.group(1)) if match else 1,
            "Turtle syntax error: " + text.strip().splitlines()[-1][:300],
        ) from error
    return graph


def read_curated_file(path: Path) -> CuratedFile:
    """Parse one Turtle file into disease records, links and term labels."""
    graph = parse_turtle(path)
    finder = _LineFinder(path, graph)
    relative = os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    diseases: list[DiseaseRecord] = []
    labels: list[TermLabels] = []
    unknown: list[tuple[str, Where]] = []
    factors: list[RiskFactorRecord] = []
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    subject_lines = {str(s): finder.subject_line(str(s)) for s in subjects}
    ordered = sorted(subjects, key=lambda s: subject_lines[str(s)])
    for position, subject in enumerate(ordered):
        iri = str(subject)
        line = subject_lines[iri]
        next_line = subject_lines[str(ordered[position + 1])] - 1 if position + 1 < len(ordered) else None
        where = Where(relative, line)
        curie = disease_curie(iri)
        if curie:
            record = DiseaseRecord(id=curie, declared=(subject, RDF.type, DX.Disease) in graph, where=where)
            for label in _literals(graph, subject, RDFS.label):
                if label.language == "es":
                    record.label_es = str(label)
                elif label.language in (None, "en"):
                    record.label_en = str(label)
            record.icd10 = sorted(str(v) for v in _literals(graph, subject, DX.icd10))
            record.xrefs = sorted(str(v) for v in _literals(graph, subject, DX.xref))
            record.settings = sorted(str(v) for v in _literals(graph, subject, DX.setting))
            prevalence = _one(graph, subject, DX.prevalence)
            record.prevalence = float(prevalence) if prevalence is not None else None
            record.prevalence_kind = _one(graph, subject, DX.prevalenceKind)
            record.prevalence_source = _one(graph, subject, DX.prevalenceSource)
            orphan = _one(graph, subject, DX.orphan)
            record.orphan = bool(orphan) if orphan is not None else None
            for attr, pred in (("age_min", DX.ageMin), ("age_max", DX.ageMax)):
                value = _one(graph, subject, pred)
                setattr(record, attr, int(value) if value is not None else None)
            record.sex_pattern = _one(graph, subject, DX.sexPattern)
            record.age_odds = _odds(_one(graph, subject, DX.ageOdds), float)
            record.sex_odds = dict(_odds(_one(graph, subject, DX.sexOdds), str))
            same = next(iter(graph.objects(subject, DX.sameDiseaseAs)), None)  # an IRI, not a literal
            record.same_as = disease_curie(str(same)) if isinstance(same, URIRef) else None
            consultation = _one(graph, subject, DX.consultationPrior)
            record.consultation_prior = float(consultation) if consultation is not None else None
            dont_miss = _one(graph, subject, DX.dontMiss)
            record.dont_miss = str(dont_miss) if dont_miss is not None else None
            record.supersedes = sorted(str(o) for o in _literals(graph, subject, DX.supersedes))
            record.typical_duration = _ordered_words(_one(graph, subject, DX.typicalDuration))
            source = _one(graph, subject, DX.durationSource)
            record.duration_source = str(source) if source is not None else None
            record.risk_factors = _risk_links(graph, subject)
            onset = _one(graph, subject, DX.complaintOnset)
            record.complaint_onset = str(onset) if onset is not None else None
            record.sudden_share = _number(_one(graph, subject, DX.suddenShare))
            onset_source = _one(graph, subject, DX.onsetSource)
            record.onset_source = str(onset_source) if onset_source is not None else None
            derived = _one(graph, subject, DX.derivedFrom)
            record.derived_from = str(derived) if derived is not None else None
            seen: dict[str, int] = {}
            nodes = sorted(graph.objects(subject, DX.hasPhenotype), key=lambda n: _node_order(graph, n))
            for node in nodes:
                link = _read_link(graph, finder, node, curie, line, next_line, relative, seen)
                record.links.append(link)
            diseases.append(record)
        elif hpo := term_curie(iri):
            entry = TermLabels(hpo_id=hpo, where=where)
            for label in _literals(graph, subject, RDFS.label):
                entry.labels[label.language or "en"] = str(label)
            for synonym in _literals(graph, subject, SKOS.altLabel):
                entry.synonyms.append((str(synonym), synonym.language or ""))
            entry.keep_label = bool(_one(graph, subject, DX.keepLabel) or False)
            labels.append(entry)
        elif iri.startswith(str(DXR)) and (subject, RDF.type, DX.RiskFactor) in graph:
            factors.append(_risk_factor(graph, subject, iri[len(str(DXR)) :], where))
        elif path.name not in VOCAB_FILES:
            unknown.append((iri, where))
    return CuratedFile(
        path=path,
        graph=graph,
        diseases=diseases,
        term_labels=labels,
        unknown_subjects=unknown,
        risk_factors=factors,
    )


def _risk_factor(graph: Graph, subject: URIRef, factor_id: str, where: Where) -> RiskFactorRecord:
    record = RiskFactorRecord(id=factor_id, where=where)
    for label in _literals(graph, subject, RDFS.label):
        if label.language == "es":
            record.label_es = str(label)
        elif label.language in (None, "en"):
            record.label_en = str(label)
    share = _one(graph, subject, DX.populationShare)
    record.share = _number(share)
    definition = _one(graph, subject, SKOS.definition)
    record.definition = str(definition) if definition is not None else None
    terms = (term_curie(str(o)) for o in graph.objects(subject, DX.historyTerm))
    record.history_terms = sorted(t for t in terms if t)
    return record


def _number(value: object) -> float | None:
    """A numeric literal's value (integer, decimal or double), else None."""
    if isinstance(value, bool):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _risk_links(graph: Graph, subject: URIRef) -> list[tuple[str | None, float | None, str | None]]:
    """(factor id, relative risk, source) of a disease's dx:riskFactor nodes, sorted by factor."""
    out = []
    for node in graph.objects(subject, DX.riskFactor):
        factor = next(iter(graph.objects(node, DX.factor)), None)
        factor_id = str(factor)[len(str(DXR)) :] if str(factor or "").startswith(str(DXR)) else None
        risk = _one(graph, node, DX.relativeRisk)
        source = _one(graph, node, DX.riskSource)
        out.append(
            (
                factor_id,
                _number(risk),
                str(source) if source is not None else None,
            )
        )
    return sorted(out, key=lambda link: str(link[0]))


def _ordered_words(text: object) -> list[str]:
    """'days hours' -> ['days', 'hours']: an ordered list kept in one literal (RDF has no order)."""
    return str(text or "").split()


def _odds(text: object, key_type: type) -> list[tuple]:
    """'0:1.6 1:2.4 ...' -> [(0.0, 1.6), (1.0, 2.4)]; malformed pairs are left out (validation names them)."""
    pairs = []
    for item in str(text or "").split():
        key, _, value = item.partition(":")
        try:
            pairs.append((key_type(key), float(value)))
        except ValueError:
            continue
    return pairs


def _node_order(graph: Graph, node: object) -> tuple:
    """A deterministic order for a disease's link nodes (rdflib does not keep file order)."""
    return tuple(sorted(str(o) for _, o in graph.predicate_objects(node)))


def _read_link(
    graph: Graph,
    finder: _LineFinder,
    node: object,
    disease: str,
    start: int,
    stop: int | None,
    relative: str,
    seen: dict[str, int],
) -> CuratedLink:
    phenotypes = [o for o in graph.objects(node, DX.phenotype)]
    raw = str(phenotypes[0]) if phenotypes else ""
    frequencies = [
        float(o.toPython())
        for o in _literals(graph, node, DX.frequency)
        if isinstance(o.toPython(), (int, float)) or str(o.toPython()).replace(".", "", 1).isdigit()
    ]
    negated = bool(_one(graph, node, DX.negated) or False)
    occurrence = seen.get(raw, 0)
    seen[raw] = occurrence + 1
    line = finder.object_line(start, raw, stop, occurrence) if raw else start
    if not isinstance(node, BNode) and str(node) in {str(s) for s in graph.subjects()}:
        line = finder.subject_line(str(node))
    return CuratedLink(
        disease_id=disease,
        hpo_id=term_curie(raw) if raw else None,
        frequency=frequencies[0] if frequencies else None,
        negated=negated,
        sources=sorted(str(v) for v in _literals(graph, node, DX.source)),
        evidence=str(_one(graph, node, DX.evidence) or ""),
        where=Where(relative, line),
        raw_phenotype=raw,
        raw_frequencies=frequencies,
    )


def curated_paths(root: Path) -> list[Path]:
    """The curated Turtle files under an ontologies directory (vocabulary and shapes excluded)."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.ttl") if p.name not in VOCAB_FILES)
