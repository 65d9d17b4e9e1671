"""codegen.render: openapi-python-client's files rendered on several processes, headed, templates cached.

The parallel render (parsed with the document shared by the endpoints' copies) is compared
with openapi-python-client's own unpatched, serial ``generate`` on our spec and on the
External API, so a generator release that changes its file list or starts to read the
document back from a property fails here.
Forking happens in a fresh interpreter (``python -c``): the test process may run other
threads, and then render stays serial, which is tested too.
"""

from __future__ import annotations

import _thread
import contextlib
import copy
import gc
import io
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("openapi_python_client", reason="the generators need Python 3.11+")

from jinja2 import Environment, FileSystemLoader

from codegen import render
from codegen.errors import CodegenError
from codegen.extract import read_definition
from codegen.generate import _collector_paused, generator_spec
from tests.shared import CORPUS, needs_corpus

ROOT = Path(__file__).resolve().parents[2]
PATCHED = ROOT / "openapi" / "heygen-api.patched.json"
HEADER = "# a header\n# of two lines\n"
FORKS = hasattr(os, "fork")

RENDER_IN_A_FRESH_PROCESS = """
import sys
from pathlib import Path
from codegen import render
from codegen.extract import read_definition
from codegen.generate import generator_spec
readable, _ = generator_spec(read_definition(Path(sys.argv[1])), source="spec")
rendered = render.run(readable, Path(sys.argv[2]), "pkg", source="spec", header=sys.argv[3], workers=2)
print(rendered.processes)
"""


def python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", code, *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300)


def tree(root: Path) -> dict[str, str]:
    files = (path for path in sorted(root.rglob("*")) if path.is_file())
    return {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8") for path in files}


SPECS = [
    pytest.param(PATCHED, id="own"),
    pytest.param(CORPUS / "external-api-1.0.0.json", id="external", marks=needs_corpus),
]


@pytest.fixture(scope="module", params=SPECS)
def spec_file(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


@pytest.fixture(scope="module")
def readable(spec_file: Path) -> dict[str, Any]:
    spec, _ = generator_spec(read_definition(spec_file), source="spec")
    return spec


@pytest.fixture(scope="module")
def serial_tree(readable: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What openapi-python-client's own ``generate`` writes (file in, serial, unpatched), with the header in front."""
    from openapi_python_client import generate
    from openapi_python_client.config import Config, ConfigFile, MetaType

    tmp = tmp_path_factory.mktemp("serial")
    (tmp / "spec.json").write_text(json.dumps(readable), encoding="utf-8")
    config_file = ConfigFile.load_from_path(ROOT / "codegen" / "config" / "openapi-python-client.yaml")
    config_file = config_file.model_copy(update={"package_name_override": "pkg", "project_name_override": "pkg"})
    config = Config.from_sources(config_file, MetaType.NONE, tmp / "spec.json", "utf-8", True, tmp / "pkg")
    with contextlib.redirect_stdout(io.StringIO()):
        errors = generate(config=config, custom_template_path=ROOT / "codegen" / "templates")
    assert [] == [error.header for error in errors]
    return {name: HEADER + re.sub(r"\A(?:[ \t]*\n)+", "", text) for name, text in tree(tmp / "pkg").items()}


def test_two_processes_write_what_openapi_python_client_writes_alone(
    spec_file: Path, serial_tree: dict[str, str], tmp_path: Path
) -> None:
    result = python(RENDER_IN_A_FRESH_PROCESS, str(spec_file), str(tmp_path / "pkg"), HEADER)
    assert 0 == result.returncode, result.stderr
    assert ("2" if FORKS else "1") == result.stdout.strip()
    assert serial_tree == tree(tmp_path / "pkg")


GENERATE_IN_A_FRESH_PROCESS = """
import sys
from pathlib import Path
from codegen.documents import load_document
from codegen.generate import generate_tree
spec, out, workers = load_document(Path(sys.argv[1])), Path(sys.argv[2]), int(sys.argv[3])
generate_tree(spec, out, source="openapi/heygen-api.patched.json", own_spec=True, workers=workers)
"""


@pytest.mark.parametrize(
    "workers",
    [1, pytest.param(2, marks=pytest.mark.cross_version)],  # forking differs between Pythons; rendering does not
)
def test_formatting_each_process_share_or_the_whole_tree_writes_the_committed_bytes(
    tmp_path: Path, workers: int
) -> None:
    # Into a folder git ignores (as .nox/ and many build folders are): ruff, walking a folder, would skip
    # every file there, so the files must be named to it.
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*\n", encoding="utf-8")
    out = tmp_path / "ignored"
    result = python(GENERATE_IN_A_FRESH_PROCESS, str(PATCHED), str(out), str(workers))
    assert 0 == result.returncode, result.stderr
    committed = ROOT / "generated"
    files = (path for path in sorted(committed.rglob("*")) if path.is_file() and "__pycache__" not in path.parts)
    assert {path.relative_to(committed).as_posix(): path.read_text(encoding="utf-8") for path in files} == tree(out)


AFTER_EACH_SHARE = """
import os, sys
from pathlib import Path
from codegen import render
from codegen.extract import read_definition
from codegen.generate import generator_spec
readable, _ = generator_spec(read_definition(Path(sys.argv[1])), source="spec")
out = Path(sys.argv[2])

def after(paths):
    with open(out / f"after-{os.getpid()}.txt", "w") as log:
        log.write("\\n".join(str(path) for path in paths))

print(render.run(readable, out / "pkg", "pkg", source="spec", header="", workers=2, after=after).processes)
"""


@pytest.mark.skipif(not FORKS, reason="render forks only where os.fork exists")
def test_each_render_process_hands_its_own_files_to_after_once(tmp_path: Path) -> None:
    result = python(AFTER_EACH_SHARE, str(PATCHED), str(tmp_path))
    assert ("", "2") == (result.stderr, result.stdout.strip())
    logs = [log.read_text(encoding="utf-8").split("\n") for log in sorted(tmp_path.glob("after-*.txt"))]
    written = sorted(str(path) for path in (tmp_path / "pkg").rglob("*.py"))
    assert (2, written) == (len(logs), sorted(logs[0] + logs[1]))
    assert not set(logs[0]) & set(logs[1])


@contextlib.contextmanager
def another_thread() -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def test_a_process_running_other_threads_renders_alone_and_writes_the_same(
    readable: dict[str, Any], serial_tree: dict[str, str], tmp_path: Path
) -> None:
    handed: list[Sequence[Path]] = []
    with another_thread():
        rendered = render.run(
            readable, tmp_path / "pkg", "pkg", source="spec", header=HEADER, workers=2, after=handed.append
        )
    assert (1, []) == (rendered.processes, handed)  # serial: the caller formats the whole tree itself
    assert [] == rendered.problems
    assert serial_tree == tree(tmp_path / "pkg")


def test_files_that_may_be_one_file_are_written_by_one_process_in_order() -> None:
    from jinja2 import Template

    names = ["m/Model.py", "m/model.py", "api/a.py", "api/b.py", "api/c.py"]
    todo = [render.Job(Path(name), Template(name), {}) for name in names]
    shares = render._shares(todo, 2)
    assert [["m/Model.py", "m/model.py", "api/a.py", "api/c.py"], ["api/b.py"]] == [
        [job.path.as_posix() for job in share] for share in shares
    ]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to see threads Python does not count")
def test_a_thread_python_does_not_count_also_keeps_render_serial() -> None:
    blocked, finished = _thread.allocate_lock(), _thread.allocate_lock()
    blocked.acquire()
    finished.acquire()

    def wait() -> None:
        with blocked:
            finished.release()

    before = threading.active_count()
    _thread.start_new_thread(wait, ())  # as an extension module's thread: not in threading's registry
    try:
        assert (before, False) == (threading.active_count(), render._single_threaded())
    finally:
        blocked.release()
        finished.acquire()


FAIL_IN_THE_WORKER = """
import sys
from pathlib import Path
from jinja2 import Template
from codegen import render
from codegen.errors import CodegenError
out = Path(sys.argv[1])
second = render.Job(out / sys.argv[2], Template(sys.argv[3]), {})
render.jobs = lambda generated: [render.Job(out / "first.py", Template("first"), {}), second]
render.MIN_FILES_PER_WORKER = 1
try:
    render.render(None, header="", workers=2)
except CodegenError as exc:
    print(exc)
"""


@pytest.mark.skipif(not FORKS, reason="render forks only where os.fork exists")
@pytest.mark.parametrize(
    ("name", "template", "expected"),
    [
        pytest.param("b" * 300 + ".py", "b", f"openapi-python-client could not write '{'b' * 60}...': ", id="os"),
        pytest.param("b.py", "{{ 1 // 0 }}", "a render worker failed:", id="unexpected"),
    ],
)
def test_a_failure_in_a_render_worker_is_raised_by_the_parent(
    tmp_path: Path, name: str, template: str, expected: str
) -> None:
    result = python(FAIL_IN_THE_WORKER, str(tmp_path), name, template)
    assert 0 == result.returncode, result.stderr
    assert result.stdout.startswith(expected), result.stdout
    assert ("ZeroDivisionError" in result.stdout) == (template != "b")
    assert "first" == (tmp_path / "first.py").read_text(encoding="utf-8")  # the parent's share was written


# --- the jinja bytecode cache -------------------------------------------------------------------------------


def count_compiles(env: Environment, compiled: list[str], label: str = "") -> None:
    """Record in ``compiled`` the name of every template ``env`` compiles from source."""
    compile_source: Any = env.compile

    def counting(source: Any, name: str | None = None, filename: str | None = None, raw: bool = False) -> Any:
        compiled.append(f"{label}{name}")
        return compile_source(source, name, filename, raw)

    env.compile = counting  # type: ignore[method-assign,assignment]


def environment(templates: Path, cache: Path) -> tuple[Environment, list[str]]:
    env = Environment(loader=FileSystemLoader(str(templates)), bytecode_cache=render.BytecodeCache(cache))
    compiled: list[str] = []
    count_compiles(env, compiled)
    return env, compiled


def test_a_warm_cache_skips_the_compile_and_a_changed_template_is_compiled_again(tmp_path: Path) -> None:
    templates, cache = tmp_path / "templates", tmp_path / "cache" / "jinja"
    templates.mkdir()
    (templates / "t.jinja").write_text("one {{ x }}", encoding="utf-8")
    cold, compiled = environment(templates, cache)
    assert ("one 1", ["t.jinja"]) == (cold.get_template("t.jinja").render(x=1), compiled)
    assert 1 == len(list(cache.iterdir()))
    warm, compiled = environment(templates, cache)
    assert ("one 2", []) == (warm.get_template("t.jinja").render(x=2), compiled)
    (templates / "t.jinja").write_text("two {{ x }}", encoding="utf-8")
    changed, compiled = environment(templates, cache)
    assert ("two 3", ["t.jinja"]) == (changed.get_template("t.jinja").render(x=3), compiled)


def test_a_cache_folder_that_cannot_be_made_or_read_only_costs_the_compile(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "t.jinja").write_text("{{ x }}", encoding="utf-8")
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    env, compiled = environment(templates, blocked / "jinja")  # a folder inside a file
    assert ("1", ["t.jinja"]) == (env.get_template("t.jinja").render(x=1), compiled)


def test_a_truncated_cache_entry_is_compiled_again(tmp_path: Path) -> None:
    templates, cache = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "t.jinja").write_text("{{ x }}", encoding="utf-8")
    environment(templates, cache)[0].get_template("t.jinja")
    (entry,) = cache.iterdir()
    entry.write_bytes(entry.read_bytes()[:20])
    env, compiled = environment(templates, cache)
    assert ("1", ["t.jinja"]) == (env.get_template("t.jinja").render(x=1), compiled)


def test_the_generator_reads_its_templates_from_the_cache_once_warm(
    readable: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openapi_python_client import Project

    monkeypatch.setattr(render, "JINJA_CACHE", tmp_path / "cache")
    compiled: list[str] = []
    for run in ("cold", "warm"):
        generated = render.project(readable, tmp_path / run, "pkg", source="spec")
        assert isinstance(generated, Project)
        count_compiles(generated.env, compiled, f"{run} ")
        render.render(generated, header="", workers=1)
    assert [] == [name for name in compiled if name.startswith("warm")]
    assert len(compiled) == len(list((tmp_path / "cache").iterdir())) > 10


def test_the_document_models_deep_copy_as_themselves_only_while_parsing() -> None:
    from openapi_python_client.schema.openapi_schema_pydantic import Schema

    schema = Schema.model_validate({"type": "object", "properties": {"a": {"type": "string"}}})
    with render._document_shared_by_endpoint_copies():
        assert copy.deepcopy(schema) is schema
    copied = copy.deepcopy(schema)
    assert (schema, False) == (copied, copied is schema)
    assert copied.properties is not None and schema.properties is not None
    assert next(iter(copied.properties.values())) is not next(iter(schema.properties.values()))


# --- the collector ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_off_during_a_run_and_restored_after_even_on_failure(enabled: bool) -> None:
    seen = []

    @_collector_paused()
    def run() -> None:
        seen.append(gc.isenabled())
        raise CodegenError("stop")

    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(CodegenError):
            run()
        assert ([False], enabled) == (seen, gc.isenabled())
    finally:
        gc.enable()
