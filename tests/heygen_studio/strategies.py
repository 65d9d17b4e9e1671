"""Hypothesis strategies for create-video payloads, generated from the patched spec (``SCHEMAS``).

``payloads(mutate=False)`` draws requests that follow every rule, x-heygen-rules
included. ``payloads(mutate=True)`` draws the same, but at each node there is a
small chance of a mutation that is likely (not certain) to break a rule: a wrong
JSON type, a value just past a bound, a dropped required field, an unknown or a
sibling variant's field, an unknown union tag, a broken x-heygen-rule, too few or
too many scenes. Whether the result is valid is for an independent oracle to say.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from heygen_studio_api.schema import REQUEST_BODIES, SCHEMAS
from hypothesis import strategies as st

# When mutating: how many nodes of a payload are mutated, and among how many of the first nodes visited.
MUTATIONS = (1, 3)
MUTATION_SITES = 60

WRONG_VALUES: list[Any] = ["1920", "", True, False, None, 0, -1, 1.5, 1920.0, 1e9, math.nan, math.inf, -math.inf]
WRONG_VALUES += [[], {}]


def _resolve(schema: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any]]:
    ref = schema.get("$ref")
    if ref is None:
        return None, schema
    name = ref.rsplit("/", 1)[-1]
    return name, SCHEMAS[name]


# Strategies are built once per schema node: building them (from_regex above all) costs more than drawing.
_SCALARS: dict[int, st.SearchStrategy[Any]] = {}


class _Generator:
    def __init__(self, draw: st.DrawFn, *, mutate: bool) -> None:
        self.draw = draw
        self.mutate = mutate
        self.visited = 0
        self.sites: set[int] = set()
        if mutate:
            # One draw picks the mutated nodes, instead of a draw per node.
            sites = st.sets(st.integers(0, MUTATION_SITES - 1), min_size=MUTATIONS[0], max_size=MUTATIONS[1])
            self.sites = draw(sites)

    def mutating(self) -> bool:
        self.visited += 1
        return self.visited - 1 in self.sites

    def value(self, schema: Mapping[str, Any], *, siblings: tuple[str, ...] = ()) -> Any:
        _, schema = _resolve(schema)
        if "oneOf" in schema:
            return self.union(schema)
        if schema.get("type") == "object":
            return self.object(schema, siblings=siblings)
        if schema.get("type") == "array":
            return self.array(schema)
        if self.mutating():
            return self.draw(st.sampled_from([*WRONG_VALUES, *self.near_misses(schema)]))
        return self.draw(self.scalar(schema))

    def union(self, schema: Mapping[str, Any]) -> Any:
        mapping: dict[str, str] = schema["discriminator"]["mapping"]
        tag_name: str = schema["discriminator"]["propertyName"]
        tag = self.draw(st.sampled_from(sorted(mapping)))
        variant = SCHEMAS[mapping[tag].rsplit("/", 1)[-1]]
        others = tuple(
            field
            for other, ref in sorted(mapping.items())
            if other != tag
            for field in SCHEMAS[ref.rsplit("/", 1)[-1]]["properties"]
            if field not in variant["properties"]
        )
        value = self.object(variant, siblings=others)
        if isinstance(value, dict) and self.mutating():
            if self.draw(st.booleans()):
                value[tag_name] = self.draw(st.sampled_from(["bogus", "", 1, None, "Avatar"]))
            else:
                value.pop(tag_name, None)
        return value

    def object(self, schema: Mapping[str, Any], *, siblings: tuple[str, ...] = ()) -> Any:
        if self.mutating():
            return self.draw(st.sampled_from(["{}", 1, None, [], True]))
        properties: Mapping[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", ()))
        rules: list[Mapping[str, Any]] = list(schema.get("x-heygen-rules", ()))
        excluded: set[str] = set()
        chosen: set[str] = set()
        for rule in rules:
            if rule["rule"] == "exactly-one-of":
                names = list(rule["properties"])
                pick = self.draw(st.sampled_from(names))
                chosen.add(pick)
                excluded.update(name for name in names if name != pick)
        optional = [name for name in properties if name not in required and name not in chosen | excluded]
        included = self.draw(st.integers(0, 2 ** len(optional) - 1)) if optional else 0
        wanted = {name for bit, name in enumerate(optional) if included >> bit & 1} | required | chosen
        value: dict[str, Any] = {}
        for name, sub in properties.items():
            if name in wanted:
                value[name] = self.value(sub)
        for rule in rules:
            if rule["rule"] == "only-when" and any(name in value for name in rule["properties"]):
                value.update(rule["when"])
            elif rule["rule"] == "enum-when" and rule["property"] in value:
                if all(value.get(key) == wanted for key, wanted in rule["when"].items()):
                    value[rule["property"]] = self.draw(st.sampled_from(rule["enum"]))
            elif rule["rule"] == "numeric-string" and rule["property"] in value:
                value[rule["property"]] = self.draw(self.numeric_string(rule["minimum"], rule["maximum"]))
            elif rule["rule"] == "excludes-variant" and self.excluded_variants(value, rule):
                # The items came out with an excluded variant: the condition must not hold.
                for key, wanted in rule["when"].items():
                    if value.get(key) == wanted:
                        value[key] = not wanted if isinstance(wanted, bool) else None
        if self.mutating():
            self.break_object(value, schema, properties, rules, siblings)
        elif rules and self.mutate and self.draw(st.integers(0, 3)) == 0:
            # Cross-field rules live on few objects, so a uniform pick of sites would rarely reach them.
            self.break_object(value, schema, properties, rules, (), only_rules=True)
        return value

    def break_object(
        self,
        value: dict[str, Any],
        schema: Mapping[str, Any],
        properties: Mapping[str, Any],
        rules: list[Mapping[str, Any]],
        siblings: tuple[str, ...],
        *,
        only_rules: bool = False,
    ) -> None:
        moves = []
        if not only_rules:
            moves.append("unknown")
            if schema.get("required"):
                moves.append("drop")
            if siblings:
                moves.append("sibling")
        moves += [rule["rule"] for rule in rules]
        move = self.draw(st.sampled_from(moves))
        if move == "unknown":
            value[self.draw(st.sampled_from(["zzz", "Type", "avatar", "voiceid"]))] = 1
        elif move == "drop":
            value.pop(self.draw(st.sampled_from(list(schema["required"]))), None)
        elif move == "sibling":
            value[self.draw(st.sampled_from(sorted(siblings)))] = "x"
        else:
            rule = next(rule for rule in rules if rule["rule"] == move)
            if move == "exactly-one-of":
                names = list(rule["properties"])
                if self.draw(st.booleans()):
                    for name in names:
                        value.pop(name, None)
                else:
                    for name in names:
                        value[name] = self.draw(self.scalar(properties[name]))
            elif move == "only-when":
                value[rule["properties"][0]] = self.draw(self.scalar(properties[rule["properties"][0]]))
                for key in rule["when"]:
                    if self.draw(st.booleans()):
                        value.pop(key, None)
                    else:
                        value[key] = not rule["when"][key] if isinstance(rule["when"][key], bool) else None
            elif move == "enum-when":
                value.update(rule["when"])
                value[rule["property"]] = self.draw(st.sampled_from([0.3, 0.25, 0.99, 0.0, 1]))
            elif move == "excludes-variant":
                value.update(rule["when"])
                scenes = value.get(rule["items"])
                if isinstance(scenes, list) and scenes and isinstance(scenes[-1], dict):
                    scenes[-1][rule["union"]] = self.variant_value(properties[rule["items"]], rule)
            elif move == "numeric-string":
                value[rule["property"]] = self.draw(
                    st.sampled_from(["0", "0.99", "100.5", "101", "1e2", " 5", "5.", "-1", "abc", "50"])
                )

    @staticmethod
    def excluded_variants(value: dict[str, Any], rule: Mapping[str, Any]) -> bool:
        """Whether an item of ``value[rule["items"]]`` has a ``rule["union"]`` of an excluded variant."""
        scenes = value.get(rule["items"])
        return isinstance(scenes, list) and any(
            isinstance(scene, dict)
            and isinstance(scene.get(rule["union"]), dict)
            and scene[rule["union"]].get("type") in rule["variants"]
            for scene in scenes
        )

    def variant_value(self, array: Mapping[str, Any], rule: Mapping[str, Any]) -> Any:
        """A value of one of the rule's excluded variants, drawn like any other (it may be mutated too)."""
        _, item = _resolve(array["items"])
        mapping: dict[str, str] = item["properties"][rule["union"]]["discriminator"]["mapping"]
        tag = self.draw(st.sampled_from(sorted(rule["variants"])))
        return self.object(SCHEMAS[mapping[tag].rsplit("/", 1)[-1]])

    def array(self, schema: Mapping[str, Any]) -> Any:
        low, high = schema.get("minItems", 0), schema.get("maxItems", 5)
        if self.mutating():
            kind = self.draw(st.sampled_from(["empty", "too many", "not a list"]))
            if kind == "not a list":
                return self.draw(st.sampled_from(["[]", {}, None, 3]))
            item = self.value(schema["items"])
            return [] if kind == "empty" else [item] * (high + 1)
        count = self.draw(st.integers(low, min(high, low + 2)))
        return [self.value(schema["items"]) for _ in range(count)]

    def scalar(self, schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
        strategy = _SCALARS.get(id(schema))
        if strategy is None:
            strategy = _SCALARS[id(schema)] = self.build_scalar(schema)
        return strategy

    @staticmethod
    def build_scalar(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        kind = schema.get("type")
        if kind == "string":
            if "pattern" in schema:
                # The spec's patterns are anchored with ^...$; fullmatch keeps out the trailing newline
                # Python's `$` would allow.
                return st.from_regex(schema["pattern"].removeprefix("^").removesuffix("$"), fullmatch=True)
            return st.text(max_size=8)
        if kind == "boolean":
            return st.booleans()
        if kind == "integer":
            return st.integers(schema.get("minimum", -(2**31)), schema.get("maximum", 2**31 - 1))
        if kind == "number":
            low = schema.get("minimum", schema.get("exclusiveMinimum", -1e6))
            high = schema.get("maximum", 1e6)
            floats = st.floats(
                low, high, allow_nan=False, allow_infinity=False, exclude_min="exclusiveMinimum" in schema
            )
            first = math.floor(low) + 1 if "exclusiveMinimum" in schema else math.ceil(low)
            ints = st.integers(first, math.floor(high))
            return floats | ints
        raise AssertionError(f"no strategy for {schema}")

    def near_misses(self, schema: Mapping[str, Any]) -> list[Any]:
        misses: list[Any] = []
        for keyword, step in (("minimum", -0.01), ("maximum", 0.01), ("exclusiveMinimum", 0.0)):
            if keyword in schema:
                misses += [schema[keyword] + step, schema[keyword]]
        if schema.get("format") == "int32":
            misses += [2**31, -(2**31) - 1]
        if "pattern" in schema:
            misses += ["#FFF", "#GGGGGG", "#FFFFFF\n", "FFFFFF", "#ffffff"]
        if "enum" in schema:
            misses += [str(schema["enum"][0]).upper(), f"{schema['enum'][0]} "]
        return misses

    @staticmethod
    def numeric_string(low: float, high: float) -> st.SearchStrategy[str]:
        whole = st.integers(math.ceil(low), math.floor(high)).map(str)
        decimal = st.decimals(low, high, places=2, allow_nan=False, allow_infinity=False).map(
            lambda number: f"{number:f}"
        )
        return whole | decimal


@st.composite
def payloads(draw: st.DrawFn, *, mutate: bool) -> Any:
    """A create-video request body in wire form; valid unless ``mutate`` broke something."""
    root = REQUEST_BODIES["POST /v2/video/generate"]
    return _Generator(draw, mutate=mutate).value({"$ref": f"#/components/schemas/{root}"})
