"""Field vocabulary of clinical histories: the canonical fields and the Spanish and English headers that
name them ('Temperatura (°F)' -> temperature in F). Cell values are read by `learning.ingest.values`."""

from __future__ import annotations

from learning.ingest.values import UNIT_WORDS, fold

__all__ = [
    "AGE",
    "BIRTH_DATE",
    "DATE",
    "DIAGNOSIS",
    "IDENTIFIER_FIELDS",
    "ID_EMAIL",
    "ID_NAME",
    "ID_NATIONAL",
    "ID_RECORD",
    "LANGUAGE",
    "NOTE",
    "PATIENT",
    "POSTAL",
    "SEVERITY",
    "SEX",
    "SEX_SPANISH",
    "SPANISH_SEX_HEADERS",
    "STATUS",
    "SYMPTOM",
    "SYMPTOMS_ABSENT",
    "SYMPTOMS_PRESENT",
    "SYNTHETIC",
    "TEMPERATURE",
    "TEMPERATURE_UNIT",
    "VISIT",
    "canonical_header",
]

# canonical fields -------------------------------------------------------------------------------------
PATIENT, VISIT, DATE, AGE, BIRTH_DATE, SEX, TEMPERATURE, TEMPERATURE_UNIT = (
    "patient",
    "visit",
    "date",
    "age",
    "birth_date",
    "sex",
    "temperature",
    "temperature_unit",
)
POSTAL, DIAGNOSIS, SYMPTOM, STATUS, SEVERITY, NOTE, LANGUAGE, SYNTHETIC = (
    "postal_code",
    "diagnosis",
    "symptom",
    "status",
    "severity",
    "note",
    "language",
    "synthetic",
)
SYMPTOMS_PRESENT, SYMPTOMS_ABSENT = "symptoms_present", "symptoms_absent"
SEX_SPANISH = "sex_spanish"  # set when the sex came under a Spanish header ("sexo": M = mujer)
SPANISH_SEX_HEADERS = frozenset({"sexo", "genero"})
# direct identifiers: read only to scrub free text, never stored
ID_NAME, ID_PHONE, ID_EMAIL, ID_ADDRESS, ID_NATIONAL, ID_RECORD, ID_CITY = (
    "id:name",
    "id:phone",
    "id:email",
    "id:address",
    "id:national_id",
    "id:record_number",
    "id:city",
)
IDENTIFIER_FIELDS = frozenset({ID_NAME, ID_PHONE, ID_EMAIL, ID_ADDRESS, ID_NATIONAL, ID_RECORD, ID_CITY})


def _alts(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


_ALIASES: dict[str, tuple[str, ...]] = {
    PATIENT: _alts(
        "paciente|patient|patient id|id paciente|paciente id|codigo paciente|cod paciente|subject|"
        "subject id|sujeto|id|patient code|pid"
    ),
    VISIT: _alts("visita|visit|visit id|encounter|encounter id|episodio|consulta|id visita"),
    DATE: _alts(
        "fecha|date|fecha visita|fecha consulta|fecha de consulta|fecha de visita|visit date|"
        "encounter date|fecha ingreso|fecha de ingreso|admission date|fecha atencion"
    ),
    AGE: _alts("edad|age|edad anos|edad años|age years|age at visit|edad en anos"),
    BIRTH_DATE: _alts(
        "fecha nacimiento|fecha de nacimiento|birth date|date of birth|dob|fnac|birthdate|nacimiento"
    ),
    SEX: _alts("sexo|sex|genero|gender"),
    TEMPERATURE: _alts("temperatura|temperature|temp|tª|temperatura corporal|body temperature"),
    TEMPERATURE_UNIT: _alts(
        "unidad temperatura|temperature unit|temp unit|unidad|unit|unidad temp|temperatura unidad"
    ),
    POSTAL: _alts("codigo postal|cp|postal code|zip|zip code|postcode|cod postal"),
    DIAGNOSIS: _alts(
        "diagnostico|diagnosis|dx|enfermedad|disease|diagnostico final|final diagnosis|"
        "diagnostico principal|condition"
    ),
    SYMPTOM: _alts("sintoma|symptom|hallazgo|finding|signo|sign|hpo|termino|term|feature"),
    STATUS: _alts("estado|status|valor|value|presencia|presence|resultado|result"),
    SEVERITY: _alts("severidad|gravedad|severity|intensidad|intensity|grado|grade"),
    NOTE: _alts(
        "nota|note|texto|text|notas|notes|observaciones|comentarios|evolucion|anamnesis|nota clinica|"
        "clinical note|informe|report|history"
    ),
    LANGUAGE: _alts("idioma|language|lang|lengua"),
    SYNTHETIC: _alts("synthetic|sintetico|sintetica|is synthetic"),
    SYMPTOMS_PRESENT: _alts(
        "sintomas|symptoms|hallazgos|findings|features|sintomas presentes|present symptoms|"
        "symptoms present|signos|phenotypes"
    ),
    SYMPTOMS_ABSENT: _alts(
        "sintomas ausentes|absent symptoms|symptoms absent|excluded|excluded symptoms|negativos|"
        "negados|denied|sintomas negados|excluidos"
    ),
    ID_NAME: _alts(
        "nombre|name|apellidos|apellido|surname|first name|last name|full name|nombre completo|"
        "patient name|nombre paciente|nombre del paciente|given name|family name|medico|doctor|"
        "physician|medico responsable"
    ),
    ID_PHONE: _alts("telefono|phone|movil|tel|mobile|telephone|phone number|telefono movil"),
    ID_EMAIL: _alts("email|correo|e mail|correo electronico|mail|email address"),
    ID_ADDRESS: _alts("direccion|address|domicilio|calle|street|street address"),
    ID_NATIONAL: _alts(
        "dni|nie|nif|national id|ssn|pasaporte|passport|cip|tarjeta sanitaria|nuss|"
        "social security number|dni nie"
    ),
    ID_RECORD: _alts(
        "nhc|historia clinica|mrn|medical record number|record number|numero historia|n historia|"
        "numero de historia|n historia clinica|expediente|record|medical record"
    ),
    ID_CITY: _alts("ciudad|city|localidad|municipio|poblacion|town|provincia|province"),
}
HEADER_TO_FIELD: dict[str, str] = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}


def canonical_header(header: object) -> tuple[str | None, str | None]:
    """(canonical field or None, unit) for a column header: 'Temperatura (°F)' -> ('temperature', 'F')."""
    folded = fold(header)
    if folded in HEADER_TO_FIELD:
        return HEADER_TO_FIELD[folded], None
    words = folded.split()
    if words and words[-1] in UNIT_WORDS:
        stem = " ".join(words[:-1])
        if HEADER_TO_FIELD.get(stem) == TEMPERATURE:
            return TEMPERATURE, UNIT_WORDS[words[-1]]
    return None, None
