"""Vital signs become findings: bins documented in docs/model.md."""

from __future__ import annotations

import pytest

from inference.evidence import EvidenceError, make_evidence
from inference.vitals import FEVER, HYPERPYREXIA, HYPOTHERMIA, TACHYCARDIA, bin_vitals, temperature_celsius


@pytest.mark.parametrize(
    ("celsius", "expected"),
    [
        (34.2, {(HYPOTHERMIA, True)}),
        (36.8, {(FEVER, False)}),
        (38.0, {(FEVER, True)}),
        (41.2, {(FEVER, True), (HYPERPYREXIA, True)}),
    ],
)
def test_temperature_bins(celsius, expected):
    assert {(f.term, f.present) for f in bin_vitals(temperature_c=celsius)} == expected


def test_fahrenheit_and_child_heart_rate():
    assert temperature_celsius(102.2, "F") == pytest.approx(39.0)
    assert {(f.term, f.present) for f in bin_vitals(heart_rate=130, age_years=2)} == {(TACHYCARDIA, False)}
    assert {(f.term, f.present) for f in bin_vitals(heart_rate=130, age_years=30)} == {(TACHYCARDIA, True)}


def test_implausible_vitals_name_the_field(kb):
    with pytest.raises(EvidenceError) as error:
        make_evidence(kb, [], [], vitals={"temperature_c": 60.0})
    assert error.value.field == "vitals" and "temperature_c=60.0" in str(error.value)


def test_vitals_enter_the_evidence(kb):
    evidence = make_evidence(kb, ["HP:0012735"], [], vitals={"temperature_c": 39.1, "heart_rate": 72})
    assert {(f.term, f.present, f.source) for f in evidence.findings} >= {
        (FEVER, True, "vitals"),
        (TACHYCARDIA, False, "vitals"),
    }
