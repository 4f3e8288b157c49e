"""Hostile and messy folders as a hospital would export them: one bad file never stops a run, sources are
keyed by path and content, re-exports add only what is new, workbooks are read from their data sheet."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from learning.pipeline import ingest_paths, source_label
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
