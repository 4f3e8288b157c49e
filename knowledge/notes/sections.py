"""Section headers of a clinical note ("Past medical history:", "Antecedentes familiares:", "Exploración:")
and what a finding named under each one is: current, past history, family history or planned / suspected."""

from __future__ import annotations

from knowledge.notes.text import Tokens

__all__ = ["COMPLAINT", "FAMILY", "HISTORY", "PLAN", "find_sections"]

CURRENT, HISTORY, FAMILY, PLAN = "current", "history", "family", "plan"
COMPLAINT = "complaint"  # the chief complaint: current, and what the visit is for

_SECTIONS = {
    COMPLAINT: "chief complaint|chief complaints|cc|presenting complaint|presenting complaints|complaint|"
    "reason for visit|reason for consultation|motivo de consulta|mc|motivo de ingreso|motivo|",
    CURRENT: "hpi|history of present illness|present illness|history of presenting complaint|current illness|"
    "exam|examination|physical exam|physical examination|on examination|o e|pe|clinical examination|"
    "review of systems|ros|symptoms|signs|vitals|vital signs|findings|clinical findings|presentation|"
    "enfermedad actual|ea|anamnesis|exploracion|exploracion fisica|ef|"
    "exploracion general|sintomas|signos|constantes|signos vitales|hallazgos|cuadro clinico|"
    "revision por sistemas|revision por aparatos|note|nota|subjective|objective|s|o",
    HISTORY: "history|past history|past medical history|pmh|medical history|pmhx|past illnesses|"
    "past surgical history|surgical history|psh|social history|sh|habits|comorbidities|"
    "physical history|background|antecedentes|antecedentes personales|ap|app|antecedentes medicos|"
    "antecedentes patologicos|antecedentes quirurgicos|habitos|habitos toxicos|comorbilidades|"
    "antecedentes personales patologicos|historia previa",
    FAMILY: "family history|fh|fhx|family medical history|antecedentes familiares|af|historia familiar",
    PLAN: "plan|assessment|impression|assessment and plan|a p|diagnosis|diagnoses|dx|ddx|differential|"
    "differential diagnosis|working diagnosis|treatment|medications|meds|allergies|recommendations|"
    "juicio clinico|jc|diagnostico|diagnosticos|impresion diagnostica|diagnostico diferencial|"
    "tratamiento|medicacion|alergias|recomendaciones|orientacion diagnostica|a",
}
SECTIONS = {tuple(h.split()): kind for kind, text in _SECTIONS.items() for h in text.split("|") if h}
_LONGEST = max(len(h) for h in SECTIONS)
_FIRST = frozenset(h[0] for h in SECTIONS)


def find_sections(tokens: Tokens) -> tuple[list[str], set[int]]:
    """The section kind of every token, and the positions of header words (not findings).

    A header is a known heading at the start of a line or sentence followed by a colon (or by the end of
    its line); it holds until the next header (the chief complaint until the end of its line; what follows
    is the current illness)."""
    n = len(tokens)
    kinds = [CURRENT] * n
    headers: set[int] = set()
    text, norm, sentence = tokens.text, tokens.norm, tokens.sentence
    found: list[tuple[int, int, str]] = []  # (first header word, words, kind)
    for position in range(n):
        if norm[position] not in _FIRST:
            continue
        starts_line = position == 0 or sentence[position] != sentence[position - 1]
        if not starts_line and "\n" not in text[tokens.end[position - 1] : tokens.start[position]]:
            continue
        for length in range(min(_LONGEST, n - position), 0, -1):
            kind = SECTIONS.get(tuple(norm[position : position + length]))
            if kind is None:
                continue
            last = position + length - 1
            after = text[tokens.end[last] : tokens.start[last + 1]] if last + 1 < n else "\n"
            if ":" in after or "\n" in after:
                found.append((position, length, kind))
                break
    for number, (position, length, kind) in enumerate(found):
        end = found[number + 1][0] if number + 1 < len(found) else n
        if kind == COMPLAINT:  # "Chief complaint: cough." names the complaint on its own line
            end = _line_end(tokens, position + length, end)
        headers.update(range(position, position + length))
        kinds[position:end] = [kind] * (end - position)
    return kinds, headers


def _line_end(tokens: Tokens, start: int, end: int) -> int:
    """The first position from `start` (before `end`) that begins a new line of the note, else `end`."""
    for position in range(max(start, 1), end):
        if "\n" in tokens.text[tokens.end[position - 1] : tokens.start[position]]:
            return position
    return end
