"""Derivation scripts: turn raw open data (read from ../shared at derivation time) into the committed,
credited files under ontologies/ that the knowledge base builds from, so a fresh clone needs no raw data."""
