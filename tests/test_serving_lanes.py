"""Ordinary diagnose requests compute one at a time in a worker (web/lanes.py); large ones never wait for
that lane, so they never hold the ordinary ones up."""

from __future__ import annotations

import threading

import pytest

from tests.test_web_api import FEVER, _app
from web import lanes
from web.schemas import MAX_EXPLAIN, MAX_FINDINGS, MAX_TOP


@pytest.fixture(scope="module")
def client(kb_home):
    return _app(kb_home).test_client()


def test_the_api_default_and_the_page_request_are_ordinary_the_largest_is_not():
    assert lanes.is_ordinary(findings=12, top=10, explain=3, questions=5)  # the API's defaults
    assert lanes.is_ordinary(findings=20, top=10, explain=10, questions=5)  # the site's page
    assert not lanes.is_ordinary(findings=MAX_FINDINGS, top=10, explain=3, questions=5)
    assert not lanes.is_ordinary(findings=5, top=MAX_TOP, explain=3, questions=5)
    assert not lanes.is_ordinary(findings=5, top=10, explain=MAX_EXPLAIN, questions=5)


def _post_in_thread(client, body: dict, query: str = "") -> tuple[threading.Thread, list]:
    answers: list = []

    def send() -> None:
        answers.append(client.post(f"/api/v1/diagnose{query}", json=body).status_code)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread, answers


def test_an_ordinary_request_waits_for_the_lane_and_a_large_one_does_not(client, kb):
    annotated = sorted({kb.term_ids[t] for t in range(2000, 2060)})
    with lanes._lane:  # another ordinary request is computing in this worker
        large, large_answers = _post_in_thread(client, {"observed": annotated}, "?explain=15")
        large.join(timeout=120)
        assert large_answers == [200]  # went past the held lane
        ordinary, ordinary_answers = _post_in_thread(client, {"observed": [FEVER]})
        ordinary.join(timeout=1.0)
        assert ordinary.is_alive() and not ordinary_answers  # waiting for the lane
    ordinary.join(timeout=120)
    assert ordinary_answers == [200]  # answered once the lane was free
