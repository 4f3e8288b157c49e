"""What note tests read from an extraction: the terms the diagnosis uses and a term's mention status."""

from __future__ import annotations


def observed(result) -> set[str]:
    """The present terms the diagnosis uses."""
    return {term for term, _ in result.evidence()[0]}


def excluded(result) -> set[str]:
    """The absent terms the diagnosis uses."""
    return set(result.evidence()[1])


def status(result, term: str) -> str | None:
    """The status of the term's first mention (present, absent, family, ...), None if not mentioned."""
    return next((m.status for m in result.mentions if m.term == term), None)
