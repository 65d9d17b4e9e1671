"""The ``x-heygen-rules`` kinds added for v3, on one tiny schema: the checkers, their messages, and the mirrors.

Each case is checked three ways that must agree: the compiled Python checkers
(the verdict, with HeyGen-style paths and messages), ``jsonschema`` on the
standard form from ``_standard_schema`` (the independent oracle), and the
jsonschema-rs gate from ``_schema_gate``, which must never say "valid" where
the checkers reject.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from jsonschema import Draft202012Validator

from heygen_studio._checks import SchemaCompileError
from heygen_studio._schema_compile import _Compiler
from heygen_studio._schema_gate import gate
from heygen_studio._standard_schema import standard_schema

STRING = {"type": "string"}
OBJECT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "script": STRING,
        "voice_id": STRING,
        "audio_url": STRING,
        "audio_asset_id": STRING,
        "type": {"type": "string", "enum": ["color", "image"]},
        "value": STRING,
        "url": STRING,
        "asset_id": STRING,
        "expressiveness": STRING,
        "engine": {"type": "object", "properties": {"type": STRING}, "additionalProperties": False},
        "auto_duration": {"type": "boolean"},
        "duration": {"type": "number"},
    },
    "additionalProperties": False,
}

REQUIRES = {"rule": "requires", "property": "script", "requires": ["voice_id"]}
AT_MOST = {"rule": "at-most-one-of", "properties": ["script", "audio_url"]}
AT_MOST_3 = {"rule": "at-most-one-of", "properties": ["script", "audio_url", "audio_asset_id"]}
REQUIRED_WHEN = {"rule": "required-when", "properties": ["value"], "when": {"type": "color"}}
ONE_WHEN = {"rule": "exactly-one-of", "properties": ["url", "asset_id"], "when": {"type": "image"}}
ABSENT_ON_V = {"rule": "absent-when", "properties": ["expressiveness"], "when": {"engine.type": "avatar_v"}}
ABSENT_ON_V_III = {
    "rule": "absent-when",
    "properties": ["expressiveness", "script"],
    "when": {"engine.type": ["avatar_v", "avatar_iii"]},
}
ABSENT_ON_AUTO = {"rule": "absent-when", "properties": ["duration"], "when": {"auto_duration": True}}

# rule, value, [(path, rule, message)]; [] means valid
CASES: list[tuple[str, dict[str, Any], dict[str, Any], list[tuple[str, str, str]]]] = [
    ("requires: both", REQUIRES, {"script": "hi", "voice_id": "v"}, []),
    ("requires: neither", REQUIRES, {}, []),
    ("requires: only the other", REQUIRES, {"voice_id": "v"}, []),
    (
        "requires: missing",
        REQUIRES,
        {"script": "hi"},
        [("voice_id", "requires", "`voice_id` is required when `script` is given (requires)")],
    ),
    ("at-most-one-of: one", AT_MOST, {"audio_url": "https://a"}, []),
    ("at-most-one-of: none", AT_MOST, {}, []),
    (
        "at-most-one-of: both",
        AT_MOST,
        {"script": "hi", "audio_url": "https://a"},
        [("", "at-most-one-of", "at most one of `script` and `audio_url` may be given (at-most-one-of), got both")],
    ),
    (
        "at-most-one-of: two of three",
        AT_MOST_3,
        {"audio_url": "https://a", "audio_asset_id": "x"},
        [
            (
                "",
                "at-most-one-of",
                "at most one of `script`, `audio_url`, `audio_asset_id` may be given (at-most-one-of),"
                " got `audio_url`, `audio_asset_id`",
            )
        ],
    ),
    ("required-when: given", REQUIRED_WHEN, {"type": "color", "value": "#000000"}, []),
    ("required-when: other type", REQUIRED_WHEN, {"type": "image"}, []),
    ("required-when: no type", REQUIRED_WHEN, {}, []),
    (
        "required-when: missing",
        REQUIRED_WHEN,
        {"type": "color"},
        [("value", "required-when", '`value` is required when `type` is "color" (required-when)')],
    ),
    ("exactly-one-of when: one", ONE_WHEN, {"type": "image", "asset_id": "a"}, []),
    ("exactly-one-of when: condition false", ONE_WHEN, {"type": "color"}, []),
    ("exactly-one-of when: both, condition false", ONE_WHEN, {"type": "color", "url": "u", "asset_id": "a"}, []),
    (
        "exactly-one-of when: neither",
        ONE_WHEN,
        {"type": "image"},
        [
            (
                "",
                "exactly-one-of",
                'exactly one of `url` and `asset_id` must be given when `type` is "image" (exactly-one-of),'
                " got neither",
            )
        ],
    ),
    (
        "exactly-one-of when: both",
        ONE_WHEN,
        {"type": "image", "url": "u", "asset_id": "a"},
        [
            (
                "",
                "exactly-one-of",
                'exactly one of `url` and `asset_id` must be given when `type` is "image" (exactly-one-of), got both',
            )
        ],
    ),
    ("absent-when: other engine", ABSENT_ON_V, {"engine": {"type": "avatar_iv"}, "expressiveness": "low"}, []),
    ("absent-when: no engine", ABSENT_ON_V, {"expressiveness": "low"}, []),
    ("absent-when: engine without type", ABSENT_ON_V, {"engine": {}, "expressiveness": "low"}, []),
    ("absent-when: absent", ABSENT_ON_V, {"engine": {"type": "avatar_v"}}, []),
    (
        "absent-when: dotted path",
        ABSENT_ON_V,
        {"engine": {"type": "avatar_v"}, "expressiveness": "low"},
        [("expressiveness", "absent-when", 'not allowed when `engine.type` is "avatar_v" (absent-when)')],
    ),
    (
        "absent-when: one of several values, each present property",
        ABSENT_ON_V_III,
        {"engine": {"type": "avatar_iii"}, "expressiveness": "low", "script": "hi"},
        [
            (
                "expressiveness",
                "absent-when",
                'not allowed when `engine.type` is "avatar_v" or "avatar_iii" (absent-when)',
            ),
            ("script", "absent-when", 'not allowed when `engine.type` is "avatar_v" or "avatar_iii" (absent-when)'),
        ],
    ),
    ("absent-when: several values, none", ABSENT_ON_V_III, {"engine": {"type": "avatar_iv"}, "script": "hi"}, []),
    ("absent-when: boolean false", ABSENT_ON_AUTO, {"auto_duration": False, "duration": 8}, []),
    (
        "absent-when: boolean true",
        ABSENT_ON_AUTO,
        {"auto_duration": True, "duration": 8},
        [("duration", "absent-when", "not allowed when `auto_duration` is true (absent-when)")],
    ),
]


def _schema(rule: dict[str, Any]) -> dict[str, Any]:
    return {**OBJECT, "x-heygen-rules": [rule]}


def _found(schema: dict[str, Any], value: Any) -> list[tuple[str, str, str]]:
    check = _Compiler({}).compile(schema, where="tiny")
    return [(v.path, v.rule, v.message) for v in (error.violation() for error in check(value) or [])]


@pytest.mark.parametrize(("name", "rule", "value", "expected"), CASES, ids=[case[0] for case in CASES])
def test_each_new_rule_kind(name: str, rule: dict[str, Any], value: dict[str, Any], expected: Any) -> None:
    assert expected == _found(_schema(rule), value)


@pytest.mark.parametrize(("name", "rule", "value", "expected"), CASES, ids=[case[0] for case in CASES])
def test_the_standard_form_and_the_gate_agree_with_the_checkers(
    name: str, rule: dict[str, Any], value: dict[str, Any], expected: Any
) -> None:
    schema = _schema(rule)
    fast = gate({}, schema)
    assert fast is not None  # a closed object of typed fields: the gate is built, so it is what is tested here
    oracle = Draft202012Validator(standard_schema({}, schema))
    assert (not expected, not expected) == (oracle.is_valid(value), fast(value))


@attrs.define
class _Engine:
    type: str


def test_a_dotted_path_reads_through_a_model() -> None:
    value = {"engine": _Engine(type="avatar_v"), "expressiveness": "low"}
    assert [("expressiveness", "absent-when")] == [
        (path, rule) for path, rule, _ in _found(_schema(ABSENT_ON_V), value)
    ]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({**ABSENT_ON_V, "when": {"engin.type": "avatar_v"}}, "absent-when names unknown property 'engin'"),
        ({**REQUIRES, "requires": ["voice"]}, "requires names unknown property 'voice'"),
        ({**AT_MOST, "properties": ["script", "audio"]}, "at-most-one-of names unknown property 'audio'"),
        ({**REQUIRED_WHEN, "when": {"kind": "color"}}, "required-when names unknown property 'kind'"),
        (
            {"rule": "only-when", "properties": ["expressiveness"], "when": {"engine.type": "avatar_v"}},
            "only-when takes a `when` of own properties and single values",
        ),
        (
            {"rule": "enum-when", "property": "value", "when": {"type": ["color", "image"]}, "enum": ["#000000"]},
            "enum-when takes a `when` of own properties and single values",
        ),
    ],
)
def test_a_rule_the_layer_cannot_honour_is_refused(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(SchemaCompileError, match=message):
        _Compiler({}).compile(_schema(rule), where="tiny")


def test_an_unknown_kind_is_refused_by_the_standard_form_too() -> None:
    # The gate is built from the standard form: an unknown kind there must stop it, never pass unchecked.
    with pytest.raises(SchemaCompileError, match="unknown x-heygen-rules kind 'at-least-two-of'"):
        standard_schema({}, _schema({"rule": "at-least-two-of", "properties": ["script", "audio_url"]}))
