"""Derivation scripts: turn raw open data (read from ../shared at derivation time) into the committed,
credited files under ontologies/ that the knowledge base builds from, so a fresh clone needs no raw data."""

__all__: list[str] = []  # a package of modules, imported by name; nothing re-exported here
