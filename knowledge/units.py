"""Identifiers and units shared by every layer: one HPO id pattern, one temperature conversion."""

from __future__ import annotations

import re

HPO_ID_PATTERN = r"^HP:\d{7}$"
HPO_ID = re.compile(HPO_ID_PATTERN)

__all__ = ["HPO_ID", "HPO_ID_PATTERN", "fahrenheit_to_celsius", "is_hpo_id"]


def is_hpo_id(text: str | None) -> bool:
    """Is this a well-formed HPO term id (HP: and seven digits)?"""
    return bool(HPO_ID.match(text or ""))


def fahrenheit_to_celsius(value: float) -> float:
    """Degrees Fahrenheit to Celsius."""
    return (value - 32.0) * 5.0 / 9.0
