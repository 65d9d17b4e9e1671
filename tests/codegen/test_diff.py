"""One fixture pair per change kind: the id and level under both profiles, and nothing else.

Fixtures that carry an ``expect`` list state each change's id, its level under
both profiles (``null``: not reported under that profile) and its location;
``today`` fixes the date the deprecation rules measure notice from, and
``policy`` the days of notice they require (oasdiff's 0 and 0 when absent).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.diff import Policy, diff_documents
from codegen.diff.rules import RULES, Profile

FIXTURES = Path(__file__).parent / "diff_fixtures"

# fixture -> the (id, wire level, client level) of every change it must produce
CASES: dict[str, set[tuple[str, str, str]]] = {
    "request-property-enum-value-removed": {("request-property-enum-value-removed", "ERR", "ERR")},
    "request-property-enum-value-added": {("request-property-enum-value-added", "INFO", "INFO")},
    "new-optional-request-property": {("new-optional-request-property", "INFO", "INFO")},
    "request-property-became-required": {("request-property-became-required", "ERR", "ERR")},
    "request-property-became-optional": {("request-property-became-optional", "INFO", "INFO")},
    "request-property-removed": {("request-property-removed", "WARN", "ERR")},
    "request-property-type-changed": {("request-property-type-changed", "ERR", "ERR")},
    "request-property-default-value-changed": {("request-property-default-value-changed", "INFO", "WARN")},
    "request-body-became-required": {("request-body-became-required", "ERR", "ERR")},
    "response-optional-property-removed": {("response-optional-property-removed", "INFO", "ERR")},
    "response-required-property-removed": {("response-required-property-removed", "ERR", "ERR")},
    "response-property-enum-value-added": {("response-property-enum-value-added", "WARN", "ERR")},
    "response-property-became-nullable": {("response-property-became-nullable", "ERR", "ERR")},
    "response-property-one-of-added": {("response-property-one-of-added", "ERR", "ERR")},
    "api-operation-id-removed": {("api-operation-id-removed", "INFO", "ERR")},
    "api-tag-renamed": {("api-tag-removed", "INFO", "ERR"), ("api-tag-added", "INFO", "ERR")},
    "api-path-removed-without-deprecation": {("api-path-removed-without-deprecation", "ERR", "ERR")},
    "api-schema-renamed": {("api-schema-renamed", "INFO", "ERR")},
    "api-schema-inlined": {("api-schema-inlined", "INFO", "ERR")},
    "no-change-moved-to-components": set(),
    "no-change-version-bump": set(),
}


def load_pair(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    pair = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text(encoding="utf-8"))
    return pair["base"], pair["revision"]


def _fixture(path: Path) -> dict[str, Any]:
    # libyaml's loader where PyYAML has it: collection reads every fixture, in every xdist worker.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # type: ignore[no-any-return]


STATED = sorted(path.stem for path in FIXTURES.glob("*.yaml") if "expect" in _fixture(path))


def test_every_fixture_has_a_case() -> None:
    expected = sorted(CASES)
    actual = sorted(path.stem for path in FIXTURES.glob("*.yaml") if path.stem not in STATED)
    assert expected == actual


@pytest.mark.parametrize("name", STATED)
def test_fixture_ids_levels_and_locations(name: str) -> None:
    fixture = _fixture(FIXTURES / f"{name}.yaml")
    today = fixture.get("today", dt.date(2026, 1, 1))
    policy = Policy(today=today, **fixture.get("policy", {}))
    for profile in ("wire", "client"):
        report = diff_documents(fixture["base"], fixture["revision"], profile=profile, policy=policy)
        expected = sorted(
            (entry["id"], entry[profile], entry["path"]) for entry in fixture["expect"] if entry[profile] is not None
        )
        assert expected == sorted((c.id, c.level, c.path) for c in report.changes), profile


@pytest.mark.parametrize("name", STATED)
def test_fixture_levels_are_the_registry_levels(name: str) -> None:
    for entry in _fixture(FIXTURES / f"{name}.yaml")["expect"]:
        rule = RULES[entry["id"]]
        assert entry["wire"] in (None, rule.wire)


@pytest.mark.parametrize("name", sorted(CASES))
def test_change_kind_id_and_levels(name: str) -> None:
    base, revision = load_pair(name)
    levels: dict[Profile, set[tuple[str, str]]] = {}
    for profile in ("wire", "client"):
        report = diff_documents(base, revision, profile=profile)
        levels[profile] = {(change.id, change.level) for change in report.changes}
    expected = CASES[name]
    assert {(rule, wire) for rule, wire, _ in expected} == levels["wire"]
    assert {(rule, client) for rule, _, client in expected} == levels["client"]


def test_removals_point_into_base_and_additions_into_revision() -> None:
    base, revision = load_pair("request-property-removed")
    (removed,) = diff_documents(base, revision).changes
    assert "/components/schemas/CreateVideoRequest/properties/folder_id" == removed.path
    assert ("CreateVideoRequest", "folder_id") == (removed.owner, removed.attribute)
    base, revision = load_pair("request-property-enum-value-added")
    (added,) = diff_documents(base, revision).changes
    assert "/components/schemas/TextVoice/properties/emotion" == added.path
    assert "POST /v2/video/generate" == added.operation
    assert "request" == added.direction
    assert ("TextVoice", "emotion", '"Whispering"') == (added.owner, added.attribute, added.detail("value"))


@pytest.mark.parametrize(
    ("name", "outcome"),
    [
        ("no-change-version-bump", "version bumped, no API changes"),
        ("request-property-removed", "API changed but info.version did not"),
    ],
)
def test_stated_outcomes(name: str, outcome: str) -> None:
    base, revision = load_pair(name)
    assert outcome == diff_documents(base, revision).outcome.text


def test_breaking_change_without_major_bump_is_stated() -> None:
    base, revision = load_pair("request-property-removed")
    revision["info"]["version"] = "1.1.0"
    assert "breaking change without a major version bump" == diff_documents(base, revision).outcome.text
    revision["info"]["version"] = "2.0.0"
    assert "breaking change with a major version bump" == diff_documents(base, revision).outcome.text


def test_include_docs_reports_descriptions_and_extensions() -> None:
    base, revision = load_pair("no-change-version-bump")
    report = diff_documents(base, revision, include_docs=True)
    expected = [("api-documentation-changed", "description"), ("api-documentation-changed", "x-internal")]
    assert expected == sorted((c.id, c.detail("field")) for c in report.changes)


def test_fingerprint_ignores_text_and_level() -> None:
    base, revision = load_pair("request-property-removed")
    wire = diff_documents(base, revision, profile="wire").changes[0]
    client = diff_documents(base, revision, profile="client").changes[0]
    assert wire.fingerprint == client.fingerprint
    assert ("WARN", "ERR") == (wire.level, client.level)


def test_recursive_schema_and_dangling_refs_do_not_crash() -> None:
    node = {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Node"}, "n": {"type": "string"}}}
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}
    disc = {
        "oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}}],
        "discriminator": {"propertyName": "type", "mapping": {"a": "#/components/schemas/Missing"}},
    }
    base = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"post": {"requestBody": body, "responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": {"Node": node, "Union": disc, "Bad": {"$ref": "#/components/schemas/Nowhere"}}},
    }
    revision = yaml.safe_load(yaml.safe_dump(base))
    revision["components"]["schemas"]["Node"]["properties"]["n"]["nullable"] = True
    changes = diff_documents(base, revision).changes
    assert [("request-property-became-nullable", "/components/schemas/Node/properties/n")] == [
        (c.id, c.path) for c in changes
    ]


def test_default_change_reads_as_json_in_text_details_and_changelog() -> None:
    from codegen.changelog import describe

    base, revision = load_pair("request-property-default-value-changed")
    (change,) = diff_documents(base, revision).changes
    assert "The default of request property `caption` (CreateVideoRequest.caption) changed from `false` to `true`." == (
        change.text
    )
    assert ("false", "true") == (change.detail("from"), change.detail("to"))
    expected = ("Changed", "The server default of `CreateVideoRequest.caption` changed from `false` to `true`")
    assert expected == describe(change)


def test_ids_oasdiff_renamed_or_never_had_are_gone() -> None:
    gone = {
        "added-required-request-body",
        "added-optional-request-body",
        "request-body-pattern-added",
        "request-body-pattern-changed",
        "request-parameter-one-of-added",
        "request-parameter-one-of-removed",
        "response-body-enum-value-added",
        "response-body-enum-value-removed",
        "request-property-max-items-decreased-ours",
    }
    assert set() == gone & RULES.keys()
    assert {"request-body-added-required", "request-body-added-optional"} <= RULES.keys()


def test_every_client_level_that_differs_states_why() -> None:
    from codegen.diff.rules import WHY

    assert [] == [rule_id for rule_id, rule in RULES.items() if rule.client != rule.wire and rule.why not in WHY]
