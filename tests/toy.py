"""A tiny HPO release (tests/data/toy_hpo) compiled by the real build, for exact unit tests."""

from __future__ import annotations

from pathlib import Path

from knowledge.build import build, read_sources
from knowledge.kb import KnowledgeBase

TOY_HPO = Path(__file__).resolve().parent / "data" / "toy_hpo"


def toy_kb(empty_ontologies: Path) -> KnowledgeBase:
    empty_ontologies.mkdir(parents=True, exist_ok=True)
    return build(read_sources(TOY_HPO), empty_ontologies)
