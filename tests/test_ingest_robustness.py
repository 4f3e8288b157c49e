"""Hostile and messy folders as a hospital would export them: one bad file never stops a run, sources are
keyed by path and content, re-exports add only what is new, workbooks are read from their data sheet."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from learning.ingest.pipeline import ingest_paths, source_label
from learning.store import Store

KEY = b"robust-key"
GOOD = {
    "patient_id": "R-1",
    "date": "2024-02-01",
    "sex": "female",
    "age": 30,
    "symptoms": ["fever", "cough"],
    "diagnosis": "Influenza",
}


def _good(directory: Path) -> Path:
    path = directory / "good.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "patient_id": "R-2"}) + "\n")
    return path


def test_a_corrupt_or_empty_workbook_is_quarantined_and_the_rest_is_stored(kb, tmp_path):
    data = tmp_path / "export"
    data.mkdir()
    _good(data)
    (data / "corrupt.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    (data / "empty.xlsx").write_bytes(b"")
    (data / "truncated.parquet").write_bytes(b"PAR1\x00\x00")
    with Store(tmp_path / "store.duckdb") as store:
        summary = ingest_paths(store, kb, KEY, [data], progress=False)
        assert summary.files == 4 and summary.files_quarantined == 3 and summary.rows_stored == 2
        status = dict(store.connection.execute("SELECT name, status FROM sources").fetchall())
        assert status[source_label(KEY, data / "good.jsonl")] == "stored"
        for name in ("corrupt.xlsx", "empty.xlsx", "truncated.parquet"):
            assert status[source_label(KEY, data / name)] == "quarantined"
        reasons = dict(
            store.connection.execute("SELECT row_ref, reason FROM quarantine WHERE field = 'file'").fetchall()
        )
        assert reasons[source_label(KEY, data / "empty.xlsx")] == "empty file"
        assert reasons[source_label(KEY, data / "corrupt.xlsx")].startswith("unreadable: not a valid .xlsx")
        assert store.count("encounters") == 2
        text = summary.as_text()
        assert "1 read, 0 already loaded, 3 quarantined" in text
        assert "quarantined, not read: empty file" in text and "2 new visit(s)" in text
        assert (
            "corrupt"
            not in store.connection.execute("SELECT string_agg(reason, ' ') FROM quarantine").fetchone()[0]
        )
        # the quarantined files are sources too: the same files again are skipped, nothing added
        again = ingest_paths(store, kb, KEY, [data], progress=False)
        assert again.skipped_files == 4 and store.count("quarantine") == summary.rows_quarantined


def test_empty_files_are_keyed_by_path_not_only_by_their_empty_content(kb, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "vacio.csv").write_text("")
    for name in ("vacio.json", "vacia.txt", "vacio.jsonl"):
        (second / name).write_text("")
    with Store(tmp_path / "store.duckdb") as store:
        ingest_paths(store, kb, KEY, [first], progress=False)
        summary = ingest_paths(store, kb, KEY, [second], progress=False)
        assert summary.skipped_files == 0 and summary.files_quarantined == 3
        assert store.count("sources") == 4 and store.count("encounters") == 0


def test_a_truncated_json_document_is_refused_whole(kb, tmp_path):
    data = tmp_path / "export"
    data.mkdir()
    _good(data)
    (data / "half.json").write_text('{"records": [' + json.dumps(GOOD) + ", {oops")
    with Store(tmp_path / "store.duckdb") as store:
        summary = ingest_paths(store, kb, KEY, [data], progress=False)
        assert summary.rows_stored == 2 and summary.records_refused == 1
        refused = store.connection.execute("SELECT outcome, reason FROM quarantine").fetchall()
        assert refused == [("refused", "invalid JSON: Expecting property name enclosed in double quotes")]
        assert store.count("encounters") == 2


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_a_text_table_with_only_a_header_is_read_as_no_records(kb, tmp_path, suffix):
    path = tmp_path / f"solo_cabecera{suffix}"
    path.write_text("Paciente;Fecha;Fiebre\n" if suffix == ".csv" else "Paciente\tFecha\tFiebre\n")
    with Store(tmp_path / "store.duckdb") as store:
        summary = ingest_paths(store, kb, KEY, [path], progress=False)
        assert summary.rows_read == 0 and summary.files_quarantined == 0 and store.count("encounters") == 0


def test_a_run_over_a_folder_with_a_bad_workbook_exits_zero_from_the_cli(
    kb_home, tmp_path, monkeypatch, capsys
):
    import shutil

    from cli.main import main

    home = tmp_path / "home"
    shutil.copytree(kb_home / "kb", home / "kb")
    monkeypatch.setenv("DXGRAPH_PSEUDONYM_KEY", "cli-key")
    data = tmp_path / "export"
    data.mkdir()
    _good(data)
    pd.DataFrame({"x": [1]}).to_csv(data / "ok.csv", index=False)
    (data / "roto.xlsx").write_bytes(b"garbage")
    assert main(["--home", str(home), "ingest", str(data)]) == 0
    err = capsys.readouterr().err
    assert "quarantined, not read: unreadable: not a valid .xlsx (zip) file" in err


# ---- stable content keys -------------------------------------------------------------------------------
DATELESS = [
    "Paciente;Edad;Sexo;Fiebre;Tos;Disnea;Temperatura;Diagnóstico",
    "P-1;40;mujer;sí;no;;38,5;Gripe",
    "P-2;51;hombre;no;sí;quizás;37;",
    "P-3;33;mujer;sí;sí;no;61;Gripe",
    "P-3;33;mujer;sí;sí;no;61;Gripe",  # the same row twice: two visits, one warning
    ";;;sí;;;;",  # no patient id either
]


def _counts(store: Store) -> dict[str, int]:
    return {t: store.count(t) for t in ("patients", "encounters", "findings", "diagnoses", "quarantine")}


def test_a_re_exported_file_with_one_row_appended_adds_only_that_row(kb, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("\n".join(DATELESS) + "\n", encoding="utf-8")
    with Store(tmp_path / "store.duckdb") as store:
        first = ingest_paths(store, kb, KEY, [path], progress=False)
        assert first.rows_stored == 5  # P-3's identical rows are two visits
        warnings = first.reasons_by_outcome["warning"]
        assert warnings == {"identical to an earlier row of the same file: kept as a separate visit": 1}
        before = _counts(store)
        path.write_text("\n".join([*DATELESS, "P-4;70;hombre;no;no;sí;36,8;"]) + "\n", encoding="utf-8")
        second = ingest_paths(store, kb, KEY, [path], progress=False)
        after = _counts(store)
        assert second.skipped_files == 0 and second.rows_read == 6
        assert second.rows_stored == 1 and second.merged_into_stored == 5
        assert after["encounters"] == before["encounters"] + 1 and after["patients"] == before["patients"] + 1
        # only the new row's findings (fever, cough, dyspnoea; vitals) and no repeated problems
        assert 0 < after["findings"] - before["findings"] <= 4
        assert after["quarantine"] == before["quarantine"] and after["diagnoses"] == before["diagnoses"]
        # the same rows in a new order at the same path: nothing new either
        path.write_text("\n".join([DATELESS[0], *reversed(DATELESS[1:])]) + "\n", encoding="utf-8")
        third = ingest_paths(store, kb, KEY, [path], progress=False)
        assert third.rows_stored == 0 and _counts(store) == after


def test_the_same_rows_in_a_file_at_another_path_are_another_source(kb, tmp_path):
    first, second = tmp_path / "a" / "export.csv", tmp_path / "b" / "export.csv"
    for path in (first, second):
        path.parent.mkdir()
        path.write_text("\n".join(DATELESS[:3]) + "\n", encoding="utf-8")
    with Store(tmp_path / "store.duckdb") as store:
        ingest_paths(store, kb, KEY, [first], progress=False)
        summary = ingest_paths(store, kb, KEY, [second], progress=False)
        assert summary.skipped_files == 0 and summary.rows_stored == 2  # dateless rows are keyed by path


def test_a_schema_1_store_is_migrated(kb, tmp_path):
    import duckdb

    path = tmp_path / "legacy.duckdb"
    connection = duckdb.connect(str(path))
    connection.execute(
        """CREATE TABLE sources (source_id VARCHAR PRIMARY KEY, kind VARCHAR, name VARCHAR, sha256 VARCHAR,
               first_run VARCHAR);
           CREATE TABLE encounters (encounter_id VARCHAR PRIMARY KEY, patient_id VARCHAR, source_id VARCHAR,
               age_years DOUBLE, age_band VARCHAR, year INTEGER, context VARCHAR, publication VARCHAR,
               run_id VARCHAR);
           CREATE TABLE findings (encounter_id VARCHAR, term_id VARCHAR, status VARCHAR, severity VARCHAR,
               provenance VARCHAR);
           CREATE TABLE quarantine (run_id VARCHAR, source_id VARCHAR, row_ref VARCHAR, field VARCHAR,
               reason VARCHAR);
           INSERT INTO sources VALUES ('0123456789abcdef', 'notes', 'nota_Iparraguirre_2024.txt', 'ab', 'r0');
           INSERT INTO encounters VALUES ('e1', 'p1', '0123456789abcdef', 40, '40-64', 2024, 'primary-care',
               NULL, 'r0');
           INSERT INTO findings VALUES ('e1', 'HP:0001945', 'present', NULL,
               'note:notes:0123456789abcdef:nota_Iparraguirre_2024.txt:1');
           INSERT INTO quarantine VALUES ('r0', '0123456789abcdef', 'nota_Iparraguirre_2024.txt:1', 'age',
               'negative age');"""
    )
    connection.close()
    with Store(path) as store:
        assert store.schema_version() == 2
        values = " ".join(
            str(v)
            for table in ("sources", "findings", "quarantine")
            for row in store.connection.execute(f"SELECT * FROM {table}").fetchall()
            for v in row
        )
        assert "Iparraguirre" not in values
        assert store.connection.execute("SELECT provenance FROM findings").fetchone() == (
            "note:notes:0123456789abcdef.txt:1",
        )
        assert store.connection.execute("SELECT row_ref FROM quarantine").fetchone() == (
            "0123456789abcdef.txt:1",
        )
        assert store.connection.execute("SELECT name, status FROM sources").fetchone() == (
            "0123456789abcdef.txt",
            "stored",
        )
        # a store already at schema 2 is left as it is
        assert store.migrate() == 2


# ---- workbooks -----------------------------------------------------------------------------------------
RECORDS = pd.DataFrame(
    {
        "Paciente": ["W-1", "W-2"],
        "Fecha consulta": ["2024-03-01", "2024-03-02"],
        "Edad": [44, 61],
        "Sexo": ["mujer", "hombre"],
        "Fiebre": ["sí", "no"],
        "Tos": ["sí", "sí"],
        "Diagnóstico": ["Gripe", ""],
    }
)


def _cover_workbook(path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"Informe": ["Exportación de historias clínicas", "Servicio de urgencias"]}).to_excel(
            writer, sheet_name="Portada", index=False
        )
        # the records' sheet starts with a title line and a blank row above its header
        pd.DataFrame([["Consultas marzo 2024"], [None]]).to_excel(
            writer, sheet_name="Datos", index=False, header=False
        )
        RECORDS.to_excel(writer, sheet_name="Datos", index=False, startrow=2)


def test_a_workbook_is_read_from_the_sheet_holding_the_records(kb, tmp_path):
    path = tmp_path / "historias.xlsx"
    _cover_workbook(path)
    with Store(tmp_path / "store.duckdb") as store:
        summary = ingest_paths(store, kb, KEY, [path], progress=False)
        assert summary.rows_read == 2 and summary.rows_stored == 2 and store.count("notes") == 0
        warning = store.connection.execute("SELECT reason FROM quarantine WHERE field = 'sheet'").fetchone()[
            0
        ]
        assert warning.startswith("workbook of 2 sheet(s): read sheet 2, header on row 3")
        provenance = " ".join(
            r[0] for r in store.connection.execute("SELECT provenance FROM findings").fetchall()
        )
        label = source_label(KEY, path)
        assert f"csv:{label}:2!4" in provenance and f"csv:{label}:2!5" in provenance  # sheet 2, Excel rows
        fever = store.connection.execute(
            "SELECT status FROM findings WHERE term_id = 'HP:0001945' ORDER BY status"
        ).fetchall()
        assert fever == [("absent",), ("present",)]


def test_sheet_option_and_refusal_of_a_cover_sheet(kb, tmp_path):
    path = tmp_path / "historias.xlsx"
    _cover_workbook(path)
    with Store(tmp_path / "a.duckdb") as store:
        summary = ingest_paths(store, kb, KEY, [path], progress=False, sheet="Datos")
        assert summary.rows_stored == 2
    with Store(tmp_path / "b.duckdb") as store:
        summary = ingest_paths(store, kb, KEY, [path], progress=False, sheet="1")
        assert summary.files_quarantined == 1 and store.count("encounters") == 0
        assert summary.files_detail[0].reason.startswith("not clinical records")


def test_a_sales_spreadsheet_is_refused_with_its_reason(kb, tmp_path):
    sales = pd.DataFrame(
        {
            "Fecha": ["2024-01-02", "2024-01-03"],
            "ID": [1, 2],
            "Cliente": ["Ferretería Pérez", "Bar Luna"],
            "Producto": ["Tornillos", "Café"],
            "Cantidad": [100, 3],
            "Importe": [12.5, 4.2],
            "Observaciones": ["pago al contado", "urgente"],
        }
    )
    sales.to_excel(tmp_path / "ventas.xlsx", index=False, sheet_name="Ventas")
    sales.to_csv(tmp_path / "ventas.csv", index=False)
    with Store(tmp_path / "store.duckdb") as store:
        summary = ingest_paths(store, kb, KEY, [tmp_path], progress=False)
        assert summary.files_quarantined == 2 and store.count("encounters") == 0 and store.count("notes") == 0
        reasons = {f.reason for f in summary.files_detail}
        assert reasons == {
            "not clinical records: of 7 column(s), 0 name a finding, diagnosis or vital sign "
            "and 0 a patient, age, sex or visit"
        }


# ---- the summary ---------------------------------------------------------------------------------------
def test_the_summary_reads_by_outcome_with_grouped_reasons_and_rounded_numbers(kb, tmp_path):
    from learning.ingest.summary import group_reasons, round_numbers

    assert round_numbers("onset at 0.38329911019849416 years is after the current age 0.1670") == (
        "onset at 0.38 years is after the current age 0.17"
    )
    assert round_numbers("implausible temperature 60 C, 38.5 and 2024-03-12") == (
        "implausible temperature 60 C, 38.5 and 2024-03-12"
    )
    assert group_reasons({"implausible temperature 60 C": 2, "implausible temperature 61 C": 1, "x": 1}) == [
        ("implausible temperature 60 C (and similar)", 3),
        ("x", 1),
    ]
    data = tmp_path / "export"
    data.mkdir()
    packet = {
        "id": "onset-case",
        "subject": {"id": "s1", "sex": "FEMALE", "timeAtLastEncounter": {"age": {"iso8601duration": "P2M"}}},
        "phenotypicFeatures": [{"type": {"id": "HP:0001945"}}],
        "interpretations": [{"id": "i", "diagnosis": {"disease": {"id": "OMIM:142900", "label": "x"}}}],
        "diseases": [{"term": {"id": "OMIM:142900"}, "onset": {"age": {"iso8601duration": "P4M18D"}}}],
    }
    (data / "packet.json").write_text(json.dumps(packet))
    (data / "notes.jsonl").write_text('{"patient_id": "N1", "date": "2024-01-01", "text": "fiebre"}\n{oops\n')
    with Store(tmp_path / "store.duckdb") as store:
        summary = ingest_paths(store, kb, KEY, [data], progress=False)
        text = summary.as_text()
        reasons = [r[0] for r in store.connection.execute("SELECT reason FROM quarantine").fetchall()]
    assert summary.rows_stored == 2
    warning = next(r for r in reasons if "onset" in r)
    assert re.search(r"onset at 0\.3\d years", warning) and not re.search(r"\d\.\d{3,}", warning)
    assert "refused (not stored), 1: invalid JSON" in text
    assert "warnings (record kept), 1: onset at 0.3" in text  # a kept record is a warning, not a refusal
    assert not re.search(r"\d\.\d{3,}", text)
