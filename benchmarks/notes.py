"""Note extraction against a hand annotation: precision and recall of present and absent findings, old vs new
extractor (and a spaCy + negspacy variant when installed), in one run.

The texts are the published dev vignettes (../shared/data/vignettes/avey_dev.jsonl, never copied here); each
vignette's note is written as a doctor would: demographics, chief complaint, the presentation, the negative
review of systems, then past, family and social history as sections (`vignette_note`). The gold standard is
the hand mapping made before any tuning (tests/data/notes/vignettes_tuning.jsonl: half A, used to tune;
vignettes_second.jsonl: half B, never looked at while tuning). `--sample ed` and `--sample fresh` read
vignettes written and annotated for the ED and fresh rounds (benchmarks/data/notes_ed.jsonl, 58 English and
12 Spanish emergency patients; notes_fresh.jsonl, 64 English and 16 Spanish; `--sample styles`,
notes_styles.jsonl, 88 English and 24 Spanish primary-care and emergency patients in many writing styles,
written and annotated by two helpers for the styles round; texts and annotation in one
file; Spanish notes get Spanish section headers and lang es). An extracted term counts as right when it is
the annotated term or one is_a step from it (parent or child). Vital signs read from the text are binned as
the engine bins them (fever from 38.0 C ...), on both sides.

    python benchmarks/notes.py [--sample tuning|second|both|ed|fresh|styles] [--errors N]
        [--candidates old,new,spacy]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from inference.vitals import bin_vitals  # noqa: E402
from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402
from knowledge.notes import note_extractor  # noqa: E402
from knowledge.search import phenotype_index  # noqa: E402

SHARED = Path(os.environ.get("DXGRAPH_SHARED", REPO.parent / "shared"))
VIGNETTES = SHARED / "data" / "vignettes" / "avey_dev.jsonl"
SAMPLES = {
    name: REPO / "tests" / "data" / "notes" / f"vignettes_{name}.jsonl" for name in ("tuning", "second")
}
# Samples that carry their own texts (a "vignette" object per row, built into a note as vignette_note does)
# and a "lang"): the vignettes written and annotated for the ED and fresh rounds (docs/notes.md).
SAMPLES["ed"] = REPO / "benchmarks" / "data" / "notes_ed.jsonl"
SAMPLES["fresh"] = REPO / "benchmarks" / "data" / "notes_fresh.jsonl"
SAMPLES["styles"] = REPO / "benchmarks" / "data" / "notes_styles.jsonl"
# round 16: 60 patient-told vignettes (40 English, 20 Spanish) written and annotated blind by a helper, each
# row with its risk factors, onset and duration; measured once before any fix made from it (docs/results.md)
SAMPLES["round16"] = REPO / "benchmarks" / "data" / "notes_round16.jsonl"
WRITTEN = ("ed", "fresh", "styles", "round16")
VITAL_KEYS = {"resp_rate": "respiratory_rate"}
HEADERS = {
    "en": ("Chief complaint", "Past medical history", "Family history", "Social history"),
    "es": ("Motivo de consulta", "Antecedentes personales", "Antecedentes familiares", "Hábitos"),
}


def _section(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value in ("", "-", "none", "None") else value


def vignette_note(v: dict, lang: str = "en") -> str:
    """The note of a vignette: demographics, chief complaint, presentation, negatives, history sections."""
    complaint, past, family, social = HEADERS[lang]
    lines = [f"{v['demographics'].strip()}.", f"{complaint}: {v['chief_complaints'].strip()}."]
    lines.append(v["presentation"].strip())
    if _section(v.get("absent_findings")):
        lines.append(v["absent_findings"].strip())
    for header, key in ((past, "physical_history"), (family, "family_history"), (social, "social_history")):
        if _section(v.get(key)):
            lines.append(f"{header}: {_section(v[key])}")
    return "\n".join(lines)


def read_vignettes(path: Path = VIGNETTES) -> dict[int, dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {int(r["source_line"]): r for r in rows}


def read_sample(name: str) -> list[dict]:
    """A sample's rows; a row without a source line (the written samples) is keyed by its id."""
    rows = [json.loads(line) for line in SAMPLES[name].read_text(encoding="utf-8").splitlines() if line]
    for row in rows:
        row.setdefault("source_line", row.get("id"))
    return rows


def with_vitals(present: set[str], absent: set[str], vitals: dict, age: float | None) -> tuple[set, set]:
    """Add the findings the engine derives from vital signs (reported findings win, as in make_evidence)."""
    present, absent = set(present), set(absent)
    try:
        binned = bin_vitals(age_years=age, **vitals) if vitals else []
    except ValueError:
        binned = []
    for vital in binned:
        if vital.term not in present and vital.term not in absent:
            (present if vital.present else absent).add(vital.term)
    return present, absent


class Scorer:
    """Precision and recall with the one-is_a-step rule."""

    def __init__(self, kb) -> None:
        self.kb = kb

    def near(self, a: str, b: str) -> bool:
        if a == b:
            return True
        ia, ib = self.kb.term_index.get(a), self.kb.term_index.get(b)
        if ia is None or ib is None:
            return False
        return ib in self.kb.parents(ia) or ia in self.kb.parents(ib)

    def counts(self, found: set[str], gold: set[str]) -> tuple[int, int, int, int]:
        """(right found, found, gold matched, gold)."""
        right = sum(any(self.near(f, g) for g in gold) for f in found)
        matched = sum(any(self.near(f, g) for f in found) for g in gold)
        return right, len(found), matched, len(gold)


def gold_sets(row: dict) -> tuple[set[str], set[str]]:
    vitals = {VITAL_KEYS.get(k, k): v for k, v in (row.get("vitals") or {}).items()}
    present = set(row["present"])
    absent = set(row["absent"]) - present
    return with_vitals(present, absent, vitals, row.get("age"))


def candidates(kb, names: list[str]) -> dict[str, Callable[[str], tuple[set, set]]]:
    """name -> note -> (present terms, absent terms)."""
    found: dict[str, Callable[[str], tuple[set, set]]] = {}
    if "old" in names:
        from notes_old import OldExtractor

        old = OldExtractor(phenotype_index(kb))

        def run_old(text: str, lang: str = "en") -> tuple[set, set]:
            mentions = old.extract(text)
            return {m.term for m in mentions if m.present}, {m.term for m in mentions if not m.present}

        found["old"] = run_old
    if "new" in names:
        new = note_extractor(kb)

        def run_new(text: str, lang: str = "en") -> tuple[set, set]:
            result = new.extract(text, lang)
            observed, excluded, _ = result.evidence()
            present, absent = {t for t, _ in observed}, set(excluded)
            return with_vitals(present, absent, result.vitals, result.age.value if result.age else None)

        found["new"] = run_new
    if "spacy" in names:
        try:
            from notes_spacy import SpacyExtractor
        except ImportError as error:
            print(f"spacy variant skipped: {error}", file=sys.stderr)
        else:
            spacy_variant = SpacyExtractor(kb)
            found["spacy+negspacy"] = lambda text, lang="en": spacy_variant.extract(text)
    return found


def evaluate(kb, runner, sample: list[dict], notes: dict[int, str]) -> dict:
    scorer = Scorer(kb)
    totals = {"present": [0, 0, 0, 0], "absent": [0, 0, 0, 0]}
    times: list[float] = []
    per_case = []
    for row in sample:
        text = notes[row["source_line"]]
        started = time.perf_counter()
        present, absent = runner(text, row.get("lang", "en"))
        times.append(time.perf_counter() - started)
        gold_present, gold_absent = gold_sets(row)
        for kind, found, gold in (("present", present, gold_present), ("absent", absent, gold_absent)):
            counts = scorer.counts(found, gold)
            totals[kind] = [t + c for t, c in zip(totals[kind], counts, strict=True)]
        per_case.append((row, present, absent, gold_present, gold_absent))
    result = {}
    for kind, (right, found, matched, gold) in totals.items():
        result[kind] = {
            "precision": right / found if found else 0.0,
            "recall": matched / gold if gold else 0.0,
            "found": found,
            "gold": gold,
        }
    result["median_ms"] = 1000 * statistics.median(times)
    result["notes_per_s"] = len(times) / sum(times)
    result["_cases"] = per_case
    return result


def print_errors(kb, per_case, notes: dict[int, str], limit: int) -> None:
    scorer = Scorer(kb)
    shown = 0
    for row, present, absent, gold_present, gold_absent in per_case:
        lines = []
        for kind, found, gold in (("present", present, gold_present), ("absent", absent, gold_absent)):
            extra = [f for f in found if not any(scorer.near(f, g) for g in gold)]
            missed = [g for g in gold if not any(scorer.near(f, g) for f in found)]
            if extra:
                lines.append(f"  {kind} wrong : " + "; ".join(f"{t} {kb.label(t)}" for t in sorted(extra)))
            if missed:
                lines.append(f"  {kind} missed: " + "; ".join(f"{t} {kb.label(t)}" for t in sorted(missed)))
        if lines and shown < limit:
            shown += 1
            print(f"--- vignette {row['source_line']}\n{notes[row['source_line']]}")
            print("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sample", default="both", choices=["tuning", "second", "both", *WRITTEN])
    parser.add_argument("--candidates", default="old,new,spacy")
    parser.add_argument(
        "--errors", type=int, default=0, help="print this many errors of the tuning or a written sample (new)"
    )
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument(
        "--reload-phrases",
        action="store_true",
        help="read the lay vocabulary, note phrases and patterns from ontologies/, not the compiled KB",
    )
    args = parser.parse_args()
    if args.sample not in WRITTEN and not VIGNETTES.exists():
        print(f"{VIGNETTES} is not here: nothing to measure", file=sys.stderr)
        return 1
    settings = load_settings()
    kb = ensure_kb(settings)
    if args.reload_phrases:
        from knowledge.lay_vocabulary import read_lay_vocabulary, read_note_phrases
        from knowledge.note_patterns import read_note_patterns

        kb.term_info["lay_phrases"] = read_lay_vocabulary(settings.ontologies_dir, set(kb.term_ids))
        kb.term_info["note_phrases"] = read_note_phrases(settings.ontologies_dir, set(kb.term_ids))
        kb.term_info["note_patterns"] = read_note_patterns(settings.ontologies_dir, set(kb.term_ids))
    written = args.sample in WRITTEN  # samples with their own texts
    notes = {} if written else {line: vignette_note(v) for line, v in read_vignettes().items()}
    names = [s.strip() for s in args.candidates.split(",")]
    runners = candidates(kb, names)
    samples = ["tuning", "second"] if args.sample == "both" else [args.sample]
    report: dict = {}
    columns = ("P pres", "R pres", "P abs", "R abs")
    print(f"{'sample':8}{'extractor':16}{'n':>5}" + "".join(f"{c:>8}" for c in columns) + f"{'ms/note':>9}")
    for sample_name in samples:
        sample = read_sample(sample_name)
        if "vignette" in sample[0]:  # a sample with its own texts
            notes = {
                row["source_line"]: vignette_note(row["vignette"], row.get("lang", "en")) for row in sample
            }
        for name, runner in runners.items():
            runner(notes[sample[0]["source_line"]])  # warm up
            result = evaluate(kb, runner, sample, notes)
            cases = result.pop("_cases")
            report[f"{sample_name}/{name}"] = result
            p, a = result["present"], result["absent"]
            print(
                f"{sample_name:8}{name:16}{len(sample):>5}{p['precision']:>8.3f}{p['recall']:>8.3f}"
                f"{a['precision']:>8.3f}{a['recall']:>8.3f}{result['median_ms']:>9.3f}"
            )
            if args.errors and name == "new" and sample_name in ("tuning", *WRITTEN):
                print_errors(kb, cases, notes, args.errors)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
