"""Speed of reading notes at ingestion: de-identification (learning.privacy.anonymize.Scrubber, with the
record's own identifiers as the record cleaner passes them) then extraction, old vs new for both steps in
one run (the old scrubber: benchmarks/scrub_old.py, presidio's recognizers on whole texts; the old
extractor: benchmarks/notes_old.py).

Notes: synthetic doctor's notes in Spanish and English with identifiers planted (learning.synthetic.files,
the notes `dxgraph synth` writes), and the published dev vignettes written as notes when they are present
(benchmarks/notes.py: vignette_note). Prints the median time per note and notes per second of each step
and of the whole ingestion of a note; the new path is `learning.ingest.text_to_hpo.extract_findings`, which
the record cleaner calls.

    python benchmarks/notes_speed.py [--notes 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402
from knowledge.search import phenotype_index  # noqa: E402
from learning.ingest.text_to_hpo import extract_findings  # noqa: E402
from learning.privacy.anonymize import Scrubber, identifier_terms  # noqa: E402
from learning.synthetic.files import note_text  # noqa: E402
from learning.synthetic.patients import SyntheticSpec, _Sampler  # noqa: E402


def synthetic_notes(kb, count: int) -> list[tuple[str, str, list[str]]]:
    """(text, lang, identifiers to scrub) of `count` synthetic notes."""
    sampler = _Sampler(kb, SyntheticSpec(patients=count, seed=12))
    rng = random.Random(13)
    notes = []
    for number in range(1, count + 1):
        p = sampler.patient(number)
        values = [p.pid, p.phone, p.email, p.dni, p.record_number, p.address, p.postal, p.city, p.date_text]
        notes.append((note_text(kb, p, rng), p.lang, identifier_terms(values, [p.name])))
    return notes


def vignette_notes() -> list[tuple[str, str, list[str]]]:
    from notes import VIGNETTES, read_vignettes, vignette_note

    if not VIGNETTES.exists():
        return []
    return [(vignette_note(v), "en", []) for v in read_vignettes().values()]


def timed(step, notes, repeat: int) -> list[float]:
    """Per-note seconds (the best of `repeat` passes for each note)."""
    times = [float("inf")] * len(notes)
    for _ in range(repeat):
        for i, note in enumerate(notes):
            started = time.perf_counter()
            step(note)
            times[i] = min(times[i], time.perf_counter() - started)
    return times


def main() -> int:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--notes", type=int, default=2000, help="synthetic notes")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    kb = ensure_kb(load_settings())
    from notes_old import OldExtractor
    from scrub_old import OldScrubber

    old = OldExtractor(phenotype_index(kb))
    scrubber, old_scrubber = Scrubber(), OldScrubber()
    scrubber.scrub("warm up: Ana Ruiz, 600 123 456")
    old_scrubber.scrub("warm up: Ana Ruiz, 600 123 456")
    extract_findings(kb, "warm up: fiebre", "es")
    samples = {"synthetic": synthetic_notes(kb, args.notes), "vignettes": vignette_notes()}
    scrubbed = {
        name: [(scrubber.scrub(text, known), lang, known) for text, lang, known in notes]
        for name, notes in samples.items()
    }
    steps = {
        "de-identification, old": lambda note: old_scrubber.scrub(note[0], note[2]),
        "de-identification": lambda note: scrubber.scrub(note[0], note[2]),
        "extraction, old": lambda note: old.extract(note[0]),
        "extraction, new": lambda note: extract_findings(kb, note[0], note[1]),
    }
    print(f"{'notes':11}{'step':30}{'n':>6}{'median ms':>11}{'notes/s':>10}")
    for name, notes in samples.items():
        if not notes:
            continue
        per_step = {}
        for step_name, step in steps.items():
            source = notes if step_name.startswith("de-identification") else scrubbed[name]
            per_step[step_name] = timed(step, source, args.repeat)
        per_step["ingestion (de-id + old)"] = [
            a + b for a, b in zip(per_step["de-identification"], per_step["extraction, old"], strict=True)
        ]
        per_step["ingestion (old de-id + new)"] = [
            a + b
            for a, b in zip(per_step["de-identification, old"], per_step["extraction, new"], strict=True)
        ]
        per_step["ingestion (de-id + new)"] = [
            a + b for a, b in zip(per_step["de-identification"], per_step["extraction, new"], strict=True)
        ]
        for step_name, times in per_step.items():
            print(
                f"{name:11}{step_name:30}{len(times):>6}{1000 * statistics.median(times):>11.3f}"
                f"{len(times) / sum(times):>10.0f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
