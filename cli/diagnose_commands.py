"""`dxgraph diagnose` and `dxgraph evaluate`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cli.symptoms import list_argument, read_symptoms, risk_argument
from cli.why import twin_line, write_why
from inference.evidence import CONTEXTS, EvidenceError, make_evidence
from inference.loading import load_diagnoser
from inference.phenopackets import iter_packets, packet_to_case
from inference.questions import next_questions
from inference.risk_questions import risk_questions
from inference.vitals import temperature_celsius
from knowledge import config
from knowledge.build import ensure_kb
from knowledge.config import Settings, usable_cores
from web.i18n import percent

__all__ = ["batch_record", "register", "use_table"]

TABLE_FROM = 500  # cases: a batch this large builds the likelihood table when the model has none yet


def register(sub) -> None:
    """Add the `diagnose` and `evaluate` commands to the subparsers."""
    p = sub.add_parser("diagnose", help="rank diseases for phenopackets or a list of symptoms")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--phenopackets", help="a phenopacket JSON file, a directory of them, or a JSONL file")
    what.add_argument("--note", help="a clinical note in English or Spanish (the text, or @FILE)")
    what.add_argument(
        "--notes",
        help="a JSONL file of notes: id, text, optional lang, age, sex, context, duration_days, "
        "complaint_onset, risk_factors, family_history (one a line)",
    )
    what.add_argument(
        "--symptoms",
        help="comma-separated HPO ids, names or synonyms (English or Spanish); prefix '-' for excluded, "
        "':mild|moderate|severe' for severity, e.g. 'fever:severe,cough,-HP:0002094' or 'fiebre,tos'",
    )
    p.add_argument("--lang", choices=["en", "es"], default="en", help="language of --note/--notes")
    p.add_argument("--model", default="latest", help="model directory, 'latest' (promoted) or 'literature'")
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--out", help="write JSONL here instead of stdout")
    p.add_argument("--sources", help="restrict candidates, e.g. OMIM or OMIM,ORPHA,curated")
    p.add_argument(
        "--context",
        choices=CONTEXTS,
        help="clinical context (default: rare-disease-clinic for phenopackets, primary-care for symptoms)",
    )
    p.add_argument("--age", type=float)
    p.add_argument("--sex", choices=["female", "male", "unknown"])
    p.add_argument("--onset", help="when the disease began: age in years or an HPO onset term (HP:0003577)")
    p.add_argument(
        "--duration-days", type=float, help="how long the complaint has lasted, in days (0.25 = 6 hours)"
    )
    p.add_argument(
        "--complaint-onset",
        choices=["sudden", "gradual"],
        help="how the complaint started: sudden (seconds to minutes) or gradual",
    )
    p.add_argument(
        "--risk",
        help="risk factors (ids of ontologies/risk_factors.ttl, comma-separated; '-' before one stated "
        "absent), e.g. 'smoking,diabetes,-pregnant'",
    )
    p.add_argument(
        "--family-history", help="diseases a first-degree relative has, comma-separated ids (DXG:migraine)"
    )
    p.add_argument("--temperature", type=float, help="body temperature")
    p.add_argument("--temperature-unit", choices=["C", "F"], default="C")
    p.add_argument("--heart-rate", type=float)
    p.add_argument("--respiratory-rate", type=float)
    p.add_argument("--systolic-bp", type=float)
    p.add_argument("--diastolic-bp", type=float)
    p.add_argument("--spo2", type=float)
    p.add_argument("--explain", type=int, default=3, help="explain this many top diseases (symptoms mode)")
    p.add_argument("--jobs", type=int, help="processes for --phenopackets (default: every core)")
    p.add_argument(
        "--table",
        choices=["auto", "yes", "no"],
        default="auto",
        help="--phenopackets: read the most used terms' likelihoods from the model's precomputed table "
        f"(auto: when it exists, or built for batches of {TABLE_FROM:,}+ cases and kept for later runs)",
    )
    p.set_defaults(handler=cmd_diagnose)
    p = sub.add_parser("evaluate", help="top-k, MRR and calibration on phenopackets with known diagnoses")
    p.add_argument("--phenopackets", required=True)
    p.add_argument("--model", default="latest")
    p.add_argument("--sources", default=None)
    p.add_argument("--report", default="reports/evaluation", help="directory for the HTML report and plots")
    p.set_defaults(handler=cmd_evaluate)


def _sources(text: str | None) -> tuple[str, ...] | None:
    return tuple(s.strip() for s in text.split(",") if s.strip()) if text else None


def cmd_diagnose(args, settings: Settings) -> int:
    kb = ensure_kb(settings)
    diagnoser = load_diagnoser(kb, settings.models_dir, args.model)
    if args.phenopackets:
        return _batch(args, diagnoser, settings)
    if args.note is not None or args.notes:
        from cli.note_cases import diagnose_note, diagnose_notes

        if args.notes:
            return diagnose_notes(args, diagnoser, batch_record)
        return diagnose_note(args, diagnoser, _print_table)
    try:
        observed, excluded, readings = read_symptoms(kb, args.symptoms)
    except EvidenceError as error:
        print(f"dxgraph: error: {error}", file=sys.stderr)
        return 2
    for typed, term in readings:
        print(f"reading {typed!r} as {term} {kb.label(term)}", file=sys.stderr)
    vitals = {
        k: v
        for k, v in {
            "temperature_c": None
            if args.temperature is None
            else temperature_celsius(args.temperature, args.temperature_unit),
            "heart_rate": args.heart_rate,
            "respiratory_rate": args.respiratory_rate,
            "systolic_bp": args.systolic_bp,
            "diastolic_bp": args.diastolic_bp,
            "spo2": args.spo2,
        }.items()
        if v is not None
    }
    try:
        evidence = make_evidence(
            kb,
            observed,
            excluded,
            age_years=args.age,
            sex=args.sex,
            context=args.context or "primary-care",
            vitals=vitals,
            onset=args.onset,
            duration_days=args.duration_days,
            risk_factors=risk_argument(args.risk),
            family_history=list_argument(args.family_history),
            complaint_onset=args.complaint_onset,
        )
    except EvidenceError as error:
        print(f"dxgraph: error: {error}", file=sys.stderr)
        return 2
    diagnosis = diagnoser.diagnose(evidence, top=args.top, sources=_sources(args.sources))
    _print_table(diagnoser, diagnosis, args.explain, evidence)
    return 0


def _print_table(diagnoser, diagnosis, n_explain: int, evidence) -> None:
    kb = diagnoser.kb
    out = sys.stdout
    for warning in diagnosis.warnings:
        out.write(f"warning: {warning}\n")
    for note in diagnosis.notes:
        out.write(f"note: {note}\n")
    out.write(f"{'#':>3}  {'probability':>11}  {'kind':6}  disease\n")
    for rank, row in enumerate(diagnosis.ranking, start=1):
        kind = "orphan" if row.orphan else "common"
        shown = percent(row.probability, lang="en")  # as on the site: '26.5%', '<0.1%'
        out.write(f"{rank:>3}  {shown:>11}  {kind:6}  {row.disease_id} {row.label}\n")
        twin = twin_line(diagnoser, row)
        if twin:
            out.write(f"{'':>27}{twin}\n")
    other = percent(diagnosis.other_probability, lang="en")
    out.write(f"     {other:>11}          other / not in the knowledge base\n")
    if diagnosis.dont_miss:
        out.write("\ndon't miss (time-critical; kept in view while its cautious probability is >= ")
        out.write(f"{diagnoser.params.dont_miss_threshold:g}):\n")
        for item in diagnosis.dont_miss:
            because = ", ".join(kb.label(t) for t in item.supporting[:4]) or "no finding against it"
            now = percent(item.probability, lang="en")
            out.write(
                f"  ! {item.disease_id} {kb.disease_names[item.index]}: {now} now, rank "
                f"{item.rank} ({item.citation}); kept alive by: {because}\n"
            )
    write_why(out, diagnoser, diagnosis, evidence, diagnosis.ranking[:n_explain])
    questions = next_questions(diagnoser, diagnosis)
    if questions:
        out.write("\nnext questions worth asking:\n")
        for q in questions:
            out.write(f"  {q.term} {q.label}  (expected gain {q.expected_information_gain:.2f} bits)\n")
    asked = risk_questions(diagnoser, diagnosis, evidence)
    if asked:
        out.write("also ask about (risk factors, --risk):\n")
        for q in asked:
            out.write(f"  {q.factor}: {q.label}  (expected gain {q.expected_information_gain:.2f} bits)\n")
    out.write(f"\n{kb.meta['credit']}. Supports, does not replace, clinical judgement.\n")


def _batch(args, diagnoser, settings: Settings) -> int:
    from cli.batch import read_cases, run_batch

    context = args.context or "rare-disease-clinic"
    cases = read_cases(diagnoser, iter_packets(Path(args.phenopackets), _print_skipped), context)
    use_table(diagnoser, getattr(args, "table", "auto"), len(cases), settings)
    options = {"top": args.top, "sources": _sources(args.sources)}
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    try:
        count = run_batch(diagnoser, cases, options, batch_record, out, getattr(args, "jobs", None))
    finally:
        if args.out:
            out.close()
    print(f"diagnosed {count} case(s) with model {diagnoser.model_version}", file=sys.stderr)
    return 0


def _print_skipped(what: str) -> None:
    print(f"dxgraph: skipping {what}", file=sys.stderr)


def use_table(diagnoser, mode: str, cases: int, settings: Settings) -> None:
    """Attach the model's likelihood table to a batch's diagnoser: the one on disk, or built now when asked
    (or when the batch is large enough to pay for it: about 5 s per 2,000 terms on 2 cores)."""
    from inference.term_table import ensure_table, existing_table

    count = config.table_terms()
    if mode == "no" or count == 0:
        return
    root = settings.term_tables_dir
    table = existing_table(diagnoser, root, count)
    if table is not None:
        diagnoser.attach_table(table)
    elif mode == "yes" or cases >= TABLE_FROM:
        try:
            diagnoser.attach_table(ensure_table(diagnoser, root, count, jobs=usable_cores(), progress=True))
        except OSError as error:  # (a read-only or full disk): the batch computes its columns instead
            print(f"dxgraph: no likelihood table in {root} ({error}); computing instead", file=sys.stderr)


def batch_record(diagnoser, case_id: str, diagnosis) -> dict:
    """One JSONL line of `dxgraph diagnose --phenopackets` (and --notes)."""
    return {
        "case_id": case_id,
        "ranking": [r.as_dict() for r in diagnosis.ranking],
        "other_probability": diagnosis.other_probability,
        "dont_miss": [d.as_dict() for d in diagnosis.dont_miss],
        "warnings": diagnosis.warnings,
        "model": diagnoser.model_version,
        "hpo_release": diagnoser.kb.release,
    }


def cmd_evaluate(args, settings: Settings) -> int:
    from inference.evaluation import EvalCase, score_cases
    from inference.evaluation.report import write_report

    kb = ensure_kb(settings)
    diagnoser = load_diagnoser(kb, settings.models_dir, args.model)
    cases = []
    for where, packet in iter_packets(Path(args.phenopackets), _print_skipped):
        try:
            case = packet_to_case(kb, packet)
        except EvidenceError as error:
            print(f"dxgraph: skipping {where}: {error}", file=sys.stderr)
            continue
        if case.diagnoses:
            cases.append(EvalCase(case.case_id, case.evidence, tuple(case.diagnoses)))
    scores = score_cases(diagnoser, cases, "evaluate", sources=_sources(args.sources), progress=True)
    summary = {**scores.summary(), "model": diagnoser.model_version, "hpo_release": kb.release}
    print(json.dumps(summary, indent=2))
    title = f"dxgraph evaluation ({diagnoser.model_version})"
    path = write_report(scores, summary, Path(args.report), title=title)
    print(f"report: {path}", file=sys.stderr)
    return 0
