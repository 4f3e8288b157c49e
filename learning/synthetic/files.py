"""SYNTHETIC patients written as files in every input format dxgraph reads: a wide and a long table (Spanish
and English), semi-structured JSON records, doctor's notes (.txt and JSONL). `generate` is `dxgraph synth`;
the patients themselves are sampled in `learning.synthetic.patients`. Everything written is labelled
synthetic (file names start with `synthetic_`)."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from knowledge.kb import KnowledgeBase
from learning.synthetic.patients import (
    NO_EN,
    NO_ES,
    PREGNANCY,
    SEVERITY_ES,
    YES_EN,
    YES_ES,
    SyntheticPatient,
    SyntheticSpec,
    _Sampler,
)

__all__ = ["generate", "note_text"]


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 7:
        return text
    position = rng.randrange(2, len(text) - 1)
    return text[:position] + text[position] + text[position:]  # a doubled letter


def _label(kb: KnowledgeBase, term: str, lang: str) -> str:
    return kb.label(term, lang)


def _status(rng: random.Random, present: bool, severity: str | None, lang: str) -> str:
    if lang == "es":
        if present and severity and rng.random() < 0.6:
            return SEVERITY_ES[severity]
        return rng.choice(YES_ES if present else NO_ES)
    if present and severity and rng.random() < 0.6:
        return severity
    return rng.choice(YES_EN if present else NO_EN)


def generate(kb: KnowledgeBase, out: Path, spec: SyntheticSpec | None = None) -> dict[str, int]:
    """Write synthetic_wide_es.csv, synthetic_long_en.csv, synthetic_records.jsonl, synthetic_notes.jsonl and
    synthetic_notes/*.txt under `out`; returns how many records each file got."""
    spec = spec or SyntheticSpec()
    out.mkdir(parents=True, exist_ok=True)
    sampler = _Sampler(kb, spec)
    rng = random.Random(spec.seed + 1)
    targets: dict[str, list[SyntheticPatient]] = {"wide": [], "long": [], "json": [], "notes": []}
    for number in range(1, spec.patients + 1):
        patient = sampler.patient(number)
        kind = rng.choices(("wide", "long", "json", "notes"), (0.35, 0.25, 0.2, 0.2))[0]
        if kind == "wide" and (patient.lang != "es" or patient.rare):
            kind = "long"
        targets[kind].append(patient)
        if rng.random() < spec.duplicate_share:  # the same visit in a second source
            other = rng.choice([k for k in ("long", "json", "notes") if k != kind])
            targets[other].append(patient)
    counts = {
        "synthetic_wide_es.csv": _write_wide(kb, out / "synthetic_wide_es.csv", targets["wide"], rng, spec),
        "synthetic_long_en.csv": _write_long(kb, out / "synthetic_long_en.csv", targets["long"], rng, spec),
        "synthetic_records.jsonl": _write_json(kb, out / "synthetic_records.jsonl", targets["json"], rng),
    }
    counts.update(_write_notes(kb, out, targets["notes"], rng, spec))
    return counts


def _write_wide(kb, path: Path, patients: list[SyntheticPatient], rng, spec: SyntheticSpec) -> int:
    frequency: dict[str, int] = {}
    for p in patients:
        for term in [t for t, _ in p.present] + p.absent:
            frequency[term] = frequency.get(term, 0) + 1
    columns = sorted(frequency, key=lambda t: -frequency[t])[:60]
    headers = {t: _label(kb, t, "es") for t in columns}
    fixed = [
        "Paciente",
        "Nombre",
        "DNI",
        "Teléfono",
        "Correo",
        "Dirección",
        "Código postal",
        "Fecha consulta",
        "Edad",
        "Sexo",
        "Temperatura (°C)",
        "Embarazo",
    ]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(fixed + [headers[t] for t in columns] + ["Diagnóstico", "Observaciones", "Sintético"])
        for p in patients:
            values = {t: _status(rng, True, s, "es") for t, s in p.present}
            values.update({t: _status(rng, False, None, "es") for t in p.absent})
            temperature = "" if p.temperature is None else f"{p.temperature:.1f}".replace(".", ",")
            note = (
                f"Paciente {p.first} con {headers[columns[0]].lower()}."
                if columns and rng.random() < 0.1
                else ""
            )
            writer.writerow(
                [
                    p.pid,
                    p.name,
                    p.dni,
                    p.phone,
                    p.email,
                    p.address,
                    p.postal,
                    p.date_text,
                    p.age_text,
                    rng.choice(("Mujer", "M", "mujer"))
                    if p.sex == "female"
                    else rng.choice(("Hombre", "H", "V")),
                    temperature,
                    "sí" if p.pregnant_male else "",
                ]
                + [values.get(t, "") for t in columns]
                + [p.disease_label, note, "sí"]
            )
    return len(patients)


def _write_long(kb, path: Path, patients: list[SyntheticPatient], rng, spec: SyntheticSpec) -> int:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "patient_id",
                "patient_name",
                "email",
                "phone",
                "mrn",
                "visit_date",
                "age",
                "sex",
                "temperature",
                "temperature_unit",
                "symptom",
                "status",
                "severity",
                "diagnosis",
                "synthetic",
            ]
        )
        for p in patients:
            pid = p.pid.lower().replace("-", " ")  # a second spelling of the same id
            rows = [(t, True, s) for t, s in p.present] + [(t, False, None) for t in p.absent]
            if p.pregnant_male:
                rows.append((PREGNANCY, True, None))
            for term, present, severity in rows:
                name = _label(kb, term, "en") if rng.random() < 0.8 else term
                if rng.random() < spec.typo_rate:
                    name = _typo(rng, name)
                writer.writerow(
                    [
                        pid,
                        p.name,
                        p.email,
                        p.phone,
                        p.record_number,
                        p.date_text,
                        p.age_text,
                        "F" if p.sex == "female" else "M",
                        "" if p.temperature is None else p.temperature,
                        "" if p.temperature is None else p.temperature_unit,
                        name,
                        _status(rng, present, severity, "en") if present else rng.choice(NO_EN),
                        severity or "",
                        p.disease or "",
                        "true",
                    ]
                )
    return len(patients)


def _write_json(kb, path: Path, patients: list[SyntheticPatient], rng) -> int:
    with open(path, "w", encoding="utf-8") as handle:
        for p in patients:
            if p.lang == "es":
                record = {
                    "sintetico": True,
                    "paciente": {
                        "id": p.pid,
                        "nombre": p.name,
                        "dni": p.dni,
                        "telefono": p.phone,
                        "sexo": "mujer" if p.sex == "female" else "hombre",
                        "direccion": {"calle": p.address, "ciudad": p.city, "cp": p.postal},
                    },
                    "visita": {"fecha": p.date_text},
                    "edad": p.age_text,
                    "sintomas": [
                        {
                            "nombre": _label(kb, t, "es"),
                            "estado": "presente",
                            "severidad": SEVERITY_ES.get(s or ""),
                        }
                        for t, s in p.present
                    ],
                    "sintomas_ausentes": [_label(kb, t, "es") for t in p.absent],
                    "diagnostico": p.disease_label,
                }
                if p.temperature is not None:
                    record["temperatura"] = {"valor": p.temperature, "unidad": p.temperature_unit}
            else:
                record = {
                    "synthetic": True,
                    "patient": {
                        "id": p.pid.replace("-", ""),
                        "name": p.name,
                        "email": p.email,
                        "phone": p.phone,
                        "sex": p.sex,
                        "medical_record_number": p.record_number,
                    },
                    "visit": {"date": p.date_text},
                    "age": p.age_text,
                    "symptoms": {_label(kb, t, "en"): (s or "yes") for t, s in p.present}
                    | {_label(kb, t, "en"): "no" for t in p.absent},
                    "diagnosis": {"id": p.disease} if p.disease else None,
                }
                if p.temperature is not None:
                    record["vitals"] = {"temperature": {"value": p.temperature, "unit": p.temperature_unit}}
            if p.pregnant_male:
                record["embarazo" if p.lang == "es" else "pregnant"] = "sí" if p.lang == "es" else "yes"
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(patients)


def note_text(kb, p: SyntheticPatient, rng) -> str:
    """A doctor's note with the patient's identifiers planted in it."""
    present = [_label(kb, t, p.lang).lower() for t, _ in p.present]
    absent = [_label(kb, t, p.lang).lower() for t in p.absent]
    if p.lang == "es":
        who = "Paciente" if rng.random() < 0.5 else ("Mujer" if p.sex == "female" else "Varón")
        when = p.visit.strftime("%d/%m/%Y")
        text = f"{who} de {p.age:.0f} años que consulta el {when} por {', '.join(present)}."
        if absent:
            text += " " + " ".join(f"{rng.choice(('Niega', 'Sin'))} {a}." for a in absent)
        if p.temperature is not None:
            text += f" Temperatura {p.temperature:.1f} º{p.temperature_unit}."
        text += (
            f" Contacto: {p.first} {p.last}, tel. {p.phone}, {p.email}. DNI {p.dni}. "
            f"NHC {p.record_number}. Domicilio {p.address}, {p.postal} {p.city}."
        )
    else:
        text = (
            f"{p.age:.0f}-year-old {p.sex} seen on {p.visit.strftime('%B %d, %Y')} with {', '.join(present)}."
        )
        if absent:
            text += " " + " ".join(f"{rng.choice(('Denies', 'No'))} {a}." for a in absent)
        if p.temperature is not None:
            text += f" Temperature {p.temperature:.1f} {p.temperature_unit}."
        text += (
            f" Patient {p.first} {p.last}, phone {p.phone}, email {p.email}, MRN {p.record_number}, "
            f"lives at {p.address}, {p.city} {p.postal}."
        )
    return text


def _sex_word(p: SyntheticPatient) -> str:
    if p.lang != "es":
        return p.sex
    return "mujer" if p.sex == "female" else "hombre"


def _write_notes(kb, out: Path, patients: list[SyntheticPatient], rng, spec: SyntheticSpec) -> dict[str, int]:
    folder = out / "synthetic_notes"
    folder.mkdir(exist_ok=True)
    as_files, rest = patients[: spec.notes_as_files], patients[spec.notes_as_files :]
    for number, p in enumerate(as_files, start=1):
        keys = (
            ("Paciente", "Nombre", "Fecha", "Sexo", "Diagnóstico", "Sintético")
            if p.lang == "es"
            else ("Patient", "Name", "Date", "Sex", "Diagnosis", "Synthetic")
        )
        header = [
            f"{keys[0]}: {p.pid}",
            f"{keys[1]}: {p.name}",
            f"{keys[2]}: {p.date_text}",
            f"{keys[3]}: {_sex_word(p)}",
            f"{keys[4]}: {p.disease_label}",
            f"{keys[5]}: {'sí' if p.lang == 'es' else 'yes'}",
        ]
        (folder / f"synthetic_note_{number:04d}.txt").write_text(
            "\n".join(header) + "\n\n" + note_text(kb, p, rng) + "\n", encoding="utf-8"
        )
    with open(out / "synthetic_notes.jsonl", "w", encoding="utf-8") as handle:
        for p in rest:
            handle.write(
                json.dumps(
                    {
                        "synthetic": True,
                        "patient_id": p.pid,
                        "name": p.name,
                        "date": p.date_text,
                        "sex": p.sex,
                        "language": p.lang,
                        "diagnosis": p.disease or "",
                        "text": note_text(kb, p, rng),
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    return {"synthetic_notes/*.txt": len(as_files), "synthetic_notes.jsonl": len(rest)}
