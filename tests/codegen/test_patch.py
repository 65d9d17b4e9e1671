"""Stage 2, patch: the committed overlays, the applier's strictness and its Overlay semantics."""

from __future__ import annotations

import ast
import copy
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonpath_rfc9535
import pytest

from codegen.documents import dump_json, load_document
from codegen.errors import CodegenError
from codegen.patch import JSONPATH, Action, apply_action, apply_patches, load_overlay, merge, patch_files

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "openapi" / "generate-studio-video.md"
VENDORED = ROOT / "openapi" / "heygen-api.json"
PATCHED = ROOT / "openapi" / "heygen-api.patched.json"
PATCHES = ROOT / "openapi" / "patches"
needs_generators = pytest.mark.skipif(
    importlib.util.find_spec("openapi_python_client") is None, reason="openapi-python-client needs Python 3.11+"
)


def vendored() -> dict[str, Any]:
    return load_document(VENDORED)  # type: ignore[no-any-return]


def committed_patched() -> dict[str, Any]:
    return load_document(PATCHED)  # type: ignore[no-any-return]


# --- the committed patches -----------------------------------------------------------------------------


def test_committed_patches_reproduce_the_patched_spec_byte_for_byte() -> None:
    spec = vendored()
    before = copy.deepcopy(spec)
    patched = apply_patches(spec, patch_files(PATCHES))
    assert PATCHED.read_text(encoding="utf-8") == dump_json(patched)
    assert before == spec, "apply_patches mutated the vendored document"


def test_the_cached_search_and_match_select_what_jsonpath_rfc9535_selects() -> None:
    # codegen.patch compiles each search()/match() pattern once; every committed target, on the spec as it
    # stands before its action, must select the same nodes as the library's own functions do.
    document = copy.deepcopy(vendored())
    checked = 0
    for path in patch_files(PATCHES):
        for action in load_overlay(path):
            ours = [node.location for node in JSONPATH.compile(action.target).find(document)]
            theirs = [node.location for node in jsonpath_rfc9535.compile(action.target).find(document)]
            assert theirs == ours, action.where
            checked += "search(" in action.target or "match(" in action.target
            apply_action(document, action)
    assert checked >= 40


def test_patch_files_are_the_overlays_in_name_order(tmp_path: Path) -> None:
    for name in ("10-b.overlay.yaml", "02-a.overlay.json", "01-c.overlay.yaml", "README.md", "03.yaml"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert ["01-c.overlay.yaml", "02-a.overlay.json", "10-b.overlay.yaml"] == [p.name for p in patch_files(tmp_path)]


# --- descriptions quote the spec -----------------------------------------------------------------------
#
# A description quotes spec text when a `backquoted` or "double-quoted" fragment of it occurs in the seed
# page or the vendored spec (whitespace ignored, so pretty-printed JSON matches `"required": ["x"]`; a
# fragment may elide with "..."), or when the whole description is itself spec text. Three kinds of
# action only move a schema that a neighbouring action quotes, so they are exempt by shape: a slot
# (the update adds only empty objects), a drop (removing the node an earlier action copied), and a
# pointer (the update is only $refs).

_QUOTED = re.compile(r"`([^`]+)`|\"((?:[^\"\\]|\\.)*)\"")
# Patch 05 adds ErrorDetail/ErrorResponse, modelled on the seed's 400 examples; the quote is in the new
# schema's own description, not in the action's. Listed here so that any other unquoted action fails.
KNOWN_UNQUOTED = {("05-responses.overlay.yaml", 0)}


def _squash(text: str) -> str:
    return "".join(text.split())


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, str):
        yield node


SPEC_TEXT = "\n".join([_squash(SEED.read_text(encoding="utf-8")), *map(_squash, _strings(vendored()))])


def quotes_spec(description: str) -> bool:
    for match in _QUOTED.finditer(description):
        pieces = [_squash(piece).strip(",") for piece in (match.group(1) or match.group(2)).split("...")]
        pieces = [piece for piece in pieces if piece]
        if pieces and all(piece in SPEC_TEXT for piece in pieces):
            return True
    return _squash(description) in SPEC_TEXT


def _only_empty_objects(node: Any) -> bool:
    return isinstance(node, dict) and all(value == {} or _only_empty_objects(value) for value in node.values())


def _only_refs(node: Any) -> bool:
    return isinstance(node, dict) and bool(node) and all(k == "$ref" or _only_refs(v) for k, v in node.items())


def unquoted_actions(patches: list[Path]) -> set[tuple[str, int]]:
    """(patch, action index) of every action that neither quotes the spec nor only moves a schema."""
    found = set()
    for path in patches:
        copied: set[str] = set()
        for action in load_overlay(path):
            slot = action.update is not None and _only_empty_objects(action.update) and action.update != {}
            drop = action.remove and action.target in copied
            pointer = _only_refs(action.update)
            if not (slot or drop or pointer or quotes_spec(action.description)):
                found.add((action.patch, action.index))
            if action.copy is not None:
                copied.add(action.copy)
    return found


def test_every_committed_action_quotes_the_spec_or_only_moves_a_schema() -> None:
    assert KNOWN_UNQUOTED == unquoted_actions(patch_files(PATCHES))


@pytest.mark.parametrize(
    "description",
    [
        'caption: `"type": "boolean", ... "default": "false"` is a string default on a boolean.',
        'pitch: "Voice pitch, value ranges from `-50` to `50`."',
        'The request body schema (`"required": ["video_inputs"]`) becomes CreateVideoRequest.',
        "Could be text, audio, or silence.",
        'The 400 schema is `{"type": "object", "properties": {}}` although every example has data.',
    ],
)
def test_quote_check_accepts_spec_text(description: str) -> None:
    assert quotes_spec(description)


@pytest.mark.parametrize(
    "description",
    [
        "fix stuff",
        'fix "stuff"',
        "Make caption a real boolean.",
        'caption: `"type": "boolean", ... "default": "true"` is a string default on a boolean.',
        'pitch: "Voice pitch, value ranges from `-100` to `100`."',
        "Could be text, audio, silence or video.",
    ],
)
def test_quote_check_refuses_made_up_text(description: str) -> None:
    assert not quotes_spec(description)


def test_a_made_up_description_fails_the_committed_check(tmp_path: Path) -> None:
    for path in patch_files(PATCHES):
        shutil.copy2(path, tmp_path / path.name)
    first = tmp_path / "01-string-defaults.overlay.yaml"
    text = first.read_text(encoding="utf-8")
    (pitch,) = [line for line in text.splitlines(keepends=True) if line.lstrip().startswith("voice pitch:")]
    first.write_text(text.replace(pitch, "      fix stuff\n"), encoding="utf-8")
    assert KNOWN_UNQUOTED | {("01-string-defaults.overlay.yaml", 2)} == unquoted_actions(patch_files(tmp_path))


# --- strictness: a target that matches nothing stops the run ----------------------------------------------


def test_action_that_matches_nothing_no_longer_applies() -> None:
    action = Action(patch="09-x.overlay.yaml", index=3, target="$.nothing", description="d", update={"a": 1})
    with pytest.raises(CodegenError) as caught:
        apply_action({"something": {}}, action)
    message = str(caught.value)
    assert message.startswith("patch no longer applies: 09-x.overlay.yaml action 3 ('d'): target $.nothing")
    assert "\n" not in message


def test_vendor_fixing_a_bug_makes_its_patch_fail_loudly() -> None:
    """HeyGen writing the caption default as a boolean breaks action 0 of patch 01, by name."""
    spec = vendored()
    caption = spec["paths"]["/v2/video/generate"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    caption = caption["properties"]["caption"]
    assert "false" == caption["default"]
    caption["default"] = False
    with pytest.raises(CodegenError) as caught:
        apply_patches(spec, patch_files(PATCHES))
    message = str(caught.value)
    assert message.startswith("patch no longer applies: 01-string-defaults.overlay.yaml action 0 (")
    assert "check the new spec, then edit or delete the action" in message


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    copied = tmp_path / "repo"
    for name in ("codegen", "openapi"):
        shutil.copytree(ROOT / name, copied / name, ignore=shutil.ignore_patterns("__pycache__"))
    return copied


def run_patch(repo: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(repo)}
    command = [sys.executable, "-m", "codegen", "patch"]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False, timeout=120)


def test_cli_patch_rewrites_the_same_bytes(repo: Path) -> None:
    patched = repo / "openapi" / "heygen-api.patched.json"
    patched.write_text("stale\n", encoding="utf-8")
    result = run_patch(repo)
    assert (0, "") == (result.returncode, result.stderr)
    assert PATCHED.read_bytes() == patched.read_bytes()


def test_cli_patch_that_no_longer_applies_is_one_line_exit_2(repo: Path) -> None:
    spec = repo / "openapi" / "heygen-api.json"
    text = spec.read_text(encoding="utf-8")
    assert 1 == text.count('"default": "false"')
    spec.write_text(text.replace('"default": "false"', '"default": false'), encoding="utf-8")
    result = run_patch(repo)
    assert 2 == result.returncode
    assert "Traceback" not in result.stderr
    assert 1 == result.stderr.count("\n")
    assert result.stderr.startswith("error: patch no longer applies: 01-string-defaults.overlay.yaml action 0 (")
    assert PATCHED.read_bytes() == (repo / "openapi" / "heygen-api.patched.json").read_bytes()


# --- overlay validation --------------------------------------------------------------------------------

GOOD_ACTION = {"target": "$.info", "description": "A reason.", "update": {"x": 1}}


@pytest.mark.parametrize(
    ("overlay", "expected"),
    [
        pytest.param(
            {"overlay": "1.1.0", "actions": [GOOD_ACTION, {"target": "$.info", "update": {"x": 1}}]},
            "x.overlay.yaml action 1: needs a 'description' quoting the spec text it fixes",
            id="missing-description",
        ),
        pytest.param(
            {"overlay": "1.1.0", "actions": [GOOD_ACTION, {**GOOD_ACTION, "description": "  \n"}]},
            "x.overlay.yaml action 1: needs a 'description' quoting the spec text it fixes",
            id="empty-description",
        ),
        pytest.param(
            {"overlay": "1.1.0", "actions": [GOOD_ACTION, {**GOOD_ACTION, "description": 3}]},
            "x.overlay.yaml action 1: needs a 'description' quoting the spec text it fixes",
            id="description-not-a-string",
        ),
        pytest.param(
            {"overlay": "1.1.0", "actions": [GOOD_ACTION, {**GOOD_ACTION, "remove": True}]},
            "x.overlay.yaml action 1: needs exactly one of update, remove: true, copy",
            id="update-and-remove",
        ),
        pytest.param(
            {"overlay": "1.1.0", "actions": [GOOD_ACTION, {**GOOD_ACTION, "copy": "$.paths"}]},
            "x.overlay.yaml action 1: needs exactly one of update, remove: true, copy",
            id="update-and-copy",
        ),
        pytest.param(
            {"overlay": "1.1.0", "actions": [GOOD_ACTION, {"target": "$.info", "description": "d", "remove": False}]},
            "x.overlay.yaml action 1: needs exactly one of update, remove: true, copy",
            id="no-kind",
        ),
        pytest.param(
            {"overlay": "1.1.0", "actions": [GOOD_ACTION, {**GOOD_ACTION, "target": "$[?@.a =="}]},
            "x.overlay.yaml action 1: bad JSONPath '$[?@.a =='",
            id="bad-target",
        ),
        pytest.param(
            {"overlay": "1.1.0", "actions": [GOOD_ACTION, {"target": "$.info", "description": "d", "copy": "info"}]},
            "x.overlay.yaml action 1: bad JSONPath 'info'",
            id="bad-copy-source",
        ),
        pytest.param(
            {"overlay": "1.1.0", "actions": [GOOD_ACTION, {"description": "d", "update": {}}]},
            "x.overlay.yaml action 1: needs a string 'target'",
            id="missing-target",
        ),
        pytest.param(
            {"overlay": "1.1.0", "actions": [GOOD_ACTION, "remove everything"]},
            "x.overlay.yaml action 1: needs a string 'target'",
            id="action-not-an-object",
        ),
        pytest.param(
            {"overlay": "2.0.0", "actions": [GOOD_ACTION]},
            "x.overlay.yaml: not an Overlay 1.0/1.1 document",
            id="overlay-2",
        ),
        pytest.param(
            {"openapi": "3.1.0", "actions": [GOOD_ACTION]},
            "x.overlay.yaml: not an Overlay 1.0/1.1 document",
            id="no-overlay-version",
        ),
        pytest.param(
            {"overlay": "1.1.0", "actions": []},
            "x.overlay.yaml: 'actions' must be a non-empty list",
            id="empty-actions",
        ),
        pytest.param({"overlay": "1.1.0"}, "x.overlay.yaml: 'actions' must be a non-empty list", id="no-actions"),
        pytest.param(
            {"overlay": "1.0.0", "actions": {"0": GOOD_ACTION}},
            "x.overlay.yaml: 'actions' must be a non-empty list",
            id="actions-not-a-list",
        ),
        pytest.param([GOOD_ACTION], "x.overlay.yaml: not an Overlay 1.0/1.1 document", id="top-level-list"),
    ],
)
def test_overlay_validation(tmp_path: Path, overlay: Any, expected: str) -> None:
    path = tmp_path / "x.overlay.yaml"
    path.write_text(json.dumps(overlay), encoding="utf-8")  # JSON is YAML
    with pytest.raises(CodegenError) as caught:
        load_overlay(path)
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


def test_valid_overlay_loads_with_index_and_stripped_description(tmp_path: Path) -> None:
    path = tmp_path / "x.overlay.json"
    path.write_text(json.dumps({"overlay": "1.0.0", "actions": [{**GOOD_ACTION, "description": " Why.\n"}]}))
    assert [Action("x.overlay.json", 0, "$.info", "Why.", update={"x": 1})] == load_overlay(path)


# --- Overlay semantics ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "update", "expected"),
    [
        pytest.param({"a": 1}, {"b": 2}, {"a": 1, "b": 2}, id="object-adds-key"),
        pytest.param({"a": {"x": 1, "y": 1}}, {"a": {"y": 2}}, {"a": {"x": 1, "y": 2}}, id="object-recursive"),
        pytest.param({"a": [1]}, {"a": [2, 3]}, {"a": [1, 2, 3]}, id="array-appended"),
        pytest.param([1], 2, [1, 2], id="array-item-appended"),
        pytest.param([1], {"k": 1}, [1, {"k": 1}], id="array-object-appended"),
        pytest.param({"a": "false"}, {"a": False}, {"a": False}, id="primitive-replaced"),
        pytest.param({"a": 1}, {"a": {"b": 1}}, {"a": {"b": 1}}, id="primitive-replaced-by-object"),
        pytest.param({"a": {"b": 1}}, {"a": 5}, {"a": 5}, id="object-replaced-by-primitive"),
        pytest.param({"a": {"b": 1}}, {"a": [5]}, {"a": [5]}, id="object-replaced-by-array"),
        pytest.param({"a": None}, {"a": {"b": 1}}, {"a": {"b": 1}}, id="null-replaced"),
        pytest.param({"a": 1}, {}, {"a": 1}, id="empty-update"),
        pytest.param("x", "y", "y", id="top-level-primitive"),
    ],
)
def test_merge(target: Any, update: Any, expected: Any) -> None:
    assert expected == merge(copy.deepcopy(target), update)


def test_merge_copies_the_update() -> None:
    update = {"a": {"b": [1]}, "c": [{"d": 1}]}
    merged = merge({"c": []}, update)
    update["a"]["b"].append(2)
    update["c"][0]["d"] = 2
    assert {"a": {"b": [1]}, "c": [{"d": 1}]} == merged


def action(target: str, **kind: Any) -> Action:
    return Action(patch="t.overlay.yaml", index=0, target=target, description="d", **kind)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        pytest.param("$.xs[?@ == 'b' || @ == 'd']", {"xs": ["a", "c"], "obj": {"k": {"drop": 1}, "m": 2}}, id="items"),
        pytest.param("$.xs[0,3]", {"xs": ["b", "c"], "obj": {"k": {"drop": 1}, "m": 2}}, id="items-in-order"),
        pytest.param("$.xs[3,0]", {"xs": ["b", "c"], "obj": {"k": {"drop": 1}, "m": 2}}, id="items-reversed"),
        pytest.param("$.xs[*]", {"xs": [], "obj": {"k": {"drop": 1}, "m": 2}}, id="all-items"),
        pytest.param("$.obj[?@.drop]", {"xs": ["a", "b", "c", "d"], "obj": {"m": 2}}, id="dict-key"),
        pytest.param("$.obj", {"xs": ["a", "b", "c", "d"]}, id="whole-object"),
        pytest.param("$..[?@.drop]", {"xs": ["a", "b", "c", "d"], "obj": {"m": 2}}, id="descendant"),
    ],
)
def test_remove(target: str, expected: Any) -> None:
    """Array items go highest index first, so several items of one array can be removed at once."""
    document = {"xs": ["a", "b", "c", "d"], "obj": {"k": {"drop": 1}, "m": 2}}
    apply_action(document, action(target, remove=True))
    assert expected == document


def test_removing_the_root_is_an_error() -> None:
    with pytest.raises(CodegenError, match=r"t\.overlay\.yaml action 0 \('d'\): cannot remove the document root"):
        apply_action({"a": 1}, action("$", remove=True))


def test_update_of_the_root_merges_into_the_document() -> None:
    document = {"a": {"b": 1}}
    apply_action(document, action("$", update={"a": {"c": 2}, "d": [1]}))
    assert {"a": {"b": 1, "c": 2}, "d": [1]} == document


def test_update_applies_to_every_match() -> None:
    document = {"s": {"x": {"type": "integer", "default": "0"}, "y": {"type": "integer", "default": "0"}}}
    apply_action(document, action("$..[?@.default == '0']", update={"default": 0}))
    assert {"s": {"x": {"type": "integer", "default": 0}, "y": {"type": "integer", "default": 0}}} == document


def test_copy_merges_its_single_source_into_each_target_as_a_copy() -> None:
    document: dict[str, Any] = {"from": {"inline": {"type": "object", "p": [1]}}, "to": {"A": {}, "B": {"q": 1}}}
    apply_action(document, action("$.to[*]", copy="$.from.inline"))
    document["from"]["inline"]["p"].append(2)
    assert {"type": "object", "p": [1]} == document["to"]["A"]
    assert {"q": 1, "type": "object", "p": [1]} == document["to"]["B"]


@pytest.mark.parametrize(("source", "count"), [("$.from.missing", 0), ("$.from[*]", 2)])
def test_copy_needs_exactly_one_source(source: str, count: int) -> None:
    document = {"from": {"a": {}, "b": {}}, "to": {}}
    with pytest.raises(CodegenError) as caught:
        apply_action(document, action("$.to", copy=source))
    assert f"copy source {source} matches {count} nodes, expected exactly 1" in str(caught.value)
    assert str(caught.value).startswith("patch no longer applies: t.overlay.yaml action 0")


# --- new vendor content flows through the unchanged patches ------------------------------------------------

NEW_PROPERTY = {"type": "integer", "description": "How softly to speak. _Applies only to `text` type._"}


def vendored_with_new_content() -> dict[str, Any]:
    """The vendored spec plus what a future release might add, in the vendor's inline shape."""
    spec = vendored()
    body = spec["paths"]["/v2/video/generate"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    scene = body["properties"]["video_inputs"]["items"]["properties"]
    scene["voice"]["properties"]["emotion"]["enum"].append("Whispering")
    scene["voice"]["properties"]["whisper_level"] = NEW_PROPERTY
    scene["character"]["properties"]["avatar_style"]["enum"].append("portrait")
    scene["character"]["properties"]["gesture"] = {"type": "string", "description": "A gesture."}
    body["properties"]["dimension"]["properties"]["dpi"] = {"type": "integer", "description": "Dots per inch."}
    return spec


@pytest.fixture(scope="module")
def patched_with_new_content() -> dict[str, Any]:
    return apply_patches(vendored_with_new_content(), patch_files(PATCHES))


def test_new_content_lands_in_the_named_components(patched_with_new_content: dict[str, Any]) -> None:
    schemas = patched_with_new_content["components"]["schemas"]
    assert ["Broadcaster", "Whispering"] == schemas["TextVoice"]["properties"]["emotion"]["enum"][-2:]
    assert "portrait" == schemas["AvatarCharacter"]["properties"]["avatar_style"]["enum"][-1]
    assert NEW_PROPERTY == schemas["TextVoice"]["properties"]["whisper_level"]
    assert {"type": "integer", "description": "Dots per inch."} == schemas["Dimension"]["properties"]["dpi"]
    # The prose gives whisper_level to the `text` voice only; a character field without such prose
    # reaches both character variants.
    assert [True, False, False] == [
        "whisper_level" in schemas[name]["properties"] for name in ("TextVoice", "AudioVoice", "SilenceVoice")
    ]
    assert [True, True] == [
        "gesture" in schemas[name]["properties"] for name in ("AvatarCharacter", "TalkingPhotoCharacter")
    ]


def test_new_content_is_the_only_difference(patched_with_new_content: dict[str, Any]) -> None:
    patched = copy.deepcopy(patched_with_new_content)
    schemas = patched["components"]["schemas"]
    schemas["TextVoice"]["properties"]["emotion"]["enum"].remove("Whispering")
    del schemas["TextVoice"]["properties"]["whisper_level"]
    schemas["AvatarCharacter"]["properties"]["avatar_style"]["enum"].remove("portrait")
    del schemas["AvatarCharacter"]["properties"]["gesture"], schemas["TalkingPhotoCharacter"]["properties"]["gesture"]
    del schemas["Dimension"]["properties"]["dpi"]
    assert committed_patched() == patched


@pytest.fixture(scope="module")
def generated_with_new_content(tmp_path_factory: pytest.TempPathFactory, patched_with_new_content: Any) -> Path:
    from codegen.generate import PACKAGE, generate_tree

    out = tmp_path_factory.mktemp("generated")
    generate_tree(patched_with_new_content, out, source="test")
    return out / PACKAGE


def annotated_names(path: Path, class_name: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    (found,) = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == class_name]
    return {node.target.id for node in found.body if isinstance(node, ast.AnnAssign) and hasattr(node.target, "id")}


@needs_generators
def test_new_enum_values_reach_the_generated_literals(generated_with_new_content: Path) -> None:
    models = generated_with_new_content / "models"
    assert '"Whispering"' in (models / "text_voice_emotion.py").read_text(encoding="utf-8")
    assert '"portrait"' in (models / "avatar_character_avatar_style.py").read_text(encoding="utf-8")
    assert '"Whispering"' in (generated_with_new_content / "params.py").read_text(encoding="utf-8")


@needs_generators
@pytest.mark.parametrize(
    ("module", "class_name", "field", "present"),
    [
        ("models/text_voice.py", "TextVoice", "whisper_level", True),
        ("models/audio_voice.py", "AudioVoice", "whisper_level", False),
        ("models/dimension.py", "Dimension", "dpi", True),
        ("models/avatar_character.py", "AvatarCharacter", "gesture", True),
        ("models/talking_photo_character.py", "TalkingPhotoCharacter", "gesture", True),
        ("params.py", "TextVoiceParams", "whisper_level", True),
        ("params.py", "AudioVoiceParams", "whisper_level", False),
        ("params.py", "SilenceVoiceParams", "whisper_level", False),
        ("params.py", "DimensionParams", "dpi", True),
        ("params.py", "AvatarCharacterParams", "gesture", True),
    ],
)
def test_new_properties_reach_the_generated_classes(
    generated_with_new_content: Path, module: str, class_name: str, field: str, present: bool
) -> None:
    assert present == (field in annotated_names(generated_with_new_content / module, class_name))


# --- rules for the validation layer --------------------------------------------------------------------

RULES = {
    "ElevenLabsSettings": [
        {"rule": "enum-when", "property": "stability", "when": {"model": "eleven_v3"}, "enum": [0, 0.5, 1]}
    ],
    "TalkingPhotoCharacter": [
        {"rule": "only-when", "properties": ["prompt", "keep_original_prompt"], "when": {"use_avatar_iv_model": True}}
    ],
    "AudioVoice": [{"rule": "exactly-one-of", "properties": ["audio_url", "audio_asset_id"]}],
    "SilenceVoice": [{"rule": "numeric-string", "property": "duration", "minimum": 1, "maximum": 100}],
    "ImageBackground": [{"rule": "exactly-one-of", "properties": ["url", "image_asset_id"]}],
    "VideoBackground": [{"rule": "exactly-one-of", "properties": ["url", "video_asset_id"]}],
    "CreateVideoRequest": [
        {
            "rule": "excludes-variant",
            "when": {"caption": True},
            "items": "video_inputs",
            "union": "voice",
            "variants": ["audio"],
        }
    ],
}


def test_patched_spec_carries_the_rules_the_validation_layer_reads() -> None:
    schemas = committed_patched()["components"]["schemas"]
    assert RULES == {name: schema["x-heygen-rules"] for name, schema in schemas.items() if "x-heygen-rules" in schema}
    for name, rules in RULES.items():
        for rule in rules:
            named = [*rule.get("properties", []), *rule.get("when", {}), *([rule["items"]] if "items" in rule else [])]
            if "property" in rule:
                named.append(rule["property"])
            assert set(named) <= set(schemas[name]["properties"]), (name, rule)


def test_every_rule_kind_is_known_to_the_validation_layer() -> None:
    from heygen_studio._rules import _RULES as KNOWN  # the validation layer's registry of rule kinds

    for kind in {rule["rule"] for rules in RULES.values() for rule in rules}:
        assert kind in KNOWN, kind


# --- the v3 patches (08-12) ----------------------------------------------------------------------------

V3_PATCHES = (
    "08-v3-video-status.overlay.yaml",
    "09-v3-discriminator-tags.overlay.yaml",
    "10-v3-ranges-formats-defaults.overlay.yaml",
    "11-v3-conditional-rules.overlay.yaml",
    "12-v3-more-rules.overlay.yaml",
)


def v3_body(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["paths"]["/v3/videos"]["post"]["requestBody"]["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


def arm(union: dict[str, Any], tag: str) -> dict[str, Any]:
    """The arm of an inline union whose tag property is the constant ``tag``."""
    name = union["discriminator"]["propertyName"]
    (found,) = [option for option in union["oneOf"] if option["properties"][name].get("const") == tag]
    return found  # type: ignore[no-any-return]


def v3_arms() -> dict[str, dict[str, Any]]:
    body = v3_body(committed_patched())
    studio = arm(body, "studio")
    scenes = studio["properties"]["scenes"]["items"]
    talking = arm(scenes, "avatar_video")["properties"]["input"]
    return {
        "avatar": arm(body, "avatar"),
        "image": arm(body, "image"),
        "cinematic": arm(body, "cinematic_avatar"),
        "studio": studio,
        "scene avatar": arm(talking, "avatar"),
        "scene image input": arm(talking, "image"),
        "still image": arm(scenes, "image"),
        "video": arm(scenes, "video"),
    }


def every(node: Any, key: str) -> Iterator[dict[str, Any]]:
    """Every schema under ``node`` held by a property named ``key``."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "properties" and isinstance(value, dict) and key in value:
                yield value[key]
            yield from every(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from every(item, key)


def bounds(schema: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(schema.get(k) for k in ("minimum", "exclusiveMinimum", "maximum", "minItems", "maxItems"))


def test_v3_patches_are_committed_and_apply_in_order() -> None:
    names = [path.name for path in patch_files(PATCHES)]
    assert list(V3_PATCHES) == [name for name in names if "-v3-" in name]
    assert names.index(V3_PATCHES[0]) > names.index("07-closed-request-objects.overlay.yaml")


def test_v3_status_waiting_is_a_video_status() -> None:
    assert ["pending", "processing", "completed", "failed", "waiting"] == committed_patched()["components"]["schemas"][
        "VideoStatus"
    ]["enum"]


def unions(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "discriminator" in node and "oneOf" in node:
            yield node
        for value in node.values():
            yield from unions(value)
    elif isinstance(node, list):
        for item in node:
            yield from unions(item)


def test_v3_every_union_arm_has_its_tag_as_a_constant() -> None:
    found: set[str] = set()
    open_unions = 0
    for union in unions(v3_body(committed_patched())):
        tag = union["discriminator"]["propertyName"]
        consts = [option["properties"][tag].get("const") for option in union["oneOf"]]
        if set(union["discriminator"]["mapping"]) == {"url", "asset_id", "base64"}:
            # The asset inputs have no prose naming their tag ("Input type discriminator"): left as published.
            assert [None, None, None] == consts
            open_unions += 1
        else:
            assert sorted(union["discriminator"]["mapping"]) == sorted(consts)
            found.update(consts)
    expected = {"avatar", "image", "cinematic_avatar", "studio", "avatar_video", "video", "color", "avatar_v"}
    expected |= {"avatar_iv", "avatar_iii", "elevenlabs", "fish", "starfish"}
    assert expected == found
    assert open_unions > 0


def test_v3_sizes_and_ranges_are_standard_keywords() -> None:
    arms = v3_arms()
    assert (None, None, None, 1, 50) == bounds(arms["studio"]["properties"]["scenes"])
    assert (None, None, None, 1, 3) == bounds(arms["cinematic"]["properties"]["avatar_id"])
    assert (4, None, 15, None, None) == bounds(arms["cinematic"]["properties"]["duration"])
    assert 10 == arms["cinematic"]["properties"]["duration"]["default"]
    assert (None, 0, 300, None, None) == bounds(arms["still image"]["properties"]["duration"])
    assert (0, None, 1, None, None) == bounds(arms["video"]["properties"]["playback"]["properties"]["volume"])
    body = v3_body(committed_patched())
    voice = list(every(body, "voice_settings"))
    assert 5 == len(voice)
    for settings in voice:
        properties = settings["properties"]
        assert [(-50, 50), (0.5, 1.5), (0, 1)] == [
            (properties[k]["minimum"], properties[k]["maximum"]) for k in ("pitch", "speed", "volume")
        ]
    opacity = [watermark["properties"]["opacity"] for watermark in every(body, "watermark")]
    assert [(0, None, 1, None, None)] * 3 == [bounds(schema) for schema in opacity]


def test_v3_formats_defaults_and_supported_values() -> None:
    arms = v3_arms()
    hex_pattern = "^#[0-9a-fA-F]{6}$"
    assert hex_pattern == arms["scene avatar"]["properties"]["background"]["oneOf"][0]["properties"]["color"]["pattern"]
    for name in ("avatar", "image"):
        assert hex_pattern == arms[name]["properties"]["background"]["properties"]["value"]["pattern"]
    for name in ("avatar", "image", "scene avatar", "scene image input"):
        assert "low" == arms[name]["properties"]["expressiveness"]["default"]
    fish = [
        option["properties"]["model"]
        for settings in every(v3_body(committed_patched()), "engine_settings")
        for option in settings["oneOf"]
        if option["properties"]["engine_type"]["const"] == "fish"
    ]
    assert ["s1"] * 5 == [model["default"] for model in fish]
    urls = [
        option["properties"]["url"]
        for union in unions(v3_body(committed_patched()))
        if set(union["discriminator"]["mapping"]) == {"url", "asset_id", "base64"}
        for option in union["oneOf"]
        if "url" in option["properties"]
    ]
    assert ["^[Hh][Tt][Tt][Pp][Ss]://"] * 8 == [url.get("pattern") for url in urls]
    assert ["16:9", "9:16", "1:1"] == arms["cinematic"]["properties"]["aspect_ratio"]["enum"]
    assert ["16:9", "9:16", "4:5", "5:4", "1:1", "auto"] == arms["studio"]["properties"]["aspect_ratio"]["enum"]


AUDIO_SOURCE = {"rule": "exactly-one-of", "properties": ["script", "audio_url", "audio_asset_id"]}
SCRIPT_NEEDS_VOICE = {"rule": "requires", "property": "script", "requires": ["voice_id"]}
NO_EXPRESSIVENESS_ON_V = {"rule": "absent-when", "properties": ["expressiveness"], "when": {"engine.type": "avatar_v"}}
NOT_ON_III = {
    "rule": "absent-when",
    "properties": ["motion_prompt", "expressiveness"],
    "when": {"engine.type": "avatar_iii"},
}
NO_BACKGROUND_ON_WEBM = {"rule": "absent-when", "properties": ["background"], "when": {"output_format": "webm"}}
SCRIPT_OR_AUDIO = [
    {"rule": "at-most-one-of", "properties": ["script", "audio_url"]},
    {"rule": "at-most-one-of", "properties": ["script", "audio_asset_id"]},
]
V3_RULES = {
    "avatar": [NO_EXPRESSIVENESS_ON_V, NOT_ON_III, NO_BACKGROUND_ON_WEBM, *SCRIPT_OR_AUDIO],
    "image": [SCRIPT_NEEDS_VOICE, NO_BACKGROUND_ON_WEBM, *SCRIPT_OR_AUDIO],
    "cinematic": [{"rule": "absent-when", "properties": ["duration"], "when": {"auto_duration": True}}],
    "scene avatar": [AUDIO_SOURCE, NO_EXPRESSIVENESS_ON_V, NOT_ON_III],
    "scene image input": [AUDIO_SOURCE, SCRIPT_NEEDS_VOICE],
    "still image": [
        {"rule": "exactly-one-of", "properties": ["duration", "script", "audio_url", "audio_asset_id"]},
        SCRIPT_NEEDS_VOICE,
    ],
}
BACKGROUND_RULES = [
    {"rule": "only-when", "properties": ["url", "asset_id"], "when": {"type": "image"}},
    {"rule": "only-when", "properties": ["value"], "when": {"type": "color"}},
    {"rule": "required-when", "properties": ["value"], "when": {"type": "color"}},
    {"rule": "exactly-one-of", "properties": ["url", "asset_id"], "when": {"type": "image"}},
]
ELEVENLABS_RULES = [{"rule": "enum-when", "property": "stability", "when": {"model": "eleven_v3"}, "enum": [0, 0.5, 1]}]


def rules_under(node: Any) -> Iterator[tuple[str, list[dict[str, Any]], dict[str, Any]]]:
    if isinstance(node, dict):
        if "x-heygen-rules" in node:
            yield node.get("description", "")[:30], node["x-heygen-rules"], node.get("properties", {})
        for value in node.values():
            yield from rules_under(value)
    elif isinstance(node, list):
        for item in node:
            yield from rules_under(item)


def test_v3_multi_field_rules_are_recorded_where_they_apply() -> None:
    arms = v3_arms()
    for name, rules in V3_RULES.items():
        assert rules == arms[name]["x-heygen-rules"], name
    for name in ("avatar", "image"):
        assert BACKGROUND_RULES == arms[name]["properties"]["background"]["x-heygen-rules"]
    body = v3_body(committed_patched())
    eleven = [
        option
        for settings in every(body, "engine_settings")
        for option in settings["oneOf"]
        if option["properties"]["engine_type"]["const"] == "elevenlabs"
    ]
    assert [ELEVENLABS_RULES] * 5 == [option["x-heygen-rules"] for option in eleven]
    # Nothing else in the body carries rules, and every rule names properties of its own schema.
    found = list(rules_under(body))
    assert 6 + 2 + 5 == len(found)
    from heygen_studio._rules import _RULES as KNOWN  # the validation layer's registry of rule kinds

    for where, rules, properties in found:
        for rule in rules:
            assert rule["rule"] in KNOWN, rule["rule"]
            named = [
                *rule.get("properties", []),
                *(path.split(".")[0] for path in rule.get("when", {})),
                *rule.get("requires", []),
                *([rule["property"]] if "property" in rule else []),
            ]
            assert set(named) <= set(properties), (where, rule)
            for path in rule.get("when", {}):
                # A dotted path goes through the union the spec puts there: each step is a property of every arm.
                head, *rest = path.split(".")
                nodes = [properties[head]]
                for step in rest:
                    arms = [option for node in nodes for option in node.get("oneOf", [node])]
                    assert all(step in option["properties"] for option in arms), (where, path)
                    nodes = [option["properties"][step] for option in arms]


@pytest.mark.parametrize(
    ("break_it", "patch", "index"),
    [
        pytest.param(
            lambda spec: spec["components"]["schemas"]["VideoStatus"]["enum"].append("waiting"),
            "08-v3-video-status.overlay.yaml",
            0,
            id="vendor-lists-waiting",
        ),
        pytest.param(
            lambda spec: arm_by_prose(v3_body(spec), "Must be 'studio'").update(const="studio"),
            "09-v3-discriminator-tags.overlay.yaml",
            3,
            id="vendor-adds-the-const",
        ),
        pytest.param(
            lambda spec: arm_by_prose(v3_body(spec), "Must contain 1 to 50 scenes").update(maxItems=50),
            "10-v3-ranges-formats-defaults.overlay.yaml",
            0,
            id="vendor-adds-maxItems",
        ),
        pytest.param(
            lambda spec: arm_by_prose(v3_body(spec), "Must contain 1 to 50 scenes").update(
                description="Ordered list of scenes. Must contain 1 to 100 scenes."
            ),
            "10-v3-ranges-formats-defaults.overlay.yaml",
            0,
            id="vendor-changes-the-prose",
        ),
        pytest.param(
            lambda spec: arm_by_prose(v3_body(spec), "Exactly one mode must be chosen").update(description="A scene."),
            "11-v3-conditional-rules.overlay.yaml",
            1,
            id="vendor-drops-the-rule",
        ),
        pytest.param(
            lambda spec: arm_by_prose(v3_body(spec), "Omit when auto_duration is true").update(
                description="Video length in seconds (4\u201315). Defaults to 10."
            ),
            "12-v3-more-rules.overlay.yaml",
            4,
            id="vendor-drops-omit-when-auto-duration",
        ),
        pytest.param(
            lambda spec: [
                schema.update(description="Output container. 'webm' returns a video with a transparent background.")
                for schema in every(v3_body(spec), "output_format")
            ],
            "12-v3-more-rules.overlay.yaml",
            3,
            id="vendor-rewords-webm",
        ),
    ],
)
def test_a_stale_v3_patch_target_fails_loudly_by_name(break_it: Any, patch: str, index: int) -> None:
    spec = vendored()
    break_it(spec)
    with pytest.raises(CodegenError) as caught:
        apply_patches(spec, patch_files(PATCHES))
    message = str(caught.value)
    assert message.startswith(f"patch no longer applies: {patch} action {index} ("), message
    assert "check the new spec, then edit or delete the action" in message


def arm_by_prose(node: Any, prose: str) -> dict[str, Any]:
    """The one schema under ``node`` whose own description contains ``prose``."""
    found: list[dict[str, Any]] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            if prose in str(item.get("description", "")):
                found.append(item)
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(node)
    assert 1 == len(found), (prose, len(found))
    return found[0]
