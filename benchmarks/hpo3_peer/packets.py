"""Read phenopackets from a .json file, a .jsonl file or a directory: stdlib only, so both the hpo3 venv
(rank.py) and the project (run.py) use the very same reader."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def iter_phenopackets(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (fallback id, phenopacket) from a .json file, a .jsonl file or a directory (recursive)."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in {".json", ".jsonl"} and p.is_file())
    else:
        files = [path]
    for file in files:
        if file.suffix == ".jsonl":
            with file.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    if line.strip():
                        yield f"{file.stem}:{number}", json.loads(line)
        else:
            yield file.stem, json.loads(file.read_text(encoding="utf-8"))
