"""Check curated Turtle files: SHACL shapes plus semantic checks against the HPO release, with file:line."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import SH

from knowledge.curated import (
    DX,
    DXR,
    CuratedFile,
    TurtleSyntaxError,
    Where,
    disease_curie,
    is_superseded,
    read_curated_file,
    superseded_sources,
    term_curie,
)

__all__ = ["ORPHAN_THRESHOLD", "Problem", "Reference", "load_shapes", "validate_paths"]

ORPHAN_THRESHOLD = 1 / 2000  # EU definition: fewer than 1 in 2,000 people


@dataclass(frozen=True)
class Problem:
    """One validation problem: where it is and what is wrong."""

    where: Where
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Reference:
    """What curated files are checked against: the HPO release's terms and diseases."""

    live_terms: frozenset[str]
    obsolete_terms: dict[str, str | None]  # obsolete or alt id -> replacement (None if none)
    hpo_diseases: frozenset[str]


def _shacl_problems(curated: CuratedFile, shapes: Graph) -> list[Problem]:
    conforms, report, _ = shacl_validate(
        curated.graph, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    if conforms:
        return []
    link_lines: dict[object, Where] = {}
    for subject, _, node in curated.graph.triples((None, DX.hasPhenotype, None)):
        for record in curated.diseases:
            for link in record.links:
                if (
                    record.id == disease_curie(str(subject))
                    and isinstance(node, BNode)
                    and _link_node_matches(curated.graph, node, link.raw_phenotype)
                ):
                    link_lines.setdefault(node, link.where)
    subject_lines = {r.id: r.where for r in curated.diseases}
    subject_lines.update({t.hpo_id: t.where for t in curated.term_labels})
    subject_lines.update({f"risk:{f.id}": f.where for f in curated.risk_factors})
    link_lines.update(_risk_node_lines(curated, subject_lines))
    problems = []
    for result in report.subjects(predicate=SH.focusNode):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        where = link_lines.get(focus)
        if where is None and isinstance(focus, URIRef):
            curie = disease_curie(str(focus)) or term_curie(str(focus)) or risk_curie(str(focus))
            where = subject_lines.get(curie)
        where = where or Where(str(curated.path), 1)
        prop = str(path).split("#")[-1].split("/")[-1] if path is not None else "node"
        problems.append(Problem(where, f"SHACL: {prop}: {message}"))
    return problems


def _risk_node_lines(curated: CuratedFile, subject_lines: dict[str, Where]) -> dict[object, Where]:
    """Each dx:riskFactor node's line: the first line naming its factor after its disease's subject line."""
    text = curated.path.read_text(encoding="utf-8").splitlines()
    out: dict[object, Where] = {}
    for subject, _, node in curated.graph.triples((None, DX.riskFactor, None)):
        start = subject_lines.get(disease_curie(str(subject)) or "")
        factor = str(curated.graph.value(node, DX.factor) or "")
        if start is None:
            continue
        name = factor[len(str(DXR)) :] if factor.startswith(str(DXR)) else None
        line = next(
            (
                number
                for number in range(start.line, len(text) + 1)
                if name and (f"dxr:{name} " in text[number - 1] or factor in text[number - 1])
            ),
            start.line,
        )
        out[node] = Where(start.file, line)
    return out


def risk_curie(iri: str) -> str | None:
    """dxr:smoking -> risk:smoking (the key of a risk factor's line); None outside the namespace."""
    return f"risk:{iri[len(str(DXR)) :]}" if iri.startswith(str(DXR)) else None


def _link_node_matches(graph: Graph, node: BNode, raw_phenotype: str) -> bool:
    return any(str(o) == raw_phenotype for o in graph.objects(node, DX.phenotype))


def _term_problem(term: str | None, raw: str, reference: Reference) -> str | None:
    if term is None:
        return f"{raw or '(missing)'} is not an HPO term IRI"
    if term in reference.live_terms:
        return None
    if term in reference.obsolete_terms:
        replacement = reference.obsolete_terms[term]
        hint = f"; use {replacement}" if replacement else ""
        return f"{term} is obsolete or an alternative id{hint}"
    return f"unknown HPO id {term}"


def semantic_problems(files: list[CuratedFile], reference: Reference) -> list[Problem]:
    """Checks SHACL cannot express: ids against the release, duplicates, contradictions, citations."""
    problems: list[Problem] = []
    declared = {r.id for f in files for r in f.diseases if r.declared}
    seen_links: dict[tuple[str, str], list] = defaultdict(list)
    superseded = superseded_sources([r for f in files for r in f.diseases])
    factors = {f.id for c in files for f in c.risk_factors}
    problems.extend(_risk_problems(files, factors, declared, reference))
    for curated in files:
        for iri, where in curated.unknown_subjects:
            problems.append(Problem(where, f"subject {iri} is neither a dxgraph disease nor an HPO term"))
        for record in curated.diseases:
            if record.same_as and record.same_as not in reference.hpo_diseases:
                problems.append(Problem(record.where, f"sameDiseaseAs {record.same_as}: not an HPO disease"))
            if not record.declared and record.id not in reference.hpo_diseases | declared:
                problems.append(
                    Problem(
                        record.where,
                        f"unknown disease id {record.id}: not in the HPO "
                        "annotations and not declared a dx:Disease",
                    )
                )
            if record.prevalence is not None and not 0 < record.prevalence <= 1:
                problems.append(Problem(record.where, f"prevalence {record.prevalence} outside (0, 1]"))
            if (
                record.orphan is True
                and record.prevalence is not None
                and record.prevalence >= ORPHAN_THRESHOLD
            ):
                problems.append(
                    Problem(
                        record.where,
                        f"contradiction: orphan true but prevalence {record.prevalence} >= 1/2000",
                    )
                )
            if record.age_min is not None and record.age_max is not None and record.age_min > record.age_max:
                problems.append(Problem(record.where, f"ageMin {record.age_min} > ageMax {record.age_max}"))
            for link in record.links:
                if message := _term_problem(link.hpo_id, link.raw_phenotype, reference):
                    problems.append(Problem(link.where, message))
                for value in link.raw_frequencies:
                    if not 0.0 <= value <= 1.0:
                        problems.append(Problem(link.where, f"frequency {value} outside [0, 1]"))
                if not link.sources:
                    problems.append(
                        Problem(link.where, f"link {record.id} - {link.hpo_id} has no citation (dx:source)")
                    )
                if link.negated and link.frequency not in (None, 0.0):
                    problems.append(
                        Problem(
                            link.where,
                            f"contradiction: NOT link {link.hpo_id} with frequency {link.frequency}",
                        )
                    )
                if link.hpo_id and not is_superseded(record, link, superseded):
                    seen_links[(record.id, link.hpo_id)].append(link)
        for entry in curated.term_labels:
            if message := _term_problem(entry.hpo_id, entry.hpo_id, reference):
                problems.append(Problem(entry.where, message))
    for (disease, term), links in seen_links.items():
        if len(links) < 2:
            continue
        first = links[0]
        for other in links[1:]:
            kind = "contradictory" if other.negated != first.negated else "duplicate"
            problems.append(Problem(other.where, f"{kind} link {disease} - {term} (also at {first.where})"))
    problems.extend(_declared_twice(files, declared))
    return problems


def _risk_problems(
    files: list[CuratedFile], factors: set[str], declared: set[str], reference: Reference
) -> list[Problem]:
    """Risk links naming an undefined factor or a disease not declared, a factor stated twice for one
    disease, a factor defined twice or with a history term the release does not have."""
    problems = []
    defined: dict[str, Where] = {}
    for curated in files:
        for factor in curated.risk_factors:
            if factor.id in defined:
                problems.append(
                    Problem(
                        factor.where, f"risk factor {factor.id} defined twice (also at {defined[factor.id]})"
                    )
                )
            defined.setdefault(factor.id, factor.where)
            for term in factor.history_terms:
                if message := _term_problem(term, term, reference):
                    problems.append(Problem(factor.where, f"historyTerm: {message}"))
        for record in curated.diseases:
            seen: set[str] = set()
            for factor, _, _ in record.risk_factors:
                if factor is not None and factor not in factors:
                    problems.append(
                        Problem(
                            record.where,
                            f"riskFactor of {record.id}: unknown factor {factor!r} (not a dx:RiskFactor)",
                        )
                    )
                elif factor in seen:
                    problems.append(
                        Problem(record.where, f"riskFactor of {record.id}: {factor} stated twice")
                    )
                seen.add(str(factor))
            if record.risk_factors and record.id not in declared:
                problems.append(
                    Problem(
                        record.where, f"riskFactor on {record.id}: risk factors are for curated diseases only"
                    )
                )
    return problems


def _declared_twice(files: list[CuratedFile], declared: set[str]) -> list[Problem]:
    first: dict[str, Where] = {}
    problems = []
    for curated in files:
        for record in curated.diseases:
            if not record.declared:
                continue
            if record.id in first:
                problems.append(
                    Problem(record.where, f"disease {record.id} declared twice (also at {first[record.id]})")
                )
            else:
                first[record.id] = record.where
    return problems


def load_shapes(ontologies_dir: Path) -> Graph:
    """The directory's shapes.ttl, or the project's own when the directory has none."""
    path = ontologies_dir / "shapes.ttl"
    if not path.exists():
        path = Path(__file__).resolve().parent.parent / "ontologies" / "shapes.ttl"
    shapes = Graph()
    shapes.parse(path, format="turtle")
    return shapes


def validate_paths(
    paths: list[Path], shapes: Graph, reference: Reference, context: list[CuratedFile] | None = None
) -> tuple[list[CuratedFile], list[Problem]]:
    """Parse and check files; `context` holds other valid files so cross-file duplicates are found."""
    files: list[CuratedFile] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            curated = read_curated_file(path)
        except TurtleSyntaxError as error:
            problems.append(Problem(Where(str(error.path), error.line), error.message))
            continue
        files.append(curated)
        problems.extend(_shacl_problems(curated, shapes))
    mine = {f.path.resolve() for f in files}
    checked = [f for f in (context or []) if f.path.resolve() not in mine] + files
    problems.extend(p for p in semantic_problems(checked, reference) if Path(p.where.file).resolve() in mine)
    problems.sort(key=lambda p: (p.where.file, p.where.line))
    return files, problems
