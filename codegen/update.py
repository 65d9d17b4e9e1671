"""Stage 6, update: take HeyGen's new definition all the way to a changelog entry, or change nothing.

``nox -s update -- [SOURCE=]PAGE_OR_SPEC...`` vendors the new definition(s):
each replaces one source of ``openapi/sources.yaml`` (the one named, or the
only one whose operations it defines), byte for byte, and the sources are
merged again, so a new version of one source leaves the others as they are.
It then applies the patches (strictly: a patch that no longer applies stops the run, named),
regenerates, diffs old -> new (spec with the client profile, and the public
Python API), and writes a CHANGELOG.md entry in SDK terms.  Everything is
built in a temporary folder first; openapi/, generated/ and CHANGELOG.md are
then swapped in together by renames, and put back if any rename fails, so
the tree is either fully updated or byte-for-byte untouched.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from codegen.changelog import changelog_entry, prepend_entry
from codegen.diff import Report, diff_documents
from codegen.diff.report import render_json, render_markdown, render_text
from codegen.diff.surface import diff_surfaces
from codegen.documents import dump_json, load_document
from codegen.errors import CodegenError
from codegen.extract import read_definition
from codegen.generate import REPO, ROOT, Layout, build
from codegen.merge import SOURCES_FILE, Source, dump_sources, load_sources, merge_sources, parse_operation

CHANGELOG = ROOT / "CHANGELOG.md"


@dataclass(frozen=True)
class UpdateResult:
    """What an update found and whether it wrote anything."""

    spec: Report
    surface: Report
    changelog: dict[str, list[str]]
    written: bool

    @property
    def highest(self) -> str | None:
        levels = [level for level in (self.spec.highest, self.surface.highest) if level is not None]
        return min(levels, key=("ERR", "WARN", "INFO").index, default=None)


def _swap(files: dict[Path, str | bytes], generated_new: Path, generated: Path) -> None:
    """Replace ``files`` and the ``generated`` folder together; on any failure put everything back."""
    staged: list[tuple[Path, Path]] = []
    for target, content in files.items():
        temp = target.with_name(f".{target.name}.update-new")
        temp.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        staged.append((temp, target))
    new_tree = generated.with_name(f".{generated.name}.update-new")
    if new_tree.exists():
        shutil.rmtree(new_tree)
    shutil.copytree(generated_new, new_tree)
    staged.append((new_tree, generated))
    done: list[tuple[Path, Path | None]] = []  # (target, backup or None when the target was new)
    try:
        for temp, target in staged:
            backup = target.with_name(f".{target.name}.update-old") if target.exists() else None
            if backup is not None:
                if backup.is_dir():
                    shutil.rmtree(backup)
                os.replace(target, backup)
            done.append((target, backup))
            os.replace(temp, target)
    except BaseException:
        for target, backup in reversed(done):
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            if backup is not None:
                os.replace(backup, target)
        for temp, _ in staged:
            if temp.is_dir():
                shutil.rmtree(temp)
            elif temp.exists():
                temp.unlink()
        raise
    for _, backup in done:
        if backup is not None and backup.is_dir():
            shutil.rmtree(backup)
        elif backup is not None:
            backup.unlink()


def _defines(document: dict[str, Any], operation: str) -> bool:
    method, path = parse_operation(operation, where="sources.yaml")
    item = document.get("paths", {}).get(path)
    return isinstance(item, dict) and isinstance(item.get(method), dict)


def _source_for(arg: str, sources: Sequence[Source]) -> tuple[Source, Path]:
    """The source that ``[NAME=]PATH`` replaces: the one named, or the only one whose operations PATH defines."""
    name, sep, rest = arg.partition("=")
    if sep and any(source.name == name for source in sources):
        (source,) = [source for source in sources if source.name == name]
        return source, Path(rest)
    page = Path(arg)
    document = read_definition(page)
    matches = [s for s in sources if all(_defines(document, operation) for operation in s.operations)]
    if len(matches) != 1:
        found = "none" if not matches else ", ".join(s.name for s in matches)
        names = ", ".join(s.name for s in sources)
        raise CodegenError(
            f"{page}: cannot tell which source it replaces (sources defining all their operations in it: {found}); "
            f"name one as SOURCE={page} with SOURCE one of {names}"
        )
    return matches[0], page


def vendor(pages: Sequence[str | Path], openapi: Path, *, today: str) -> dict[Path, bytes]:
    """The new bytes of each replaced source file and of ``sources.yaml``, keyed by their path in ``openapi``.

    Raises:
        CodegenError: a page cannot be read, matches no single source, or is a different kind of file.
    """
    sources = load_sources(openapi)
    replaced: dict[str, tuple[Source, Path]] = {}
    for arg in pages:
        source, page = _source_for(str(arg), sources)
        if source.name in replaced:
            raise CodegenError(f"{page}: source {source.name} is already replaced by {replaced[source.name][1]}")
        if page.suffix.lower() != Path(source.file).suffix.lower():
            raise CodegenError(
                f"{page}: source {source.name} is a {Path(source.file).suffix} file; give its new version as one"
            )
        read_definition(page)  # refuse what is not an OpenAPI 3.x document before anything else
        replaced[source.name] = (source, page)
    files: dict[Path, bytes] = {}
    updated = []
    for entry in sources:
        source = entry
        if source.name in replaced:
            page = replaced[source.name][1]
            try:
                data = page.read_bytes()
            except OSError as exc:
                raise CodegenError(f"{page}: cannot read: {exc.strerror}") from None
            if data != (openapi / source.file).read_bytes():  # the same bytes are not a new version
                files[openapi / source.file] = data
                source = dataclasses.replace(source, origin=f"python -m codegen update {page.name}", date=today)
        updated.append(source)
    files[openapi / SOURCES_FILE] = dump_sources(updated).encode("utf-8")
    return files


def run(
    pages: Sequence[str | Path], *, layout: Layout = REPO, changelog: Path = CHANGELOG, today: str | None = None
) -> UpdateResult:
    """Update openapi/, generated/ and the changelog from ``pages``, all together or not at all.

    Args:
        pages: docs pages or spec files holding HeyGen's new definition, each ``PATH`` or
            ``SOURCE=PATH``; each replaces one source of ``openapi/sources.yaml``.
        layout: the openapi/ and generated/ folders to update.
        changelog: the CHANGELOG.md to prepend the entry to.
        today: the date recorded for the replaced sources (ISO 8601; default: today, UTC).

    Returns:
        The spec and surface reports, the changelog entry, and whether anything was written.

    Raises:
        CodegenError: a page cannot be read, a patch no longer applies, or generation failed;
            nothing was written.
    """
    today = today or datetime.now(timezone.utc).date().isoformat()
    sources = vendor(pages, layout.openapi, today=today)
    with tempfile.TemporaryDirectory(prefix="heygen-update-") as tmp:
        staged = Layout(openapi=Path(tmp) / "openapi", generated=Path(tmp) / "unused")
        shutil.copytree(layout.openapi, staged.openapi)
        for path, data in sources.items():
            (staged.openapi / path.name).write_bytes(data)
        vendored_text = dump_json(merge_sources(staged.openapi))
        staged.vendored.write_text(vendored_text, encoding="utf-8")
        try:
            outputs = build(staged, Path(tmp) / "build")
        except CodegenError as exc:
            raise CodegenError(f"update stopped, openapi/, generated/ and CHANGELOG.md are untouched: {exc}") from None
        old_patched = load_document(layout.patched)
        new_patched = json.loads(outputs.patched_text)
        spec = diff_documents(
            old_patched,
            new_patched,
            profile="client",
            base_label="current openapi/",
            revision_label=", ".join(Path(str(p).rpartition("=")[2]).name for p in pages),
        )
        surface = diff_surfaces([(layout.generated, outputs.generated)], labels=("generated/", "regenerated"))
        old_version = str(old_patched.get("info", {}).get("version", ""))
        new_version = str(new_patched.get("info", {}).get("version", ""))
        unchanged = (
            layout.vendored.read_text(encoding="utf-8") == vendored_text
            and layout.patched.read_text(encoding="utf-8") == outputs.patched_text
            and layout.manifest.read_text(encoding="utf-8") == outputs.manifest_text
            and not surface.changes
        )
        if unchanged:
            return UpdateResult(spec, surface, {}, written=False)
        entry = changelog_entry(spec.changes, old_version=old_version, new_version=new_version)
        old_log = changelog.read_text(encoding="utf-8") if changelog.exists() else "# Changelog\n"
        files: dict[Path, str | bytes] = {
            **sources,
            layout.vendored: vendored_text,
            layout.patched: outputs.patched_text,
            layout.manifest: outputs.manifest_text,
            changelog: prepend_entry(old_log, entry),
        }
        _swap(files, outputs.generated, layout.generated)
    return UpdateResult(spec, surface, entry, written=True)


def main(pages: Sequence[str | Path], *, report_path: Path | None = None, json_path: Path | None = None) -> int:
    """`python -m codegen update`: print both reports and say what was written."""
    result = run(pages)
    print(render_text(result.spec), end="")
    print()
    print(render_text(result.surface), end="")
    if report_path is not None:
        report_path.write_text(render_markdown(result.spec) + "\n" + render_markdown(result.surface), encoding="utf-8")
    if json_path is not None:
        summary = {
            "written": result.written,
            "highest": result.highest,
            "changelog": result.changelog,
            "spec": json.loads(render_json(result.spec)),
            "surface": json.loads(render_json(result.surface)),
        }
        json_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if result.written:
        print(f"\nupdated openapi/, generated/ and CHANGELOG.md (highest level: {result.highest or 'none'})")
    else:
        print("\nalready up to date: nothing written", file=sys.stderr)
    return 0
