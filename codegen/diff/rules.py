"""The change kinds the spec diff reports, with their levels under each profile.

Ids and ``wire`` levels are oasdiff's (``checker/rules.go`` on its main branch,
read in December 2026); ids oasdiff lacks are invented in the same style and
marked ``ours``.  The ``client`` level rates the effect on code that calls the
generated client; where it differs from the wire level the rule carries the
reason (``Rule.why``), one of ``WHY`` below.

Schema rules are spelled ``{direction}-{scope}-{kind}`` as oasdiff spells them;
the scopes are ``body``, ``property``, ``parameter`` (a parameter's own schema)
and ``parameter-property`` (a property inside an object-valued parameter).  A
kind exists only at the scopes oasdiff defines it for: where oasdiff has no
rule (``request-body-pattern-*``, ``response-body-enum-value-added``...), the
diff reports nothing, as oasdiff does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, cast

Level = Literal["ERR", "WARN", "INFO"]
Profile = Literal["client", "wire"]
Direction = Literal["request", "response", "none"]

LEVELS: Final[tuple[Level, ...]] = ("ERR", "WARN", "INFO")
PROFILES: Final[tuple[Profile, ...]] = ("client", "wire")
RANK: Final[dict[str, int]] = {"ERR": 0, "WARN": 1, "INFO": 2}

#: Why the client profile rates a rule differently from oasdiff.
WHY: Final[dict[str, str]] = {
    "argument": "the generated method or model loses an argument, so every caller passing it gets a TypeError",
    "attribute": "the generated model loses an attribute that callers read",
    "module": "the generated endpoint function is renamed or moves to another module",
    "class": "a generated class is renamed or removed, so imports of it break",
    "closed": "the generated model is a closed Literal/enum, so its from_dict raises on a value it did not list",
    "default": "an omitted field silently means something else",
    "unchecked": "the generated models do not check this constraint on responses, so nothing breaks in Python",
    "status": "the generated client parses only the statuses it was generated for; a new success status is unparsed",
    "tag": "a request that sends the removed discriminator tag is refused; the generated union loses that arm",
    "headers": "the generated client does not model headers; they are read from response.headers by name",
    "webhooks": "openapi-python-client generates nothing for webhooks",
    "write-only": "the client never received a write-only property in a response",
    "policy": "a breach of the deprecation policy, which generated code does not feel until the endpoint goes",
}


@dataclass(frozen=True)
class Rule:
    """One change kind: its level under each profile, whether oasdiff defines it, and why the client differs."""

    wire: Level
    client: Level
    ours: bool = False
    why: str = ""


def _r(wire: str, client: str | None = None, *, ours: bool = False, why: str = "") -> Rule:
    if client is not None and client != wire and why not in WHY:
        raise AssertionError(f"client level {client} differs from {wire} without a reason")
    return Rule(wire=cast(Level, wire), client=cast(Level, client or wire), ours=ours, why=why)


RULES: Final[dict[str, Rule]] = {
    # --- paths and operations -------------------------------------------------------------
    "endpoint-added": _r("INFO"),
    "endpoint-deprecated": _r("INFO"),
    "endpoint-deprecated-with-sunset": _r("INFO"),
    "endpoint-reactivated": _r("INFO"),
    "api-path-removed-without-deprecation": _r("ERR"),
    "api-path-removed-with-deprecation": _r("INFO", "ERR", why="module"),
    "api-path-removed-before-sunset": _r("ERR"),
    "api-path-sunset-parse": _r("ERR", "INFO", why="policy"),
    "api-removed-without-deprecation": _r("ERR"),
    "api-removed-with-deprecation": _r("INFO", "ERR", why="module"),
    "api-removed-before-sunset": _r("ERR"),
    "api-deprecated-sunset-parse": _r("ERR", "INFO", why="policy"),
    "api-deprecated-sunset-missing": _r("ERR", "INFO", why="policy"),
    "api-sunset-date-too-small": _r("ERR", "INFO", why="policy"),
    "api-invalid-stability-level": _r("ERR", "INFO", why="policy"),
    "sunset-deleted": _r("ERR", "INFO", why="policy"),
    "api-sunset-date-changed-too-small": _r("ERR", "INFO", why="policy"),
    "api-stability-decreased": _r("ERR", "INFO", why="policy"),
    "api-stability-increased": _r("INFO"),
    "api-operation-id-removed": _r("INFO", "ERR", why="module"),
    "api-operation-id-added": _r("INFO", "ERR", why="module"),
    "api-tag-removed": _r("INFO", "ERR", why="module"),
    "api-tag-added": _r("INFO"),
    # --- security -------------------------------------------------------------------------
    "api-security-removed": _r("ERR"),
    "api-security-added": _r("INFO"),
    "api-security-scope-added": _r("ERR"),
    "api-security-scope-removed": _r("INFO"),
    "api-global-security-removed": _r("ERR"),
    "api-global-security-added": _r("INFO"),
    "api-global-security-scope-added": _r("ERR"),
    "api-global-security-scope-removed": _r("INFO"),
    # ids from checker/check_api_security_updated.go; not in the rules.go read, so the levels are ours
    "api-security-anonymous-access-removed": _r("ERR"),
    "api-security-anonymous-access-added": _r("INFO"),
    "api-global-security-anonymous-access-removed": _r("ERR"),
    "api-global-security-anonymous-access-added": _r("INFO"),
    # --- webhooks ---------------------------------------------------------------------------
    "webhook-added": _r("INFO"),
    "webhook-removed": _r("ERR", "INFO", why="webhooks"),
    # --- components ---------------------------------------------------------------------------
    "api-schema-removed": _r("INFO", "ERR", why="class"),
    "api-schema-renamed": _r("INFO", "ERR", ours=True, why="class"),
    "api-schema-extracted": _r("INFO", "ERR", ours=True, why="class"),
    "api-schema-inlined": _r("INFO", "ERR", ours=True, why="class"),
    # --- request body -----------------------------------------------------------------------
    "request-body-added-required": _r("ERR"),
    "request-body-added-optional": _r("INFO"),
    "request-body-removed": _r("ERR"),
    "request-body-became-required": _r("ERR"),
    "request-body-became-optional": _r("INFO"),
    "request-body-media-type-added": _r("INFO"),
    "request-body-media-type-removed": _r("ERR"),
    "request-body-media-type-schema-added": _r("ERR"),
    "request-body-media-type-schema-removed": _r("INFO"),
    "request-body-wrapped-in-one-of": _r("ERR"),
    # --- request parameters -------------------------------------------------------------------
    "new-required-request-parameter": _r("ERR"),
    "new-optional-request-parameter": _r("INFO"),
    "new-request-path-parameter": _r("ERR"),
    "request-parameter-removed": _r("WARN", "ERR", why="argument"),
    "request-parameter-removed-with-deprecation": _r("INFO", "ERR", why="argument"),
    "request-path-parameter-renamed": _r("INFO", "ERR", ours=True, why="argument"),  # client profile only
    "request-parameter-became-required": _r("ERR"),
    "request-parameter-became-optional": _r("INFO"),
    "request-parameter-deprecated": _r("INFO"),
    "request-parameter-reactivated": _r("INFO"),
    "request-parameter-removed-before-sunset": _r("ERR"),
    "request-parameter-deprecated-sunset-missing": _r("ERR", "INFO", why="policy"),
    "request-parameter-sunset-date-too-small": _r("ERR", "INFO", why="policy"),
    "request-parameter-sunset-parse": _r("ERR", "INFO", why="policy"),
    "request-parameter-sunset-deleted": _r("ERR", "INFO", why="policy"),
    "request-parameter-sunset-date-changed-too-small": _r("ERR", "INFO", why="policy"),
    # --- request properties -------------------------------------------------------------------
    "new-required-request-property": _r("ERR"),
    "new-required-request-property-with-default": _r("ERR"),
    "new-optional-request-property": _r("INFO"),
    "request-property-removed": _r("WARN", "ERR", why="argument"),
    "request-property-became-required": _r("ERR"),
    "request-property-became-required-with-default": _r("ERR"),
    "request-property-became-optional": _r("INFO"),
    # --- responses ----------------------------------------------------------------------------
    "response-success-status-added": _r("INFO", "WARN", why="status"),
    "response-success-status-removed": _r("ERR"),
    "response-non-success-status-added": _r("INFO"),
    "response-non-success-status-removed": _r("INFO"),
    "response-media-type-added": _r("INFO"),
    "response-media-type-removed": _r("ERR"),
    "response-body-media-type-schema-added": _r("INFO"),
    "response-body-media-type-schema-removed": _r("ERR"),
    "response-body-wrapped-in-one-of": _r("ERR"),
    "response-required-property-added": _r("INFO"),
    "response-optional-property-added": _r("INFO"),
    "response-required-write-only-property-added": _r("INFO"),
    "response-optional-write-only-property-added": _r("INFO"),
    "response-required-property-removed": _r("ERR"),
    "response-optional-property-removed": _r("INFO", "ERR", why="attribute"),
    "response-required-write-only-property-removed": _r("INFO"),
    "response-optional-write-only-property-removed": _r("INFO"),
    "response-property-became-optional": _r("ERR"),
    "response-write-only-property-became-optional": _r("INFO"),
    "response-property-became-required": _r("INFO"),
    "response-write-only-property-became-required": _r("INFO"),
    "response-mediatype-enum-value-removed": _r("INFO"),
    # --- response headers -----------------------------------------------------------------------
    "response-header-added": _r("INFO"),
    "required-response-header-removed": _r("ERR", "INFO", why="headers"),
    "optional-response-header-removed": _r("WARN", "INFO", why="headers"),
    "response-header-became-optional": _r("ERR", "INFO", why="headers"),
    "response-header-type-changed": _r("ERR", "INFO", why="headers"),
    "response-header-type-generalized": _r("ERR", "INFO", why="headers"),
    "response-header-type-specialized": _r("INFO"),
    "response-header-became-nullable": _r("ERR", "INFO", why="headers"),
    "response-header-became-not-nullable": _r("INFO"),
    # --- documentation (only with --include-docs) -------------------------------------------------
    "api-documentation-changed": _r("INFO", ours=True),
}

# Property deprecation, judged like an operation's (the stable policy applies).
for _direction in ("request", "response"):
    RULES[f"{_direction}-property-deprecated"] = _r("INFO")
    RULES[f"{_direction}-property-deprecated-with-sunset"] = _r("INFO")
    RULES[f"{_direction}-property-reactivated"] = _r("INFO")
    for _breach in ("deprecated-sunset-missing", "deprecated-sunset-invalid", "sunset-date-too-small"):
        RULES[f"{_direction}-property-{_breach}"] = _r("ERR", "INFO", why="policy")

# readOnly / writeOnly flips: INFO everywhere except a required response property that stops being write-only.
for _which in ("optional", "required"):
    for _flag in ("write-only", "not-write-only", "read-only", "not-read-only"):
        RULES[f"request-{_which}-property-became-{_flag}"] = _r("INFO")
        RULES[f"response-{_which}-property-became-{_flag}"] = _r("INFO")
RULES["response-required-property-became-not-write-only"] = _r("WARN")

# Schema kinds: (kind, wire level, client level or "", scopes).  Scopes: b=body, p=property,
# a=parameter (its own schema), q=parameter-property.  Request first, then response.
_REQUEST_KINDS = """
type-changed                      ERR  -     bpa
type-changed                      WARN -     q
type-generalized                  INFO -     bpaq
type-specialized                  ERR  -     q
list-of-types-widened             INFO -     bpaq
list-of-types-narrowed            ERR  -     bpaq
became-nullable                   INFO -     bpaq
became-not-nullable               ERR  -     bpaq
became-enum                       ERR  -     bpa
became-not-enum                   INFO -     ba
enum-value-added                  INFO -     paq
enum-value-removed                ERR  -     bpaq
x-extensible-enum-value-removed   ERR  -     pa
default-value-added               INFO -     bpa
default-value-removed             INFO WARN  bpa   default
default-value-changed             INFO WARN  bpa   default
const-added                       ERR  -     bp
const-removed                     INFO -     bp
const-changed                     ERR  -     bp
max-decreased                     ERR  -     bpa
max-increased                     INFO -     bpa
max-set                           ERR  -     bpa
exclusive-max-decreased           ERR  -     bpa
exclusive-max-increased           INFO -     bpa
exclusive-max-set                 ERR  -     bpa
min-increased                     ERR  -     bpa
min-decreased                     INFO -     bpa
min-set                           ERR  -     bpa
exclusive-min-increased           ERR  -     bpa
exclusive-min-decreased           INFO -     bpa
exclusive-min-set                 ERR  -     bpa
max-length-decreased              ERR  -     bpa
max-length-increased              INFO -     bpa
max-length-set                    ERR  -     bpa
min-length-increased              ERR  -     bpa
min-length-decreased              INFO -     bpa
min-items-increased               ERR  -     bpa
min-items-decreased               INFO -     a
min-items-set                     ERR  -     bpa
max-items-decreased               ERR  -     bpa
max-items-increased               INFO -     bpa
max-items-set                     ERR  -     bp
max-properties-decreased          ERR  -     bp
max-properties-increased          INFO -     bp
max-properties-set                ERR  -     bp
min-properties-increased          ERR  -     bp
unique-items-set                  ERR  -     bp
unique-items-unset                INFO -     bp
multiple-of-set                   ERR  -     bp
multiple-of-unset                 INFO -     bp
multiple-of-changed               ERR  -     bp
multiple-of-generalized           INFO -     bp
pattern-added                     ERR  -     pa
pattern-changed                   WARN -     pa
pattern-generalized               INFO -     pa
pattern-removed                   INFO -     pa
one-of-added                      INFO -     bp
one-of-removed                    ERR  -     bp
any-of-added                      INFO -     bp
any-of-removed                    ERR  -     bp
all-of-added                      ERR  -     bp
all-of-removed                    INFO -     bp
discriminator-added               INFO -     bp
discriminator-removed             INFO -     bp
discriminator-property-name-changed INFO ERR bp    tag
discriminator-mapping-added       INFO -     bp
discriminator-mapping-deleted     INFO ERR   bp    tag
discriminator-mapping-changed     INFO -     bp
contains-added                    ERR  -     bp
contains-removed                  INFO -     bp
min-contains-increased            ERR  -     bp
min-contains-decreased            INFO -     bp
max-contains-increased            INFO -     bp
max-contains-decreased            ERR  -     bp
if-added                          ERR  -     bp
if-removed                        INFO -     bp
then-added                        ERR  -     bp
then-removed                      INFO -     bp
else-added                        ERR  -     bp
else-removed                      INFO -     bp
dependent-required-added          ERR  -     bp
dependent-required-removed        INFO -     bp
dependent-required-changed        ERR  -     bp
dependent-schema-added            ERR  -     bp
dependent-schema-removed          INFO -     bp
pattern-property-added            ERR  -     bp
pattern-property-removed          INFO -     bp
property-names-added              ERR  -     bp
property-names-removed            INFO -     bp
unevaluated-items-added           ERR  -     bp
unevaluated-items-removed         INFO -     bp
unevaluated-properties-added      ERR  -     bp
unevaluated-properties-removed    INFO -     bp
prefix-items-added                INFO -     bp
prefix-items-removed              ERR  -     bp
content-schema-added              ERR  -     bp
content-schema-removed            INFO -     bp
content-media-type-changed        ERR  -     bp
content-encoding-changed          ERR  -     bp
"""

_RESPONSE_KINDS = """
type-changed                      ERR  -     bp
type-generalized                  ERR  -     bp
type-specialized                  INFO -     bp
list-of-types-widened             ERR  -     bp
list-of-types-narrowed            INFO -     bp
became-nullable                   ERR  -     bp
became-not-nullable               INFO -     bp
enum-value-added                  WARN ERR   p     closed
enum-value-removed                INFO -     p
default-value-added               INFO -     bp
default-value-removed             INFO -     bp
default-value-changed             INFO -     bp
const-added                       INFO -     bp
const-removed                     ERR  -     bp
const-changed                     ERR  -     bp
max-increased                     ERR  INFO  bp    unchecked
exclusive-max-increased           ERR  INFO  bp    unchecked
min-decreased                     ERR  INFO  bp    unchecked
exclusive-min-decreased           ERR  INFO  bp    unchecked
max-length-increased              ERR  INFO  bp    unchecked
max-length-unset                  ERR  INFO  bp    unchecked
min-length-decreased              ERR  INFO  bp    unchecked
min-items-decreased               ERR  INFO  bp    unchecked
min-items-unset                   ERR  INFO  bp    unchecked
max-items-increased               ERR  INFO  bp    unchecked
max-properties-increased          ERR  INFO  bp    unchecked
min-properties-decreased          ERR  INFO  bp    unchecked
unique-items-unset                ERR  INFO  bp    unchecked
multiple-of-unset                 ERR  INFO  bp    unchecked
multiple-of-changed               ERR  INFO  bp    unchecked
multiple-of-specialized           INFO -     bp
pattern-added                     INFO -     p
pattern-changed                   WARN INFO  p     unchecked
pattern-removed                   ERR  INFO  p     unchecked
one-of-added                      ERR  -     bp
one-of-removed                    INFO -     bp
any-of-added                      ERR  -     bp
any-of-removed                    INFO -     bp
all-of-added                      INFO -     bp
all-of-removed                    ERR  -     bp
discriminator-added               INFO -     bp
discriminator-removed             INFO -     bp
discriminator-property-name-changed INFO ERR bp    closed
discriminator-mapping-added       INFO ERR   bp    closed
discriminator-mapping-deleted     INFO -     bp
discriminator-mapping-changed     INFO -     bp
contains-added                    INFO -     bp
contains-removed                  ERR  INFO  bp    unchecked
min-contains-increased            INFO -     bp
min-contains-decreased            ERR  INFO  bp    unchecked
max-contains-increased            ERR  INFO  bp    unchecked
max-contains-decreased            INFO -     bp
if-added                          INFO -     bp
if-removed                        ERR  INFO  bp    unchecked
then-added                        INFO -     bp
then-removed                      ERR  INFO  bp    unchecked
else-added                        INFO -     bp
else-removed                      ERR  INFO  bp    unchecked
dependent-required-added          INFO -     bp
dependent-required-removed        ERR  INFO  bp    unchecked
dependent-required-changed        ERR  INFO  bp    unchecked
dependent-schema-added            INFO -     bp
dependent-schema-removed          ERR  INFO  bp    unchecked
pattern-property-added            INFO -     bp
pattern-property-removed          ERR  INFO  bp    unchecked
property-names-added              INFO -     bp
property-names-removed            ERR  INFO  bp    unchecked
unevaluated-items-added           INFO -     bp
unevaluated-items-removed         ERR  INFO  bp    unchecked
unevaluated-properties-added      INFO -     bp
unevaluated-properties-removed    ERR  INFO  bp    unchecked
prefix-items-added                ERR  INFO  bp    unchecked
prefix-items-removed              INFO -     bp
content-schema-added              INFO -     bp
content-schema-removed            ERR  INFO  bp    unchecked
content-media-type-changed        ERR  -     bp
content-encoding-changed          ERR  -     bp
"""

SCOPES: Final[dict[str, str]] = {"b": "body", "p": "property", "a": "parameter", "q": "parameter-property"}

# oasdiff's request rules for a readOnly property: the client never sends it, so tightening is INFO.
READ_ONLY_KINDS: Final = frozenset(
    {
        "enum-value-removed",
        "max-decreased",
        "exclusive-max-decreased",
        "max-length-decreased",
        "min-increased",
        "exclusive-min-increased",
        "max-items-decreased",
        "max-properties-decreased",
    }
)


def _schema_rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for direction, table in (("request", _REQUEST_KINDS), ("response", _RESPONSE_KINDS)):
        for line in table.strip().splitlines():
            kind, wire, client, scopes, *why = line.split()
            for letter in scopes:
                rule = _r(wire, None if client == "-" else client, why=why[0] if why else "")
                rules[f"{direction}-{SCOPES[letter]}-{kind}"] = rule
    for kind in READ_ONLY_KINDS:
        rules[f"request-read-only-property-{kind}"] = _r("INFO")
    rules["response-write-only-property-enum-value-added"] = _r("INFO")
    for direction in ("request", "response"):
        for scope in ("body", "property"):
            for change in ("added", "removed"):
                rules[f"{direction}-{scope}-all-of-{change}-annotation-only"] = _r("INFO")
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
