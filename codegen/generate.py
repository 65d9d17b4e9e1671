"""Stage 3, generate: patched spec -> generated/ with both generators in one process.

openapi-python-client writes the attrs models and the sync/async endpoint
functions (``generated/heygen_studio_api``); datamodel-code-generator writes
TypedDicts for every request body (``heygen_studio_api/params.py``); codegen
adds ``schema.py`` (the patched component schemas as a Python literal, read by
the validation layer), a header on every file, and formats everything with
ruff once.  Output is staged in a temporary folder and moved into place only
when every step succeeded, so a failed run leaves the old tree untouched.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from codegen.documents import dump_json, load_document
from codegen.errors import CodegenError
from codegen.patch import apply_patches, patch_files
from codegen.safety import check_spec

ROOT = Path(__file__).resolve().parent.parent
CODEGEN_DIR = Path(__file__).resolve().parent
PACKAGE = "heygen_studio_api"
GENERATORS = ("openapi-python-client", "datamodel-code-generator", "ruff")
REGENERATE_COMMAND = "nox -s generate"


@dataclass(frozen=True)
class Layout:
    """Where one pipeline run reads and writes (the repository by default)."""

    openapi: Path
    generated: Path

    @property
    def vendored(self) -> Path:
        return self.openapi / "heygen-api.json"

    @property
    def patched(self) -> Path:
        return self.openapi / "heygen-api.patched.json"

    @property
    def patches(self) -> Path:
        return self.openapi / "patches"

    @property
    def manifest(self) -> Path:
        return self.openapi / "manifest.json"


REPO = Layout(openapi=ROOT / "openapi", generated=ROOT / "generated")


def sha256(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def tool_versions() -> dict[str, str]:
    """Versions of the pinned generators and formatter, as installed."""
    versions = {}
    for name in GENERATORS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            raise CodegenError(f"{name} is not installed; run `pip install -e .[codegen]` or use nox") from None
    return versions


# --- generator inputs ---------------------------------------------------------


def _request_schema_names(spec: dict[str, Any]) -> list[str]:
    """Component schemas reachable from any request body, in document order."""
    schemas = spec.get("components", {}).get("schemas", {})
    seen: dict[str, None] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in seen and name in schemas:
                    seen[name] = None
                    walk(schemas[name])
            for key, value in node.items():
                if key != "$ref":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for item in spec.get("paths", {}).values():
        for operation in item.values() if isinstance(item, dict) else ():
            if isinstance(operation, dict):
                walk(operation.get("requestBody", {}))
    return [name for name in schemas if name in seen]


def typeddict_spec(spec: dict[str, Any], class_names: dict[str, str]) -> dict[str, Any] | None:
    """The spec datamodel-code-generator reads: request schemas only, renamed to their TypedDict names."""
    names = _request_schema_names(spec)
    if not names:
        return None
    renamed = {name: class_names.get(name, f"{name}Params") for name in names}
    schemas = spec["components"]["schemas"]

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            result = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str) and value.startswith("#/components/schemas/"):
                    target = value.rsplit("/", 1)[1]
                    result[key] = f"#/components/schemas/{renamed.get(target, target)}"
                else:
                    result[key] = rewrite(value)
            return result
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    return {
        "openapi": spec["openapi"],
        "info": spec["info"],
        "paths": {},
        "components": {"schemas": {renamed[name]: rewrite(schemas[name]) for name in names}},
    }


# --- running the generators ---------------------------------------------------


def _run_openapi_python_client(spec_file: Path, out: Path) -> None:
    from openapi_python_client import generate as opc_generate
    from openapi_python_client.config import Config, ConfigFile, MetaType

    config = Config.from_sources(
        ConfigFile.load_from_path(CODEGEN_DIR / "config" / "openapi-python-client.yaml"),
        MetaType.NONE,
        spec_file,
        "utf-8",
        overwrite=True,
        output_path=out,
    )
    with contextlib.redirect_stdout(io.StringIO()):  # it prints "Generating <path>"
        try:
            errors = opc_generate(config=config, custom_template_path=CODEGEN_DIR / "templates")
        except OSError as exc:  # e.g. a module name built from nested schema names is over the file name limit
            name = Path(exc.filename).name if exc.filename else ""
            shown = f"{name[:60]}..." if len(name) > 60 else name
            raise CodegenError(f"openapi-python-client could not write {shown!r}: {exc.strerror or exc}") from None
    # Warnings (a skipped endpoint or schema) are reported; any of them would
    # silently drop API surface, so they stop the run like errors do.
    if errors:
        lines = []
        for error in errors:
            detail = f": {error.detail}" if error.detail else ""
            lines.append(f"{error.level.value}: {error.header}{detail}".replace("\n", " "))
        raise CodegenError("openapi-python-client reported problems:\n  " + "\n  ".join(lines))


def _run_datamodel_codegen(spec: dict[str, Any], out_file: Path) -> None:
    from datamodel_code_generator import InputFileType, LiteralType, PythonVersion, generate
    from datamodel_code_generator.enums import DataModelType

    try:
        code = generate(
            json.dumps(spec),
            input_file_type=InputFileType.OpenAPI,
            output_model_type=DataModelType.TypingTypedDict,
            target_python_version=PythonVersion.PY_310,
            disable_timestamp=True,
            # Without postponed annotations the TypedDicts know their real required keys at run time
            # (`__required_keys__`), so runtime introspection (pydantic, typeguard) agrees with mypy.
            disable_future_imports=True,
            use_union_operator=True,
            use_standard_collections=True,
            use_schema_description=True,
            use_field_description=True,
            enum_field_as_literal=LiteralType.All,
            formatters=[],
        )
    except Exception as exc:  # the library raises many types; report one line
        raise CodegenError(f"datamodel-code-generator failed: {exc}".splitlines()[0]) from None
    if not isinstance(code, str):
        raise CodegenError("datamodel-code-generator returned several modules; expected one")
    out_file.write_text(code, encoding="utf-8")


def _schema_module(spec: dict[str, Any]) -> str:
    """A Python module holding the patched schemas, for the validation layer.

    Values are written with ``repr`` of JSON-decoded data (str, int, float,
    bool, None, list, dict): always a literal, never code.
    """
    operations: dict[str, str] = {}
    inline: dict[str, Any] = {}
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                schema = operation["requestBody"].get("content", {}).get("application/json", {}).get("schema")
                if not isinstance(schema, dict):
                    continue
                ref = schema.get("$ref", "")
                if isinstance(ref, str) and ref.startswith("#/components/schemas/") and len(schema) == 1:
                    operations[f"{method.upper()} {path}"] = ref.rsplit("/", 1)[1]
                else:
                    # An inline body (such as /v3/videos' oneOf of four arms) has no component to name.
                    inline[f"{method.upper()} {path}"] = schema
    schemas = spec.get("components", {}).get("schemas", {})
    return (
        '"""The patched component schemas and request bodies, for validating requests offline."""\n\n'
        "from typing import Any, Final\n\n"
        f"SPEC_VERSION: Final = {spec.get('info', {}).get('version', '')!r}\n"
        "# Operation -> the component schema of its JSON request body.\n"
        f"REQUEST_BODIES: Final[dict[str, str]] = {operations!r}\n"
        "# Operation -> its JSON request body's schema, for bodies defined inline rather than as a component.\n"
        f"INLINE_REQUEST_BODIES: Final[dict[str, Any]] = {inline!r}\n"
        f"SCHEMAS: Final[dict[str, Any]] = {schemas!r}\n"
    )


@dataclass(frozen=True)
class Rewrite:
    """A named, exact text fix applied to one generated file; it fails loudly if the text is gone."""

    file: str
    old: str
    new: str
    reason: str


REWRITES = (
    Rewrite(
        file="client.py",
        old="from typing import Any, Self\n",
        new="from typing import Any\n\nfrom typing_extensions import Self\n",
        reason="typing.Self is Python 3.11+; the SDK supports 3.10",
    ),
)


def _apply_rewrites(package: Path) -> None:
    for rewrite in REWRITES:
        path = package / rewrite.file
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if rewrite.old not in text:
            raise CodegenError(
                f"post-process rewrite of {rewrite.file} ({rewrite.reason}) no longer applies: "
                "the generator's output changed; update REWRITES in codegen/generate.py"
            )
        path.write_text(text.replace(rewrite.old, rewrite.new), encoding="utf-8")


def _printable(text: str) -> str:
    # A line break in the spec's info.version (or the spec's file name) would end the comment
    # below and start a line of code that runs on import.
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _header(source: str, version: str) -> str:
    source, version = _printable(source), _printable(version)
    return (
        f"# File generated by heygen-studio codegen from {source} (info.version {version}).\n"
        f"# Do not edit: fix codegen/ or openapi/patches/, then run `{REGENERATE_COMMAND}`.\n"
    )


def _iter_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path


def _ruff(*args: str, cwd: Path) -> None:
    command = [sys.executable, "-m", "ruff", *args, "--isolated", "--line-length", "120", "--target-version", "py310"]
    result = subprocess.run([*command, "."], cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CodegenError(f"ruff {args[0]} failed: {(result.stderr or result.stdout).strip().splitlines()[0]}")


def generate_tree(spec: dict[str, Any], out: Path, *, source: str) -> None:
    """Write the generated package for ``spec`` into the empty folder ``out``."""
    check_spec(spec, source=source)
    class_names = load_document(CODEGEN_DIR / "config" / "datamodel-codegen.json")["class_names"]
    with tempfile.TemporaryDirectory(prefix="heygen-codegen-") as tmp:
        spec_file = Path(tmp) / "spec.json"
        spec_file.write_text(json.dumps(spec), encoding="utf-8")
        package = out / PACKAGE
        _run_openapi_python_client(spec_file, package)
    params = typeddict_spec(spec, class_names)
    if params is not None:
        _run_datamodel_codegen(params, package / "params.py")
    (package / "schema.py").write_text(_schema_module(spec), encoding="utf-8")
    _apply_rewrites(package)
    _ruff("check", "--fix-only", "--select", "I,F401", "--exit-zero", cwd=out)
    _ruff("format", "--quiet", cwd=out)
    header = _header(source, str(spec.get("info", {}).get("version", "")))
    for path in _iter_files(out):
        if path.suffix == ".py":
            path.write_text(header + path.read_text(encoding="utf-8"), encoding="utf-8")
    if not (package / "py.typed").exists():
        (package / "py.typed").write_text("# Marker file for PEP 561\n", encoding="utf-8")
    for cache in list(out.rglob("__pycache__")) + list(out.rglob(".ruff_cache")):
        shutil.rmtree(cache)


def manifest(
    vendored_text: str, patches: list[Path], patched_text: str, spec: dict[str, Any], sources: list[Any] | None = None
) -> str:
    """The manifest recording what produced the generated tree."""
    return dump_json(
        {
            "info_version": spec.get("info", {}).get("version"),
            "sources": sources or [],
            "vendored_spec": {"path": "openapi/heygen-api.json", "sha256": sha256(vendored_text)},
            "patches": [{"path": f"openapi/patches/{p.name}", "sha256": sha256(p.read_bytes())} for p in patches],
            "patched_spec": {"path": "openapi/heygen-api.patched.json", "sha256": sha256(patched_text)},
            "tools": tool_versions(),
        }
    )


@dataclass(frozen=True)
class Outputs:
    """Everything one run writes: the patched spec, the manifest and the generated tree (staged)."""

    patched_text: str
    manifest_text: str
    generated: Path


def patched_text(layout: Layout) -> str:
    """The patched spec for ``layout``, serialised as it is committed."""
    return dump_json(apply_patches(load_document(layout.vendored), patch_files(layout.patches)))


def build(layout: Layout, staging: Path) -> Outputs:
    """Run patch + generate for ``layout`` into ``staging`` without touching the layout."""
    vendored_text = layout.vendored.read_text(encoding="utf-8")
    patches = patch_files(layout.patches)
    patched = apply_patches(load_document(layout.vendored), patches)
    patched_text = dump_json(patched)
    generated = staging / "generated"
    generated.mkdir(parents=True)
    generate_tree(patched, generated, source="openapi/heygen-api.patched.json")
    from codegen.merge import manifest_records

    sources = manifest_records(layout.openapi)
    return Outputs(patched_text, manifest(vendored_text, patches, patched_text, patched, sources), generated)


def _replace_tree(new: Path, old: Path) -> None:
    """Swap ``old`` for ``new``: the old tree is removed only after the new one is complete."""
    backup = old.with_name(old.name + ".old")
    if backup.exists():
        shutil.rmtree(backup)
    if old.exists():
        os.replace(old, backup)
    shutil.copytree(new, old)
    if backup.exists():
        shutil.rmtree(backup)


def run_in_place(layout: Layout = REPO) -> None:
    """`python -m codegen generate`: regenerate openapi/ outputs and generated/ in place."""
    with tempfile.TemporaryDirectory(prefix="heygen-generate-") as tmp:
        outputs = build(layout, Path(tmp))
        layout.patched.write_text(outputs.patched_text, encoding="utf-8")
        layout.manifest.write_text(outputs.manifest_text, encoding="utf-8")
        _replace_tree(outputs.generated, layout.generated)


def run_from_spec(spec_path: Path, out: Path) -> None:
    """`python -m codegen generate --spec PATH --out DIR`: generate from any spec into any folder."""
    from codegen.extract import read_definition

    spec = copy.deepcopy(read_definition(spec_path))
    with tempfile.TemporaryDirectory(prefix="heygen-generate-") as tmp:
        staging = Path(tmp) / "generated"
        staging.mkdir()
        generate_tree(spec, staging, source=spec_path.name)
        _replace_tree(staging, out)
