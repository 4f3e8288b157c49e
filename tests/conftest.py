"""Shared fixtures: the real knowledge base, built from the shipped sources once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from knowledge.build import build, read_sources
from knowledge.config import load_settings
from knowledge.kb import KnowledgeBase, publish

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DXGRAPH_SHARED", REPO.parent / "shared"))
SHARED_CASES = SHARED / "data" / "phenopackets" / "dev"
# servers started by the tests build a small likelihood table (the real default, 6,000 terms, takes ~15 s
# per new model); tests/test_term_table.py checks a tabled engine answers as a computing one
os.environ.setdefault("DXGRAPH_TABLE_TERMS", "300")


@pytest.fixture(scope="session")
def kb_home(tmp_path_factory) -> Path:
    """A DXGRAPH_HOME holding a fresh build of the shipped HPO release and ontologies."""
    home = tmp_path_factory.mktemp("dxgraph_home")
    settings = load_settings()
    publish(build(read_sources(settings.hpo_dir), REPO / "ontologies"), home / "kb")
    return home


@pytest.fixture(scope="session")
def kb(kb_home) -> KnowledgeBase:
    from knowledge.kb import load_current

    return load_current(kb_home / "kb")


@pytest.fixture(scope="session")
def dev_cases_dir() -> Path:
    """The shared real cases; missing them fails under CI=true (never a silent skip there)."""
    if not SHARED_CASES.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED_CASES} is missing: the shared dev phenopackets are required in CI")
        pytest.skip(f"{SHARED_CASES} not available outside CI")
    return SHARED_CASES


@pytest.fixture(scope="module")
def read(kb):
    """read(text, lang="en", known=None): the note extractor's answer, as the site and the CLI get it."""
    from knowledge.notes import note_extractor

    extractor = note_extractor(kb)
    return lambda text, lang="en", known=None: extractor.extract(text, lang, known)
