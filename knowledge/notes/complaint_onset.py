"""How the complaint started, read from a note: suddenly ("sudden onset", "abruptly", "woke with", "de
inicio brusco", "de repente") or gradually ("gradually", "insidious", "progressive", "de forma progresiva"):
the first such word of the chief complaint or the current illness that is not denied ("no sudden vision
loss")."""

from __future__ import annotations

from knowledge.notes.sections import COMPLAINT, CURRENT
from knowledge.notes.text import Tokens, words

__all__ = ["read_complaint_onset"]

_PHRASES = {
    "sudden": "sudden onset|suddenly|sudden|abrupt onset|abruptly|abrupt|all of a sudden|all at once|"
    "thunderclap|woken by|awakened by|"
    "out of the blue|acute onset|onset was acute|de inicio agudo|inicio agudo|de inicio brusco|"
    "inicio brusco|brusco|brusca|"
    "bruscamente|subito|subita|subitamente|repentino|repentina|repentinamente|de repente|de golpe",
    "gradual": "gradual onset|gradually|gradual|insidious onset|insidious|insidiously|slowly|progressively|"
    "progressive|progressing|gradualmente|progresivo|progresiva|progresivamente|paulatino|paulatina|paulatinamente|"
    "insidioso|insidiosa|lentamente|poco a poco",
}
_KEYS = {tuple(phrase.split()): kind for kind, text in _PHRASES.items() for phrase in text.split("|")}
_LONGEST = max(len(key) for key in _KEYS)
_FIRST = frozenset(key[0] for key in _KEYS)
_DENIAL = words("no not non never without sin nunca niega denies")
# waking with the complaint, a few words apart ("woke up in the middle of the night with chest pain",
# "awakens the next morning with knee pain", "se despertó de madrugada con dolor"): it began suddenly
_WAKE = words("woke woken awoke awakens awakened awakes wakes waking desperto desperte despierta")
_WITH = words("with con")
_WAKE_REACH = 8


def read_complaint_onset(tokens: Tokens, sections) -> tuple[str, int, int] | None:
    """(sudden | gradual, start, end in the text) of the first onset word of the current illness, or None."""
    norm = tokens.norm
    for position, word in enumerate(norm):
        if sections[position] not in (COMPLAINT, CURRENT):
            continue
        if word in _WAKE:
            clause = tokens.clause[position]
            reach = range(position + 1, min(position + 1 + _WAKE_REACH, len(norm)))
            joined = next((p for p in reach if norm[p] in _WITH and tokens.clause[p] == clause), None)
            if joined is not None:
                return "sudden", tokens.start[position], tokens.end[joined]
        if word not in _FIRST:
            continue
        for size in range(min(_LONGEST, len(norm) - position), 0, -1):
            kind = _KEYS.get(tuple(norm[position : position + size]))
            if kind is None:
                continue
            clause = tokens.clause[position]
            before = range(max(0, position - 2), position)
            if any(norm[p] in _DENIAL and tokens.clause[p] == clause for p in before):
                break  # "no sudden vision loss"
            return kind, tokens.start[position], tokens.end[position + size - 1]
    return None
