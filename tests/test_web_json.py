"""The site's JSON answers (web/jsonio.py): orjson's output reads back as the stdlib would have written it."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from flask import Flask

from web.jsonio import OrjsonProvider


@dataclasses.dataclass
class Point:
    x: int
    label: str


def _app() -> Flask:
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    return app


def test_numpy_values_dataclasses_and_accents_serialize_like_the_stdlib():
    app = _app()
    value = {
        "p": np.float64(0.25),
        "n": np.int32(7),
        "arr": np.arange(3),
        "flag": np.bool_(True),
        "point": Point(1, "fiebre alta"),
        "label": "Dolor de cabeza intenso ñ",
        3: "integer key",
    }
    with app.app_context():
        text = app.json.dumps(value)
        response = app.json.response(value)
    assert "ñ" in text  # not escaped
    expected = {
        "p": 0.25,
        "n": 7,
        "arr": [0, 1, 2],
        "flag": True,
        "point": {"x": 1, "label": "fiebre alta"},
        "label": "Dolor de cabeza intenso ñ",
        "3": "integer key",
    }
    assert json.loads(text) == expected
    assert json.loads(response.get_data()) == expected
    assert response.mimetype == "application/json"
    assert list(json.loads(text)) == ["p", "n", "arr", "flag", "point", "label", "3"]  # insertion order


def test_integers_beyond_64_bits_fall_back_to_the_stdlib():
    app = _app()
    huge = 10**30
    with app.app_context():
        assert json.loads(app.json.dumps({"value": huge})) == {"value": huge}
        assert json.loads(app.json.response({"value": huge}).get_data()) == {"value": huge}


def test_what_json_cannot_hold_is_a_type_error():
    app = _app()
    with app.app_context(), pytest.raises(TypeError, match="not JSON serializable"):
        app.json.dumps({"x": object()})
