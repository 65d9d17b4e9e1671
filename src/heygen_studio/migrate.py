"""Move a v2 Studio request (``POST /v2/video/generate``) to a v3 one (``POST /v3/videos``, ``type: "studio"``).

>>> from heygen_studio.migrate import v2_to_v3
>>> migration = v2_to_v3({"video_inputs": [{"character": {"type": "avatar", "avatar_id": "Daisy"},
...                                         "voice": {"type": "text", "voice_id": "v1", "input_text": "Hi"}}]})
>>> migration.payload["scenes"][0]["input"]
{'type': 'avatar', 'avatar_id': 'Daisy', 'voice_id': 'v1', 'script': 'Hi'}

Nothing is lost without a record: every leaf of the v2 request is either in
``Migration.carried`` (with the v3 path it went to) or in ``Migration.dropped``
(with why). The decisions are data, in ``heygen_studio._migrate_table`` (one row
per v2 field) and ``heygen_studio._migrate_scenes`` (one rule per kind of scene), each quoting the v2 and v3
descriptions it rests on; ``docs/migrating-to-v3.md`` is the same table for
reading. In short:

- pixel ``dimension`` → ``aspect_ratio`` + ``resolution`` (the short edge: 720p, 1080p, 4k); v2's default
  1920x1080 is written out, since v3's ``resolution`` has no default;
- a scene with a character (avatar or talking photo) and a text or audio voice → an ``avatar_video`` scene whose
  ``input`` is ``{"type": "avatar", "avatar_id": ...}`` with the script or audio and ``voice_settings``;
- a scene without a character → an ``image`` scene (its color or image background as the still, narrated or
  silent for the silence's ``duration``) or a ``video`` scene (its video background);
- ``caption: true`` → ``caption: {"style": "default"}``; ``title``, ``callback_id``, ``callback_url`` as they are.

v3 cannot express some v2 scenes at all (a silent avatar; speech over a video
background; a scene with nothing to show; a still or clip whose URL is not HTTPS): :class:`MigrationError` names the
scene and why, unless ``allow_drop=True`` asks for the nearest faithful scene.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from heygen_studio._errors import MigrationError, RequestValidationError
from heygen_studio._migrate_model import OMIT, Convert, Inexact, Row, SceneRule, Target
from heygen_studio._migrate_scenes import EXPLICIT_DEFAULTS, REFUSALS, SCENE_RULES, SLOTS, stand_in
from heygen_studio._migrate_spec import v2_default
from heygen_studio._migrate_table import row_for
from heygen_studio._payload import is_model, to_wire
from heygen_studio._validation import validate_request

if TYPE_CHECKING:
    from heygen_studio_api.models import CreateVideoRequest

__all__ = ["Carried", "Dropped", "Migration", "MigrationError", "v2_to_v3"]

# The parts of a v2 scene that are unions, tagged by their `type`.
_UNIONS = frozenset({"character", "voice", "background"})
_MISSING = object()
_QUOTE = 80  # characters of a v2 value quoted in a reason


@attrs.frozen
class Dropped:
    """A v2 field (or, at ``video_inputs.N``, a whole scene's shape) that v3 could not carry faithfully.

    Attributes:
        path: The dotted v2 path, e.g. ``video_inputs.2.character.offset.x``.
        reason: Why, quoting the spec.
    """

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@attrs.frozen
class Carried:
    """A v2 leaf carried into the v3 request.

    Attributes:
        path: The dotted v2 path, e.g. ``video_inputs.0.voice.input_text``.
        to: The dotted v3 path it went to, e.g. ``scenes.0.input.script``.
        implied: The v2 value is what v3 does when ``to`` is absent (``caption: false``), so it was not written.
    """

    path: str
    to: str
    implied: bool = False

    def __str__(self) -> str:
        return f"{self.path} -> {self.to}" + (" (v3's default; not written)" if self.implied else "")


@attrs.frozen
class Migration:
    """The result of :func:`v2_to_v3`.

    Attributes:
        payload: The v3 request (a new dict; the v2 input is left untouched).
        dropped: What v3 could not carry, in v2 order (scene records before that scene's fields).
        carried: Every other v2 leaf, with where it went.
    """

    payload: dict[str, Any]
    dropped: tuple[Dropped, ...]
    carried: tuple[Carried, ...]


def v2_to_v3(payload: Mapping[str, Any] | CreateVideoRequest, *, allow_drop: bool = False) -> Migration:
    """Turn a v2 Studio request into a ``POST /v3/videos`` request with ``type: "studio"``.

    Args:
        payload: The v2 request in wire form (a dict) or as a ``CreateVideoRequest``.
        allow_drop: When a scene cannot be expressed in v3 at all, migrate the
            nearest faithful scene and record what it does without, instead of raising.

    Returns:
        The v3 request, and a record of every v2 leaf: carried, or dropped with why.

    Raises:
        RequestValidationError: ``payload`` is not a valid v2 request (checked first).
        MigrationError: A scene v3 cannot express, when ``allow_drop`` is false.
    """
    source: Any = to_wire(payload) if is_model(payload) else payload
    violations = validate_request(source)
    if violations:
        raise RequestValidationError(violations)
    run = _Run()
    result: dict[str, Any] = {"type": "studio"}
    request = {key: value for key, value in source.items() if key != "video_inputs"}
    run.part(result, request, path="", pattern="", slots={}, record=True)
    run.defaults(result, request, pattern="", slots={})
    result["scenes"] = [
        run.scene(index, scene, allow_drop=allow_drop) for index, scene in enumerate(source["video_inputs"])
    ]
    return Migration(payload=result, dropped=tuple(run.dropped), carried=tuple(run.carried))


class _Run:
    """One migration's records, and the walk that fills them."""

    def __init__(self) -> None:
        self.dropped: list[Dropped] = []
        self.carried: list[Carried] = []

    def scene(self, index: int, scene: Mapping[str, Any], *, allow_drop: bool) -> dict[str, Any]:
        parts = dict(scene)
        lost: dict[str, str] = {}
        while True:
            rule = _rule(parts)
            part, problem = (rule.give_up, rule.problem) if rule.kind is None else _refused(parts, rule.kind)
            if part is None:
                break
            if not allow_drop:
                raise MigrationError(index, problem)
            replacement = stand_in(part)
            instead = f", in its place {json.dumps(replacement)} (the v2 spec's defaults)" if replacement else ""
            self.dropped.append(Dropped(f"video_inputs.{index}", f"{problem}; migrated without its {part}{instead}"))
            lost.setdefault(part, f"scene {index} was migrated without its {part}: {problem}")
            if replacement is None:
                parts.pop(part, None)
            else:
                parts[part] = replacement
        kind = str(rule.kind)
        result: dict[str, Any] = {"type": kind}
        slots = SLOTS[kind]
        base = f"scenes.{index}"
        for name, value in scene.items():
            path = f"video_inputs.{index}.{name}"
            if name in lost:
                self.dropped.extend(Dropped(leaf, lost[name]) for leaf, _, _, _ in _leaves(value, path, ""))
            else:
                self.part(
                    result,
                    {name: value},
                    path=f"video_inputs.{index}",
                    pattern="video_inputs.*",
                    slots=slots,
                    base=base,
                )
        for name in lost:
            if name in parts:  # a stand-in: v2's defaults, applied without a record of their own
                placed = {name: parts[name]}
                self.part(result, placed, path="", pattern="video_inputs.*", slots=slots, base=base, record=False)
        self.defaults(result, parts, pattern="video_inputs.*", slots=slots, base=base)
        return result

    def part(
        self,
        result: dict[str, Any],
        value: Mapping[str, Any],
        *,
        path: str,
        pattern: str,
        slots: Mapping[str, str],
        base: str = "",
        record: bool = True,
    ) -> None:
        for leaf_path, leaf_pattern, leaf, parent in _leaves(value, path, pattern):
            row = row_for(leaf_pattern)
            to, problem, implied = _apply(row, leaf, parent, result, slots)
            if not record:
                continue
            if problem is None and to is not None:
                self.carried.append(Carried(leaf_path, _join(base, to), implied=implied))
            else:
                self.dropped.append(Dropped(leaf_path, str(problem)))

    def defaults(
        self,
        result: dict[str, Any],
        parts: Mapping[str, Any],
        *,
        pattern: str,
        slots: Mapping[str, str],
        base: str = "",
    ) -> None:
        """Apply the v2 defaults ``EXPLICIT_DEFAULTS`` names, where the request left them out."""
        for parent_pattern, fields in EXPLICIT_DEFAULTS.items():
            found = _find(parts, parent_pattern, pattern)
            if found is None:
                continue
            for field in fields:
                if field not in found:
                    filled = {**found, field: v2_default(f"{parent_pattern}.{field}")}
                    _apply(row_for(f"{parent_pattern}.{field}"), filled[field], filled, result, slots)


def _find(parts: Mapping[str, Any], parent_pattern: str, pattern: str) -> Mapping[str, Any] | None:
    """The object at ``parent_pattern`` inside ``parts`` (whose own pattern is ``pattern``); ``{}`` at the root."""
    prefix = f"{pattern}." if pattern else ""
    if not parent_pattern.startswith(prefix):
        return None
    relative = parent_pattern.removeprefix(prefix)
    if "." in relative:
        return None  # not a direct child of `parts`
    name, _, tag = relative.partition("[")
    value = parts.get(name)
    if not isinstance(value, Mapping):
        return {} if not pattern else None  # a request-level object: its defaults apply even when it is absent
    if tag and value.get("type") != tag.rstrip("]"):
        return None
    found: Mapping[str, Any] = value
    return found


def _rule(parts: Mapping[str, Any]) -> SceneRule:
    person = "character" in parts
    voice = parts["voice"]["type"] if "voice" in parts else None
    background = parts["background"]["type"] if "background" in parts else None
    for rule in SCENE_RULES:
        if rule.person == person and voice in rule.voices and background in rule.backgrounds:
            return rule
    raise AssertionError(f"no scene rule for {person=}, {voice=}, {background=}")  # SCENE_RULES covers every case


def _refused(parts: Mapping[str, Any], kind: str) -> tuple[str | None, str]:
    """The part a ``kind`` scene would carry but cannot, for a value v3 refuses (``REFUSALS``), and why."""
    for refusal in REFUSALS:
        part = parts.get(refusal.part)
        value = part.get(refusal.field) if isinstance(part, Mapping) else None
        if isinstance(value, str) and refusal.slots & SLOTS[kind].keys() and not re.match(refusal.pattern, value):
            quoted = json.dumps(value if len(value) <= _QUOTE else f"{value[:_QUOTE]}…")
            return refusal.part, f"its {refusal.part}.{refusal.field} {quoted} {refusal.problem}"
    return None, ""


def _leaves(value: Any, path: str, pattern: str, parent: Any = None) -> Iterator[tuple[str, str, Any, Any]]:
    """``(path, pattern, value, parent object)`` of every scalar below ``value``."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            step = f"{key}[{item['type']}]" if key in _UNIONS and isinstance(item, Mapping) else key
            yield from _leaves(item, _join(path, key), _join(pattern, step), value)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, _join(path, str(index)), _join(pattern, "*"), value)
    else:
        yield path, pattern, value, parent


def _apply(
    row: Row, value: Any, parent: Mapping[str, Any], result: dict[str, Any], slots: Mapping[str, str]
) -> tuple[str | None, str | None, bool]:
    """Write ``value`` by the first of ``row``'s targets the scene has slots for.

    Returns:
        ``(v3 path, problem, implied)``: no path when nothing could take it; a
        problem when it was written inexactly or not at all; implied when v3's
        behaviour without the field is the value, so nothing was written.
    """
    for target in row.targets:
        path = _fill(target.path, slots)
        if path is None:
            continue
        problems: list[str] = []
        new = _value(target, value, parent, problems)
        if new is _MISSING:
            return None, f"{value!r} has no v3 equivalent: {row.lost}", False
        if target.path.endswith(("}", "]")):
            # A slot or a variant (`{clip}`, `{person}.engine[avatar_iv]`): the v2 value selected its shape.
            _put(result, path, OMIT)
        elif new is not OMIT:
            _put(result, path, new)
        for also_path, also in target.also.items():
            filled = _fill(also_path, slots)
            if filled is not None:
                _put(result, filled, _computed(also, value, parent, problems) if callable(also) else also, keep=True)
        return _plain(path), "; ".join(problems) or None, new is OMIT
    return None, row.lost or "the v3 scene it became has no place for it", False


def _value(target: Target, value: Any, parent: Mapping[str, Any], problems: list[str]) -> Any:
    if target.values is not None:
        # Matched by type too: in Python `1 == True`, in JSON they differ.
        return next((new for old, new in target.values.items() if type(old) is type(value) and old == value), _MISSING)
    if target.convert is None:
        return value
    return _computed(target.convert, value, parent, problems)


def _computed(convert: Convert, value: Any, parent: Mapping[str, Any], problems: list[str]) -> Any:
    try:
        return convert(value, parent)
    except Inexact as inexact:
        problems.append(inexact.reason)
        return inexact.nearest


def _fill(template: str, slots: Mapping[str, str]) -> str | None:
    """``template`` with its ``{slot}`` replaced; ``None`` when the scene kind has no such slot."""
    if "{" not in template:
        return template
    name = template[template.index("{") + 1 : template.index("}")]
    if name not in slots:
        return None
    return ".".join(step for step in template.replace(f"{{{name}}}", slots[name]).split(".") if step)


def _put(result: dict[str, Any], path: str, value: Any, *, keep: bool = False) -> None:
    """Set ``path`` (``name[tag]`` steps create the variant and set its tag); ``keep`` leaves a set value alone."""
    steps = [step for step in path.split(".") if step]
    node = result
    for position, step in enumerate(steps):
        name, _, tag = step.partition("[")
        last = position == len(steps) - 1
        if not tag and last:
            if value is not OMIT and not (keep and name in node):
                node[name] = value
            return
        child = node.setdefault(name, {})
        if tag:
            key, _, tag_value = tag.rstrip("]").rpartition("=")
            child.setdefault(key or "type", tag_value)
        node = child


def _plain(path: str) -> str:
    return ".".join(step.partition("[")[0] for step in path.split("."))


def _join(base: str, path: str) -> str:
    return f"{base}.{path}" if base and path else base or path
