"""One verdict on odd input (issue 10 rows 9, 10, 15): what cannot be sent as JSON is a violation, never a crash.

Every front door agrees: ``validate_request``, ``prepare_request`` (which ``generate``
calls before encoding), ``generate`` itself (nothing is sent), MockHeyGen and the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from heygen_studio import RequestValidationError, validate_request
from heygen_studio._checks import CLIP, MAX_DEPTH
from heygen_studio._schema_compile import _Compiler
from heygen_studio._validation import prepare_request
from heygen_studio.testing import MockHeyGen
from tests.heygen_studio.test_cli import run, write
from tests.heygen_studio.test_client import Recorder, client
from tests.heygen_studio.test_validation import changed, scene_with, valid_payload

Payload = dict[str, Any]


def nested(depth: int) -> list[Any]:
    root: list[Any] = []
    node = root
    for _ in range(depth):
        child: list[Any] = []
        node.append(child)
        node = child
    return root


def self_containing() -> Payload:
    payload = valid_payload()
    payload["video_inputs"][0]["character"]["offset"] = payload
    return payload


# name, payload, [(path, rule)]
ODD: list[tuple[str, Payload, list[tuple[str, str]]]] = [
    ("lone surrogate in a string", changed("title", "intro \ud800"), [("title", "json")]),
    (
        "lone surrogate deep in a scene",
        scene_with(voice={"type": "text", "voice_id": "v", "input_text": "\udc00"}),
        [("video_inputs.0.voice.input_text", "json")],
    ),
    ("lone surrogate in an enum field", scene_with(background={"type": "color", "value": "#\ud800"}), None),  # type: ignore[list-item]
    ("lone surrogate in a key", {**valid_payload(), "\ud800": 1}, [("\ud800", "unknown-field")]),
    ("tuple as a scene", changed("video_inputs", [tuple(valid_payload()["video_inputs"][0].items())]), None),  # type: ignore[list-item]
    ("int of 5,000 digits", changed("title", 10**5000), [("title", "type")]),
    (
        "int of 5,000 digits in a bounded number",
        changed("video_inputs.0.character", {"type": "avatar", "avatar_id": "a", "scale": 10**5000}),
        [("video_inputs.0.character.scale", "type")],
    ),
    ("int of 5,000 digits as a width", changed("dimension.width", -(10**5000)), [("dimension.width", "type")]),
    ("nested 1,000 deep", changed("title", nested(1000)), [("title", "type")]),
    (
        "contains itself",
        self_containing(),
        [
            ("video_inputs.0.character.offset.video_inputs", "unknown-field"),
            ("video_inputs.0.character.offset.dimension", "unknown-field"),
        ],
    ),
    ("a Python object", changed("title", object()), [("title", "type")]),
    ("a set of scenes", changed("video_inputs", set()), [("video_inputs", "type")]),
]


@pytest.mark.parametrize(("name", "payload", "expected"), ODD, ids=[row[0] for row in ODD])
def test_odd_input_is_a_violation_at_its_path(
    name: str, payload: Payload, expected: list[tuple[str, str]] | None
) -> None:
    found = validate_request(payload)
    assert found, "accepted"
    if expected is not None:
        assert expected == [(violation.path, violation.rule) for violation in found]
    for violation in found:
        assert len(violation.message) < 400, violation.message


@pytest.mark.parametrize(("name", "payload", "expected"), ODD, ids=[row[0] for row in ODD])
def test_prepare_request_and_generate_refuse_it_and_send_nothing(
    name: str, payload: Payload, expected: list[tuple[str, str]] | None
) -> None:
    with pytest.raises(RequestValidationError) as prepared:
        prepare_request(payload, {})
    recorder = Recorder()
    with pytest.raises(RequestValidationError) as generated:
        client(recorder).videos.generate(payload)
    assert [] == recorder.requests
    assert validate_request(payload) == prepared.value.violations == generated.value.violations


def test_a_tuple_is_an_array_everywhere_and_is_sent_as_a_list() -> None:
    # One verdict either way; acceptance is what json.dumps and jsonschema-rs (the fast path) do with a tuple.
    payload = changed("video_inputs", tuple(valid_payload()["video_inputs"]))
    assert [] == validate_request(payload)
    assert valid_payload() == prepare_request(payload, {}) == prepare_request(None, {**payload})
    recorder = Recorder()
    client(recorder).videos.generate(payload)
    assert valid_payload() == json.loads(recorder.requests[0].content)
    bad = changed("video_inputs", tuple([{"character": {"type": "avatar"}}] * 51))
    assert [("video_inputs", "maxItems"), ("video_inputs.0.character.avatar_id", "required")] == [
        (v.path, v.rule) for v in validate_request(bad)
    ][:2]


def test_messages_say_what_is_wrong_without_repeating_the_value() -> None:
    (surrogate,) = validate_request(changed("title", "\ud800"))
    assert "lone surrogate" in surrogate.message
    (huge,) = validate_request(changed("title", 10**5000))
    assert "an integer of about 5,001 digits (more than the 4,300 json.dumps can write)" in huge.message
    (unordered,) = validate_request(changed("video_inputs", set()))
    assert (
        "must be JSON (object, array, string, number, boolean or null), got a Python set (not JSON)"
        == unordered.message
    )


def test_a_huge_unknown_key_is_clipped_in_the_message_and_the_path() -> None:
    key = "k" * 5_000_000
    (violation,) = validate_request({**valid_payload(), key: 1})
    assert ("unknown-field", True, True) == (
        violation.rule,
        len(violation.message) < 1000,
        len(violation.path) <= CLIP + 30,
    )
    assert "5,000,000 characters" in violation.path


def test_huge_strings_are_clipped_in_messages() -> None:
    (violation,) = validate_request(scene_with(background={"type": "color", "value": "#" * 1_000_000}))
    assert "pattern" == violation.rule
    assert len(violation.message) < 300


def test_past_max_items_only_the_first_items_are_checked_and_the_message_says_so() -> None:
    bad_scene = {"character": {"type": "avatar"}}  # no avatar_id, no voice
    payload = {"video_inputs": [bad_scene] * 1_000_000}
    violations = validate_request(payload)
    assert ("video_inputs", "maxItems") == (violations[0].path, violations[0].rule)
    assert "got 1,000,000; only the first 50 were checked" in violations[0].message
    assert {f"video_inputs.{index}.character.avatar_id" for index in range(50)} == {
        v.path for v in violations if v.rule == "required" and v.path.endswith("avatar_id")
    }
    assert 1 + 50 == len(violations)


def test_any_value_under_a_schema_that_allows_anything_must_still_be_json() -> None:
    check = _Compiler({}).compile({"type": "object", "properties": {"meta": {}}}, where="tiny")
    assert check({"meta": {"a": [1, "x", None, 2.5]}}) is None
    cases = {
        "surrogate": ({"meta": {"a": "\ud800"}}, "meta.a", "json"),
        "set": ({"meta": [{1, 2}]}, "meta.0", "type"),
        "huge int": ({"meta": [10**5000]}, "meta.0", "json"),
        "NaN": ({"meta": {"x": float("nan")}}, "meta.x", "json"),
        "int key": ({"meta": {1: 2}}, "meta.1", "json"),
        "deep": ({"meta": nested(1000)}, "meta" + ".0" * MAX_DEPTH, "depth"),
    }
    for name, (value, path, rule) in cases.items():
        errors = check(value) or []
        assert [(path, rule)] == [(e.violation().path, e.violation().rule) for e in errors], name
    looped: dict[str, Any] = {}
    looped["again"] = looped
    errors = check({"meta": looped}) or []
    assert ["depth"] == [error.rule for error in errors]


def test_open_objects_check_the_keys_and_values_they_do_not_name() -> None:
    check = _Compiler({}).compile({"type": "object"}, where="tiny")
    assert check({"any": {"thing": [1]}}) is None
    assert ["json"] == [e.rule for e in check({"\udfff": 1}) or []]
    assert ["json"] == [e.rule for e in check({(1, 2): 1}) or []]
    assert ["json"] == [e.rule for e in check({"x": "\udfff"}) or []]


def test_a_recursive_schema_and_a_deep_payload_give_a_violation_not_recursion_error() -> None:
    schemas = {"Node": {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Node"}}}}
    check = _Compiler(schemas).compile_named("Node")
    node: dict[str, Any] = {}
    deep = node
    for _ in range(5000):
        deep["child"] = {}
        deep = deep["child"]
    from heygen_studio._validation import _Operation

    operation = _Operation("tiny", schemas, {"$ref": "#/components/schemas/Node"})
    assert check({"child": {"child": {}}}) is None
    assert ["depth"] == [error.rule for error in operation.errors(node) or []]


def test_mock_heygen_and_the_client_agree_on_a_lone_surrogate() -> None:
    body = json.dumps(changed("title", "\ud800")).encode()  # JSON's \ud800 escape: valid JSON, a lone surrogate
    with MockHeyGen() as server:
        answer = httpx.post(
            f"{server.base_url}/v2/video/generate",
            content=body,
            headers={"x-api-key": server.api_key, "content-type": "application/json"},
        )
    assert 400 == answer.status_code
    assert "title" in answer.text


def test_the_cli_reports_a_lone_surrogate_as_a_violation(tmp_path: Path) -> None:
    write(tmp_path, "odd.json", json.dumps(changed("title", "\ud800")))  # the file holds the \ud800 escape
    result = run("validate", "odd.json", cwd=tmp_path)
    assert (1, True) == (result.returncode, "title" in result.stdout + result.stderr)


def test_the_fast_path_and_the_checkers_agree_on_every_odd_input() -> None:
    from heygen_studio._validation import DEFAULT_OPERATION, _operation

    operation = _operation(DEFAULT_OPERATION)
    assert operation.gate is not None
    for name, payload, _ in ODD:
        try:
            said = operation.gate(payload)
        except Exception:
            said = False
        assert (False, True) == (said, bool(operation.errors(payload))), name
