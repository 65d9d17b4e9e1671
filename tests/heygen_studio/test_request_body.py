"""``prepare_body``: validate, copy and encode in one pass, with the same verdict and bytes as the long way.

The short cut (a ``marshal`` copy, jsonschema-rs's gate for encoded payloads, one
``json.dumps``) must never send what :func:`prepare_request` refuses, must send the
very bytes ``encode_json(prepare_request(...))`` would, and must leave everything it
cannot vouch for to the checkers.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings

from heygen_studio import RequestValidationError, validate_request
from heygen_studio._payload import encode_json
from heygen_studio._validation import DEFAULT_OPERATION, _encoded_if_valid, _operation, prepare_body, prepare_request
from tests.heygen_studio.strategies import payloads
from tests.heygen_studio.test_validation import changed, scene_with, valid_payload
from tests.heygen_studio.test_validation_hardening import ODD, nested, self_containing
from tests.heygen_studio.test_validation_properties import PROPERTY_SETTINGS
from tests.shared import examples

Payload = dict[str, Any]


def _long_way(payload: Any) -> list[Any]:
    # What nothing but the checkers would decide.
    return [error.violation() for error in _operation(DEFAULT_OPERATION).errors(payload) or ()]


@pytest.fixture
def no_long_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if ``prepare_body`` falls back to ``prepare_request``: the short cut must have decided."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("prepare_body took the long way")

    monkeypatch.setattr("heygen_studio._validation.prepare_request", refuse)


@pytest.mark.usefixtures("no_long_way")
def test_a_valid_plain_dict_takes_the_short_cut_and_sends_what_the_long_way_would() -> None:
    payload = scene_with(voice={"type": "text", "voice_id": "v", "input_text": "Grüße 👋", "speed": 1.1})
    body, sent = prepare_body(payload, {})
    assert encode_json(payload) == body
    assert (payload, False) == (sent, sent is payload)  # a copy, equal to the caller's dict


@pytest.mark.usefixtures("no_long_way")
def test_keyword_fields_take_the_short_cut_too() -> None:
    body, _ = prepare_body(None, valid_payload())
    assert encode_json(valid_payload()) == body


@pytest.mark.usefixtures("no_long_way")
def test_a_tuple_is_sent_as_the_array_the_gate_read() -> None:
    payload = changed("video_inputs", tuple(valid_payload()["video_inputs"]))
    body, _ = prepare_body(payload, {})
    assert valid_payload() == json.loads(body)


def test_a_payload_changed_while_it_is_checked_sends_what_was_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if another thread changed the caller's dict between the check and the encoding.
    payload = valid_payload()
    operation = _operation(DEFAULT_OPERATION)
    real = operation.sent_gate
    assert real is not None

    def meddling(copy: Any) -> bool:
        verdict = real(copy)
        payload["video_inputs"][0]["voice"]["input_text"] = "\ud800"
        payload["title"] = 10**5000
        return verdict

    monkeypatch.setattr(operation, "_sent_gate", meddling)
    body, sent = prepare_body(payload, {})
    assert (valid_payload(), valid_payload()) == (json.loads(body), sent)


def refused_without_the_short_cut(payload: Payload) -> Any:
    """The violations ``prepare_body`` raises for ``payload``, after checking the one-pass path declined it."""
    sent_gate = _operation(DEFAULT_OPERATION).sent_gate
    assert sent_gate is not None
    assert _encoded_if_valid(payload, sent_gate) is None
    with pytest.raises(RequestValidationError) as refused:
        prepare_body(payload, {})
    return refused.value.violations


@pytest.mark.parametrize(("name", "payload", "expected"), ODD, ids=[row[0] for row in ODD])
def test_odd_input_never_takes_the_short_cut_and_gets_the_one_verdict(
    name: str, payload: Payload, expected: Any
) -> None:
    assert validate_request(payload) == refused_without_the_short_cut(payload)


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("NaN speed", scene_with(voice={"type": "text", "voice_id": "v", "input_text": "x", "speed": float("nan")})),
        ("Decimal speed", scene_with(voice={"type": "text", "voice_id": "v", "input_text": "x", "speed": Decimal(1)})),
        ("int key", {**valid_payload(), 1: 2}),
        ("bytes title", changed("title", b"x")),
        ("float width", changed("dimension.width", 1280.0)),
        ("speed past the bound", scene_with(voice={"type": "text", "voice_id": "v", "input_text": "x", "speed": 1.6})),
        ("int past int32", changed("dimension.width", 2**31)),
    ],
)
def test_what_the_short_cut_cannot_vouch_for_is_refused_by_the_long_way(name: str, payload: Payload) -> None:
    assert _long_way(payload) == refused_without_the_short_cut(payload)


def _outcome(send: Any) -> Any:
    try:
        return send()
    except RequestValidationError as error:
        return error.violations
    except TypeError as error:  # not a dict at all
        return str(error)


# Both checks on each payload: generating the payloads costs far more than checking them.
@settings(max_examples=examples(600), **PROPERTY_SETTINGS)
@given(payloads(mutate=True))
def test_prepare_body_agrees_with_prepare_request_and_its_gate_never_passes_what_the_checkers_refuse(
    payload: Any,
) -> None:
    # prepare_body gives prepare_request's verdict, and sends the bytes the long way would.
    expected = _outcome(lambda: encode_json(prepare_request(payload, {})))
    assert expected == _outcome(lambda: prepare_body(payload, {})[0])

    sent_gate = _operation(DEFAULT_OPERATION).sent_gate
    assert sent_gate is not None
    try:
        json.dumps(payload, ensure_ascii=False, allow_nan=False).encode()
    except (ValueError, TypeError):
        return  # prepare_body never trusts this gate on what does not encode
    try:
        said: bool | None = sent_gate(payload)
    except Exception:
        said = None
    # Without the stand-ins for encoding, its "no" is a verdict too on what encodes.
    assert (said is True) == (not _long_way(payload)), _long_way(payload)


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("lone surrogate", changed("title", "intro \ud800")),
        ("lone surrogate in a key", {**valid_payload(), "\udfff": 1}),
        ("int of 5,000 digits", changed("title", 10**5000)),
        ("NaN", changed("title", float("nan"))),
        ("infinity", changed("title", float("-inf"))),
        ("contains itself", self_containing()),
        pytest.param(
            "nested 1,500 deep (past json, within marshal)",
            changed("title", nested(1500)),
            marks=pytest.mark.skipif(
                sys.version_info >= (3, 13),
                reason="json encodes 1,500 levels from Python 3.13 on; there the gate's finite schema bounds depth",
            ),
        ),
        ("a set", changed("title", {1})),
        ("bytes", changed("title", b"x")),
    ],
)
def test_the_encoding_refuses_what_the_gate_for_encoded_payloads_leaves_to_it(name: str, payload: Payload) -> None:
    assert _encoded_if_valid(payload, lambda copy: True) is None
