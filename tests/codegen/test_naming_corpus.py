"""Real specs nobody here wrote, end to end: generate, import every module, mypy --strict, union round trips.

Each spec is generated once per session (in process, lenient, as its own
package), so the module costs one generation per spec.  By default it covers
the External API, three of the 21 ``/v3/videos`` versions (the first, the
``avatar_shots`` -> ``cinematic_avatar`` rename, the last), a Postman-derived
spec and the two public specs; ``HEYGEN_STUDIO_CORPUS=all`` runs all 21.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("openapi_python_client", reason="the generators need Python 3.11+")

from codegen.extract import read_definition
from codegen.generate import generate_tree, generator_spec
from tests.shared import CORPUS, SHARED, needs_corpus

PUBLIC = SHARED / "corpus" / "public"
HISTORY = sorted((CORPUS / "v3-videos-history").glob("*.json")) if CORPUS.is_dir() else []
V3 = HISTORY if os.environ.get("HEYGEN_STUDIO_CORPUS") == "all" else [HISTORY[i] for i in (0, 13, 20) if HISTORY]
SPECS = [
    CORPUS / "external-api-1.0.0.json",
    *V3,
    CORPUS / "postman-derived-2026-03-16.yaml",
    PUBLIC / "petstore-expanded.yaml",
    PUBLIC / "swagger-petstore3.yaml",
]
SCHEMA_REF = "#/components/schemas/"

pytestmark = needs_corpus


def package_name(spec: Path) -> str:
    return "corpus_" + re.sub(r"\W", "_", spec.stem.split("_2026")[0].replace("-", "_")).lower()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Path, Path]]:
    """Every spec in SPECS generated once, each into its own folder as its own package."""
    root = tmp_path_factory.mktemp("corpus")
    outs: dict[Path, Path] = {}
    for spec in SPECS:
        out = root / package_name(spec)
        out.mkdir()
        generate_tree(read_definition(spec), out, source=spec.name, package_name=package_name(spec))
        outs[spec] = out
    sys.path[:0] = [str(out) for out in outs.values()]
    try:
        yield outs
    finally:
        for out in outs.values():
            sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.startswith("corpus_")]:
            del sys.modules[name]


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_module_imports(generated: dict[Path, Path], spec: Path) -> None:
    package = importlib.import_module(package_name(spec))
    names = [m.name for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")]
    for name in names:
        importlib.import_module(name)
    assert f"{package.__name__}.params" in names or spec.suffix == ".yaml"


def test_mypy_strict_passes_on_every_output(generated: dict[Path, Path]) -> None:
    packages = [arg for spec in SPECS for arg in ("-p", package_name(spec))]
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(out) for out in generated.values())}
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--python-version", "3.11", *packages]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False, cwd=generated[SPECS[0]])
    assert 0 == result.returncode, result.stdout[-3000:]


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_no_type_n_names_where_the_spec_names_the_arms(generated: dict[Path, Path], spec: Path) -> None:
    models = importlib.import_module(f"{package_name(spec)}.models")
    assert [] == [name for name in models.__all__ if re.search(r"Type\d", name)]


# --- a payload of each union arm, through from_dict/to_dict and the dispatch ------------------------------


def minimal(schema: dict[str, Any], schemas: dict[str, Any], depth: int = 0) -> Any:
    """The smallest payload ``schema`` accepts: required keys only, one item per array, first arm of a union."""
    if "$ref" in schema:
        return minimal(schemas[schema["$ref"][len(SCHEMA_REF) :]], schemas, depth)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return next(value for value in schema["enum"] if value is not None)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            arm = next(a for a in schema[key] if a.get("type") != "null")
            return minimal(arm, schemas, depth)
    kind = schema.get("type")
    kind = next(k for k in kind if k != "null") if isinstance(kind, list) else kind
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {name: minimal(properties[name], schemas, depth + 1) for name in schema.get("required", [])}
    if kind == "array":
        return [minimal(schema["items"], schemas, depth + 1)] if depth < 8 else []
    if kind == "string":
        return {"date-time": "2026-01-01T00:00:00+00:00", "date": "2026-01-01"}.get(schema.get("format", ""), "x")
    return {"integer": 1, "number": 1, "boolean": True}.get(str(kind))


def union_arms(spec: Path) -> list[tuple[str, dict[str, Any], list[str]]]:
    """(arm class, payload, every arm class of its union) for each arm of the request body unions."""
    from openapi_python_client.strings import ClassName

    readable, _ = generator_spec(read_definition(spec), source=spec.name)
    schemas = readable["components"]["schemas"]
    found = []
    for item in readable["paths"].values():
        for operation in item.values():
            media = (operation.get("requestBody") or {}).get("content", {}).get("application/json", {})
            body = schemas.get(media.get("schema", {}).get("$ref", "")[len(SCHEMA_REF) :], {})
            names = [arm["$ref"][len(SCHEMA_REF) :] for arm in body.get("oneOf", []) if "$ref" in arm]
            classes = [str(ClassName(name, "")) for name in names]
            for cls, name in zip(classes, names, strict=True):
                found.append((cls, minimal(schemas[name], schemas), classes))
    return found


@pytest.mark.parametrize("spec", V3, ids=lambda p: p.stem)
def test_each_arm_of_v3_videos_round_trips_and_dispatches(generated: dict[Path, Path], spec: Path) -> None:
    models = importlib.import_module(f"{package_name(spec)}.models")
    types = importlib.import_module(f"{package_name(spec)}.types")
    arms = union_arms(spec)
    assert arms or spec == HISTORY[0]  # the first version's body is a plain object
    for cls, payload, union in arms:
        model = getattr(models, cls).from_dict(json.loads(json.dumps(payload)))
        assert payload == model.to_dict()
        dispatched = types.dispatch_on_tag(payload, tuple(getattr(models, name) for name in union))
        assert cls == type(dispatched).__name__
        with pytest.raises(ValueError, match=r"^unknown type 'no_such_arm': expected one of "):
            types.dispatch_on_tag({**payload, "type": "no_such_arm"}, tuple(getattr(models, n) for n in union))
