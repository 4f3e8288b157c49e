"""Anonymisation: scrubbing, pseudonyms, k-anonymity report, synthetic data, and THE CANARY TEST."""

from __future__ import annotations

import csv
import json
import logging
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cli.main import main
from learning.ingest.pipeline import ingest_paths, source_label
from learning.learn import learn
from learning.privacy.anonymize import Scrubber, identifier_terms
from learning.store import Store
from learning.synthetic.files import generate
from learning.synthetic.patients import DNI_LETTERS, SyntheticSpec

KEY_ENV = {"DXGRAPH_PSEUDONYM_KEY": "canary-test-key"}


@pytest.fixture(scope="module")
def scrubber() -> Scrubber:
    return Scrubber()


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        (
            "Paciente Lucía Gómez, DNI 12345678Z, NIE X1234567L, tel. 612 345 678, correo lucia@correo.es, "
            "NHC 00012345, vive en C/ Mayor 12, 3º B, 28013 Madrid. Visto el 12/03/2024 y el 15 de marzo "
            "de 2024. Refiere fiebre de 38,5 y tos. Le acompaña su madre Carmen. Firmado: Dra. Ruiz.",
            ["Refiere fiebre de 38,5 y tos", "Paciente"],
            [
                "Lucía",
                "Gómez",
                "12345678Z",
                "X1234567L",
                "612 345 678",
                "lucia@correo.es",
                "00012345",
                "Mayor 12",
                "28013",
                "Madrid",
                "12/03/2024",
                "15 de marzo",
                "Carmen",
                "Ruiz",
            ],
        ),
        (
            "Patient John Smith (MRN 4567890) seen on March 12, 2024 at 123 Main Street. "
            "Phone (555) 123-4567 "
            "or +1 202 555 0143, email j.smith@example.com, https://example.org/p/1. Denies rash. BP 120/80.",
            ["Denies rash", "BP 120/80"],
            [
                "John",
                "Smith",
                "4567890",
                "March 12",
                "123 Main Street",
                "123-4567",
                "202 555 0143",
                "j.smith@example.com",
                "example.org",
            ],
        ),
    ],
)
def test_scrubber_removes_identifiers_in_both_languages(scrubber, text, kept, gone):
    scrubbed = scrubber.scrub(text)
    for piece in kept:
        assert piece in scrubbed
    for piece in gone:
        assert piece not in scrubbed, piece


def test_the_records_own_identifiers_are_scrubbed_in_any_spelling(scrubber):
    known = identifier_terms(["Zoe Quintanilla", "699-11-22-33", "Y1234567X"], ["Zoe Quintanilla"])
    text = "ZOE QUINTANILLA llamó desde el 699 112 233; la señora Quintanilla (y1234567-x) refiere tos."
    scrubbed = scrubber.scrub(text, known)
    assert "refiere tos" in scrubbed
    assert not re.search(r"(?i)zoe|quintanilla|699|1234567", scrubbed)


def test_k_anonymity_cli_report(kb_home, tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    shutil.copytree(kb_home / "kb", home / "kb")
    monkeypatch.setenv("DXGRAPH_PSEUDONYM_KEY", "k-key")
    assert main(["--home", str(home), "privacy", "report"]) == 2  # no store yet
    data = Path(__file__).parent / "data" / "ingest"
    assert main(["--home", str(home), "ingest", str(data)]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "privacy", "report", "--k", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (
        report["k"] == 2
        and report["records"] == 11  # the invalid JSON line makes no visit
        and report["quasi_identifiers"] == ["age_band", "sex", "year"]
    )
    assert all(entry["count"] >= 2 for entry in report["table"])
    assert report["records_below_k"] == 11 - sum(entry["count"] for entry in report["table"])


def test_synthetic_data_is_labelled_everywhere(kb, kb_home, tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    shutil.copytree(kb_home / "kb", home / "kb")
    out = tmp_path / "synth"
    assert main(["--home", str(home), "synth", "--out", str(out), "--patients", "60", "--seed", "3"]) == 0
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files and all(p.name.startswith("synthetic_") for p in files)
    with open(out / "synthetic_long_en.csv", encoding="utf-8") as handle:
        assert all(row["synthetic"] == "true" for row in csv.DictReader(handle))
    with Store(tmp_path / "store.duckdb") as store:
        summary = ingest_paths(store, kb, b"k", [out], progress=False)
        assert summary.rows_stored >= 55
        assert store.connection.execute("SELECT bool_and(synthetic) FROM patients").fetchone() == (True,)
        assert store.count("diagnoses") > 40 and store.count("notes") > 5


# ---- the canary test -----------------------------------------------------------------------------------
FORMATS = ("wide", "long", "xlsx", "parquet", "json", "jsonl", "txt", "notesjsonl", "phenopacket")


def _dni(number: int) -> str:
    return f"{number}{DNI_LETTERS[number % 23]}"


def _canaries(i: int, tag: str) -> dict[str, str]:
    return {
        "patient": f"CANARY-PAT-{4242 + i}",
        "first": f"Xanthippa{tag}",
        "last": f"Quorvendale{tag}",
        "phone": f"689 41{i} 2{i}7",
        "email": f"xq.{tag.lower()}@canarymail.es",
        "dni": _dni(73951846 + i),
        "nie": f"Y{7395184 + i}{DNI_LETTERS[(17395184 + i) % 23]}",  # Y -> 1 for the check letter
        "record": f"HC-8831{i}755",
        "address": f"Calle Zafiro{tag} {70 + i}",
        "birth": "19/07/1961",
        "postal": f"2877{i}",
    }


def _plant(directory: Path) -> list[str]:
    """One file per input format, each with its own canary identifiers; returns every canary string."""
    directory.mkdir(parents=True)
    everything: list[str] = []
    for i, fmt in enumerate(FORMATS):
        c = _canaries(i, fmt.capitalize())
        name = f"{c['first']} {c['last']}"
        # (the 5-digit postal code is planted but not scanned for: too short to be unique in raw bytes)
        everything += [
            c["patient"],
            c["first"],
            c["last"],
            c["phone"],
            c["email"],
            c["dni"],
            c["nie"],
            c["record"],
            c["address"],
            "1961-07-19",
            c["birth"],
        ]
        note_es = (
            f"Paciente {name}, DNI {c['dni']}, NIE {c['nie']}, tel. {c['phone']}, correo {c['email']}, "
            f"NHC {c['record']}, domicilio {c['address']}, {c['postal']} Madrid, nacida el {c['birth']}. "
            f"Refiere fiebre y tos de dos días. Niega disnea. La Sra. {c['last']} trae analítica."
        )
        note_en = (
            f"Patient {name} (MRN {c['record']}, DOB {c['birth']}) phone {c['phone']}, email {c['email']}, "
            f"lives at {c['address']}. Reports fever and cough. Denies rash. Mrs. {c['last']} is worried."
        )
        row = {
            "Paciente": c["patient"],
            "Nombre": name,
            "DNI": c["dni"],
            "Teléfono": c["phone"],
            "Correo": c["email"],
            "NHC": c["record"],
            "Dirección": c["address"],
            "Código postal": c["postal"],
            "Fecha de nacimiento": c["birth"],
            "Fecha consulta": "12/03/2024",
            "Sexo": "Mujer",
            "Edad": "62",
            "Temperatura (°C)": "38,4",
            "Fiebre": "sí",
            "Tos": "sí",
            "Disnea": "no",
            "Diagnóstico": "Gripe",
            "Observaciones": note_es,
        }
        if fmt == "wide":
            pd.DataFrame([row]).to_csv(directory / "wide.csv", sep=";", index=False)
        elif fmt == "xlsx":
            pd.DataFrame([row]).to_excel(directory / "tabla.xlsx", index=False)
        elif fmt == "parquet":
            connection = duckdb.connect()
            connection.register("frame", pd.DataFrame([row]))
            connection.execute(f"COPY frame TO '{directory / 'tabla.parquet'}' (FORMAT parquet)")
            connection.close()
        elif fmt == "long":
            pd.DataFrame(
                [
                    {
                        "patient_id": c["patient"],
                        "patient_name": name,
                        "phone": c["phone"],
                        "email": c["email"],
                        "ssn": c["dni"],
                        "mrn": c["record"],
                        "address": c["address"],
                        "zip": c["postal"],
                        "date_of_birth": c["birth"],
                        "visit_date": "2024-03-12",
                        "sex": "F",
                        "symptom": symptom,
                        "status": status,
                        "diagnosis": "Influenza",
                        "note": note_en,
                    }
                    for symptom, status in (("Fever", "yes"), ("Cough", "yes"), ("Rash", "no"))
                ]
            ).to_csv(directory / "long.csv", index=False)
        elif fmt in ("json", "jsonl"):
            record = {
                "patient": {
                    "id": c["patient"],
                    "name": name,
                    "phone": c["phone"],
                    "email": c["email"],
                    "national_id": c["dni"],
                    "medical_record_number": c["record"],
                    "address": {"street": c["address"], "zip": c["postal"]},
                    "dob": c["birth"],
                },
                "visit": {"date": "2024-03-12"},
                "sex": "female",
                "age": 62,
                "symptoms": [{"name": "fever", "status": "yes"}, "cough"],
                "excluded": ["rash"],
                "diagnosis": "Influenza",
                "note": note_en,
            }
            if fmt == "json":
                (directory / "registro.json").write_text(json.dumps({"records": [record]}), encoding="utf-8")
            else:
                (directory / "registros.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
        elif fmt == "txt":
            header = (
                f"Paciente: {c['patient']}\nNombre: {name}\nDNI: {c['dni']}\nTeléfono: {c['phone']}\n"
                f"Fecha: 12/03/2024\nFecha de nacimiento: {c['birth']}\nSexo: mujer\n"
                f"Diagnóstico: Gripe\n\n"
            )
            (directory / f"{c['last']}_{c['first']}_nota.txt").write_text(header + note_es, encoding="utf-8")
        elif fmt == "notesjsonl":
            (directory / "notas.jsonl").write_text(
                json.dumps(
                    {
                        "patient_id": c["patient"],
                        "name": name,
                        "email": c["email"],
                        "date": "2024-03-12",
                        "language": "en",
                        "text": note_en,
                        "diagnosis": "Influenza",
                    }
                )
                + "\n",
                encoding="utf-8",
            )
        else:
            packet = {
                "id": f"{c['patient']}-{c['last']}",
                "subject": {
                    "id": name,
                    "sex": "FEMALE",
                    "timeAtLastEncounter": {"age": {"iso8601duration": "P62Y"}},
                },
                "phenotypicFeatures": [{"type": {"id": "HP:0001945"}}, {"type": {"id": "HP:0012735"}}],
                "interpretations": [
                    {"id": "i", "diagnosis": {"disease": {"id": "OMIM:142900", "label": "x"}}}
                ],
            }
            (directory / "packet.json").write_text(json.dumps(packet), encoding="utf-8")
    return sorted(set(everything))


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _leaks(text: str, canaries: list[str]) -> list[str]:
    """Canaries found as written (any case) or, for long id-like ones, with separators removed."""
    lowered, compact = text.lower(), _compact(text)
    found = []
    for canary in canaries:
        squeezed = _compact(canary)
        id_like = len(squeezed) >= 8 and sum(ch.isdigit() for ch in squeezed) >= 5
        if canary.lower() in lowered or (id_like and squeezed in compact):
            found.append(canary)
    return found


def test_canaries_never_reach_the_store_the_logs_or_the_model(
    kb, kb_home, tmp_path, monkeypatch, caplog, capsys
):
    caplog.set_level(logging.DEBUG)
    for name, value in KEY_ENV.items():
        monkeypatch.setenv(name, value)
    home = tmp_path / "home"
    shutil.copytree(kb_home / "kb", home / "kb")
    canaries = _plant(tmp_path / "canaries")
    generate(kb, tmp_path / "synth", SyntheticSpec(patients=150, seed=7))  # enough cases to learn from

    assert (
        main(["--home", str(home), "-v", "ingest", str(tmp_path / "canaries"), str(tmp_path / "synth")]) == 0
    )
    with Store(home / "store.duckdb") as store:
        kinds = dict(store.connection.execute("SELECT kind, count(*) FROM sources GROUP BY 1").fetchall())
        assert kinds["csv"] >= 4 and kinds["json"] >= 3 and kinds["notes"] >= 1 and kinds["phenopackets"] == 1
        key = KEY_ENV["DXGRAPH_PSEUDONYM_KEY"].encode()
        wide = source_label(key, tmp_path / "canaries" / "wide.csv")
        note = source_label(key, next((tmp_path / "canaries").glob("*_nota.txt")))
        planted = store.connection.execute(
            "SELECT count(*) FROM findings WHERE provenance LIKE ? OR provenance LIKE ?",
            [f"%{wide}%", f"%{note}%"],
        ).fetchone()[0]
        assert planted > 0  # the canary rows were ingested, not dropped
        result = learn(store, kb, home / "models", promote=False)
    out_err = capsys.readouterr()
    assert (
        main(
            [
                "--home",
                str(home),
                "-v",
                "diagnose",
                "--symptoms",
                "HP:0001945,HP:0012735,-HP:0002094",
                "--model",
                str(result.directory),
            ]
        )
        == 0
    )
    diagnosis = capsys.readouterr()

    # 1. every text value of every table, and the raw bytes of the database file(s)
    connection = duckdb.connect(str(home / "store.duckdb"), read_only=True)
    tables = [r[0] for r in connection.execute("SELECT table_name FROM information_schema.tables").fetchall()]
    assert {"patients", "encounters", "findings", "notes", "quarantine", "sources"} <= set(tables)
    values = [
        str(v) for t in tables for row in connection.execute(f'SELECT * FROM "{t}"').fetchall() for v in row
    ]
    connection.close()
    assert _leaks("\n".join(values), canaries) == []
    for path in home.glob("store.duckdb*"):
        assert _leaks(path.read_bytes().decode("latin-1"), canaries) == [], path.name
    # 2. logs and console output at DEBUG, ingestion and diagnosis
    logs = caplog.text + out_err.out + out_err.err + diagnosis.out + diagnosis.err
    assert "source " in caplog.text  # the pipeline did log at DEBUG
    assert _leaks(logs, canaries) == []
    # 3. the model artifacts, and every other file the run left in its home (tracking db, registry...)
    artifacts = [p for p in (home / "models").rglob("*") if p.is_file()]
    assert artifacts
    written = [p for p in home.rglob("*") if p.is_file() and (home / "kb") not in p.parents]
    for path in sorted(set(artifacts) | set(written)):
        assert _leaks(path.read_bytes().decode("latin-1"), canaries) == [], path.name
    # and the synthetic identifiers never made it either
    synthetic = [
        json.loads(line) for line in (tmp_path / "synth" / "synthetic_notes.jsonl").read_text().splitlines()
    ]
    emails = [re.search(r"[\w.]+@example\.\w+", s["text"]).group() for s in synthetic]
    assert _leaks("\n".join(values), emails) == []
