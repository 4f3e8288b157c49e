"""Risk factors read from a note: habits, exposures, medicines, pregnancy and known conditions ("smokes 20 a
day", "non-smoker", "returned from Thailand", "no sick contacts", "diabético", "no fuma"), each present or
stated absent, and the curated diseases a family history names ("his father had prostate cancer"). The
phrases go through the note reader's own context rules (negation, history, family, hypothetical), so "no
recent travel" is read like "no fever"."""

from __future__ import annotations

from dataclasses import dataclass, replace

from knowledge.kb import KnowledgeBase
from knowledge.notes.context import EVENT_CUES, MentionReader
from knowledge.notes.disease_names import DiseaseNames
from knowledge.notes.lexicon import PhraseMatch
from knowledge.notes.measures import number_value
from knowledge.notes.results import (
    ABSENT,
    CONTACT_STATUS,
    DIAGNOSIS_STATUS,
    FAMILY_STATUS,
    HISTORY_STATUS,
    PRESENT,
    Mention,
)
from knowledge.notes.sections import COMPLAINT, CURRENT, FAMILY
from knowledge.notes.specific import WEEKS_PER_UNIT
from knowledge.notes.text import Tokens, fold, normalize, words

__all__ = ["RiskReader", "RiskReading"]

ROOT = "HP:0000001"  # the term the phrases are read as (the reader's context rules need one)

# factor -> phrases naming it ("|"-separated, normalised words); "!" before a phrase: a negated form
# ("non smoker"); "?" before a phrase: counted only when denied ("no alcohol", not "drinks alcohol socially");
# "@": counted only when the sentence names someone else ("his daughter tested positive")
PHRASES = {
    "smoking": "smoker|smokers|smokes|smoking|smoked|cigarette|cigarettes|pack years|pack year|packs a day|"
    "pack a day|packs per day|pack per day|tobacco|ex smoker|exsmoker|former smoker|quit smoking|"
    "stopped smoking|fumador|fumadora|fuma|fumaba|tabaquismo|tabaco|cigarrillos|cigarros|paquetes ano|"
    "exfumador|exfumadora|ex fumador|ex fumadora|"
    "!non smoker|!nonsmoker|!never smoked|!never smoker|!never a smoker|!does not smoke|!doesn t smoke|"
    "!no fumador|!no fumadora|!no fuma|!nunca ha fumado|!nunca fumo",
    "heavy_alcohol": "heavy drinker|heavy drinking|drinks heavily|alcoholic|alcoholism|alcohol abuse|"
    "alcohol misuse|alcohol use disorder|alcohol dependence|alcohol excess|excess alcohol|binge drinking|"
    "binge drinks|beers a day|beers per day|beers daily|pints a day|pints per day|pints most|"
    "bottle of wine|bottles of wine|bottle of vodka|bottle of whisky|bebedor|bebedora|alcoholismo|enolismo|"
    "consumo excesivo de alcohol|cervezas al dia|cervezas diarias|litro de vino|heavy alcohol|"
    "alcohol excessively|alcohol heavily|excessive alcohol|drinks excessively|bebe en exceso|"
    "?alcohol|?alcohol use|?alcohol intake|?alcohol consumption|?drinking|?etoh|?drink alcohol|"
    "!does not drink|!doesn t drink|!teetotal|!teetotaler|!teetotaller|!abstinent|!no bebe|!no toma alcohol",
    "injection_drug_use": "iv drug|iv drugs|intravenous drug|intravenous drugs|injects|injecting|"
    "injection drug|injected drugs|heroin|ivdu|pwid|drogas inyectadas|drogas por via parenteral|udvp|heroina|"
    "?drug use|?illicit drugs|?recreational drugs|?drugs",
    "cocaine_or_stimulants": "cocaine|crack|amphetamine|amphetamines|methamphetamine|ecstasy|mdma|cocaina|"
    "anfetaminas|?drug use|?illicit drugs|?recreational drugs|?drugs",
    "travel_abroad": "travelled|traveled|travelling|traveling|returned from|back from|trip to|trip abroad|"
    "holiday in|vacation in|recent travel|travel|traveler|traveller|arrived from|arrived in|"
    "recently arrived|recently moved from|immigrant|refugee|viaje|viajo|regreso de|volvio de|"
    "vacaciones en|recien llegado|recien llegada|inmigrante",
    "sick_contact": "sick contact|sick contacts|same symptoms|similar symptoms|same illness|also unwell|"
    "also sick|are sick|off sick|outbreak|unwell contacts|contacto con|contactos enfermos|mismos sintomas|"
    "sintomas similares|misma clinica|brote|"
    # told of someone else (a relative, a partner, children at the nursery): counted only then
    "@tested positive|@has a cold|@had a cold|@with a cold|@have colds|@pink eye|@are ill|@are unwell|"
    "@is ill|@has the flu|@had the flu|@have the flu|@started itching|@itching too|@had the same|"
    "@has the same|@have the same|@mismo cuadro|@tambien tiene|@estan enfermos|@esta enfermo|@esta enferma|"
    "@dio positivo|@exactly the same|@the same thing|@going round|@going around|@doing the rounds|"
    "@were ill|@was ill|@were off with|@was off with|@similar spot|@similar rash|@similar illness|"
    "@similar lesions|@with colds|@flu like illness|@same bug|@tiene lo mismo|@tuvo lo mismo|"
    "@con lo mismo|@estuvieron enfermos|@similar episodes|@similar complaints|@same complaints|"
    "@same problem|@episodios similares|@sintomas parecidos|@off with|@also scratching|@scratching too|"
    "@tambien se rasca|@tambien le pica|@tambien tiene picor",
    "new_sexual_partner": "new partner|new sexual partner|new boyfriend|new girlfriend|multiple partners|"
    "multiple sexual partners|several partners|unprotected sex|unprotected intercourse|casual sex|"
    "sex worker|without condom|without a condom|condomless|one night stand|nueva pareja|pareja nueva|"
    "relaciones sin proteccion|sin preservativo|multiples parejas|!not sexually active|"
    "!no sexualmente activo|!no sexualmente activa",
    # (not a bare "scratched": "scratched it on a rose bush" is an injury; "scratched by the cat" counts)
    "animal_or_tick_exposure": "tick|ticks|tick bite|bitten|scratched by|cat scratch|kitten|kittens|cat|cats|"
    "puppy|"
    "dog bite|animal bite|insect bite|insect bites|farm animals|livestock|poultry|parrot|pigeons|pet|pets|"
    "garrapata|garrapatas|mordedura|mordido|mordida|aranazo|gato|gatos|animales|picadura",
    "suspect_food": "undercooked|raw chicken|street food|street vendor|reheated|takeaway|take away|"
    "restaurant|buffet|barbecue|seafood|shellfish|oysters|raw fish|sushi|leftover|leftovers|"
    "unpasteurised|unpasteurized|well water|untreated water|stream water|food poisoning|comida en mal estado|"
    "restaurante|marisco|mariscos|pollo crudo|comida callejera|agua no tratada|huevos crudos|mayonesa",
    "immobility_or_surgery": "long haul flight|long flight|long haul|long journey|long car journey|"
    "long drive|bed rest|bedridden|bedbound|immobile|immobilised|immobilized|immobility|plaster cast|"
    "recent surgery|recent operation|postoperative|post operative|post op|surgery|operation|"
    "hour flight|hours flight|hour drive|hour journey|hour car journey|hour bus journey|horas de vuelo|"
    "hip replacement|knee replacement|cirugia|operado|operada|intervencion quirurgica|vuelo largo|"
    "post op day|postoperative day|pod|lap chole|lap appy|"
    "hernia repair|appendectomy|appendicectomy|cholecystectomy|hysterectomy|caesarean|cesarean|"
    "c section|laparotomy|laparoscopy|arthroplasty|colectomy|mastectomy|apendicectomia|colecistectomia|"
    "histerectomia|cesarea|herniorrafia|laparotomia|laparoscopia|artroplastia|"
    "inmovilizacion|encamado|encamada|reposo en cama|escayola",
    "estrogen_use": "oral contraceptive|oral contraceptives|contraceptive pill|combined pill|the pill|ocp|"
    "ocps|coc|hormone replacement|hrt|estrogen|oestrogen|anticonceptivos|anticonceptivo oral|"
    "anticonceptivos orales|anovulatorios|terapia hormonal sustitutiva|ths",
    "nsaid_or_aspirin_use": "ibuprofen|naproxen|diclofenac|aspirin|nsaid|nsaids|anti inflammatories|"
    "antiinflammatories|ketorolac|indomethacin|indometacin|celecoxib|meloxicam|ibuprofeno|naproxeno|"
    "aspirina|aines|antiinflamatorios|acido acetilsalicilico|diclofenaco",
    "anticoagulant_use": "warfarin|apixaban|rivaroxaban|dabigatran|edoxaban|anticoagulant|anticoagulants|"
    "anticoagulated|anticoagulation|heparin|enoxaparin|coumadin|acenocumarol|sintrom|anticoagulado|"
    "anticoagulada|heparina|anticoagulante|anticoagulantes",
    "recent_antibiotics": "antibiotic|antibiotics|amoxicillin|augmentin|co amoxiclav|clindamycin|"
    "ciprofloxacin|doxycycline|azithromycin|clarithromycin|cephalexin|cefalexin|flucloxacillin|"
    "trimethoprim|nitrofurantoin|metronidazole|antibiotico|antibioticos|amoxicilina|azitromicina|"
    "ciprofloxacino|amoxicilina clavulanico",
    "new_medication": "started on|new medication|new medicine|new drug|recently started|commenced on|"
    "started taking|empezo a tomar|nuevo medicamento|nueva medicacion|inicio tratamiento con",
    "sun_exposure": "sun exposure|in the sun|sunbathing|sunbed|sunbeds|tanning|outdoor worker|"
    "works outdoors|working outdoors|exposicion solar|al sol|tomando el sol",
    "recent_trauma": "fell|fall|fallen|tripped|slipped|injury|injured|trauma|twisted|hit by|struck|"
    "accident|collision|blow to|landed on|sports injury|caida|se cayo|golpe|traumatismo|accidente|"
    "torcedura|se torcio|cayo|se ha caido|cargar peso|al cargar|levantar peso|al levantar|"
    "hit a|thrown from|thrown over|collided|crashed|crash|road traffic|rta|rtc|"
    "motor vehicle|mva|car accident|assault|assaulted|punched|kicked|stabbed|a scratch|burned|burnt|scalded|"
    "scald|after lifting|while lifting|lifting a heavy|atropello|atropellado|agresion|agredido|quemadura|"
    "se quemo|rolled her|rolled his|rolled the ankle|inversion injury|rolled over on|went over on|sliced|"
    "cut himself|cut herself|cut his|cut her|stepped on|stood on a|bitten by|piso mal|scratched it|"
    "scratched his|scratched her|scratched himself|scratched herself|"
    "se le doblo|se doblo el tobillo|se corto|se ha cortado|se clavo|mordedura|le mordio",
    "pregnant": "pregnant|weeks pregnant|weeks gestation|weeks of gestation|weeks of pregnancy|"
    "positive pregnancy test|pregnancy test positive|embarazada|gestante|semanas de gestacion|"
    "positive urine pregnancy test|positive urine pregnancy|urine pregnancy test positive|"
    "pregnancy test is positive|pregnancy test was positive|test de embarazo positivo|"
    "primigravida|multigravida|gestational age|primigesta|"
    "semanas de embarazo|prueba de embarazo positiva|!negative pregnancy test|!pregnancy test negative|"
    "!pregnancy test was negative|!prueba de embarazo negativa|!test de embarazo negativo",
    "postpartum": "postpartum|post partum|gave birth|delivered a|delivered her|breastfeeding|"
    "breast feeding|lactating|puerperium|puerpera|posparto|postparto|dio a luz|lactancia|"
    "after a vaginal delivery|after vaginal delivery|after a spontaneous vaginal delivery|after a caesarean|"
    "after a cesarean|after delivery|since delivery|"
    "after giving birth|postnatal|post natal|parto vaginal|cesarea|tras el parto",
    "unvaccinated": "unvaccinated|not vaccinated|not immunised|not immunized|no vaccines|no vaccinations|"
    "incomplete vaccination|incompletely vaccinated|no vacunado|no vacunada|sin vacunar|"
    "vaccine not received|vaccine not given|vaccines not given|never vaccinated|never been vaccinated|"
    "missed his vaccinations|missed her vaccinations|no ha recibido la vacuna|nunca vacunado|nunca vacunada|"
    "!fully vaccinated|!vaccinated|!immunisations up to date|!immunizations up to date|"
    "!vaccinations up to date|!vacunado|!vacunada|!vacunas al dia|!calendario vacunal completo",
    "diabetes": "diabetic|diabetes|diabetes mellitus|dm|dm2|dm 2|t2dm|t1dm|niddm|iddm|diabetico|diabetica",
    "hypertension": "hypertension|hypertensive|htn|high blood pressure|hipertension|hipertenso|"
    "hipertensa|hta",
    "obesity": "obese|obesity|morbidly obese|morbid obesity|obeso|obesa|obesidad",
    "dyslipidemia": "hyperlipidemia|hyperlipidaemia|dyslipidemia|dyslipidaemia|high cholesterol|"
    "hypercholesterolemia|hypercholesterolaemia|raised cholesterol|dislipemia|dislipidemia|"
    "hipercolesterolemia|colesterol alto",
    "coronary_disease": "coronary artery disease|coronary heart disease|cad|ischaemic heart disease|"
    "ischemic heart disease|ihd|previous mi|prior mi|previous heart attack|heart attack|angina|stent|stents|"
    "cabg|coronary bypass|cardiopatia isquemica|infarto previo|angina de pecho|pci|previous pci|"
    "percutaneous coronary intervention|coronary angioplasty|angioplastia coronaria",
    "atrial_fibrillation": "atrial fibrillation|af|afib|a fib|paroxysmal af|fibrilacion auricular",
    "heart_failure_history": "heart failure|chf|ccf|cardiomyopathy|low ejection fraction|"
    "reduced ejection fraction|insuficiencia cardiaca|miocardiopatia",
    "chronic_lung_disease": "asthma|asthmatic|copd|emphysema|chronic bronchitis|bronchiectasis|asma|"
    "asmatico|asmatica|epoc|enfisema",
    "chronic_kidney_disease": "chronic kidney disease|ckd|dialysis|haemodialysis|hemodialysis|esrd|"
    "end stage renal disease|chronic renal failure|renal impairment|enfermedad renal cronica|erc|"
    "insuficiencia renal cronica|dialisis|hemodialisis",
    "chronic_liver_disease": "cirrhosis|cirrhotic|chronic liver disease|hepatitis b|hepatitis c|"
    "chronic hepatitis|fatty liver|nafld|cirrosis|cirrotico|cirrotica|hepatopatia|hepatitis cronica|"
    "higado graso",
    "immunosuppressed": "hiv|aids|immunosuppressed|immunocompromised|immunosuppression|chemotherapy|"
    "transplant|prednisolone|prednisone|long term steroids|methotrexate|azathioprine|tacrolimus|"
    "immunosuppressants|immunosuppressive|vih|sida|inmunodeprimido|inmunodeprimida|quimioterapia|"
    "trasplante|corticoides|!hiv negative|!negative for hiv",
    "active_cancer": "cancer|carcinoma|malignancy|lymphoma|leukaemia|leukemia|metastatic|metastases|"
    "chemotherapy|radiotherapy|neoplasia|quimioterapia|radioterapia|tumour|tumor",
    "atopy": "eczema|atopic|atopy|hay fever|allergic rhinitis|allergies|allergy|allergic to|food allergy|"
    "eccema|atopico|atopica|alergia|alergias|alergico|alergica|rinitis alergica|!nkda|!nka|!nkfa",
    "family_sudden_death": "sudden death|died suddenly|sudden cardiac death|muerte subita|murio de repente|"
    "murio subitamente",
}
# a relative's or a contact's symptoms that make them a sick contact (with their descendants): fever, cough,
# diarrhoea, vomiting, runny nose, sore throat, conjunctivitis, itching, a rash
CONTAGIOUS = [
    "HP:0001945",
    "HP:0012735",
    "HP:0002014",
    "HP:0002013",
    "HP:0031417",
    "HP:0033050",
    "HP:0000509",
    "HP:0000989",
    "HP:0000988",
]
# the factors a past mention still is (a habit or a known condition), as against an event that must be recent
LASTING = words(
    "smoking heavy_alcohol injection_drug_use diabetes hypertension obesity dyslipidemia coronary_disease "
    "atrial_fibrillation heart_failure_history chronic_lung_disease chronic_kidney_disease "
    "chronic_liver_disease immunosuppressed active_cancer atopy unvaccinated"
)
# a cancer or its treatment in a history holds only while it is going on ("on chemotherapy", "metastatic"),
# not "breast cancer treated with mastectomy and chemotherapy"
ONGOING_ONLY = frozenset({"active_cancer"})
TREATMENTS = frozenset(fold(w) for w in ["chemotherapy", "radiotherapy", "quimioterapia", "radioterapia"])
_ONGOING = words(
    "on undergoing receiving currently current active metastatic recently ongoing recibe recibiendo actual "
    "actualmente activo activa metastasico metastasica"
)
# events that must be recent: a past mention is an old injury or operation
EVENTS = frozenset({"immobility_or_surgery", "recent_trauma"})
# cue words of a past long gone ("history of", "as a child", "years ago"): only a lasting factor still holds
_LONG_GONE = words(
    "year years ano anos child childhood infancia nino nina previous prior previously history of"
)
_STATUS_POST = frozenset({"s p", "status post"})
RECENT_DAYS = 28  # an operation or injury within four weeks is recent (Wells and PERC rules)
_AGO, _HACE = words("ago"), words("hace")
_WHEN_DAYS = {("yesterday",): 1.0, ("ayer",): 1.0, ("last", "week"): 7.0, ("semana", "pasada"): 7.0}
FAMILY_ONLY = frozenset({"family_sudden_death"})  # told of relatives
# medicines taken now: "stopped warfarin a month ago", "dejó el Sintrom" says the patient is off it
MEDICINES = frozenset({"anticoagulant_use", "estrogen_use", "nsaid_or_aspirin_use"})
_STOPPED = words(
    "stopped stopping discontinued ceased quit off withheld suspendio suspendido suspendida dejo retirado "
    "retirada retiro abandono"
)
_PROCEDURES = words(
    "repair appendectomy appendicectomy cholecystectomy hysterectomy caesarean cesarean section laparotomy "
    "laparoscopy arthroplasty colectomy mastectomy sternotomy thoracotomy surgery operation apendicectomia "
    "colecistectomia histerectomia cesarea laparotomia laparoscopia cirugia"
)
# a phrase followed by one of these words is something else ("fell asleep", "diabetes insipidus")
_NOT_BEFORE = {
    fold("fell"): words("asleep"),
    fold("fall"): words("asleep"),
    fold("diabetes"): words("insipidus"),
    fold("cat"): words("scan scans"),
    # "a midline laparotomy scar": an old operation
    **{fold(w): words("scar scars cicatriz") for w in _PROCEDURES},
    # "no postoperative complications" speaks of an operation, it does not deny one
    **{
        fold(w): words("complications complication complicaciones")
        for w in ("postoperative", "op", "operative")
    },
    # cannabis is not the tobacco the factor means ("smokes cannabis", "fuma porros")
    **{
        fold(w): words("cannabis marijuana marihuana weed pot hashish hash porros porro hachis maria")
        for w in ("smokes", "smoke", "smoking", "smoker", "fuma", "fumador", "fumadora")
    },
}
_NOT_AFTER = {
    **{fold(w): words("cicatriz cicatrices") for w in _PROCEDURES},  # "cicatriz de laparotomía"
    fold("hypertension"): words("pulmonary intracranial portal pulmonar intracraneal"),
    # "no other injuries", "no previous ankle injury": the injury at hand is not denied
    **{
        fold(w): words("other previous prior old otros otras previos previas") for w in ("injury", "injuries")
    },
    fold("golpes"): words("otros previos"),
    fold("golpe"): words("otro previo"),
}
_FAMILY_WORDS = words(
    "mother father brother sister sibling siblings son daughter parent parents aunt uncle grandmother "
    "grandfather cousin family madre padre hermano hermana hermanos hijo hija padres tia tio abuela abuelo "
    "primo prima familia familiar familiares"
)
_DENIAL = words("no not never negative denies without nor sin niega nunca ningun ninguna")


def _key(phrase: str) -> tuple[str, ...]:
    """A phrase's words as the note's tokens are compared: normalised and folded ("smokes" ~ "smoke")."""
    return tuple(fold(word) for word in normalize(phrase).split())


_OTHERS = _FAMILY_WORDS | words(
    "wife husband partner boyfriend girlfriend friend friends colleague colleagues coworker roommate "
    "flatmate "
    "esposa esposo marido pareja novio novia amigo amiga amigos companero companera"
)
# the people a contagious illness comes from
_CONTACTS = _OTHERS | words(
    "children kids classmates classmate school nursery daycare household residents colleagues ninos "
    "students class office floor team "
    "companeros colegio guarderia residencia residentes convivientes clase oficina"
)


OBESE_BMI = 30.0  # kg/m2 (WHO)
_BMI_WORDS = words("bmi imc")


def _body_mass_index(tokens: Tokens) -> tuple[float, str, int, int] | None:
    """The first body-mass index a note states ("BMI 37", "IMC de 31,5"), with its words and place."""
    norm = tokens.norm
    for position, word in enumerate(norm):
        if word not in _BMI_WORDS:
            continue
        for p in range(position + 1, min(position + 4, len(norm))):
            value = number_value(norm[p])
            if value is None:
                continue  # "IMC de 31,5"
            if 10 <= value <= 90:
                start, end = tokens.start[position], tokens.end[p]
                return value, tokens.text[start:end], start, end
            break
    return None


class _Places:
    """Where each mention starts in the tokens, and the sentences that speak of an ongoing illness or
    treatment ("currently on chemotherapy", "metastatic"), computed once per note."""

    def __init__(self, tokens: Tokens) -> None:
        self.tokens = tokens
        self.position = {start: p for p, start in enumerate(tokens.start)}
        self.ongoing = {tokens.sentence[p] for p, word in enumerate(tokens.norm) if word in _ONGOING}
        self.others = {tokens.sentence[p] for p, word in enumerate(tokens.norm) if word in _CONTACTS}

    def ongoing_at(self, start: int) -> bool:
        position = self.position.get(start)
        return position is not None and self.tokens.sentence[position] in self.ongoing

    def others_in_sentence(self, start: int) -> bool:
        """Someone else (a relative, a partner, children at school) is named in the phrase's sentence."""
        position = self.position.get(start)
        return position is not None and self.tokens.sentence[position] in self.others

    def days_ago(self, start: int) -> float | None:
        """How long ago the sentence says its event was: "2 weeks ago", "hace 4 días", "yesterday", "in
        1998" (a year: long ago); None when it does not say."""
        position = self.position.get(start)
        if position is None:
            return None
        norm, sentence = self.tokens.norm, self.tokens.sentence
        places = [p for p in range(len(norm)) if sentence[p] == sentence[position]]
        for p in places:
            for phrase, days in _WHEN_DAYS.items():
                if tuple(norm[p : p + len(phrase)]) == phrase:
                    return days
            value = number_value(norm[p])
            if value is None:
                continue
            if 1900 <= value <= 2100 and value == int(value) and len(norm[p]) == 4:
                return 3650.0
            unit = norm[p + 1] if p + 1 < len(norm) else ""
            if unit not in WEEKS_PER_UNIT:
                continue
            after = norm[p + 2] if p + 2 < len(norm) else ""
            if after in _AGO or (p > 0 and norm[p - 1] in _HACE):
                return value * WEEKS_PER_UNIT[unit] * 7
        return None

    def stopped_before(self, start: int) -> bool:
        """ "stopped (taking) (his) warfarin": a word of stopping up to three words before, same clause."""
        position = self.position.get(start)
        if position is None:
            return False
        clause = self.tokens.clause[position]
        before = range(max(0, position - 3), position)
        return any(self.tokens.norm[p] in _STOPPED and self.tokens.clause[p] == clause for p in before)

    def someone_else_at(self, start: int) -> bool:
        position = self.position.get(start)
        return position is not None and _of_someone_else(self.tokens, position)


def _of_someone_else(tokens: Tokens, position: int) -> bool:
    """A relative or another person is named before the phrase in its clause: theirs, not the patient's."""
    clause = tokens.clause[position]
    p = position - 1
    while p >= 0 and tokens.clause[p] == clause:
        if tokens.norm[p] in _OTHERS:
            return True
        p -= 1
    return False


@dataclass
class RiskReading:
    """What a note says of the patient's risk factors."""

    factors: dict[str, bool]  # factor id -> present (False: stated absent)
    family_history: list[str]  # curated diseases a relative is said to have
    mentions: list[tuple[str, bool, str, int, int]]  # (factor, present, words, start, end) in note order

    def as_dict(self) -> dict:
        """As JSON: the factors, the family history and where each factor was read."""
        return {
            "risk_factors": self.factors,
            "family_history": self.family_history,
            "risk_mentions": [
                {"factor": f, "present": p, "text": t, "start": a, "end": b}
                for f, p, t, a, b in self.mentions
            ],
        }


class RiskReader:
    """Reads risk factors against one knowledge base's vocabulary (built once per note extractor)."""

    def __init__(self, kb: KnowledgeBase, reader: MentionReader) -> None:
        self.kb = kb
        self.reader = reader
        self.factors = set((kb.term_info.get("risk_factors") or {}).keys())
        self.root = kb.term_index.get(ROOT, 0)
        self.phrases: dict[tuple[str, ...], list[tuple[str, str]]] = {}  # words -> [(factor, kind)]
        for factor, text in PHRASES.items():
            if factor not in self.factors:
                continue
            for raw in text.split("|"):
                kind = raw[0] if raw[0] in "!?@" else ""
                key = _key(raw.lstrip("!?@"))
                if key and (factor, kind) not in self.phrases.get(key, []):
                    self.phrases.setdefault(key, []).append((factor, kind))
        self._folds: dict[str, str] = {}
        self.first_words: dict[str, int] = {}
        for key in self.phrases:
            self.first_words[key[0]] = max(self.first_words.get(key[0], 0), len(key))
        self.history_terms = self._history_terms()
        self.contagious = {
            i for t in CONTAGIOUS if t in kb.term_index for i in kb.descendants(kb.term_index[t])
        }
        self.names = DiseaseNames(kb)
        self.familial = {
            d
            for i, d in enumerate(kb.disease_ids)
            if "family_history_of_it" in (kb.disease_info[i].get("risk") or {})
        }

    def _history_terms(self) -> dict[int, list[str]]:
        """term index -> the factors it (or an ancestor) is the history term of."""
        kb = self.kb
        out: dict[int, list[str]] = {}
        for factor, info in (kb.term_info.get("risk_factors") or {}).items():
            for term in info.get("history_terms") or []:
                for index in kb.descendants(kb.term_index[term]) if term in kb.term_index else ():
                    if factor not in out.setdefault(index, []):
                        out[index].append(factor)
        return out

    def read(
        self,
        tokens: Tokens,
        sections,
        skip: set[int],
        mentions: list[Mention],
        lang: str,
        headers: set[int] | None = None,
    ) -> RiskReading:
        """The note's risk factors: its phrases in context, the known conditions among its findings and
        history, and the diseases its family history names."""
        found: dict[str, bool] = {}
        said: list[tuple[str, bool, str, int, int]] = []
        # (phrases may hold a number a measure took: "a 12 hour flight"; never a section header)
        matches, kinds = self._matches(tokens, skip if headers is None else headers)
        places = _Places(tokens)
        for mention in self._context(tokens, matches, sections, skip, lang):
            someone_else = places.someone_else_at(mention.start)
            current = mention.section in (CURRENT, COMPLAINT)
            past_treatment = not current and not places.ongoing_at(mention.start)
            treatment = fold(normalize(mention.text)) in TREATMENTS
            for factor, kind in kinds.get((mention.start, mention.end), ()):
                if past_treatment and (factor in ONGOING_ONLY or treatment):
                    continue  # a cancer treated in the past is not an active one
                if someone_else and factor not in FAMILY_ONLY and factor != "sick_contact":
                    continue  # "her father smokes", "su pareja fuma": not the patient's
                if kind == "@" and not places.others_in_sentence(mention.start):
                    continue  # "tested positive" of the patient is not a sick contact
                present = self._present(factor, kind, mention)
                if factor in EVENTS and not mention.negated and mention.status in (PRESENT, HISTORY_STATUS):
                    days = places.days_ago(mention.start)  # "knee surgery 2 weeks ago", "in 1998"
                    if days is not None and present is not False:
                        present = True if days <= RECENT_DAYS else None
                if present is None:
                    continue
                if present and factor in MEDICINES and places.stopped_before(mention.start):
                    present = False
                if present or factor not in found:  # a stated factor wins over a denial elsewhere
                    found[factor] = present
                said.append((factor, present, mention.text, mention.start, mention.end))
        for mention in mentions:
            if (
                mention.status in (CONTACT_STATUS, FAMILY_STATUS)
                and not mention.negated
                and self.kb.term_index.get(mention.term, -1) in self.contagious
                and "sick_contact" in self.factors
                and "sick_contact" not in found
            ):  # "a coworker with a cough", "older brother has a fever": a contagious illness nearby
                found["sick_contact"] = True
                said.append(("sick_contact", True, mention.text, mention.start, mention.end))
            if mention.status in (PRESENT, HISTORY_STATUS, DIAGNOSIS_STATUS) and not mention.negated:
                for factor in self.history_terms.get(self.kb.term_index.get(mention.term, -1), ()):
                    current = mention.section in (CURRENT, COMPLAINT) or places.ongoing_at(mention.start)
                    if factor in ONGOING_ONLY and not current:
                        continue  # a cancer treated in the past
                    if factor not in found or not found[factor]:
                        found[factor] = True
                        said.append((factor, True, mention.text, mention.start, mention.end))
        bmi = _body_mass_index(tokens)
        if bmi is not None and "obesity" in self.factors and "obesity" not in found:
            found["obesity"] = bmi[0] >= OBESE_BMI  # "BMI 34": obese; "BMI 22": not
            said.append(("obesity", found["obesity"], bmi[1], bmi[2], bmi[3]))
        return RiskReading(found, self._family(tokens, sections), said)

    def _context(self, tokens: Tokens, matches: list[PhraseMatch], sections, skip: set[int], lang: str):
        """The phrases as mentions in context, read over the sentences that hold one only (the reader's rules
        stop at a sentence's end; a note's other sentences cost the reading as much again)."""
        if not matches:
            return []
        held = {tokens.sentence[m.first] for m in matches}
        keep = [p for p in range(len(tokens)) if tokens.sentence[p] in held]
        if len(keep) == len(tokens):
            return self.reader.read(tokens, matches, sections, skip, lang)
        index = {old: new for new, old in enumerate(keep)}
        part = Tokens(
            tokens.text,
            *([values[p] for p in keep] for values in (tokens.start, tokens.end, tokens.raw, tokens.norm)),
            [tokens.sentence[p] for p in keep],
            [tokens.clause[p] for p in keep],
        )
        moved = [replace(m, first=index[m.first], last=index[m.last]) for m in matches]
        return self.reader.read(
            part, moved, [sections[p] for p in keep], {index[p] for p in skip if p in index}, lang
        )

    def _folded(self, words: list[str]) -> list[str]:
        """The note's words folded as the phrases are (remembered: a note repeats most of its words)."""
        folds = self._folds
        if len(folds) > 100_000:
            folds.clear()
        out = []
        for word in words:
            folded = folds.get(word)
            if folded is None:
                folded = folds[word] = fold(word)
            out.append(folded)
        return out

    def _matches(self, tokens: Tokens, skip: set[int]) -> tuple[list[PhraseMatch], dict]:
        norm = self._folded(tokens.norm)
        matches: list[PhraseMatch] = []
        kinds: dict[tuple[int, int], list[tuple[str, str]]] = {}  # by the match's character offsets
        position = 0
        while position < len(norm):
            longest = self.first_words.get(norm[position], 0)  # the longest phrase starting with this word
            for size in range(min(longest, len(norm) - position), 0, -1):
                key = tuple(norm[position : position + size])
                if key not in self.phrases or any(p in skip for p in range(position, position + size)):
                    continue
                after = tokens.norm[position + size] if position + size < len(norm) else ""
                before = tokens.norm[max(0, position - 2) : position]  # ("no previous ankle injury")
                if after in _NOT_BEFORE.get(key[-1], ()) or not _NOT_AFTER.get(key[0], set()).isdisjoint(
                    before
                ):
                    continue
                negated = any(kind == "!" for _, kind in self.phrases[key])
                matches.append(PhraseMatch(position, position + size - 1, self.root, negated))
                kinds[(tokens.start[position], tokens.end[position + size - 1])] = self.phrases[key]
                position += size - 1
                break
            position += 1
        return matches, kinds

    @staticmethod
    def _present(factor: str, kind: str, mention: Mention) -> bool | None:
        """Present (True), stated absent (False) or neither (None) for one phrase of a factor in context."""
        status = mention.status
        if factor in FAMILY_ONLY:
            return True if status in (FAMILY_STATUS, CONTACT_STATUS) and not mention.negated else None
        if kind == "!":
            return False if status in (ABSENT, PRESENT, HISTORY_STATUS) else None
        if status == ABSENT or (status == HISTORY_STATUS and mention.negated):
            return False
        if kind == "?":
            return None
        if status == PRESENT:
            return True
        if status == HISTORY_STATUS:
            if factor in LASTING:
                return True
            if factor in EVENTS:  # a past operation or injury; but the one the complaint followed is recent
                # ("calf swelling after a long flight", "dolor tras una caída")
                followed = any(w in EVENT_CUES for w in words(mention.cue or "")) or (
                    normalize(mention.cue or "") in _STATUS_POST  # "POD 3 s/p lap chole" in the illness
                )
                return True if followed and mention.section in (CURRENT, COMPLAINT) else None
            # named in a history section ("Social history: new partner"), or "diagnosed with ... started on"
            long_gone = mention.cue != mention.section and any(
                w in _LONG_GONE for w in words(mention.cue or "")
            )
            return None if long_gone else True
        if status == DIAGNOSIS_STATUS and factor in LASTING:
            return True
        if status in (FAMILY_STATUS, CONTACT_STATUS) and factor == "sick_contact":
            return not mention.negated
        return None

    def _family(self, tokens: Tokens, sections) -> list[str]:
        """The curated diseases named in the family history: its section, or after a relative in a sentence
        (a name right after a denial is left out: "no prostate cancer in the family")."""
        norm = tokens.norm
        by_sentence: dict[int, list[int]] = {}
        for position in range(len(norm)):
            by_sentence.setdefault(tokens.sentence[position], []).append(position)
        found: list[str] = []
        for positions in by_sentence.values():
            in_section = any(sections[p] == FAMILY for p in positions)
            relative = next((i for i, p in enumerate(positions) if norm[p] in _FAMILY_WORDS), None)
            if not in_section and relative is None:
                continue
            run = self._folded([norm[p] for p in positions])
            start = 0 if in_section else relative + 1
            while start < len(run):
                size = next(
                    (
                        size
                        for size in range(min(self.names.longest, len(run) - start), 0, -1)
                        if " ".join(run[start : start + size]) in self.names.names
                    ),
                    0,
                )
                if size and not any(w in _DENIAL for w in run[max(0, start - 4) : start]):
                    found.extend(self.names.names[" ".join(run[start : start + size])])
                start += max(size, 1)  # past the name: "sickle cell anemia" is not also "anemia"
        # only the diseases a family history bears on (a relative's influenza is a sick contact)
        return [d for d in dict.fromkeys(found) if d in self.familial]
