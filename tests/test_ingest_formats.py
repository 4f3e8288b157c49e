"""Ingestion of realistic files in every format: quarantine with row refs, merge, idempotency, CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cli.main import main
from learning.ingest.pipeline import detect_format, ingest_paths, source_label
from learning.privacy.pseudonym import pseudonym
from learning.store import Store

DATA = Path(__file__).parent / "data" / "ingest"
KEY = b"test-key"


def _enc(patient: str, date: str) -> str:
    from learning.privacy.anonymize import normalise_patient_id

    return pseudonym(KEY, f"{normalise_patient_id(patient)}|{date}", "encounter")


def _ref(name: str, row: int | None = None) -> str:
    """The stored row ref of a fixture file (the store keeps a pseudonymous label, never the name)."""
    path = next(DATA.rglob(name))
    label = source_label(KEY, path)
    return label if row is None else f"{label}:{row}"


def _findings(store: Store, encounter: str) -> dict[str, tuple[str, str | None]]:
    rows = store.connection.execute(
        "SELECT term_id, status, severity FROM findings WHERE encounter_id = ?", [encounter]
    ).fetchall()
    return {t: (s, sev) for t, s, sev in rows}


@pytest.fixture(scope="module")
def loaded(kb, tmp_path_factory):
    """All fixture files ingested once into one store."""
    path = tmp_path_factory.mktemp("ingest") / "store.duckdb"
    store = Store(path)
    summary = ingest_paths(store, kb, KEY, [DATA], progress=False)
    yield store, summary
    store.close()


def test_formats_are_detected(tmp_path):
    packet = tmp_path / "p.json"
    packet.write_text(json.dumps({"id": "x", "phenotypicFeatures": []}))
    assert detect_format(packet) == "phenopackets"
    assert detect_format(DATA / "registros.jsonl") == "json"
    assert detect_format(DATA / "long_en.csv") == "csv"
    assert detect_format(DATA / "notas" / "nota_001.txt") == "notes"
    with pytest.raises(ValueError, match="unknown input format"):
        detect_format(tmp_path / "x.pdf")


def test_every_file_and_row_is_accounted_for(loaded):
    store, summary = loaded
    assert summary.formats == {"csv": 2, "json": 1, "notes": 3}
    assert summary.rows_read == 5 + 10 + 4 + 3
    quarantine = set(store.connection.execute("SELECT row_ref, field, reason FROM quarantine").fetchall())
    expected = {
        (_ref("historias_anchas_es.csv", 4), "age", "negative age"),
        (_ref("historias_anchas_es.csv", 4), "temperature", "implausible temperature 60 C (outside 25-45 C)"),
        (_ref("historias_anchas_es.csv", 5), "date", "unparseable date"),
        (_ref("historias_anchas_es.csv", 5), "HP:6000485", "pregnancy finding in a male"),
        (_ref("long_en.csv", 6), "Blorp", "unknown symptom name"),
        (_ref("long_en.csv", 7), "Headache", "unrecognised symptom value"),
        (_ref("registros.jsonl", 3), "date", "unparseable date"),
        (_ref("registros.jsonl", 4), "json", "invalid JSON: Expecting value"),
    }
    assert expected <= quarantine
    sources = dict(store.connection.execute("SELECT source_id, kind FROM sources").fetchall())
    assert set(store.connection.execute("SELECT source_id FROM quarantine").fetchall()) <= {
        (s,) for s in sources
    }
    assert summary.reasons["unknown symptom name"] == 1  # "Blorp" ("Tos perruna" is a barking cough)
    assert "k-anonymity (k=5)" in summary.as_text()


def test_valid_parts_of_a_bad_row_are_kept(loaded):
    store, _ = loaded
    # row 4: negative age and 60 C quarantined, but its symptoms and the visit itself are stored
    findings = _findings(store, _enc("PAC-0003", "2024-03-14"))
    assert findings["HP:0001945"][0] == "present"
    # row 5: unparseable date and pregnancy in a male quarantined; severe sore throat kept
    rows = store.connection.execute(
        "SELECT f.term_id, f.severity FROM findings f WHERE f.provenance LIKE ?",
        [f"%{_ref('historias_anchas_es.csv', 5)}"],
    ).fetchall()
    assert ("HP:0033050", "severe") in rows and all(t != "HP:6000485" for t, _ in rows)


def test_units_languages_and_generalisation(loaded):
    store, _ = loaded
    connection = store.connection
    # 95 years -> 90, date -> year, Spanish M -> female; 36.8 C -> fever absent from the vital sign
    age, band, year = connection.execute(
        "SELECT age_years, age_band, year FROM encounters WHERE encounter_id = ?",
        [_enc("PAC-0005", "2024-03-15")],
    ).fetchone()
    assert (age, band, year) == (90.0, "90+", 2024)
    findings = _findings(store, _enc("PAC-0005", "2024-03-15"))
    assert findings["HP:0001945"] == ("absent", None) and findings["HP:0002315"] == ("present", "moderate")
    # 102.2 F -> 39 C -> fever present; JSON {name: status} symptoms; severity words
    child = _findings(store, _enc("EN-77", "2024-04-02"))
    assert child["HP:0001945"][0] == "present" and child["HP:0033050"] == ("present", "severe")
    assert child["HP:0012735"][0] == "absent"
    # a rare-disease long table with HPO ids and labels, diagnosis by OMIM id
    rare = _enc("P-0011", "2024-03-21")
    assert set(_findings(store, rare)) == {"HP:0001250", "HP:0001249", "HP:0000252"}
    assert connection.execute(
        "SELECT disease_id FROM diagnoses WHERE encounter_id = ?", [rare]
    ).fetchone() == ("OMIM:607208",)
    diagnoses = dict(connection.execute("SELECT encounter_id, disease_id FROM diagnoses").fetchall())
    assert diagnoses[_enc("PAC-0002", "2024-03-13")] == "DXG:copd_exacerbation"  # ICD-10 J44.1
    assert diagnoses[_enc("PAC-0001", "2024-03-12")] == "DXG:influenza"  # Spanish "Gripe"


def test_notes_findings_negation_and_scrubbing(loaded):
    store, _ = loaded
    note = _findings(store, _enc("EN-78", "2024-05-04"))
    assert note["HP:0002315"] == ("present", "severe") and note["HP:0000613"][0] == "present"
    assert note["HP:0001945"][0] == "absent" and note["HP:0025258"][0] == "absent"
    headerless = store.connection.execute(
        "SELECT f.term_id, f.status FROM findings f WHERE f.provenance LIKE ?",
        [f"%{_ref('nota_sin_cabecera.txt', 1)}"],
    ).fetchall()
    assert ("HP:0002014", "absent") in headerless and ("HP:0002027", "present") in headerless
    texts = " ".join(r[0] for r in store.connection.execute("SELECT text_scrubbed FROM notes").fetchall())
    for identifier in (
        "Carmen",
        "Ruiz",
        "600 000 001",
        "carmen.ruiz@correo.es",
        "Mayor 5",
        "Ana Doe",
        "867-5309",
        "jane.doe@example.com",
        "Mary Smith",
        "Lucía",
        "612 345 678",
    ):
        assert identifier not in texts
    assert "[EMAIL]" in texts and "[PHONE]" in texts and "Niega disnea" in texts


def test_same_visit_from_several_sources_is_one_encounter(loaded):
    store, _ = loaded
    # PAC-0001 (Spanish wide CSV) and "pac 1" (English long CSV), same date
    visit = _enc("PAC-0001", "2024-03-12")
    assert store.connection.execute(
        "SELECT count(*) FROM encounters WHERE encounter_id = ?", [visit]
    ).fetchone() == (1,)
    findings = _findings(store, visit)
    assert findings["HP:0003326"] == ("present", "moderate")  # from the long table (and the wide note)
    assert findings["HP:0002315"] == ("present", "mild")  # from the wide table
    provenance = {
        statement.split(":")[-2]
        for (row,) in store.connection.execute(
            "SELECT provenance FROM findings WHERE encounter_id = ?", [visit]
        ).fetchall()
        for statement in row.split(";")
    }
    assert {_ref("historias_anchas_es.csv"), _ref("long_en.csv")} <= provenance
    # PAC-0003: wide CSV (age -4, quarantined) + note (age 52) -> one encounter with the note's age
    age = store.connection.execute(
        "SELECT age_years FROM encounters WHERE encounter_id = ?", [_enc("PAC-0003", "2024-03-14")]
    ).fetchone()
    assert age == (52.0,)
    # 10 patients: the invalid JSON line of registros.jsonl is refused whole, no visit is made of it
    assert store.connection.execute("SELECT count(*) FROM patients").fetchone()[0] == 10


def test_idempotent_and_merging_across_runs(kb, tmp_path):
    with Store(tmp_path / "store.duckdb") as store:
        first = ingest_paths(store, kb, KEY, [DATA / "historias_anchas_es.csv"], progress=False)
        visit = _enc("PAC-0002", "2024-03-13")
        before = _findings(store, visit)
        second = ingest_paths(store, kb, KEY, [DATA / "registros.jsonl"], progress=False)
        after = _findings(store, visit)
        assert first.rows_stored == 5 and second.merged_into_stored == 1
        assert set(after) - set(before) == {"HP:0031245", "HP:0100749"}  # productive cough, chest pain
        counts = {t: store.count(t) for t in ("encounters", "findings", "diagnoses", "notes", "quarantine")}
        again = ingest_paths(store, kb, KEY, [DATA], progress=False)
        assert again.skipped_files == 2
        third = {t: store.count(t) for t in counts}
        repeat = ingest_paths(store, kb, KEY, [DATA], progress=False)
        assert repeat.skipped_files == 6 and repeat.rows_read == 0
        assert {t: store.count(t) for t in counts} == third


def test_excel_and_parquet(kb, tmp_path):
    frame = pd.read_csv(DATA / "historias_anchas_es.csv", sep=";", dtype=str, keep_default_na=False)
    frame.to_excel(tmp_path / "historias.xlsx", index=False)
    connection = duckdb.connect()
    connection.register("frame", frame)
    connection.execute(f"COPY frame TO '{tmp_path / 'historias.parquet'}' (FORMAT parquet)")
    connection.close()
    results = {}
    for name in ("historias.xlsx", "historias.parquet"):
        with Store(tmp_path / f"{name}.duckdb") as store:
            summary = ingest_paths(store, kb, KEY, [tmp_path / name], progress=False)
            results[name] = (summary.rows_stored, store.count("findings"), summary.reasons)
    with Store(tmp_path / "csv.duckdb") as store:
        summary = ingest_paths(store, kb, KEY, [DATA / "historias_anchas_es.csv"], progress=False)
        reference = (summary.rows_stored, store.count("findings"), summary.reasons)
    assert results["historias.xlsx"] == results["historias.parquet"] == reference


def test_cli_ingest_with_and_without_format(kb_home, tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    shutil.copytree(kb_home / "kb", home / "kb")
    monkeypatch.setenv("DXGRAPH_PSEUDONYM_KEY", "cli-key")
    assert main(["--home", str(home), "ingest", str(DATA / "notas"), "--format", "notes"]) == 0
    assert main(["--home", str(home), "ingest", str(DATA / "long_en.csv")]) == 0
    err = capsys.readouterr().err
    assert "formats: notes 3" in err and "formats: csv 1" in err
    with Store(home / "store.duckdb") as store:
        assert store.count("ingestion_runs") == 2 and store.count("notes") == 3


def test_a_run_failing_at_its_last_write_leaves_the_store_as_before(kb, tmp_path, monkeypatch):
    with Store(tmp_path / "store.duckdb") as store:
        ingest_paths(store, kb, KEY, [DATA / "long_en.csv"], progress=False)
        tables = (
            "sources",
            "patients",
            "encounters",
            "findings",
            "diagnoses",
            "notes",
            "quarantine",
            "ingestion_runs",
        )
        before = {t: store.count(t) for t in tables}
        real = store.connection

        class FailingAtNotes:
            """The connection, except that registering the notes (written last in the run) fails."""

            def __getattr__(self, name):
                return getattr(real, name)

            def register(self, name, frame):
                if name == "incoming_notes":
                    raise RuntimeError("disk full")
                return real.register(name, frame)

        monkeypatch.setattr(store, "connection", FailingAtNotes())
        with pytest.raises(RuntimeError, match="disk full"):
            ingest_paths(store, kb, KEY, [DATA], progress=False)
        assert {t: store.count(t) for t in tables} == before
        monkeypatch.undo()
        again = ingest_paths(store, kb, KEY, [DATA], progress=False)
        assert again.skipped_files == 1 and store.count("notes") > 0


def test_a_jsonl_file_with_a_byte_order_mark_is_ingested_like_one_without(kb, tmp_path):
    """Windows editors start UTF-8 files with a BOM: the same records, refusals and encounters either way."""
    plain = (DATA / "registros.jsonl").read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf")
    results = {}
    for name, data in (("plain", plain), ("bom", b"\xef\xbb\xbf" + plain)):
        path = tmp_path / name / "registros.jsonl"
        path.parent.mkdir()
        path.write_bytes(data)
        store = Store(tmp_path / f"{name}.duckdb")
        summary = ingest_paths(store, kb, KEY, [path], progress=False)
        quarantine = store.connection.execute("SELECT field, reason FROM quarantine ORDER BY ALL").fetchall()
        results[name] = (summary.formats, summary.rows_read, store.count("encounters"), quarantine)
        store.close()
    assert results["bom"] == results["plain"]
    assert results["bom"][:2] == ({"json": 1}, 4)
    assert ("json", "invalid JSON: Expecting value") in results["bom"][3]
