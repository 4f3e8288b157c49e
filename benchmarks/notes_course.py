"""How long the complaint has lasted and how it started, read from notes, against a hand annotation: for the
duration, the share of notes stating one that the reader finds in the same bin as the annotation (hours /
days / weeks / months, inference/course.py) and how many it reads where none is stated; for the onset
(sudden / gradual), precision and recall of each.

Samples: the dev vignettes' halves (benchmarks/data/vignette_durations.jsonl and vignette_onsets.jsonl, the
benchmark's hand mapping; half B is held out: no errors are listed for it) and the styles sample
(benchmarks/data/notes_styles.jsonl, whose rows carry `duration_days` and `onset`).

    python benchmarks/notes_course.py [--samples A,B,styles,round16] [--errors]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from inference.course import duration_bin  # noqa: E402
from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402
from knowledge.notes import note_extractor  # noqa: E402


def cases(sample: str) -> list[tuple[str, str, str, float | None, str | None]]:
    """(id, note, lang, annotated duration in days, annotated onset) of a sample."""
    from notes import read_sample, read_vignettes, vignette_note
    from vignettes import read_mapping, vignette_half

    if sample in ("styles", "round16"):
        return [
            (
                r["id"],
                vignette_note(r["vignette"], r.get("lang", "en")),
                r.get("lang", "en"),
                r.get("duration_days"),
                r.get("onset"),
            )
            for r in read_sample(sample)
        ]
    texts = read_vignettes()
    return [
        (
            f"vignette:{r['source_line']}",
            vignette_note(texts[r["source_line"]]),
            "en",
            r.get("duration_days"),
            r.get("complaint_onset"),
        )
        for r in read_mapping()
        if vignette_half(r["source_line"]) == sample
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", default="A,B,styles")
    parser.add_argument("--errors", action="store_true", help="list the disagreements (never of half B)")
    args = parser.parse_args()
    kb = ensure_kb(load_settings())
    extractor = note_extractor(kb)
    header = ("dur n", "same bin", "read, none", "onset P", "onset R")
    print(f"{'sample':8}{'n':>5}" + "".join(f"{c:>11}" for c in header))
    for sample in args.samples.split(","):
        rows = cases(sample)
        stated = same = extra = 0
        onset_read = onset_right = onset_gold = 0
        for case_id, note, lang, days, onset in rows:
            reading = extractor.extract(note, lang)
            read_days = reading.duration.value if reading.duration is not None else None
            if days is not None:
                stated += 1
                hit = read_days is not None and duration_bin(read_days) == duration_bin(days)
                same += hit
            else:
                extra += read_days is not None
                hit = read_days is None
            got = reading.complaint_onset
            onset_read += got is not None
            onset_gold += onset is not None
            onset_right += got is not None and got == onset
            if args.errors and sample != "B" and (not hit or got != onset):
                print(f"  {case_id}: duration read {read_days} / {days}; onset read {got} / {onset}")
        cells = (
            f"{stated:>11}{same / max(stated, 1):>11.3f}{extra:>11}"
            f"{onset_right / max(onset_read, 1):>11.3f}{onset_right / max(onset_gold, 1):>11.3f}"
        )
        print(f"{sample:8}{len(rows):>5}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
