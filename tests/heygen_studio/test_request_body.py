"""``prepare_body``: validate, copy and encode in one pass, with the same verdict and bytes as the long way.

The short cut (a ``marshal`` copy, jsonschema-rs's gate for encoded payloads, one
``json.dumps``) must never send what :func:`prepare_request` refuses, must send the
very bytes ``encode_json(prepare_request(...))`` would, and must leave everything it
cannot vouch for to the checkers. The fractional-bounds keyword (``x-bounds``) and
the refusal to gate a schema that refers to itself are tested here too.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings

from heygen_studio import RequestValidationError, validate_request
from heygen_studio._payload import encode_json
from heygen_studio._schema_gate import Bounds, draft4, gate
from heygen_studio._standard_schema import standard_schema
from heygen_studio._validation import DEFAULT_OPERATION, _encoded_if_valid, _operation, prepare_body, prepare_request
from tests.heygen_studio.strategies import payloads
from tests.heygen_studio.test_validation import changed, scene_with, valid_payload
from tests.heygen_studio.test_validation_hardening import ODD
from tests.heygen_studio.test_validation_properties import PROPERTY_SETTINGS

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


@pytest.mark.parametrize(("name", "payload", "expected"), ODD, ids=[row[0] for row in ODD])
def test_odd_input_never_takes_the_short_cut_and_gets_the_one_verdict(
    name: str, payload: Payload, expected: Any
) -> None:
    sent_gate = _operation(DEFAULT_OPERATION).sent_gate
    assert sent_gate is not None
    assert _encoded_if_valid(payload, sent_gate) is None
    with pytest.raises(RequestValidationError) as refused:
        prepare_body(payload, {})
    assert validate_request(payload) == refused.value.violations


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
    sent_gate = _operation(DEFAULT_OPERATION).sent_gate
    assert sent_gate is not None
    assert _encoded_if_valid(payload, sent_gate) is None
    with pytest.raises(RequestValidationError) as refused:
        prepare_body(payload, {})
    assert _long_way(payload) == refused.value.violations


@settings(max_examples=600, **PROPERTY_SETTINGS)
@given(payloads(mutate=True))
def test_prepare_body_agrees_with_prepare_request_on_verdict_and_bytes(payload: Any) -> None:
    def outcome(send: Any) -> Any:
        try:
            return send()
        except RequestValidationError as error:
            return error.violations
        except TypeError as error:  # not a dict at all
            return str(error)

    expected = outcome(lambda: encode_json(prepare_request(payload, {})))
    assert expected == outcome(lambda: prepare_body(payload, {})[0])


@settings(max_examples=600, **PROPERTY_SETTINGS)
@given(payloads(mutate=True))
def test_the_gate_for_encoded_payloads_never_passes_what_the_checkers_refuse(payload: Any) -> None:
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


# -- x-bounds ------------------------------------------------------------------------------------------------------

FRACTIONAL = {
    "type": "object",
    "properties": {
        "inclusive": {"type": "number", "minimum": 0.5, "maximum": 1.5},
        "exclusive": {"type": "number", "exclusiveMinimum": 0.5, "exclusiveMaximum": 1.5},
        "low_only": {"type": "integer", "minimum": -2.5},
        "whole": {"type": "number", "minimum": 1.0, "maximum": 2.0},
    },
    "additionalProperties": False,
}


def test_fractional_bounds_become_x_bounds_and_whole_ones_ints() -> None:
    properties = draft4(standard_schema({}, FRACTIONAL))["properties"]
    assert {"inclusive": [0.5, False, 1.5, False], "exclusive": [0.5, True, 1.5, True]} == {
        name: properties[name]["x-bounds"] for name in ("inclusive", "exclusive")
    }
    assert [-2.5, False, None, False] == properties["low_only"]["x-bounds"]
    assert (1, int, 2, int, False) == (
        properties["whole"]["minimum"],
        type(properties["whole"]["minimum"]),
        properties["whole"]["maximum"],
        type(properties["whole"]["maximum"]),
        "x-bounds" in properties["whole"],
    )


@pytest.mark.parametrize("encoded", [False, True])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        (field, value)
        for field in ("inclusive", "exclusive", "low_only", "whole")
        for value in (
            0.5,
            0.5000001,
            0.49999999,
            1,
            1.5,
            1.4999999,
            2,
            2.0000001,
            -2.5,
            -3,
            -2,
            True,
            "1",
            None,
            10**30,
        )
    ],
)
def test_the_gate_with_x_bounds_agrees_with_the_checkers(field: str, value: Any, encoded: bool) -> None:
    from heygen_studio._validation import _Operation

    fast = gate({}, FRACTIONAL, encoded=encoded)
    assert fast is not None
    said = fast({field: value})
    assert said == (not _Operation("tiny", {}, FRACTIONAL).errors({field: value}))


def test_x_bounds_leaves_what_is_not_an_int_or_float_to_the_checkers() -> None:
    bounds = Bounds({}, [0.5, False, 1.5, False], [])
    for value in (True, "x", None, {}, [], ()):
        bounds.validate(value)  # the other keywords' business
    with pytest.raises(ValueError, match="Decimal"):
        bounds.validate(Decimal("1"))
    with pytest.raises(ValueError, match="minimum"):
        bounds.validate(0.25)
    with pytest.raises(ValueError, match="maximum"):
        bounds.validate(float("inf"))


def test_a_schema_that_refers_to_itself_gets_no_gate() -> None:
    closed = {"type": "object", "additionalProperties": False}
    schemas = {
        "Node": {**closed, "properties": {"child": {"$ref": "#/components/schemas/Node"}}},
        "Leaf": {**closed, "properties": {"n": {"type": "integer"}}},
        "Tree": {
            **closed,
            "properties": {"a": {"$ref": "#/components/schemas/Leaf"}, "b": {"$ref": "#/components/schemas/Leaf"}},
        },
    }
    assert gate(schemas, {"$ref": "#/components/schemas/Node"}) is None
    assert gate(schemas, {"$ref": "#/components/schemas/Tree"}) is not None  # reaching one component twice is fine
