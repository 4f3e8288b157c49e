"""Words that change what a mention means, English and Spanish (normalized: lower case, no accents).

NegEx / pyConText-style trigger lists: negation before and after a finding, pseudo-negations that only look
like one ("no change in", "sin embargo"), hypothetical and uncertain mentions ("if", "rule out", "si
presenta"), family members, past history, and the words that end a trigger's scope ("but", "pero", "has").
Multi-word cues are tuples; `CueTable.at` finds the longest cue starting at a token.
"""

from __future__ import annotations

from knowledge.notes.text import words

__all__ = [
    "CONTACTS",
    "COORDINATORS",
    "CURRENT_HISTORY",
    "DISEASE_WORDS",
    "DURATION_UNITS",
    "FAMILY_FIRST",
    "HISTORY",
    "HYPOTHETICAL",
    "NEGATION",
    "NO_HISTORY",
    "PAST_EVENT",
    "POST_FIRST",
    "PRE",
    "PRESENTING",
    "RELATIVES",
    "RELATIVE_FILLERS",
    "RELATIVE_HAS",
    "RELATIVE_IS",
    "REPORTING",
    "SEVERITY_WORDS",
    "TERMINATE",
    "TRIGGER",
    "by_first_word",
    "phrases",
]

NEGATION, PSEUDO, HYPOTHETICAL, HISTORY, NO_HISTORY, TERMINATE, TRIGGER = (
    "negation",
    "pseudo",
    "hypothetical",
    "history",
    "no history",
    "terminate",
    "trigger",
)


def _cues(kind: str, text: str) -> list[tuple[tuple[str, ...], str]]:
    return [(tuple(item.split()), kind) for item in text.split("|") if item.strip()]


# hypothetical cues whose scope differs: a wish keeps to its clause ("doesn't want to eat, threw up twice");
# what to watch for reaches past a colon ("warning signs: stiff neck, petechiae")
DESIRES = (
    "wants to|want to|wanted to|would like to|trying to|tries to|wishes to|hopes to|"
    "quiere|queria|desea|intenta"
)
WARNINGS = (
    "warning signs|red flags|safety netting|signos de alarma|datos de alarma|"
    "side effects|side effect|adverse effects|efectos secundarios|efectos adversos"
)

PRE_CUES = (
    _cues(
        NEGATION,
        "no|not|nil|denies|denied|deny|denying|without|nor|never|negative for|free of|absence of|absent|"
        "no evidence of|no signs of|no sign of|no complaints of|no complaint of|neither|"
        "doesn t|don t|didn t|isn t|wasn t|hasn t|haven t|won t|no longer|"
        "sin|niega|nego|niegan|negando|ni|nunca|ausencia de|libre de|negativo para|negativa para|"
        "no presenta|no refiere|no hay|no tiene|no se objetiva|no se observa|no se aprecia|no se palpa|"
        "no se palpan|tampoco|niego|se descarta|se descartan|se descarto|se ha descartado|ruled out|"
        "excluded|",
    )
    + _cues(
        PSEUDO,
        "not only|no increase|no decrease|no further|not necessarily|no relation|not improve|"
        "did not improve|not resolve|not relieved|not respond|no response|not responding|"
        "not related|no significant change|no new|without any change|no improvement|not improved|"
        "gram negative|not certain|not sure|unsure|prior to|not able|no able|not been able|hasn t been able|"
        "no ha podido|no han podido|no ha sido capaz de|no puede|no pueden|no podia|no es capaz de|"
        "sin embargo|sin cambios|sin cambio|no obstante|no solo|no mejora|sin mejoria|"
        "ni mejora|no mejoria|no relief|not relieved by|no benefit|sin alivio|no alivia|no cede|"
        "used to enjoy|used to like|used to love|used to do|solia disfrutar|solia hacer|"
        # what does not stop goes on: "can't stop coughing", "no deja de toser" ("no change in vision" is a
        # denial in a review of systems, so "no change in" is not here)
        "doesn t stop|does not stop|can t stop|cannot stop|"
        "won t stop|hasn t stopped|has not stopped|no deja de|no dejaba de|no para de|no paraba de|"
        "no cesa de|no presenta mejoria|no hay mejoria|",
    )
    + _cues(
        HYPOTHETICAL,
        "if|should|in case|in case of|return if|come back if|watch for|monitor for|risk of|at risk for|"
        "at risk of|rule out|to rule out|r o|to exclude|exclude|possible|possibly|probable|probably|"
        "suspected|suspicion of|suspect|concern for|concerning for|might|likely|unlikely|"
        "may have|may be|may represent|may indicate|may suggest|may develop|may need|may require|"
        "differential|ddx|versus|vs|prevent|prevention of|si|"
        "no other|to investigate|investigate|investigation of|to evaluate for|evaluate for|work up for|"
        "workup for|screening for|screened for|para estudio de|en estudio por|ningun otro|ninguna otra|"
        "en caso de|ante|vigilar|riesgo de|descartar|para descartar|posible|posibles|probable|"
        "probables|sospecha de|sospecha|podria|puede|pueden|compatible con|diagnostico diferencial|"
        "prevenir|prevencion de|"
        "worried about|worried of|worries about|concerned about|afraid of|fear of|fears|fears that|"
        # what the patient fears the complaint is: "worried it is cancer", "teme que sea un infarto"
        # (not "thinks it is": "thought it was due to his poor sleep" names a finding as the cause)
        "worried it|worried that it|worries it|worry it|worry that it|afraid it|afraid that it|scared it|"
        "fears it|"
        "le preocupa que sea|preocupa que sea|teme que sea|miedo a que sea|miedo de que sea|"
        "ask about|asked about|check for|preocupado por|preocupada por|miedo a|miedo de|teme|temor a|"
        "preguntar por|" + DESIRES + "|"
        "like a|like an|as if|as though|similar to|resembling|"
        # not excluded is still possible: "cannot rule out sepsis", "no se puede descartar una neumonía"
        "cannot rule out|cannot exclude|can t rule out|can t exclude|not ruled out|not excluded|query|"
        "no se puede descartar|no se descarta|no se ha descartado|no descartar|"
        + WARNINGS
        + "|como un|como una|como si|parecido a|parecida a|similar a|",
    )
    + _cues(
        HISTORY,
        "history of|past history of|past medical history of|previous|previously|prior|known|known case of|"
        "diagnosed with|diagnosed of|status post|s p|in the past|"
        "before the onset of|before the onset|prior to the onset of|before this illness|"
        "before these symptoms|treated for|was treated for|recovered from|operated for|operated on for|"
        "tratado de|tratada de|tratado por|tratada por|operado de|operada de|"
        "antes del inicio de|antes del comienzo de|antes de este cuadro|"
        "antecedente de|antecedentes de|previamente|previo|previa|previos|previas|conocido|conocida|"
        "diagnosticado de|diagnosticada de|diagnosticado|diagnosticada|en el pasado|"
        "used to have|used to get|used to suffer from|used to|solia tener|solia padecer|solia|"
        "follow up of|follow up for|followup of|followup for|seguimiento de|revision de|"
        "began as|started as|begun as|comenzo como|empezo como|comenzaron como|empezaron como|",
    )
    + _cues(
        NO_HISTORY,
        "no history of|no previous history of|no past history of|no prior history of|no known history of|"
        "no past medical history of|no hx of|sin antecedentes de|no antecedentes de|niega antecedentes de|"
        "sin historia de|",
    )
    + _cues(
        TRIGGER,
        "exacerbated by|aggravated by|worse with|worsens with|worsened by|increases with|increased by|"
        "triggered by|precipitated by|provoked by|brought on by|relieved by|improves with|improved by|"
        "empeora con|empeora al|mejora con|mejora al|desencadenado por|desencadenada por|se desencadena con|",
    )
    + _cues(
        TERMINATE,
        "but|however|although|though|except|yet|apart from|aside from|other than|which|whereas|while|"
        "presents|presented|presenting|reports|reported|reporting|complains|complaining|complained|has|"
        "have|had|having|developed|develops|noticed|notes|noted|shows|showed|"
        "pero|aunque|sino|excepto|salvo|mientras|aparte de|con|refiere|presenta|presento|tiene|aqueja|"
        "comenta|destaca|muestra|desarrolla|nota|asocia|acompanado de|acompanada de|"
        "because|because of|due to|secondary to|caused by|as a result of|debido a|a causa de|por culpa de|"
        "ha|han|habia|sigue|persists|persist|persisted|por|"
        "positive for|just|only|porque|ya que|puesto que|dado que|aparte del|positivo para|positiva para|",
    )
)
# a cue after the finding: "fever absent", "fiebre: negativa", "rash was ruled out"
POST_NEGATION = (
    "absent|negative|denied|excluded|ruled out|was ruled out|not present|not seen|not found|resolved|"
    "subsided|went away|gone away|disappeared|resuelto|resuelta|resueltos|resueltas|desaparecido|"
    "desaparecida|settled|settled down|cleared up|cedido|cedida|cedidos|cedidas|remitido|remitida|"
    "remitidos|remitidas|"
    "ausente|ausentes|negativo|negativa|negativos|negativas|negado|negada|descartado|descartada|"
    "descartados|descartadas|nulo|nula|negados|negadas|no presente|no presentes|none seen|nil seen|"
    "none noted|no longer present|not at present|none at present|none today|now settled|now resolved|"
    "now gone|ya resuelto|ya resuelta|ya resueltos|ya resueltas"
)
POST_NEGATIONS = tuple(tuple(item.split()) for item in POST_NEGATION.split("|"))


def phrases(text: str) -> list[str]:
    """The |-separated phrases of a cue list written as one string."""
    return [item for item in text.split("|") if item]


def by_first_word(phrases) -> dict[str, list[tuple[str, ...]]]:
    """Phrases (word tuples) indexed by their first word, in the order given."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        index.setdefault(phrase[0], []).append(phrase)
    return index


POST_FIRST = by_first_word(sorted(POST_NEGATIONS, key=len, reverse=True))

RELATIVES = words(
    "mother father sister brother sisters brothers sibling siblings son sons daughter daughters aunt uncle "
    "aunts uncles grandmother grandfather grandparent grandparents cousin cousins parent parents mom dad "
    "relative relatives niece nephew twin "
    "madre padre hermano hermana hermanos hermanas hijo hija hijos hijas tio tia tios tias abuelo abuela "
    "abuelos primo prima primos primas padres familiar familiares sobrino sobrina mama papa gemelo gemela"
)
# people around the patient who are not relatives: what they have is exposure, not the patient's finding
CONTACTS = words(
    "wife husband spouse partner boyfriend girlfriend fiance fiancee friend friends coworker coworkers "
    "colleague colleagues classmate classmates roommate roommates contacts neighbor neighbors "
    "neighbour neighbours schoolmate schoolmates playmate playmates housemate housemates "
    "esposa esposo marido pareja novio novia amigo amiga amigos amigas companero companera companeros "
    "companeras contactos vecino vecina vecinos vecinas conviviente convivientes "
    # others around the patient: "several kids in his class off with sore throats"
    "kids children students pupils others residents ninos ninas alumnos alumnas everyone everybody household"
)
FAMILY_PHRASES = (
    ("family", "history"),
    ("fhx",),
    ("in", "the", "family"),
    ("runs", "in", "the", "family"),
    ("antecedentes", "familiares"),
    ("antecedente", "familiar"),
    ("en", "la", "familia"),
    ("historia", "familiar"),
)
# after a relative, the words that say the relative has the finding ("mother has", "padre con")
RELATIVE_HAS = words(
    "has had have with diagnosed died dies suffers suffered suffering passed developed carries "
    "tiene tuvo tenia con diagnosticado diagnosticada fallecio fallecido fallecida murio muerto muerta "
    "padece padecio presenta presento sufre sufrio afecto afecta afectado afectada"
)
# after a relative, a linking verb: what follows in the clause is the relative's ("his father is a heavy
# drinker", "her father gets angry easily", "su madre es asmática")
RELATIVE_IS = words("is was are were gets got becomes became es era fue son eran esta estaba estan")
RELATIVE_FILLERS = words("his her their the who also both el la su sus que tambien ambos mother's father's s")
DISEASE_WORDS = words("disease diseases disorder syndrome enfermedad trastorno sindrome")
FAMILY_FIRST = by_first_word(FAMILY_PHRASES)
# a relative who tells or brings, not one who has the finding ("her mother noticed she was jaundiced")
REPORTING = words(
    "reports reported says said states stated noticed notices notes noted brought brings describes "
    "described observed observes thinks thought worried concerned complains complained tells told "
    "refiere refirio comenta comento nota noto dice dijo trae trajo acude acompana observa describe "
    "cuenta explica preocupada preocupado"
)
# "a 3 day history of", "6 months history of", "historia de 2 dias": the current illness, not past history
# "presented with a history of fever": the illness being presented, not past history
PAST_EVENT = words("ago back before atras antes")  # "an infection 1 week ago", "hace 2 años"
PRESENTING = words(
    "present presents presented presenting comes came complains complaining complained admitted "
    "reports reported mentions mentioned describes described "
    "consulta consulto acude acudio ingresa ingreso refiere refirio"
)
# "she has a history of constipation that has persisted": in the account of the illness, still current
CURRENT_HISTORY = words("has have had with reports reported mentions tiene tenia con refiere")
DURATION_UNITS = words(
    "minute minutes hour hours hr hrs day days week weeks wk wks month months mo year years yr yrs "
    "minuto minutos hora horas dia dias semana semanas mes meses ano anos"
)
# the words that join coordinated findings ("abdominal pain or distension", "ni dolor ni fiebre")
COORDINATORS = words("or and nor o u y e ni")
SEVERITY_WORDS = {
    **dict.fromkeys(
        words("mild slight slightly light leve leves ligero ligera ligeros ligeras discreto discreta"),
        "mild",
    ),
    **dict.fromkeys(words("moderate moderately moderado moderada moderados moderadas"), "moderate"),
    **dict.fromkeys(
        words(
            "severe severely intense marked serious excruciating unbearable crushing "
            "severo severa severos severas intenso intensa intensos intensas grave graves insoportable"
        ),
        "severe",
    ),
}


class CueTable:
    """Longest multi-word cue starting at a token."""

    def __init__(self, cues: list[tuple[tuple[str, ...], str]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for cue, kind in cues:
            self._by_first.setdefault(cue[0], []).append((cue, kind))
        for options in self._by_first.values():
            options.sort(key=lambda item: -len(item[0]))

    def __contains__(self, word: str) -> bool:
        return word in self._by_first

    def at(self, norm: list[str], position: int) -> tuple[str, int] | None:
        """(kind, length) of the longest cue at `position`, or None."""
        options = self._by_first.get(norm[position])
        if not options:
            return None
        for cue, kind in options:
            if tuple(norm[position : position + len(cue)]) == cue:
                return kind, len(cue)
        return None


PRE = CueTable(PRE_CUES)
