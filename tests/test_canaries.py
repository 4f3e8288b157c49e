"""THE CANARY SUITE: 100+ planted identifiers in every input format, Spanish and English, including every
case of issue 15 (a companion named without a cue word, a lower-case hyphenated name, a hyphenated name
after a title, an international phone number, a surname in a file name), must be found nowhere: not in
any table or the database file, not in the logs or the console output (ingestion summary, privacy
report, diagnosis), not in the model artifacts or any other file the run leaves behind."""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cli.main import main
from learning.learn import learn
from learning.store import Store
from learning.synthetic.files import generate
from learning.synthetic.patients import DNI_LETTERS, SyntheticSpec

KEY = "canary-suite-key"
# one set of people per input format: (language, companion named without a cue word, lower-case
# hyphenated name, first name after a title, surname of the patient)
PEOPLE = {
    "wide": ("es", "Wenceslao Iturriaga", "belmonte-ugarte", "Jean-Baptiste", "Zubizarreta"),
    "long": ("en", "Thaddeus Whitcombe", "whitcombe-hale", "Marie-Claire", "Blackwood"),
    "xlsx": ("es", "Herminia Zubizarreta", "arrieta-olano", "José-Luis", "Garmendia"),
    "parquet": ("en", "Cornelius Blackwood", "ashby-colton", "Anne-Sophie", "Pendergast"),
    "json": ("en", "Ezekiel Pendergast", "fairbanks-lowe", "Jean-Baptiste", "Ashcroft"),
    "jsonl": ("es", "Florentino Garmendia", "garmendia-iriondo", "María-José", "Landaluce"),
    "txt": ("es", "Leocadia Arrizabalaga", "belmonte-ugarte", "Jean-Baptiste", "Iparraguirre"),
    "txt_en": ("en", "Wenceslao Iturriaga", "belmonte-ugarte", "Jean-Baptiste", "Thistlethwaite"),
    "notesjsonl": ("en", "Winifred Ashcroft", "zubiaurre-lasa", "Anne-Marie", "Hargreaves"),
    "phenopacket": ("en", "Ophelia Carrington", "whitcombe-hale", "Jean-Pierre", "Fairweather"),
}
FIRST_NAMES = {"wide": "Xanthippa", "long": "Quillon", "xlsx": "Berenguela", "parquet": "Thomasina"}


def _identifiers(i: int, fmt: str) -> dict[str, str]:
    lang, companion, lower, titled, surname = PEOPLE[fmt]
    first = FIRST_NAMES.get(
        fmt, ["Eulalia", "Perpetua", "Bartolomea", "Ursicina", "Gaudencia", "Hilaria"][i % 6]
    )
    number = 73951846 + 7 * i
    return {
        "lang": lang,
        "patient": f"CANARY-{fmt.upper()}-{4242 + i}",
        "name": f"{first} {surname}",
        "first": first,
        "surname": surname,
        "companion": companion,
        "lower": lower,
        "titled": titled,
        "intl_phone": f"+44 7700 9{i:02d}123",
        "phone": f"6{i}8 41{i} 2{i}7",
        "email": f"canario.{fmt}@canarymail.es",
        "dni": f"{number}{DNI_LETTERS[number % 23]}",
        "record": f"HC-8831{i}755",
        "address": f"Calle Zafiro{fmt.capitalize()} {70 + i}",
        "birth": f"1{i % 10}/07/1961",
    }


def _note(c: dict[str, str]) -> str:
    if c["lang"] == "es":
        return (
            f"Paciente de 62 años con fiebre y tos de dos días. Niega disnea. Le acompaña {c['companion']}, "
            f"que trae la analítica. Comentado con {c['lower']} en urgencias. Revisado por el Dr. "
            f"{c['titled']}; la dra. {c['lower']} está de acuerdo. Llamar al {c['intl_phone']} o al "
            f"{c['phone']} (correo {c['email']}). DNI {c['dni']}, NHC {c['record']}, vive en {c['address']}, "
            f"nacida el {c['birth']}. La Sra. {c['surname']} trae informe."
        )
    return (
        f"62-year-old woman with fever and cough for two days. Denies shortness of breath. "
        f"{c['companion']} brought the blood results. Discussed with {c['lower']} in the emergency room. "
        f"Reviewed by Dr. {c['titled']}; dr. {c['lower']} agrees. Call {c['intl_phone']} or {c['phone']} "
        f"(email {c['email']}). MRN {c['record']}, lives at {c['address']}, DOB {c['birth']}. "
        f"Mrs. {c['surname']} is worried."
    )


def _row(c: dict[str, str]) -> dict[str, object]:
    return {
        "Paciente": c["patient"],
        "Nombre": c["name"],
        "DNI": c["dni"],
        "Teléfono": c["intl_phone"],
        "Correo": c["email"],
        "NHC": c["record"],
        "Dirección": c["address"],
        "Código postal": "28771",
        "Fecha de nacimiento": c["birth"],
        "Fecha consulta": "12/03/2024",
        "Sexo": "Mujer",
        "Edad": "62",
        "Temperatura (°C)": "38,4",
        "Fiebre": "sí",
        "Tos": "sí",
        "Disnea": "no",
        "Diagnóstico": "Gripe",
        "Observaciones": _note(c),
    }


def _json_record(c: dict[str, str]) -> dict:
    return {
        "patient": {
            "id": c["patient"],
            "name": c["name"],
            "phone": c["intl_phone"],
            "email": c["email"],
            "national_id": c["dni"],
            "medical_record_number": c["record"],
            "address": {"street": c["address"], "zip": "28771"},
            "dob": c["birth"],
        },
        "visit": {"date": "2024-03-12"},
        "sex": "female",
        "age": 62,
        "symptoms": [{"name": "fever", "status": "yes"}, "cough"],
        "excluded": ["rash"],
        "diagnosis": "Influenza",
        "note": _note(c),
    }


def plant(directory: Path) -> list[str]:
    """Every format with its own identifiers (and the issue's examples); returns the canary strings."""
    directory.mkdir(parents=True)
    canaries: set[str] = set()
    for i, fmt in enumerate(PEOPLE):
        c = _identifiers(i, fmt)
        canaries |= {c[k] for k in ("patient", "first", "surname", "intl_phone", "phone", "email", "dni")}
        canaries |= {c[k] for k in ("record", "address", "birth")}
        canaries |= set(c["companion"].split()) | set(c["lower"].split("-")) | {c["lower"], c["titled"]}
        canaries |= {
            part for part in c["titled"].split("-") if part not in ("Jean", "Marie", "Anne", "José", "María")
        }
        if fmt == "wide":
            pd.DataFrame([_row(c)]).to_csv(directory / f"historias_{c['surname']}.csv", sep=";", index=False)
        elif fmt == "xlsx":
            with pd.ExcelWriter(directory / "consultas.xlsx", engine="openpyxl") as writer:
                pd.DataFrame({"Informe": [f"Exportación para {c['companion']}"]}).to_excel(
                    writer, sheet_name="Portada", index=False
                )
                pd.DataFrame([_row(c)]).to_excel(writer, sheet_name="Datos", index=False, startrow=1)
        elif fmt == "parquet":
            connection = duckdb.connect()
            connection.register("frame", pd.DataFrame([_row(c)]))
            connection.execute(f"COPY frame TO '{directory / 'tabla.parquet'}' (FORMAT parquet)")
            connection.close()
        elif fmt == "long":
            pd.DataFrame(
                [
                    {
                        "patient_id": c["patient"],
                        "patient_name": c["name"],
                        "phone": c["phone"],
                        "email": c["email"],
                        "ssn": c["dni"],
                        "mrn": c["record"],
                        "address": c["address"],
                        "date_of_birth": c["birth"],
                        "sex": "F",
                        "symptom": symptom,
                        "status": status,
                        "diagnosis": "Influenza",
                        "note": _note(c),
                    }
                    for symptom, status in (("Fever", "yes"), ("Cough", "yes"), ("Rash", "no"))
                ]
            ).to_csv(directory / "long.csv", index=False)  # no visit date: content keys
        elif fmt == "json":
            (directory / "registro.json").write_text(
                json.dumps({"records": [_json_record(c)]}), encoding="utf-8"
            )
        elif fmt == "jsonl":
            (directory / "registros.jsonl").write_text(json.dumps(_json_record(c)) + "\n", encoding="utf-8")
        elif fmt in ("txt", "txt_en"):
            keys = (
                ("Paciente", "Nombre", "DNI", "Fecha")
                if c["lang"] == "es"
                else ("Patient", "Name", "SSN", "Date")
            )
            header = "".join(
                f"{k}: {v}\n"
                for k, v in zip(keys, (c["patient"], c["name"], c["dni"], "12/03/2024"), strict=True)
            )
            name = "nota_Iparraguirre_2024.txt" if fmt == "txt" else f"clinic_note_{c['surname']}.txt"
            (directory / name).write_text(header + "\n" + _note(c), encoding="utf-8")
        elif fmt == "notesjsonl":
            (directory / "notas.jsonl").write_text(
                json.dumps(
                    {
                        "patient_id": c["patient"],
                        "name": c["name"],
                        "email": c["email"],
                        "date": "2024-03-12",
                        "language": "en",
                        "text": _note(c),
                        "diagnosis": "Influenza",
                    }
                )
                + "\n",
                encoding="utf-8",
            )
        else:
            packet = {
                "id": f"{c['patient']}-{c['surname']}",
                "subject": {
                    "id": c["name"],
                    "sex": "FEMALE",
                    "timeAtLastEncounter": {"age": {"iso8601duration": "P62Y"}},
                },
                "phenotypicFeatures": [{"type": {"id": "HP:0001945"}}, {"type": {"id": "HP:0012735"}}],
                "interpretations": [
                    {"id": "i", "diagnosis": {"disease": {"id": "OMIM:142900", "label": "x"}}}
                ],
                "diseases": [{"term": {"id": "OMIM:142900"}, "onset": {"age": {"iso8601duration": "P70Y"}}}],
            }
            (directory / f"packet_{c['surname']}.json").write_text(json.dumps(packet), encoding="utf-8")
    # files refused whole: their names still hold surnames, and must not reach the console or the store
    (directory / "roto_Iparraguirre.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    pd.DataFrame({"Cliente": ["Ferretería Olabarrieta"], "Importe": [12.5]}).to_excel(
        directory / "ventas_Olabarrieta.xlsx", index=False
    )
    canaries |= {"Olabarrieta"}
    return sorted(canaries)


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def leaks(text: str, canaries: list[str]) -> list[str]:
    """Canaries found as words (any case, accents folded) or, for id-like ones, without separators."""
    import unicodedata

    def plain(value: str) -> str:
        return "".join(
            c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c)
        ).lower()

    lowered, compact = plain(text), _compact(plain(text))
    found = []
    for canary in canaries:
        squeezed = _compact(plain(canary))
        id_like = len(squeezed) >= 8 and sum(ch.isdigit() for ch in squeezed) >= 5
        as_word = re.search(rf"(?<![a-z0-9]){re.escape(plain(canary))}(?![a-z0-9])", lowered)
        if as_word or (id_like and squeezed in compact):
            found.append(canary)
    return found


@pytest.mark.slow
def test_no_planted_identifier_reaches_the_store_the_logs_the_reports_or_the_model(
    kb, kb_home, tmp_path, monkeypatch, caplog, capsys
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("DXGRAPH_PSEUDONYM_KEY", KEY)
    home = tmp_path / "home"
    shutil.copytree(kb_home / "kb", home / "kb")
    canaries = plant(tmp_path / "canaries")
    assert len(canaries) >= 100
    generate(kb, tmp_path / "synth", SyntheticSpec(patients=120, seed=11))  # enough cases to learn from

    assert (
        main(["--home", str(home), "-v", "ingest", str(tmp_path / "canaries"), str(tmp_path / "synth")]) == 0
    )
    assert main(["--home", str(home), "privacy", "report", "--k", "2"]) == 0
    with Store(home / "store.duckdb") as store:
        kinds = dict(store.connection.execute("SELECT kind, count(*) FROM sources GROUP BY 1").fetchall())
        assert kinds["csv"] >= 4 and kinds["json"] >= 3 and kinds["notes"] >= 2 and kinds["phenopackets"] == 1
        canary_visits = store.connection.execute(
            "SELECT count(*) FROM encounters e JOIN patients p USING (patient_id) WHERE NOT p.synthetic"
        ).fetchone()[0]
        assert canary_visits >= 9  # the planted records were stored, not dropped
        assert (
            store.connection.execute(
                "SELECT count(*) FROM notes WHERE text_scrubbed LIKE '%[NAME]%'"
            ).fetchone()[0]
            >= 8
        )
        result = learn(store, kb, home / "models", promote=False)
    console = capsys.readouterr()
    assert "quarantined, not read" in console.err and "x" in console.err
    assert (
        main(
            [
                "--home",
                str(home),
                "-v",
                "diagnose",
                "--symptoms",
                "HP:0001945,HP:0012735",
                "--model",
                str(result.directory),
            ]
        )
        == 0
    )
    diagnosis = capsys.readouterr()

    connection = duckdb.connect(str(home / "store.duckdb"), read_only=True)
    tables = [r[0] for r in connection.execute("SELECT table_name FROM information_schema.tables").fetchall()]
    values = [
        str(v) for t in tables for row in connection.execute(f'SELECT * FROM "{t}"').fetchall() for v in row
    ]
    connection.close()
    assert leaks("\n".join(values), canaries) == []
    for path in home.glob("store.duckdb*"):
        assert leaks(path.read_bytes().decode("latin-1"), canaries) == [], path.name
    logs = caplog.text + console.out + console.err + diagnosis.out + diagnosis.err
    assert "source " in caplog.text and "run " in console.err  # logging and the summary did happen
    assert leaks(logs, canaries) == []
    written = [p for p in home.rglob("*") if p.is_file() and (home / "kb") not in p.parents]
    assert any((home / "models") in p.parents for p in written)
    for path in written:
        assert leaks(path.read_bytes().decode("latin-1"), canaries) == [], path.name


def test_findings_are_still_extracted_from_scrubbed_notes(kb, capsys):
    """At least 95% of the (term, status) findings of the raw notes are found in the scrubbed notes."""
    import random

    from learning.ingest.text_to_hpo import extract_findings
    from learning.privacy.anonymize import Scrubber, identifier_terms
    from learning.privacy.person_names import clinical_vocabulary
    from learning.synthetic.files import note_text
    from learning.synthetic.patients import _Sampler

    scrubber = Scrubber(protected=clinical_vocabulary(kb))
    sampler, rng = _Sampler(kb, SyntheticSpec(patients=300, seed=5)), random.Random(5)
    notes = []
    for number in range(1, 301):
        p = sampler.patient(number)
        known = identifier_terms([p.name, p.phone, p.email, p.dni, p.record_number, p.address], [p.name])
        notes.append((note_text(kb, p, rng), p.lang, known))
    for i, fmt in enumerate(PEOPLE):  # the canary notes: scrubbed without knowing their identifiers
        c = _identifiers(i, fmt)
        notes.append((_note(c), c["lang"], []))
    samples = Path(__file__).parent / "data" / "deid"
    for sample in ("names_labelled.txt", "names_heldout.txt"):  # varied clinical prose, names unknown
        for line in (samples / sample).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                text = line.replace("{", "").replace("}", "")
                notes.append((text, "es" if re.search(r"[áéíóúñ¿]| de | con | y ", text) else "en", []))
    raw_total = kept = 0
    for text, lang, known in notes:
        raw = {(f.term, f.present) for f in extract_findings(kb, text, lang)}
        scrubbed = {(f.term, f.present) for f in extract_findings(kb, scrubber.scrub(text, known), lang)}
        raw_total += len(raw)
        kept += len(raw & scrubbed)
    share = kept / raw_total
    with capsys.disabled():
        print(f"\nfindings kept after scrubbing: {kept}/{raw_total} = {share:.1%} over {len(notes)} notes")
    assert raw_total > 500 and share >= 0.95
