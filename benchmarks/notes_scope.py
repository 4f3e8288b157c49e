"""Scope of negation, uncertainty, history and other people in note sentences: how often the note extractor
gives each finding the status a clinician expects.

The batteries are short sentences written by helpers from clinical knowledge, blind to the extractor, with
every finding's HPO term and expected status (present now, absent now, or other: past episode, family,
another person, hypothetical, feared, trigger). `benchmarks/data/notes_scope_{en,es}.tsv` (311 and 324
findings) drove the sixteenth session's fixes; `notes_scope_heldout_{en,es}.tsv` were written after them and
measured once. A finding counts as found when the extractor names the term or one is_a step from it; then
its status is right when every such mention has the expected status ("resolved" is read as absent now).

    python benchmarks/notes_scope.py [--battery NAME ...] [--errors]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402
from knowledge.notes import note_extractor  # noqa: E402

DATA = REPO / "benchmarks" / "data"
BATTERIES = ("notes_scope_en", "notes_scope_es", "notes_scope_heldout_en", "notes_scope_heldout_es")
KINDS = {"present": "present", "absent": "absent"}  # every other status is "other"


def read_battery(path: Path) -> dict[tuple[str, str, str], list[dict]]:
    """Expected findings per sentence (id, text, lang)."""
    by_sentence: dict[tuple[str, str, str], list[dict]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            by_sentence.setdefault((row["id"], row["text"], row["lang"]), []).append(row)
    return by_sentence


def score(kb, extract, battery: dict) -> tuple[Counter, list[str]]:
    """Counts of right / wrong status / missed findings and present findings nobody expected, with the
    errors as lines to read."""

    def near(a: str, b: str) -> bool:
        ia, ib = kb.term_index.get(a), kb.term_index.get(b)
        if ia is None or ib is None:
            return a == b
        return ia == ib or ib in kb.parents(ia) or ia in kb.parents(ib)

    counts: Counter = Counter()
    errors: list[str] = []
    for (sentence_id, text, lang), expected in battery.items():
        mentions = [(m.term, m.status) for m in extract(text, lang).mentions]
        for row in expected:
            want = KINDS.get(row["status"].strip(), "other")
            got = {KINDS.get(status, "other") for term, status in mentions if near(term, row["hpo_id"])}
            if not got:
                counts["missed"] += 1
            elif got == {want}:
                counts["right"] += 1
            else:
                counts["wrong status"] += 1
                wrong = f"{row['hpo_label']}: want {want}, got {sorted(got)}"
                errors.append(f"{sentence_id}: {text}\n    {wrong}")
        for term, status in mentions:
            if status == "present" and not any(near(term, row["hpo_id"]) for row in expected):
                counts["unexpected present"] += 1
                errors.append(f"{sentence_id}: {text}\n    unexpected present {kb.label(term)}")
    return counts, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--battery", nargs="*", default=list(BATTERIES))
    parser.add_argument("--errors", action="store_true", help="print every finding read wrong")
    args = parser.parse_args()
    kb = ensure_kb(load_settings())
    extractor = note_extractor(kb)
    print(f"{'battery':26}{'findings':>9}{'right':>8}{'wrong':>8}{'missed':>8}{'status ok':>10}{'extra':>7}")
    for name in args.battery:
        path = DATA / f"{name}.tsv"
        if not path.exists():
            print(f"{name:26} (not present)")
            continue
        counts, errors = score(kb, lambda text, lang: extractor.extract(text, lang=lang), read_battery(path))
        total = counts["right"] + counts["wrong status"] + counts["missed"]
        found = counts["right"] + counts["wrong status"]
        print(
            f"{name:26}{total:>9}{counts['right']:>8}{counts['wrong status']:>8}{counts['missed']:>8}"
            f"{counts['right'] / max(found, 1):>10.3f}{counts['unexpected present']:>7}"
        )
        if args.errors:
            print("\n".join(errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
