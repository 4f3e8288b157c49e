"""Parse HPO disease annotations (phenotype.hpoa), keeping every column the inference needs."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from knowledge.frequency import Frequency, FrequencyError, parse_frequency

__all__ = ["Annotation", "HpoaError", "HpoaFile", "parse_hpoa"]

EXPECTED_COLUMNS = [
    "database_id",
    "disease_name",
    "qualifier",
    "hpo_id",
    "reference",
    "evidence",
    "onset",
    "frequency",
    "sex",
    "modifier",
    "aspect",
    "biocuration",
]


@dataclass(frozen=True)
class Annotation:
    """One hpoa row; `negated` is true for NOT rows, 0/n and HP:0040285 frequencies."""

    disease_id: str
    disease_name: str
    hpo_id: str
    negated: bool
    frequency: Frequency
    references: tuple[str, ...]
    evidence: str
    onset: str
    sex: str
    modifiers: tuple[str, ...]
    aspect: str
    line: int


@dataclass
class HpoaFile:
    """A parsed phenotype.hpoa: its release, the annotations and the cells that could not be parsed."""

    release: str
    annotations: list[Annotation]
    unparsed: list[tuple[int, str, str]]  # (line, cell, reason)


class HpoaError(ValueError):
    """A phenotype.hpoa file that cannot be read (e.g. its header lacks an expected column)."""

    pass


def parse_hpoa(path: Path) -> HpoaFile:
    """Read phenotype.hpoa; bad frequency cells are collected (with line) rather than dropped silently."""
    release = ""
    annotations: list[Annotation] = []
    unparsed: list[tuple[int, str, str]] = []
    with open(path, encoding="utf-8") as handle:
        lineno = 0
        for raw in handle:
            lineno += 1
            if raw.startswith("#"):
                if raw.startswith("#version:"):
                    release = raw.split(":", 1)[1].strip()
                continue
            header = raw.rstrip("\n").split("\t")
            if header != EXPECTED_COLUMNS:
                raise HpoaError(f"{path}:{lineno}: unexpected header {header}")
            break
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in reader:
            lineno += 1
            if len(row) != len(EXPECTED_COLUMNS):
                raise HpoaError(f"{path}:{lineno}: expected {len(EXPECTED_COLUMNS)} columns, got {len(row)}")
            (
                disease_id,
                name,
                qualifier,
                hpo_id,
                reference,
                evidence,
                onset,
                freq_text,
                sex,
                modifier,
                aspect,
                _biocuration,
            ) = row
            try:
                frequency = parse_frequency(freq_text)
            except FrequencyError as error:
                unparsed.append((lineno, freq_text, str(error)))
                frequency = Frequency(None)
            annotations.append(
                Annotation(
                    disease_id=disease_id,
                    disease_name=name,
                    hpo_id=hpo_id,
                    negated=qualifier == "NOT" or frequency.excludes,
                    frequency=frequency,
                    references=tuple(r for r in reference.split(";") if r),
                    evidence=evidence,
                    onset=onset,
                    sex=sex.upper(),
                    modifiers=tuple(m for m in modifier.split(";") if m),
                    aspect=aspect,
                    line=lineno,
                )
            )
    if not release:
        raise HpoaError(f"{path}: no '#version:' header; cannot tell the annotation release")
    return HpoaFile(release=release, annotations=annotations, unparsed=unparsed)
