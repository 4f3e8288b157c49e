"""Read GA4GH phenopackets (file, directory or JSONL) and turn each into Evidence plus its true diagnoses."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from inference.evidence import Evidence, EvidenceError, make_evidence, onset_years
from knowledge.jsonio import read_json, read_json_lines
from knowledge.kb import KnowledgeBase
from knowledge.units import is_hpo_id

__all__ = ["Case", "iter_packets", "packet_to_case"]

log = logging.getLogger(__name__)

_DURATION = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
)


@dataclass
class Case:
    """One phenopacket as an evaluation case: its evidence and its true diagnoses."""

    case_id: str
    evidence: Evidence
    diagnoses: list[str]  # disease ids of the interpretations (the truth, for evaluation)


def iso_age_years(text: str) -> float | None:
    match = _DURATION.match(text or "")
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (float(g) if g else 0.0 for g in match.groups())
    return years + months / 12 + weeks / 52.18 + days / 365.25


def iter_packets(path: Path, skipped: Callable[[str], None] | None = None) -> Iterator[tuple[str, dict]]:
    """Yield (where, packet) for every phenopacket in a file, a JSONL file or a directory of them.

    Parameters
    ----------
    path
        A phenopacket JSON file, a JSONL file of them, or a directory (its .json files, then its .jsonl).
    skipped
        Told what was skipped (an unreadable file or JSONL line, e.g. "unreadable x.json: ..."); by default
        it is logged as a warning. The command line passes a function that prints it.
    """
    report = skipped or _log_skipped
    if path.is_dir():
        for child in sorted(path.rglob("*.json")):
            yield from iter_packets(child, skipped)
        for child in sorted(path.rglob("*.jsonl")):
            yield from iter_packets(child, skipped)
        return
    try:
        if path.suffix == ".jsonl":
            for line in read_json_lines(path):
                if line.error is None:
                    yield f"{path}:{line.number}", line.value
                else:
                    report(f"{path}:{line.number}: {line.error}")
            return
        yield str(path), read_json(path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        report(f"unreadable {path}: {error}")


def _log_skipped(what: str) -> None:
    log.warning("skipping %s", what)


def packet_age(packet: dict) -> float | None:
    subject = packet.get("subject") or {}
    for key in ("timeAtLastEncounter", "timeAtEncounter"):
        age = ((subject.get(key) or {}).get("age") or {}).get("iso8601duration")
        if age:
            return iso_age_years(age)
    return None


def packet_onset(packet: dict) -> float | str | None:
    """The patient's disease onset: an age (years) or an HPO onset term, from `diseases[].onset`."""
    for disease in packet.get("diseases") or []:
        onset = (disease or {}).get("onset") or {}
        age = (onset.get("age") or {}).get("iso8601duration")
        if age and iso_age_years(age) is not None:
            return iso_age_years(age)
        term = (onset.get("ontologyClass") or {}).get("id")
        if term:
            return term
    return None


def packet_to_case(kb: KnowledgeBase, packet: dict, context: str = "rare-disease-clinic") -> Case:
    """Terms unknown to the loaded release are left out with a warning (batch mode never stops)."""
    if not isinstance(packet, dict) or "phenotypicFeatures" not in packet and "id" not in packet:
        raise EvidenceError("phenopacket", "not a phenopacket (no id / phenotypicFeatures)")
    observed, excluded = [], []
    for feature in packet.get("phenotypicFeatures") or []:
        term = ((feature or {}).get("type") or {}).get("id")
        if not term:
            continue
        (excluded if feature.get("excluded") else observed).append(term)
    both = set(observed) & set(excluded)
    warnings = [f"{t} both observed and excluded; ignored" for t in sorted(both)]
    observed = [t for t in observed if t not in both]
    excluded = [t for t in excluded if t not in both]
    sex = ((packet.get("subject") or {}).get("sex") or "").lower() or None
    age = packet_age(packet)
    if age is not None and not 0 <= age <= 130:
        warnings.append(f"implausible age {age:.1f}; ignored")
        age = None
    onset = packet_onset(packet)
    try:
        onset_years(onset, age)
    except EvidenceError as error:
        warnings.append(f"{error.message}; onset ignored")
        onset = None
    evidence = make_evidence(
        kb,
        [t for t in observed if _wellformed(t, warnings)],
        [t for t in excluded if _wellformed(t, warnings)],
        age_years=age,
        sex=sex,
        context=context,
        onset=onset,
        strict=False,
    )
    evidence.warnings[:0] = warnings
    diagnoses = []
    for interpretation in packet.get("interpretations") or []:
        disease = (((interpretation or {}).get("diagnosis") or {}).get("disease") or {}).get("id")
        if disease:
            diagnoses.append(disease)
    for disease in packet.get("diseases") or []:
        term = (disease or {}).get("term", {}).get("id")
        if term and term not in diagnoses and not disease.get("excluded"):
            diagnoses.append(term)
    return Case(str(packet.get("id", "")), evidence, diagnoses)


def _wellformed(term: str, warnings: list[str]) -> bool:
    if is_hpo_id(term):
        return True
    warnings.append(f"malformed HPO id {term!r}; left out")
    return False
