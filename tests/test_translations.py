"""The official HPO Spanish labels: derived from the Babelon file, loaded by the knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.derive.hpo_spanish import official_labels, read_babelon
from knowledge.obo import Ontology, Term
from knowledge.translations import TranslationError, read_official_es


def _ontology() -> Ontology:
    live = {t: Term(id=t, name=t) for t in ("HP:0000001", "HP:0012735")}
    return Ontology(release="2025-01-16", terms=live, obsolete={}, alt_ids={"HP:0099999": "HP:0012735"})


def test_derivation_keeps_live_official_labels_only(tmp_path: Path) -> None:
    babelon = tmp_path / "hp-es.babelon.tsv"
    babelon.write_text(
        "\ufeffsource_language\ttranslation_language\tsubject_id\tsource_value\tpredicate_id\t"
        "translation_value\ttranslation_status\n"
        "en\tes\tHP:0000001\tAll\trdfs:label\tTodos\tOFFICIAL\n"
        "en\tes\tHP:0099999\tCough (alt id)\trdfs:label\tTos\tOFFICIAL\n"
        "en\tes\tHP:0001234\tNot in this release\trdfs:label\tNada\tOFFICIAL\n"
        "en\tes\tHP:0000001\tAll\trdfs:label\tBorrador\tCANDIDATE\n",
        encoding="utf-8",
    )
    labels = official_labels(read_babelon(babelon), _ontology())
    assert labels == {"HP:0000001": "Todos", "HP:0012735": "Tos"}


def test_broken_translation_line_is_named(tmp_path: Path) -> None:
    (tmp_path / "translations").mkdir()
    text = "# c\nhpo_id\tlabel_es\nHP:0000001\tTodos\nHP:0000002\n"
    (tmp_path / "translations" / "hp-es.tsv").write_text(text)
    with pytest.raises(TranslationError, match=r"hp-es.tsv:4"):
        read_official_es(tmp_path)


def test_knowledge_base_uses_official_spanish_labels(kb) -> None:
    assert len(kb.term_info["labels_es"]) > 19000
    assert kb.label("HP:0012735", "es") == "Tos"
    assert kb.label("HP:0001945", "es") == "Fiebre"
    # a hand-made label that differs from the official one survives as a Spanish synonym
    assert "Faringodinia" in kb.term_info["synonyms_es"]["HP:0033050"]
    assert kb.label("HP:0033050", "es") not in kb.term_info["synonyms_es"]["HP:0033050"]
