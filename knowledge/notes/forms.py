"""Inflected and derived words that name a finding by another form ("tose" -> tos, "vomited" -> vomiting,
"le duele" -> dolor, "afebrile" -> no fever). Used only for words that are not already lexicon words."""

from __future__ import annotations

__all__ = ["FORMS", "NEGATED_FORMS"]


def _forms(text: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for group in text.split(";"):
        target, _, variants = group.partition(":")
        for variant in variants.split():
            table[variant] = target.strip()
    return table


# variant -> the lexicon word it stands for (normalized)
FORMS = _forms(
    # English
    "cough: coughed coughs coughing;"
    "vomiting: vomited vomits vomitting vomitted;"
    "nausea: nauseous nauseated nauseas nauseousness;"
    "fever: feverish fevers;"
    "pain: painful hurts hurt hurting aching aches ache achy sore soreness discomfort;"
    "swelling: swollen swell swells swelled;"
    "bleeding: bled bleeds;"
    "wheezing: wheezes wheezed wheezy;"
    "confusion: confused;"
    "pallor: pale;"
    "cyanosis: cyanotic cyanosed;"
    "tachypnea: tachypneic tachypnoeic tachypnoea;"
    "hypotension: hypotensive;"
    "hypertension: hypertensive;"
    "hypoxemia: hypoxic hypoxaemic hypoxemic;"
    "lethargy: lethargic;"
    "sneezing: sneezes sneezed;"
    "itching: itched itches itchiness;"
    "dehydration: dehydrated;"
    "diaphoresis: diaphoretic sweaty clammy;"
    "agitation: agitated;"
    "irritability: irritable;"
    "drowsiness: drowsy sleepy somnolent;"
    "anxiety: anxious;"
    "depression: depressed;"
    "obesity: obese;"
    "constipation: constipated;"
    "tenderness: tender;"
    "restlessness: restless;"
    "anorexia: anorexic;"
    "appetite: apatite apetite appetit;"  # misspellings that are other words ("apatite", a mineral)
    "fatigue: fatigued;"
    "dyspnea: dyspneic dyspnoeic;"
    "syncope: syncopal faints;"
    # Spanish
    "tos: tose tosiendo tosia tosio tosido toser tosen;"
    "vomito: vomita vomitando vomitado vomitaba vomitar vomitan vomitos;"
    "dolor: duele duelen dolia dolian doliendo dolorido dolorida doloroso dolorosa molestia molestias;"
    "picor: pica pican picaba picazon;"
    "sudoracion: suda sudaba sudando sudor;"
    "mareo: marea mareos;"
    "sangrado: sangra sangrando sangraba sangro;"
    "hinchazon: hinchado hinchada hinchados hinchadas hincha hinchan hinchaba hinchaban;"
    "ictericia: icterico icterica;"
    "palidez: palido palida;"
    "cianosis: cianotico cianotica;"
    "taquicardia: taquicardico taquicardica;"
    "taquipnea: taquipneico taquipneica;"
    "hipotension: hipotenso hipotensa;"
    "hipertension: hipertenso hipertensa;"
    "confusion: confuso confusa;"
    "somnolencia: somnoliento somnolienta adormilado adormilada;"
    "estornudos: estornuda estornudando estornudaba;"
    "diarrea: diarreas;"
    "deshidratacion: deshidratado deshidratada;"
    "ansiedad: ansioso ansiosa;"
    "irritabilidad: irritable;"
    "inquietud: inquieto inquieta;"
    "anorexia: anorexico anorexica;"
    "disnea: disneico disneica;"
    "estrenimiento: estrenido estrenida"
)

# words that state a finding is absent: "afebrile" = no fever
NEGATED_FORMS = _forms(
    "fever: afebrile apyrexial apyretic afebril apiretico apiretica;"
    "dyspnea: eupneic eupnoeic eupneico eupneica;"
    "jaundice: anicteric anicterico anicterica"
)
