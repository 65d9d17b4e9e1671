"""Stage 3, generate: patched spec -> generated/ with both generators.

The spec is first checked (``codegen.safety``: only what is dangerous is
refused), then a copy for the generators gets readable names
(``codegen.names``) and named inline unions (``codegen.unions``).
openapi-python-client writes the attrs models and the sync/async endpoint
functions (``generated/heygen_studio_api``) in this process and its forks, one
per core (``codegen.render``), while datamodel-code-generator writes TypedDicts
for every request body (``params.py``) in a child (``codegen.typeddicts``);
codegen adds ``schema.py`` (the patched component schemas as a Python literal,
read by the validation layer) and a header on every file as it is written, and
ruff formats every file once (each render process its own, as soon as they are
written; ``codegen.postprocess``).  Output
is staged beside its target and moved into place only when every step
succeeded, so a failed run leaves the old tree untouched.  Problems are
collected as data (``codegen.problems``) and reported once.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import hashlib
import keyword
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from codegen import typeddicts
from codegen.documents import dump_json, load_document
from codegen.errors import CodegenError
from codegen.names import property_collisions, sanitize
from codegen.postprocess import apply_rewrites, format_files
from codegen.problems import Problem, raise_for_errors
from codegen.safety import find_problems
from codegen.unions import hoist_unions

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


def _printable(text: str) -> str:
    # A line break in the spec's info.version (or the spec's file name) would end the comment
    # below and start a line of code that runs on import.
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _header(source: str, *, own_spec: bool = True) -> str:
    # No info.version here: openapi/manifest.json records it, so a bump touches only the files whose
    # code changed.
    fix = (
        f"fix codegen/ or openapi/patches/, then run `{REGENERATE_COMMAND}`"
        if own_spec
        else f"regenerate with `python -m codegen generate --spec {_printable(source)} --out DIR`"
    )
    return f"# File generated by heygen-studio codegen from {_printable(source)}.\n# Do not edit: {fix}.\n"


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Cyclic garbage collection off for one run, restored after.

    Parsing and rendering a spec allocate hundreds of thousands of objects, so the collector
    would run its full passes over every live object (the generators' modules included) again
    and again for garbage that amounts to tens of thousands of objects, a few megabytes; it is
    collected once the run is over.  The render workers are forked with the collector off too,
    so it does not touch (and copy) the parent's pages in them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _readable(spec: dict[str, Any], *, source: str) -> tuple[dict[str, Any], list[Problem]]:
    """``generator_spec`` but for the property collisions, the one check that imports openapi-python-client."""
    problems = find_problems(spec, source=source)
    raise_for_errors(problems, source=source)
    readable = copy.deepcopy(spec)
    problems = sanitize(readable)
    hoist_unions(readable)
    return readable, problems


def generator_spec(spec: dict[str, Any], *, source: str) -> tuple[dict[str, Any], list[Problem]]:
    """The copy of ``spec`` the generators read: checked, names sanitized, inline unions named.

    Raises:
        CodegenError: listing every dangerous construct (see codegen.safety), in one message.
    """
    readable, problems = _readable(spec, source=source)
    problems = property_collisions(spec) + problems
    raise_for_errors(problems, source=source)
    return readable, problems


@_collector_paused()
def generate_tree(
    spec: dict[str, Any],
    out: Path,
    *,
    source: str,
    package_name: str = PACKAGE,
    strict: bool = False,
    own_spec: bool = False,
    workers: int | None = None,
) -> list[Problem]:
    """Write the generated package for ``spec`` into the empty folder ``out``.

    Args:
        spec: the OpenAPI document (not changed; the generators read a sanitized copy).
        out: an empty folder; the package is written to ``out / package_name``.
        source: the spec's name, for messages and file headers.
        package_name: the Python package to write.
        strict: make every warning (something a generator skipped) fatal.
        own_spec: the headers point at ``nox -s generate`` rather than at ``--spec``.
        workers: processes rendering openapi-python-client's files (default: one per core; see codegen.render).

    Returns:
        The warnings and notes of the run (errors raise), for the summary printed at the end.

    Raises:
        CodegenError: the spec is unsafe, a generator failed, or (``strict``) a generator skipped something.
    """
    if not package_name.isidentifier() or keyword.iskeyword(package_name) or not package_name.isascii():
        raise CodegenError(
            f"--package-name {package_name!r} is not a Python package name (ASCII letters, digits and _, "
            "not starting with a digit, not a keyword)"
        )
    readable, problems = _readable(spec, source=source)
    class_names = load_document(CODEGEN_DIR / "config" / "datamodel-codegen.json")["class_names"]
    package = out / package_name
    params = typeddict_spec(readable, class_names)
    # Every file gets its header as it is written: ruff keeps a leading comment block in place.
    header = _header(source, own_spec=own_spec)
    with tempfile.TemporaryDirectory(prefix="heygen-codegen-") as tmp:
        # datamodel-codegen runs in a child, started before openapi-python-client is imported here,
        # so the child's start-up overlaps that import (see codegen.typeddicts).
        running = typeddicts.start(params, Path(tmp), header=header) if params is not None else None
        try:
            problems = property_collisions(spec) + problems
            raise_for_errors(problems, source=source, strict=strict)  # fail before the generators run, when we can
            from codegen import render

            client = package / "client.py"  # rewritten (postprocess.REWRITES) before it is formatted

            def format_share(paths: Sequence[Path]) -> None:
                format_files(out, [path.relative_to(out).as_posix() for path in paths if path != client])

            rendered = render.run(
                readable, package, package_name, source=source, header=header, workers=workers, after=format_share
            )
            problems += rendered.problems
            raise_for_errors(problems, source=source, strict=strict)
            if running is not None:
                typeddicts.finish(running, package / "params.py")
        finally:
            if running is not None:
                typeddicts.stop(running)
    (package / "schema.py").write_text(header + _schema_module(spec), encoding="utf-8")
    apply_rewrites(package)
    if rendered.processes > 1:  # each render process formatted its own files; these are the rest
        todo = [client, package / "schema.py", package / "params.py"]
    else:
        todo = sorted(package.rglob("*.py"))
    format_files(out, [path.relative_to(out).as_posix() for path in todo if path.exists()])
    if not (package / "py.typed").exists():
        (package / "py.typed").write_text("# Marker file for PEP 561\n", encoding="utf-8")
    for cache in list(out.rglob("__pycache__")) + list(out.rglob(".ruff_cache")):
        shutil.rmtree(cache)
    return problems


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
    problems: list[Problem]


def patched_text(layout: Layout) -> str:
    """The patched spec for ``layout``, serialised as it is committed."""
    from codegen.patch import apply_patches, patch_files

    return dump_json(apply_patches(load_document(layout.vendored), patch_files(layout.patches)))


def build(layout: Layout, staging: Path, *, strict: bool = True) -> Outputs:
    """Run patch + generate for ``layout`` into ``staging`` without touching the layout.

    Our own spec is generated strictly: a generator warning (skipped API surface) stops the run.
    """
    from codegen.patch import apply_patches, patch_files  # JSONPath: imported when a run patches

    vendored_text = layout.vendored.read_text(encoding="utf-8")
    patches = patch_files(layout.patches)
    patched = apply_patches(load_document(layout.vendored), patches)
    patched_text = dump_json(patched)
    generated = staging / "generated"
    generated.mkdir(parents=True)
    problems = generate_tree(patched, generated, source="openapi/heygen-api.patched.json", strict=strict, own_spec=True)
    from codegen.merge import manifest_records

    sources = manifest_records(layout.openapi)
    return Outputs(patched_text, manifest(vendored_text, patches, patched_text, patched, sources), generated, problems)


def _replace_tree(new: Path, old: Path) -> None:
    """Swap ``old`` for ``new``: the old tree is removed only after the new one is complete."""
    backup = old.with_name(old.name + ".old")
    if backup.exists():
        shutil.rmtree(backup)
    if old.exists():
        os.replace(old, backup)
    try:  # staged on the same file system (see _staging): a rename, not a second copy of every file
        os.replace(new, old)
    except OSError:
        shutil.copytree(new, old)
    if backup.exists():
        shutil.rmtree(backup)


def _staging(target: Path) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder beside ``target``, so the finished tree moves into place by a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=f".{target.name}-staging-", dir=target.parent)


def run_in_place(layout: Layout = REPO, *, strict: bool = True) -> list[Problem]:
    """`python -m codegen generate`: regenerate openapi/ outputs and generated/ in place; return the notes."""
    with _staging(layout.generated) as tmp:
        outputs = build(layout, Path(tmp), strict=strict)
        layout.patched.write_text(outputs.patched_text, encoding="utf-8")
        layout.manifest.write_text(outputs.manifest_text, encoding="utf-8")
        _replace_tree(outputs.generated, layout.generated)
    return outputs.problems


def run_from_spec(spec_path: Path, out: Path, *, package_name: str = PACKAGE, strict: bool = False) -> list[Problem]:
    """`python -m codegen generate --spec PATH --out DIR`: generate from any spec into any folder.

    Lenient unless ``strict``: what a generator skipped is returned for the summary, not fatal.
    """
    from codegen.extract import read_definition

    spec = read_definition(spec_path)  # generate_tree does not change it
    with _staging(out) as tmp:
        staging = Path(tmp) / "generated"
        staging.mkdir()
        problems = generate_tree(spec, staging, source=spec_path.name, package_name=package_name, strict=strict)
        _replace_tree(staging, out)
    return problems
