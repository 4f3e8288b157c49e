"""The one JSON / JSONL reader (knowledge/jsonio.py): a byte-order mark is decoded wherever files are read."""

from __future__ import annotations

import json

from cli.note_cases import iter_notes
from inference.phenopackets import iter_packets
from knowledge.jsonio import json_lines, read_json, read_json_lines

BOM = b"\xef\xbb\xbf"


def test_json_and_jsonl_with_a_byte_order_mark(tmp_path):
    (tmp_path / "a.json").write_bytes(BOM + json.dumps({"id": "x"}).encode())
    assert read_json(tmp_path / "a.json") == {"id": "x"}
    (tmp_path / "b.jsonl").write_bytes(BOM + b'{"n": 1}\r\n\r\nnot json\n{"n": 2}\n')
    lines = list(read_json_lines(tmp_path / "b.jsonl"))
    assert [(line.number, line.value) for line in lines] == [(1, {"n": 1}), (3, None), (4, {"n": 2})]
    assert lines[1].error is not None and lines[1].error.msg == "Expecting value"


def test_lines_split_only_at_newlines_not_inside_a_json_string():
    """U+2028 is legal unescaped in a JSON string (json.dumps(..., ensure_ascii=False) writes it)."""
    text = json.dumps({"note": "fever\u2028cough"}, ensure_ascii=False) + "\n"
    assert [line.value for line in json_lines(text)] == [{"note": "fever\u2028cough"}]


def test_cli_readers_accept_a_byte_order_mark(tmp_path):
    packet = {"id": "case-1", "phenotypicFeatures": [{"type": {"id": "HP:0001945"}}]}
    (tmp_path / "cases.jsonl").write_bytes(BOM + (json.dumps(packet) + "\n").encode())
    assert [p for _, p in iter_packets(tmp_path / "cases.jsonl")] == [packet]
    (tmp_path / "case.json").write_bytes(BOM + json.dumps(packet).encode())
    assert [p for _, p in iter_packets(tmp_path / "case.json")] == [packet]
    (tmp_path / "notes.jsonl").write_bytes(BOM + b'{"id": "n1", "text": "fiebre"}\n')
    assert [obj for _, obj in iter_notes(tmp_path / "notes.jsonl")] == [{"id": "n1", "text": "fiebre"}]
