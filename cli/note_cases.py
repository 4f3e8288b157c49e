"""`dxgraph diagnose --note TEXT|@FILE` and `--notes FILE.jsonl`: clinical notes read by the one note
extractor (knowledge.notes) into evidence and diagnosed, with what was read from each note shown."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from cli.symptoms import list_argument, risk_argument
from inference.evidence import CONTEXTS, MALE_ONLY_EXCLUDED, Evidence, EvidenceError, make_evidence
from knowledge.jsonio import read_json_lines
from knowledge.kb import KnowledgeBase
from knowledge.notes import Extraction, note_extractor

__all__ = ["NoteCase", "diagnose_note", "diagnose_notes", "iter_notes", "note_from_object"]

LANGS = ("en", "es")


@dataclass
class NoteCase:
    """One clinical note as a case: its evidence, what was extracted and what the doctor should check."""

    case_id: str
    evidence: Evidence
    extraction: Extraction
    warnings: list[str]  # what the doctor should check: conflicts in the note, contradictions with entries


def note_case(
    kb: KnowledgeBase,
    text: str,
    *,
    case_id: str = "note",
    lang: str = "en",
    age: float | None = None,
    sex: str | None = None,
    context: str = "primary-care",
    onset: float | str | None = None,
    vitals: dict | None = None,
    duration_days: float | None = None,
    risk_factors: dict | list | None = None,
    family_history: list[str] | None = None,
    complaint_onset: str | None = None,
) -> NoteCase:
    """Evidence from a note; age, sex, vitals, duration and risk factors given by the caller win over those
    read in the text (the family history given is added to the one read)."""
    if lang not in LANGS:
        raise EvidenceError("lang", f"must be en or es, not {lang!r}")
    if not isinstance(text, str) or not text.strip():
        raise EvidenceError("text", "the note is empty")
    extraction = note_extractor(kb).extract(text, lang)
    observed, excluded, warnings = extraction.evidence()
    if age is None and extraction.age is not None:
        age = extraction.age.value
    evidence = make_evidence(
        kb,
        observed,
        excluded,
        age_years=age,
        sex=sex or extraction.sex,
        context=context,
        vitals={**extraction.vitals, **(vitals or {})} or None,
        onset=onset,
        duration_days=duration_days if duration_days is not None else _read_duration(extraction),
        risk_factors={**_of_sex(extraction.risk_factors, sex or extraction.sex), **_as_dict(risk_factors)},
        family_history=list(dict.fromkeys(extraction.family_history + list(family_history or []))),
        complaint_onset=complaint_onset or extraction.complaint_onset,
        strict=False,
    )
    evidence.warnings.extend(warnings)
    return NoteCase(case_id, evidence, extraction, warnings)


def _as_dict(factors: dict | list | None) -> dict:
    """Risk factors as given (an object, or a list of ids with '-' for absent) as {id: present}."""
    if isinstance(factors, list):
        return {str(item).lstrip("-"): not str(item).startswith("-") for item in factors}
    if factors is not None and not isinstance(factors, dict):
        raise EvidenceError("risk_factors", "must be an object of factor ids to true/false, or a list of ids")
    return dict(factors or {})


def _of_sex(factors: dict[str, bool], sex: str | None) -> dict[str, bool]:
    """The factors read, less those a male patient cannot have (a note about his partner's pregnancy)."""
    if sex != "male":
        return factors
    return {key: value for key, value in factors.items() if key not in MALE_ONLY_EXCLUDED}


def _read_duration(extraction: Extraction) -> float | None:
    return extraction.duration.value if extraction.duration else None


def read_note_argument(value: str) -> str:
    """The note itself, or the text of the file after '@'."""
    if value.startswith("@"):
        return Path(value[1:]).read_text(encoding="utf-8")
    return value


def diagnose_note(args, diagnoser, print_table) -> int:
    """One note: what was read from it, then the ranked differential as for --symptoms."""
    kb = diagnoser.kb
    try:
        text = read_note_argument(args.note)
        case = note_case(
            kb,
            text,
            lang=args.lang,
            age=args.age,
            sex=args.sex if args.sex in ("female", "male") else None,
            context=args.context or "primary-care",
            onset=args.onset,
            duration_days=args.duration_days,
            risk_factors=risk_argument(args.risk),
            family_history=list_argument(args.family_history),
            complaint_onset=args.complaint_onset,
        )
    except (OSError, EvidenceError) as error:
        print(f"dxgraph: error: {error}", file=sys.stderr)
        return 2
    write_reading(sys.stdout, kb, case, args.lang)
    diagnosis = diagnoser.diagnose(case.evidence, top=args.top, sources=_sources(args.sources))
    print_table(diagnoser, diagnosis, args.explain, case.evidence)
    return 0


def write_reading(out, kb: KnowledgeBase, case: NoteCase, lang: str) -> None:
    """What the note said, as the engine will use it."""
    result = case.extraction
    out.write("read from the note:\n")
    for f in result.findings:
        state = ("present" if f.present else "absent") + (f", {f.severity}" if f.severity else "")
        flags = " [conflict]" if f.conflict else (" [repeated]" if f.repeated else "")
        quoted = " / ".join(f"'{m.text}'" for m in f.mentions)
        out.write(f"  {f.term} {f.label} ({state}){flags} <- {quoted}\n")
    for m in result.context:
        negated = "no " if m.negated else ""
        out.write(f"  not used: {m.term} {m.label} ({negated}{m.status}: '{m.cue}') <- '{m.text}'\n")
    for r in result.readings:
        note = f" (not used: {r.unreadable})" if r.unreadable else ""
        out.write(f"  {r.name} = {r.value:g} <- '{r.text}'{note}\n")
    if case.evidence.age_years is not None or case.evidence.sex:
        out.write(f"  age {case.evidence.age_years}, sex {case.evidence.sex}\n")
    if case.evidence.duration_days is not None:
        said = f" <- '{result.duration.text}'" if result.duration else ""
        out.write(f"  complaint lasted {case.evidence.duration_days:g} days{said}\n")
    if result.complaint_onset:
        out.write(f"  complaint started {result.complaint_onset} <- '{result.complaint_onset_text}'\n")
    for mention in result.risk_mentions:
        state = "present" if mention["present"] else "absent"
        out.write(f"  risk factor {mention['factor']} ({state}) <- '{mention['text']}'\n")
    for disease in result.family_history:
        out.write(f"  family history of {disease} {kb.disease_label(kb.disease_index[disease])}\n")
    for warning in case.warnings:
        out.write(f"  check: {warning}\n")
    if not result.findings and not result.readings:
        out.write("  no findings recognised\n")
    out.write("\n")


def diagnose_notes(args, diagnoser, batch_record) -> int:
    """A JSONL file of notes (id, text, optional lang, age, sex, context, duration_days) -> the JSONL of
    --phenopackets, with what was extracted from each note."""
    kb = diagnoser.kb
    sources = _sources(args.sources)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    count = 0
    try:
        for where, obj in iter_notes(Path(args.notes)):
            try:
                case = note_from_object(kb, obj, args)
            except EvidenceError as error:
                print(f"dxgraph: skipping {where}: {error}", file=sys.stderr)
                continue
            diagnosis = diagnoser.diagnose(case.evidence, top=args.top, sources=sources)
            record = batch_record(diagnoser, case.case_id, diagnosis)
            record["extracted"] = case.extraction.as_dict()
            record["evidence"] = {
                "present": [f.term for f in case.evidence.observed],
                "absent": [f.term for f in case.evidence.excluded],
                "age": case.evidence.age_years,
                "sex": case.evidence.sex,
                "context": case.evidence.context,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    finally:
        if args.out:
            out.close()
    print(f"diagnosed {count} note(s) with model {diagnoser.model_version}", file=sys.stderr)
    return 0


def iter_notes(path: Path):
    """(where, object) for each non-empty line of a JSONL file; other lines are reported and skipped."""
    for line in read_json_lines(path):
        where = f"{path}:{line.number}"
        if line.error is not None:
            print(f"dxgraph: skipping {where}: not JSON ({line.error.msg})", file=sys.stderr)
            continue
        if not isinstance(line.value, dict):
            print(f"dxgraph: skipping {where}: not a JSON object", file=sys.stderr)
            continue
        yield where, line.value


def note_from_object(kb: KnowledgeBase, obj: dict, args=None) -> NoteCase:
    """One JSONL note: `id`, `text`, optional `lang`, `age`, `sex`, `context` (defaults: the command line)."""
    default_context = getattr(args, "context", None) or "primary-care"
    context = obj.get("context") or default_context
    if context not in CONTEXTS:
        raise EvidenceError("context", f"must be one of {', '.join(CONTEXTS)}, not {context!r}")
    age = obj.get("age", getattr(args, "age", None))
    if age is not None and (isinstance(age, bool) or not isinstance(age, int | float)):
        raise EvidenceError("age", f"{age!r} is not a number of years")
    sex = obj.get("sex") or getattr(args, "sex", None)
    return note_case(
        kb,
        obj.get("text"),
        case_id=str(obj.get("id", "")) or "note",
        lang=obj.get("lang") or getattr(args, "lang", None) or "en",
        age=age,
        sex=sex if sex in ("female", "male") else None,
        context=context,
        duration_days=obj.get("duration_days", getattr(args, "duration_days", None)),
        risk_factors=obj.get("risk_factors", risk_argument(getattr(args, "risk", None))),
        family_history=obj.get("family_history", list_argument(getattr(args, "family_history", None))),
        complaint_onset=obj.get("complaint_onset", getattr(args, "complaint_onset", None)),
    )


def _sources(text: str | None) -> tuple[str, ...] | None:
    return tuple(s.strip() for s in text.split(",") if s.strip()) if text else None
