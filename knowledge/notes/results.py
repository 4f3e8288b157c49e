"""What the note extractor returns: each mention of a term with its status in the note, the current
findings gathered from the mentions (conflicts, repeats, what the doctor already entered) and the whole
extraction with the vitals, age and sex read from the note."""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.notes.measures import Reading, first_usable
from knowledge.notes.sections import COMPLAINT

__all__ = [
    "ABSENT",
    "CONTACT_STATUS",
    "DIAGNOSIS_STATUS",
    "ELSEWHERE_STATUS",
    "FAMILY_STATUS",
    "HISTORY_STATUS",
    "HYPOTHETICAL_STATUS",
    "PRESENT",
    "TRIGGER_STATUS",
    "Extraction",
    "Finding",
    "Mention",
]

PRESENT, ABSENT = "present", "absent"
FAMILY_STATUS, HISTORY_STATUS, HYPOTHETICAL_STATUS = "family", "history", "hypothetical"
TRIGGER_STATUS = "trigger"  # "worse with coughing": named as what brings the complaint on
CONTACT_STATUS = "contact"  # "a coworker with a cough", "su pareja tiene fiebre": someone else's finding
ELSEWHERE_STATUS = "elsewhere"  # "no pain in other joints": denied at other sites, silent on this one
DIAGNOSIS_STATUS = "diagnosis"  # "pneumonia", "bronquitis": a diagnosis named, not a presenting finding


@dataclass(frozen=True)
class Mention:
    """One place in the note that names a term, with what the note says about it."""

    term: str
    label: str
    status: (
        str  # present | absent | history | family | contact | diagnosis | elsewhere | hypothetical | trigger
    )
    severity: str | None
    text: str  # the words of the note that matched
    start: int  # character offsets in the note
    end: int
    negated: bool = False  # for history / family / hypothetical mentions: "no family history of X"
    section: str = "current"
    cue: str | None = None  # the words that set the status ("denies", "his mother", "history of")
    qualifier: str | None = None  # words between a negation and the term: "no *bloody* nipple discharge"

    @property
    def present(self) -> bool:
        """Whether the mention states the finding as present now (not absent, past, in the family,
        hypothetical or a trigger)."""
        return self.status == PRESENT

    def as_dict(self) -> dict:
        """The mention as JSON: term, label, status, severity, the text and its offsets, section and cue."""
        return {
            "id": self.term,
            "label": self.label,
            "status": self.status,
            "present": self.status == PRESENT,
            "severity": self.severity,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "negated": self.negated,
            "section": self.section,
            "cue": self.cue,
            "qualifier": self.qualifier,
        }


@dataclass
class Finding:
    """One term the note states as current, present or absent, from one or more mentions."""

    term: str
    label: str
    present: bool
    severity: str | None
    mentions: list[Mention]
    conflict: bool = False  # the note names it both present and absent
    known: str | None = None  # with known findings: "listed" (same), "contradicts" (entered the other way)
    implied_by: list[str] = field(
        default_factory=list
    )  # absent, yet a kind of it is present ("productive cough")

    @property
    def repeated(self) -> bool:
        """Whether the note mentions the finding more than once."""
        return len(self.mentions) > 1

    @property
    def complaint(self) -> bool:
        """Whether the chief complaint names it present (what the visit is for wins a contradiction)."""
        return any(m.present and m.section == COMPLAINT for m in self.mentions)

    @property
    def text(self) -> str:
        """The words of the first mention."""
        return self.mentions[0].text

    def as_dict(self) -> dict:
        """The finding as JSON: term, label, presence, severity, its first mention's text and offsets, every
        mention."""
        first = self.mentions[0]
        return {
            "id": self.term,
            "label": self.label,
            "present": self.present,
            "severity": self.severity,
            "text": first.text,
            "start": first.start,
            "end": first.end,
            "mentions": [
                {"status": m.status, "text": m.text, "start": m.start, "end": m.end} for m in self.mentions
            ],
            "conflict": self.conflict,
            "repeated": self.repeated,
            "known": self.known,
            "implied_by": self.implied_by,
        }


@dataclass
class Extraction:
    """Everything read from one note."""

    findings: list[Finding]  # current, present or absent (a conflict keeps the first mention's state)
    context: list[Mention]  # history, family, hypothetical: named but not current findings
    mentions: list[Mention]  # every mention in note order
    readings: list[Reading] = field(default_factory=list)
    age: Reading | None = None
    sex: str | None = None
    duration: Reading | None = None  # how long the complaint has lasted (days), if the note says
    risk_factors: dict[str, bool] = field(default_factory=dict)  # factor -> present (knowledge/notes/risk.py)
    family_history: list[str] = field(default_factory=list)  # curated diseases a relative is said to have
    risk_mentions: list[dict] = field(default_factory=list)  # where each factor was read
    complaint_onset: str | None = None  # how the complaint started: sudden | gradual (notes/complaint_onset)
    complaint_onset_text: str | None = None  # the words it was read from

    @property
    def vitals(self) -> dict[str, float]:
        """The first usable reading of each vital sign (see `measures.first_usable`)."""
        return first_usable(self.readings)

    @property
    def conflicts(self) -> list[Finding]:
        """The findings stated both present and absent."""
        return [f for f in self.findings if f.conflict]

    @property
    def repeats(self) -> list[Finding]:
        """The findings mentioned more than once without conflict."""
        return [f for f in self.findings if f.repeated and not f.conflict]

    def evidence(self) -> tuple[list[tuple[str, str | None]], list[str], list[str]]:
        """(observed [(term, severity)], excluded [term], warnings) to diagnose with.

        A term the note names both ways is left out and named in a warning, unless the chief complaint names
        it (then it is present: what the visit is for); a finding
        that contradicts what the doctor entered (`known`) is left to the entry and named in a warning."""
        observed: list[tuple[str, str | None]] = []
        excluded: list[str] = []
        warnings: list[str] = []
        for f in self.findings:
            if f.known == "contradicts":
                state = "present" if f.present else "absent"
                warnings.append(
                    f"{f.term} {f.label}: the note says {state}, the entry says otherwise; kept the entry"
                )
                continue
            if f.implied_by:  # a kind of it is present, so it is too: the absent statement is left out
                named = ", ".join(f.implied_by)
                warnings.append(
                    f"{f.term} {f.label}: the note says absent but names {named}; left out, check"
                )
                continue
            if f.conflict:
                said = "; ".join(f"{m.status} ('{m.text}')" for m in f.mentions)
                if not f.complaint:
                    warnings.append(f"{f.term} {f.label}: the note says {said}; left out, please check")
                    continue
                warnings.append(
                    f"{f.term} {f.label}: the note says {said}; the chief complaint names it, check"
                )
                observed.append((f.term, f.severity))
                continue
            if f.present:
                observed.append((f.term, f.severity))
            else:
                excluded.append(f.term)
        return observed, excluded, warnings

    def as_dict(self) -> dict:
        """The extraction as JSON: findings, context mentions, vitals, readings, age, sex, conflicts and
        repeats."""
        return {
            "findings": [f.as_dict() for f in self.findings],
            "context": [m.as_dict() for m in self.context],
            "vitals": self.vitals,
            "readings": [r.as_dict() for r in self.readings],
            "age": self.age.value if self.age else None,
            "sex": self.sex,
            "duration_days": self.duration.value if self.duration else None,
            "complaint_onset": self.complaint_onset,
            "complaint_onset_text": self.complaint_onset_text,
            "risk_factors": self.risk_factors,
            "family_history": self.family_history,
            "risk_mentions": self.risk_mentions,
            "conflicts": [f.term for f in self.conflicts],
            "repeats": [f.term for f in self.repeats],
        }
