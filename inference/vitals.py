"""Numeric vital signs binned into HPO findings (observed, or excluded when normal). Bins in docs/model.md."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.units import fahrenheit_to_celsius

__all__ = [
    "FEVER",
    "HYPERPYREXIA",
    "HYPOTHERMIA",
    "PLAUSIBLE",
    "TACHYCARDIA",
    "VITAL_SIGN_FINDINGS",
    "VitalFinding",
    "bin_vitals",
    "temperature_celsius",
]

FEVER, HYPERPYREXIA, HYPOTHERMIA = "HP:0001945", "HP:0033031", "HP:0002045"
TACHYCARDIA, BRADYCARDIA = "HP:0001649", "HP:0001662"
TACHYPNEA = "HP:0002789"
HYPOTENSION, HYPERTENSION = "HP:0002615", "HP:0000822"
HYPOXEMIA = "HP:0012418"
VITAL_SIGN_FINDINGS = (
    FEVER,
    HYPERPYREXIA,
    HYPOTHERMIA,
    TACHYCARDIA,
    BRADYCARDIA,
    TACHYPNEA,
    HYPOTENSION,
    HYPERTENSION,
    HYPOXEMIA,
)

# plausible ranges: values outside are input errors, not findings
PLAUSIBLE = {
    "temperature_c": (25.0, 45.0),
    "heart_rate": (20.0, 300.0),
    "respiratory_rate": (3.0, 80.0),
    "systolic_bp": (40.0, 300.0),
    "diastolic_bp": (20.0, 200.0),
    "spo2": (50.0, 100.0),
}


@dataclass(frozen=True)
class VitalFinding:
    """A finding derived from a vital sign: the HPO term, present or excluded, and why
    (e.g. "temperature 38.6 C >= 38")."""

    term: str
    present: bool
    reason: str


def temperature_celsius(value: float, unit: str = "C") -> float:
    """A temperature in degrees Celsius from a value in unit "C" or "F" (ValueError for any other unit)."""
    unit = unit.upper()
    if unit in ("C", "CELSIUS"):
        return value
    if unit in ("F", "FAHRENHEIT"):
        return fahrenheit_to_celsius(value)
    raise ValueError(f"temperature unit must be C or F, not {unit!r}")


def _check(name: str, value: float) -> None:
    low, high = PLAUSIBLE[name]
    if not low <= value <= high:
        raise ValueError(f"{name}={value} is outside the plausible range {low}-{high}")


def bin_vitals(
    temperature_c: float | None = None,
    heart_rate: float | None = None,
    respiratory_rate: float | None = None,
    systolic_bp: float | None = None,
    diastolic_bp: float | None = None,
    spo2: float | None = None,
    age_years: float | None = None,
) -> list[VitalFinding]:
    """Adult thresholds (children: heart and breathing rates by age band, see docs/model.md)."""
    findings: list[VitalFinding] = []
    if temperature_c is not None:
        _check("temperature_c", temperature_c)
        t = temperature_c
        if t >= 41.0:
            findings += [
                VitalFinding(HYPERPYREXIA, True, f"temperature {t:.1f} C >= 41"),
                VitalFinding(FEVER, True, f"temperature {t:.1f} C >= 38"),
            ]
        elif t >= 38.0:
            findings.append(VitalFinding(FEVER, True, f"temperature {t:.1f} C >= 38"))
        elif t < 35.0:
            findings.append(VitalFinding(HYPOTHERMIA, True, f"temperature {t:.1f} C < 35"))
        else:
            findings.append(VitalFinding(FEVER, False, f"temperature {t:.1f} C in 35-37.9"))
    hr_high, rr_high = _age_limits(age_years)
    if heart_rate is not None:
        _check("heart_rate", heart_rate)
        if heart_rate > hr_high:
            findings.append(VitalFinding(TACHYCARDIA, True, f"heart rate {heart_rate:.0f} > {hr_high}"))
        elif heart_rate < 50 and (age_years is None or age_years >= 12):
            findings.append(VitalFinding(BRADYCARDIA, True, f"heart rate {heart_rate:.0f} < 50"))
        else:
            findings.append(VitalFinding(TACHYCARDIA, False, f"heart rate {heart_rate:.0f} normal"))
    if respiratory_rate is not None:
        _check("respiratory_rate", respiratory_rate)
        if respiratory_rate > rr_high:
            findings.append(
                VitalFinding(TACHYPNEA, True, f"respiratory rate {respiratory_rate:.0f} > {rr_high}")
            )
        else:
            findings.append(VitalFinding(TACHYPNEA, False, f"respiratory rate {respiratory_rate:.0f} normal"))
    if systolic_bp is not None:
        _check("systolic_bp", systolic_bp)
        if diastolic_bp is not None:
            _check("diastolic_bp", diastolic_bp)
        if systolic_bp < 90:
            findings.append(VitalFinding(HYPOTENSION, True, f"systolic {systolic_bp:.0f} < 90 mmHg"))
        elif systolic_bp >= 140 or (diastolic_bp is not None and diastolic_bp >= 90):
            findings.append(VitalFinding(HYPERTENSION, True, "blood pressure >= 140/90 mmHg"))
        else:
            findings.append(VitalFinding(HYPOTENSION, False, "blood pressure normal"))
    if spo2 is not None:
        _check("spo2", spo2)
        if spo2 < 92:
            findings.append(VitalFinding(HYPOXEMIA, True, f"SpO2 {spo2:.0f}% < 92%"))
    return findings


def _age_limits(age: float | None) -> tuple[int, int]:
    """Upper normal heart rate and respiratory rate for the age (Fleming et al., Lancet 2011, rounded)."""
    if age is None or age >= 12:
        return 100, 20
    if age < 1:
        return 160, 50
    if age < 5:
        return 140, 40
    return 120, 30
