"""HPO annotation frequencies in their three forms: HPO frequency terms, n/m counts and percentages."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Frequency", "FrequencyError", "parse_frequency"]

# Midpoints used by LIRICAL and the HPO documentation for the frequency sub-ontology (HP:0040279).
FREQUENCY_TERMS: dict[str, float] = {
    "HP:0040280": 1.0,  # Obligate (100%)
    "HP:0040281": 0.895,  # Very frequent (80-99%)
    "HP:0040282": 0.545,  # Frequent (30-79%)
    "HP:0040283": 0.17,  # Occasional (5-29%)
    "HP:0040284": 0.025,  # Very rare (1-4%)
    "HP:0040285": 0.0,  # Excluded (0%): counts as a NOT link
}

_RATIO = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


@dataclass(frozen=True)
class Frequency:
    """A parsed frequency; `n`/`m` are kept when given as counts (a sample size usable as a prior)."""

    value: float | None
    n: int | None = None
    m: int | None = None
    kind: str = "missing"  # missing | term | ratio | percent

    @property
    def excludes(self) -> bool:
        """0/n or HP:0040285: the feature was looked for and is absent (a NOT link)."""
        return self.value == 0.0


class FrequencyError(ValueError):
    """A frequency cell that is neither an HPO frequency term, n/m nor a percentage."""

    pass


def parse_frequency(text: str) -> Frequency:
    """Parse one hpoa frequency cell; raises FrequencyError on anything unrecognised."""
    text = text.strip()
    if not text:
        return Frequency(None)
    if text in FREQUENCY_TERMS:
        return Frequency(FREQUENCY_TERMS[text], kind="term")
    if match := _RATIO.match(text):
        n, m = int(match.group(1)), int(match.group(2))
        if m == 0 or n > m:
            raise FrequencyError(f"impossible ratio {text!r}")
        return Frequency(n / m, n=n, m=m, kind="ratio")
    if match := _PERCENT.match(text):
        value = float(match.group(1)) / 100.0
        if not 0.0 <= value <= 1.0:
            raise FrequencyError(f"percentage out of range {text!r}")
        return Frequency(value, kind="percent")
    raise FrequencyError(f"unrecognised frequency {text!r}")
