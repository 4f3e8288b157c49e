"""The person-name recognizer (learning/privacy/person_names.py) on a labelled sample and on the issue's
cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from learning.privacy.anonymize import Scrubber
from learning.privacy.person_names import NameRecognizer, clinical_vocabulary

SAMPLES = Path(__file__).parent / "data" / "deid"
SAMPLE = SAMPLES / "names_labelled.txt"  # tuned on
HELD_OUT = SAMPLES / "names_heldout.txt"  # written after tuning
TITLE = re.compile(r"(?i)^(?:dr|dra|mr|mrs|ms|sr|sra)\.\s*")


def labelled(sample: Path = SAMPLE) -> list[tuple[str, list[tuple[int, int]]]]:
    """(text, gold name spans) per line; a title inside the braces is not part of the name."""
    items = []
    for line in sample.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, gold, position = "", [], 0
        for match in re.finditer(r"\{([^}]*)\}", line):
            text += line[position : match.start()]
            inner = match.group(1)
            title = TITLE.match(inner)
            start = len(text) + (title.end() if title else 0)
            text += inner
            gold.append((start, len(text)))
            position = match.end()
        items.append((text + line[position:], gold))
    return items


def score(predict, sample: Path = SAMPLE) -> dict[str, float]:
    """Entity-level recall (a name counts when all its letters are covered) and precision (a predicted
    span counts when it overlaps a name)."""
    names = found = predicted = correct = 0
    for text, gold in labelled(sample):
        spans = predict(text)
        names += len(gold)
        for start, end in gold:
            covered = [any(a <= i < b for a, b in spans) for i in range(start, end) if text[i].isalpha()]
            found += all(covered)
        predicted += len(spans)
        correct += sum(any(a < g_end and g_start < b for g_start, g_end in gold) for a, b in spans)
    return {
        "names": names,
        "recall": found / names,
        "predicted": predicted,
        "precision": correct / predicted if predicted else 1.0,
    }


@pytest.fixture(scope="module")
def protected(kb) -> frozenset[str]:
    return clinical_vocabulary(kb)


@pytest.mark.parametrize("sample", [SAMPLE, HELD_OUT], ids=["tuning", "held-out"])
def test_recall_and_precision_on_the_labelled_samples(protected, capsys, sample):
    recognizer = NameRecognizer(protected)
    alone = score(recognizer.spans, sample)
    scrubber = Scrubber(protected=protected)
    full = score(lambda text: [(a, b) for a, b, kind in scrubber.spans(text) if kind == "NAME"], sample)
    with capsys.disabled():
        print(f"\n{sample.name}: recognizer alone {alone}; scrubber (recognizer + cue patterns) {full}")
    assert alone["names"] >= 18
    assert alone["recall"] >= 0.8 and alone["precision"] >= 0.85
    assert full["recall"] >= 0.85 and full["precision"] >= 0.85


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        (
            "Le acompaña Wenceslao Iturriaga, su cuñado.",
            ["Wenceslao", "Iturriaga"],
            ["Le acompaña", "su cuñado"],
        ),
        ("Comentado con belmonte-ugarte.", ["belmonte", "ugarte"], ["Comentado con"]),
        (
            "Revisado por el Dr. Jean-Baptiste ayer.",
            ["Jean", "Baptiste"],
            ["Revisado por el Dr. [NAME] ayer."],
        ),
        ("Llamar al +44 7700 900123 o al 0044 7700 900123.", ["7700", "900123"], ["Llamar al [PHONE] o al"]),
        ("Call +1 (202) 555-0143 after 5 pm.", ["555", "0143", "202"], ["Call [PHONE] after 5 pm."]),
        ("Síndrome de Down; enfermedad de Crohn; signo de Babinski.", [], ["Down", "Crohn", "Babinski"]),
        ("Refiere dolor torácico y tos seca; vive en Madrid.", [], ["dolor torácico y tos seca"]),
    ],
)
def test_the_issues_identifiers_are_scrubbed_and_clinical_words_kept(protected, text, gone, kept):
    scrubbed = Scrubber(protected=protected).scrub(text)
    for piece in gone:
        assert piece not in scrubbed, scrubbed
    for piece in kept:
        assert piece in scrubbed, scrubbed


def test_file_names_are_shown_without_surnames(protected):
    scrubber = Scrubber(protected=protected)
    assert scrubber.scrub_file_name("nota_Iparraguirre_2024.txt") == "nota_x_2024.txt"
    assert scrubber.scrub_file_name("historias_anchas_es.csv") == "historias_anchas_es.csv"
    assert scrubber.scrub_file_name("Quorvendale_Xanthippa_nota.txt") == "x_x_nota.txt"
