"""The change kinds the spec diff reports, with their levels under each profile.

Ids are oasdiff's (checker/rules.go on its main branch) wherever oasdiff has a
rule for the change; ids oasdiff lacks are invented in the same style and are
marked ``ours`` below.  The ``wire`` level is oasdiff's default level; the
``client`` level rates the effect on code that calls the generated client:

* a removed request property or parameter removes an ``__init__`` argument, so
  every caller passing it gets a TypeError;
* a removed response property removes an attribute callers read;
* an operationId or first-tag change renames or moves the endpoint module;
* a component rename, or an inline <-> ``$ref`` refactor that changes the
  derived name, renames a generated class;
* a new value in a closed response enum, or a new response union variant, makes
  the generated ``from_dict`` raise on a response it used to parse;
* a changed request default silently changes what an omitted field means.

Response range constraints are not checked by the generated models, so the
client profile rates their loosening INFO where oasdiff says ERR.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Level = Literal["ERR", "WARN", "INFO"]
Profile = Literal["client", "wire"]
Direction = Literal["request", "response", "none"]

LEVELS: Final[tuple[Level, ...]] = ("ERR", "WARN", "INFO")
PROFILES: Final[tuple[Profile, ...]] = ("client", "wire")
RANK: Final[dict[str, int]] = {"ERR": 0, "WARN": 1, "INFO": 2}


@dataclass(frozen=True)
class Rule:
    """One change kind: its level under each profile and whether oasdiff defines it."""

    wire: Level
    client: Level
    ours: bool = False


def _r(wire: Level, client: Level | None = None, *, ours: bool = False) -> Rule:
    return Rule(wire=wire, client=wire if client is None else client, ours=ours)


RULES: Final[dict[str, Rule]] = {
    # --- paths and operations -------------------------------------------------
    "endpoint-added": _r("INFO"),
    "endpoint-deprecated": _r("INFO"),
    "endpoint-reactivated": _r("INFO"),
    "api-path-removed-without-deprecation": _r("ERR"),
    "api-path-removed-with-deprecation": _r("INFO", "ERR"),
    "api-removed-without-deprecation": _r("ERR"),
    "api-removed-with-deprecation": _r("INFO", "ERR"),
    "api-operation-id-removed": _r("INFO", "ERR"),
    "api-operation-id-added": _r("INFO", "ERR"),
    "api-tag-removed": _r("INFO", "ERR"),
    "api-tag-added": _r("INFO"),
    # --- components -------------------------------------------------------------
    "api-schema-removed": _r("INFO", "ERR"),
    "api-schema-renamed": _r("INFO", "ERR", ours=True),
    "api-schema-extracted": _r("INFO", "ERR", ours=True),
    "api-schema-inlined": _r("INFO", "ERR", ours=True),
    # --- request body -------------------------------------------------------------
    "added-required-request-body": _r("ERR"),
    "added-optional-request-body": _r("INFO"),
    "request-body-removed": _r("ERR"),
    "request-body-became-required": _r("ERR"),
    "request-body-became-optional": _r("INFO"),
    "request-body-media-type-added": _r("INFO"),
    "request-body-media-type-removed": _r("ERR"),
    "request-body-wrapped-in-one-of": _r("ERR"),
    # --- request parameters ---------------------------------------------------------
    "new-required-request-parameter": _r("ERR"),
    "new-optional-request-parameter": _r("INFO"),
    "request-parameter-removed": _r("WARN", "ERR"),
    "request-parameter-became-required": _r("ERR"),
    "request-parameter-became-optional": _r("INFO"),
    # --- request properties -----------------------------------------------------------
    "new-required-request-property": _r("ERR"),
    "new-required-request-property-with-default": _r("ERR"),
    "new-optional-request-property": _r("INFO"),
    "request-property-removed": _r("WARN", "ERR"),
    "request-property-became-required": _r("ERR"),
    "request-property-became-optional": _r("INFO"),
    # --- responses ---------------------------------------------------------------------
    "response-success-status-added": _r("INFO", "WARN"),
    "response-success-status-removed": _r("ERR"),
    "response-non-success-status-added": _r("INFO"),
    "response-non-success-status-removed": _r("INFO"),
    "response-media-type-added": _r("INFO"),
    "response-media-type-removed": _r("ERR"),
    "response-body-wrapped-in-one-of": _r("ERR"),
    "response-required-property-added": _r("INFO"),
    "response-optional-property-added": _r("INFO"),
    "response-required-property-removed": _r("ERR"),
    "response-optional-property-removed": _r("WARN", "ERR"),
    "response-property-became-optional": _r("ERR"),
    "response-property-became-required": _r("INFO"),
    # --- documentation (only with --include-docs) -------------------------------------
    "api-documentation-changed": _r("INFO", ours=True),
}


def _schema_rules() -> dict[str, Rule]:
    """Rules checked on every schema, for body, property and parameter scopes.

    oasdiff spells them ``{direction}-{scope}-{kind}``; the levels for one kind
    are the same across scopes except where oasdiff says otherwise (defaults).
    """
    request: dict[str, Rule] = {
        "type-changed": _r("ERR"),
        "type-generalized": _r("INFO"),
        "became-nullable": _r("INFO"),
        "became-not-nullable": _r("ERR"),
        "enum-value-added": _r("INFO"),
        "enum-value-removed": _r("ERR"),
        "became-enum": _r("ERR"),
        "became-not-enum": _r("INFO", ours=True),
        "default-value-added": _r("INFO"),
        "default-value-removed": _r("INFO", "WARN"),
        "default-value-changed": _r("INFO", "WARN"),
        "max-decreased": _r("ERR"),
        "max-increased": _r("INFO"),
        "max-set": _r("WARN"),
        "min-increased": _r("ERR"),
        "min-decreased": _r("INFO"),
        "min-set": _r("WARN"),
        "max-length-decreased": _r("ERR"),
        "max-length-increased": _r("INFO"),
        "max-length-set": _r("WARN"),
        "min-length-increased": _r("ERR"),
        "min-length-decreased": _r("INFO"),
        "min-items-increased": _r("ERR"),
        "min-items-set": _r("WARN"),
        "max-items-decreased": _r("ERR", ours=True),
        "pattern-added": _r("ERR"),
        "pattern-changed": _r("WARN"),
        "pattern-removed": _r("INFO"),
        "one-of-added": _r("INFO"),
        "one-of-removed": _r("ERR"),
        "any-of-added": _r("INFO"),
        "any-of-removed": _r("ERR"),
    }
    response: dict[str, Rule] = {
        "type-changed": _r("ERR"),
        "type-generalized": _r("ERR"),
        "became-nullable": _r("ERR"),
        "became-not-nullable": _r("INFO"),
        "enum-value-added": _r("WARN", "ERR"),
        "enum-value-removed": _r("INFO"),
        "became-enum": _r("INFO", ours=True),
        "became-not-enum": _r("INFO", "ERR", ours=True),
        "default-value-added": _r("INFO"),
        "default-value-removed": _r("INFO"),
        "default-value-changed": _r("INFO"),
        "max-increased": _r("ERR", "INFO"),
        "min-decreased": _r("ERR", "INFO"),
        "max-length-increased": _r("ERR", "INFO"),
        "max-length-unset": _r("ERR", "INFO"),
        "min-length-decreased": _r("ERR", "INFO"),
        "min-items-decreased": _r("ERR", "INFO"),
        "min-items-unset": _r("ERR", "INFO"),
        "pattern-added": _r("INFO"),
        "pattern-changed": _r("INFO"),
        "pattern-removed": _r("INFO"),
        "one-of-added": _r("ERR"),
        "one-of-removed": _r("INFO"),
        "any-of-added": _r("INFO", "ERR"),
        "any-of-removed": _r("INFO"),
    }
    rules: dict[str, Rule] = {}
    for kind, rule in request.items():
        for scope in ("body", "property", "parameter"):
            rules[f"request-{scope}-{kind}"] = rule
    # oasdiff rates every request *parameter* default change ERR (a changed default is a changed request).
    for kind in ("default-value-added", "default-value-removed", "default-value-changed"):
        rules[f"request-parameter-{kind}"] = _r("ERR", "WARN")
    for kind, rule in response.items():
        for scope in ("body", "property"):
            rules[f"response-{scope}-{kind}"] = rule
    return rules


RULES.update(_schema_rules())


def level_of(rule_id: str, profile: Profile, *, client_level: Level | None = None) -> Level:
    """The level of ``rule_id`` under ``profile``; ``client_level`` overrides the client level.

    The override exists for changes whose effect on the generated code depends
    on context, e.g. a format change that does or does not change the Python type.
    """
    rule = RULES[rule_id]
    if profile == "wire":
        return rule.wire
    return client_level if client_level is not None else rule.client


def at_or_above(level: str, threshold: str) -> bool:
    """True when ``level`` is as severe as ``threshold`` or more (ERR > WARN > INFO)."""
    return RANK[level] <= RANK[threshold]
