"""Risk factors read from notes against a hand annotation: precision and recall of the factors stated present
and absent, and of the diseases a family history names (knowledge/notes/risk.py).

Samples: the written ED, fresh and styles notes (benchmarks/data/notes_ed.jsonl, notes_fresh.jsonl,
notes_styles.jsonl; their risk factors annotated before any comparison, in benchmarks/data/notes_risk.jsonl),
and the dev
vignettes' halves (benchmarks/data/vignette_risks.jsonl, the benchmark's hand mapping; the reader's phrases
were tuned on half A, half B was not looked at). A factor counts as right when the annotation states it the
same way (present or absent); family histories are compared as curated disease ids (the annotation's names
through the same name table the reader uses).

    python benchmarks/notes_risk.py [--samples ed,fresh,A,B,styles,round16] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402
from knowledge.notes import note_extractor  # noqa: E402
from knowledge.notes.disease_names import DiseaseNames  # noqa: E402

GOLD = REPO / "benchmarks" / "data" / "notes_risk.jsonl"
FAMILY = "family_history_of_it"  # (the annotations' family_of lists the diseases)


def stated(row: dict) -> dict[str, bool]:
    """The annotation's factors: id -> present."""
    out = {f: True for f in row.get("present", [])} | {f: False for f in row.get("absent", [])}
    out.pop(FAMILY, None)
    return out


def cases(sample: str) -> list[tuple[str, str, str, dict]]:
    """(id, note, lang, annotation) of a sample."""
    from notes import read_sample, read_vignettes, vignette_note
    from vignettes import RISKS, read_mapping, vignette_half

    if sample in ("ed", "fresh", "styles", "round16"):
        gold = {r["id"]: r for r in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines())}
        return [  # (round 16 rows carry their own annotation)
            (
                r["id"],
                vignette_note(r["vignette"], r.get("lang", "en")),
                r.get("lang", "en"),
                r.get("risk") or gold[r["id"]],
            )
            for r in read_sample(sample)
        ]
    texts = read_vignettes()
    risks = {r["file_line"]: r for r in map(json.loads, RISKS.read_text(encoding="utf-8").splitlines())}
    return [
        (f"vignette:{r['source_line']}", vignette_note(texts[r["source_line"]]), "en", risks[r["file_line"]])
        for r in read_mapping(risks=None)
        if vignette_half(r["source_line"]) == sample
    ]


def score(pairs: list[tuple[set, set]]) -> tuple[float, float, int, int]:
    """Precision, recall, true positives and gold count over (read, gold) sets."""
    hits = sum(len(read & gold) for read, gold in pairs)
    read = sum(len(r) for r, _ in pairs)
    gold = sum(len(g) for _, g in pairs)
    return (hits / read if read else 1.0), (hits / gold if gold else 1.0), hits, gold


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", default="ed,fresh,A,B,styles")
    parser.add_argument("--errors", action="store_true", help="list the disagreements (never of half B)")
    args = parser.parse_args()
    kb = ensure_kb(load_settings())
    extractor = note_extractor(kb)
    names = DiseaseNames(kb)
    columns = ("P pres", "R pres", "P abs", "R abs", "P fam", "R fam")
    print(f"{'sample':8}{'n':>5}" + "".join(f"{c:>8}" for c in columns) + f"{'gold':>6}")
    for sample in args.samples.split(","):
        present, absent, family = [], [], []
        for case_id, note, lang, gold in cases(sample):
            reading = extractor.extract(note, lang)
            want = stated(gold)
            got = reading.risk_factors
            present.append(({k for k, v in got.items() if v}, {k for k, v in want.items() if v}))
            absent.append(({k for k, v in got.items() if not v}, {k for k, v in want.items() if not v}))
            gold_family = {d for name in gold.get("family_of", []) for d in names.lookup(name)}
            family.append((set(reading.family_history), gold_family))
            if args.errors and sample != "B" and (got != want or family[-1][0] != gold_family):
                read_family, want_family = sorted(reading.family_history), sorted(gold_family)
                print(f"  {case_id}: read {got} {read_family}; annotated {want} {want_family}")
        figures = [score(present), score(absent), score(family)]
        cells = "".join(f"{p:>8.3f}{r:>8.3f}" for p, r, _, _ in figures)
        print(f"{sample:8}{len(present):>5}{cells}{sum(f[3] for f in figures):>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
