"""The one reader of JSON and JSONL files: UTF-8 with or without a byte-order mark.

Editors on Windows (Notepad, Excel's "CSV UTF-8", PowerShell's Out-File) start UTF-8 files with a BOM,
which `json.loads` refuses; every JSON or JSONL file the runtime packages read goes through here, so a BOM
is accepted everywhere or nowhere. Lines are split as Python's text files split them (\\n, \\r\\n, \\r), never
at the other Unicode line breaks a JSON string may hold (U+2028).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["JsonLine", "decode", "json_lines", "read_json", "read_json_lines", "read_text"]

_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class JsonLine:
    """One non-blank line of a JSONL text: its 1-based number and its value, or why it is not JSON."""

    number: int
    value: Any = None
    error: json.JSONDecodeError | None = None


def decode(data: bytes, errors: str = "strict") -> str:
    """UTF-8 bytes as text, a leading byte-order mark dropped (`errors` as in `bytes.decode`)."""
    return data.decode("utf-8-sig", errors)


def read_text(path: Path, errors: str = "strict") -> str:
    """A UTF-8 text file, a leading byte-order mark dropped."""
    return decode(Path(path).read_bytes(), errors)


def read_json(path: Path) -> Any:
    """The one JSON document of a file; raises OSError, UnicodeDecodeError or json.JSONDecodeError."""
    return json.loads(read_text(path))


def json_lines(text: str) -> Iterator[JsonLine]:
    """Each non-blank line of a JSONL text, parsed; a line that is not JSON carries its error instead, so
    the caller decides whether one bad line stops the file (a registry) or is skipped (ingestion)."""
    for number, line in enumerate(_NEWLINE.split(text.removeprefix("\ufeff")), start=1):
        if not line.strip():
            continue
        try:
            yield JsonLine(number, json.loads(line))
        except json.JSONDecodeError as error:
            yield JsonLine(number, error=error)


def read_json_lines(path: Path, errors: str = "strict") -> Iterator[JsonLine]:
    """Each non-blank line of a JSONL file (see `json_lines`); the whole file is decoded first, so an
    undecodable file raises before any line is returned."""
    return json_lines(read_text(path, errors))
