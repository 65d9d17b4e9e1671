"""The fast path: identical documents and subtrees are not walked, and never hide a change."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from codegen.diff import diff_documents
from codegen.diff.compare import Comparer
from codegen.diff.fastpath import Clean


def spec() -> dict[str, Any]:
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Outer"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {"post": {"requestBody": body, "responses": {"200": {"description": "ok"}}}},
            "/b": {"get": {"responses": {"200": {"description": "ok"}}}},
        },
        "components": {
            "schemas": {
                "Outer": {"type": "object", "properties": {"inner": {"$ref": "#/components/schemas/Inner"}}},
                "Inner": {"type": "object", "properties": {"n": {"type": "integer", "default": 1}}},
                "Alone": {"type": "string"},
            }
        },
    }


def test_identical_documents_are_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    walked: list[str] = []
    monkeypatch.setattr(Comparer, "schema", lambda self, ctx, b, r: walked.append(ctx.operation))
    assert () == diff_documents(spec(), copy.deepcopy(spec())).changes
    assert [] == walked


def test_unchanged_path_items_are_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    revision = spec()
    revision["paths"]["/b"]["get"]["responses"]["404"] = {"description": "gone"}
    walked: list[str] = []
    monkeypatch.setattr(Comparer, "schema", lambda self, ctx, b, r: walked.append(ctx.operation))
    changes = diff_documents(spec(), revision).changes
    assert [("response-non-success-status-added", "GET /b")] == [(c.id, c.operation) for c in changes]
    assert [] == walked  # POST /a is the same text and refers only to unchanged components


def test_a_change_two_references_away_is_still_found() -> None:
    revision = spec()
    revision["components"]["schemas"]["Inner"]["properties"]["n"]["default"] = 2
    changes = diff_documents(spec(), revision).changes
    expected = [("request-property-default-value-changed", "POST /a", "/components/schemas/Inner/properties/n")]
    assert expected == [(c.id, c.operation, c.path) for c in changes]


def test_same_means_same_text_and_clean_references() -> None:
    base, revision = spec(), spec()
    revision["components"]["schemas"]["Inner"]["properties"]["n"]["default"] = 2
    clean = Clean(base, revision)
    assert not clean.identical
    outer = {"$ref": "#/components/schemas/Outer"}
    assert not clean.same(outer, copy.deepcopy(outer))  # Outer refers to the changed Inner
    alone = {"$ref": "#/components/schemas/Alone"}
    assert clean.same(alone, copy.deepcopy(alone))
    assert not clean.same({"default": 1}, {"default": True})  # 1 == True in Python, not in JSON
    assert not clean.same({"$ref": "#/paths/~1a"}, {"$ref": "#/paths/~1a"})  # not a component: could be anything


def test_reordered_keys_fall_back_to_the_walk_and_find_nothing() -> None:
    revision = spec()
    revision["components"]["schemas"]["Inner"] = dict(
        reversed(list(revision["components"]["schemas"]["Inner"].items()))
    )
    assert () == diff_documents(spec(), revision).changes
