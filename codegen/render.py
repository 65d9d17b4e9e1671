"""openapi-python-client's parse and render, with every file written once, headed, on every core.

``openapi_python_client.generate`` reads the spec from a file, renders about five
hundred modules one after the other and leaves codegen to read each one back to
prepend its header.  Here the spec is parsed once from the dict codegen already
holds (``GeneratorData.from_dict``), each file is written with its header in the
same ``write``, and the rendering is split across the machine's cores: after
parsing, the process forks ``workers - 1`` times (where ``os.fork`` exists and the
process has a single thread, so no lock can be held by a thread the child lacks)
and each process renders every ``workers``-th file.  Every file is rendered by
exactly one process from the same parsed data, so the tree is byte-identical to a
serial run (``tests/codegen/test_render.py`` compares it with openapi-python-client's
own, unpatched ``generate``).  While parsing, the endpoints' deep copies share the
parsed document's models (see ``_document_shared_by_endpoint_copies``).

Jinja compiles the generator's ~26 templates from source on every run; a
``FileSystemBytecodeCache`` in ``.codegen-cache/jinja/`` keeps the compiled code
like ``__pycache__`` does.  It is safe to keep: jinja stores the sha1 of each
template's source beside its code and recompiles when the source (or the Python
bytecode format) changed; a missing or unwritable cache only costs the compile.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket

from codegen.errors import CodegenError
from codegen.generators import generator_problem
from codegen.problems import Problem

if TYPE_CHECKING:
    from jinja2 import Template
    from openapi_python_client import Project

CODEGEN_DIR = Path(__file__).resolve().parent
JINJA_CACHE = CODEGEN_DIR.parent / ".codegen-cache" / "jinja"
# Below this many files a fork costs more than it saves.
MIN_FILES_PER_WORKER = 8
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


@dataclass(frozen=True)
class Job:
    """One file openapi-python-client writes: its path, its template and the template's variables."""

    path: Path
    template: Template
    context: dict[str, Any]


@dataclass(frozen=True)
class Rendered:
    """What ``render`` did: the generator's skipped-surface problems and how many processes wrote files."""

    problems: list[Problem]
    processes: int


def default_workers() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - macOS and Windows


def run(
    spec: dict[str, Any],
    out: Path,
    package_name: str,
    *,
    source: str,
    header: str,
    workers: int | None = None,
    after: Callable[[Sequence[Path]], None] | None = None,
) -> Rendered:
    """Parse ``spec`` with openapi-python-client and write its package into ``out`` (see ``render``).

    A spec openapi-python-client cannot read at all comes back as one error problem, nothing written.
    """
    generated = project(spec, out, package_name, source=source)
    if isinstance(generated, Problem):
        return Rendered([generated], 0)
    return render(generated, header=header, workers=workers, after=after)


def project(spec: dict[str, Any], out: Path, package_name: str, *, source: str) -> Project | Problem:
    """openapi-python-client's ``Project`` for ``spec``, configured as codegen runs it, or why it cannot be."""
    from openapi_python_client import Project
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser import GeneratorData

    config_file = ConfigFile.load_from_path(CODEGEN_DIR / "config" / "openapi-python-client.yaml")
    if package_name != config_file.package_name_override:
        config_file = config_file.model_copy(
            update={"package_name_override": package_name, "project_name_override": package_name.replace("_", "-")}
        )
    config = Config.from_sources(config_file, MetaType.NONE, Path(source), "utf-8", overwrite=True, output_path=out)
    # The generator read the spec as JSON from a file; a JSON round trip gives it the same data
    # (string keys where YAML had numbers, lists for tuples) without the file.
    with _document_shared_by_endpoint_copies():
        data = GeneratorData.from_dict(json.loads(json.dumps(spec)), config=config)
    if not isinstance(data, GeneratorData):
        return generator_problem(data)
    generated = Project(openapi=data, config=config, custom_template_path=CODEGEN_DIR / "templates")
    generated.env.bytecode_cache = BytecodeCache(JINJA_CACHE)
    # A run never edits a template; without this, every {% from ... import %} stats the template file.
    generated.env.auto_reload = False
    return generated


@contextlib.contextmanager
def _document_shared_by_endpoint_copies() -> Iterator[None]:
    """While parsing, the endpoints' deep copies share the parsed OpenAPI document instead of copying it.

    openapi-python-client 0.29.1 deep-copies each endpoint three times while building it
    (``Endpoint._add_responses``, ``add_parameters``, ``sort_parameters``), and with it every
    pydantic model of the document its properties point to: 70% of the parse of the External
    API.  The copies exist so the endpoint being built is not shared; the document models are
    its input, which neither the generator's templates nor ours ever read back from a property
    (they render from the properties' own fields).  So for the parse, those models deep-copy as
    themselves, and are restored after.  ``tests/codegen/test_render.py`` compares the result
    with openapi-python-client's own unpatched ``generate``, so a generator release that starts
    to read them fails there.
    """
    from openapi_python_client.schema import openapi_schema_pydantic as oai
    from pydantic import BaseModel

    models = [c for c in vars(oai).values() if isinstance(c, type) and issubclass(c, BaseModel)]
    own = [model for model in models if "__deepcopy__" in vars(model)]
    if own:  # pragma: no cover - a generator release that defines its own: leave it alone
        raise CodegenError(f"openapi-python-client's {own[0].__name__} defines __deepcopy__; review codegen/render.py")
    for model in models:
        model.__deepcopy__ = _itself  # type: ignore[method-assign]
    try:
        yield
    finally:
        for model in models:
            del model.__deepcopy__


def _itself(self: Any, memo: dict[int, Any] | None = None) -> Any:
    return self


def jobs(generated: Project) -> list[Job]:
    """Every file ``Project.build`` writes (meta type none), in its order, without writing them.

    Mirrors ``_create_package``, ``_build_models`` and ``_build_api`` of openapi-python-client
    0.29.1 (pinned exactly); ``tests/codegen/test_render.py`` fails if the two ever disagree.
    """
    from openapi_python_client import strings
    from openapi_python_client.parser import import_string_from_class
    from openapi_python_client.parser.properties import LiteralEnumProperty

    env, package = generated.env, generated.package_dir
    models, api = package / "models", package / "api"
    found = [
        Job(package / "__init__.py", env.get_template("package_init.py.jinja"), {}),
        Job(package / "types.py", env.get_template("types.py.jinja"), {}),
    ]
    imports, alls = [], []
    model_template = env.get_template("model.py.jinja")
    for model in generated.openapi.models:
        found.append(Job(models / f"{model.class_info.module_name}.py", model_template, {"model": model}))
        imports.append(import_string_from_class(model.class_info))
        alls.append(model.class_info.name)
    for enum in generated.openapi.enums:
        if isinstance(enum, LiteralEnumProperty):
            name = "literal_enum.py.jinja"
        else:
            name = "int_enum.py.jinja" if enum.value_type is int else "str_enum.py.jinja"
        found.append(Job(models / f"{enum.class_info.module_name}.py", env.get_template(name), {"enum": enum}))
        imports.append(import_string_from_class(enum.class_info))
        alls.append(enum.class_info.name)
    found.append(
        Job(models / "__init__.py", env.get_template("models_init.py.jinja"), {"imports": imports, "alls": alls})
    )
    found += [
        Job(package / "client.py", env.get_template("client.py.jinja"), {}),
        Job(package / "errors.py", env.get_template("errors.py.jinja"), {}),
        Job(api / "__init__.py", env.get_template("api_init.py.jinja"), {}),
    ]
    endpoint_template = env.get_template(
        "endpoint_module.py.jinja",
        globals={"isbool": lambda obj: obj.get_base_type_string() == strings.PythonCode("bool")},
    )
    endpoint_init_template = env.get_template("endpoint_init.py.jinja")
    for tag, collection in generated.openapi.endpoint_collections_by_tag.items():
        found.append(Job(api / tag / "__init__.py", endpoint_init_template, {"endpoint_collection": collection}))
        for endpoint in collection.endpoints:
            module = f"{strings.PythonIdentifier(endpoint.name, generated.config.field_prefix)}.py"
            found.append(Job(api / tag / module, endpoint_template, {"endpoint": endpoint}))
    return found


def render(
    generated: Project,
    *,
    header: str,
    workers: int | None = None,
    after: Callable[[Sequence[Path]], None] | None = None,
) -> Rendered:
    """Write every file of ``generated`` with ``header`` in front, on up to ``workers`` processes.

    With several processes, each calls ``after`` on the files it wrote once it has written them
    (codegen formats them there, while the other processes still render); ``Rendered.processes``
    tells the caller whether that happened.

    Returns:
        The generator's problems (what it skipped) and the number of processes that rendered.

    Raises:
        CodegenError: a file could not be written (such as a name over the file system's limit).
    """
    todo = jobs(generated)
    for folder in sorted({job.path.parent for job in todo}):
        folder.mkdir(parents=True, exist_ok=True)
    count = max(1, min(default_workers() if workers is None else workers, len(todo) // MIN_FILES_PER_WORKER))
    if count > 1 and not (hasattr(os, "fork") and _single_threaded()):
        count = 1  # forking a process with other threads can deadlock the child on a lock they hold
    own, *others = _shares(todo, count)
    then = after if count > 1 else None
    children = [_fork(share, header, then) for share in others]
    failure: BaseException | None = None
    try:
        _write(own, header, then)
    except BaseException as exc:  # collect the children before raising
        failure = exc
    messages = [_wait(*child) for child in children]
    if failure is not None:
        raise failure
    for message in messages:
        if message:
            raise CodegenError(message)
    return Rendered([generator_problem(error) for error in generated._get_errors()], count)


def _shares(todo: Sequence[Job], count: int) -> list[list[Job]]:
    """``todo`` dealt into ``count`` shares, every ``count``-th file to each, in order.

    Jobs whose paths may name one file (equal but for case, as on macOS and Windows) go to the
    share of the first of them, in order, so the last one written wins as in a serial run and
    no two processes write one file.
    """
    shares: list[list[Job]] = [[] for _ in range(count)]
    owners: dict[str, int] = {}
    for index, job in enumerate(todo):
        shares[owners.setdefault(str(job.path).casefold(), index % count)].append(job)
    return shares


def _single_threaded() -> bool:
    """Whether this process runs one thread: Python's own count, and the system's where it shows it.

    An extension module can start threads Python does not count; Linux lists every thread of
    the process in /proc/self/task (as CPython 3.12 checks before it warns about ``fork``).
    """
    if threading.active_count() > 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc (macOS, BSD): Python's count is what there is
        return True


def _write(todo: Sequence[Job], header: str, after: Callable[[Sequence[Path]], None] | None = None) -> None:
    for job in todo:
        # ruff drops a module's leading blank lines, but not between the header and the code.
        text = header + _LEADING_BLANK_LINES.sub("", job.template.render(**job.context))
        try:
            job.path.write_text(text, encoding="utf-8")
        except OSError as exc:  # e.g. a module name built from nested schema names is over the file name limit
            name = job.path.name
            shown = f"{name[:60]}..." if len(name) > 60 else name
            raise CodegenError(f"openapi-python-client could not write {shown!r}: {exc.strerror or exc}") from None
    if after is not None:
        after([job.path for job in todo])


def _fork(todo: Sequence[Job], header: str, after: Callable[[Sequence[Path]], None] | None) -> tuple[int, int]:
    """Start a child rendering ``todo``; it reports a failure as text on the pipe and exits."""
    read, write = os.pipe()
    pid = os.fork()
    if pid != 0:
        os.close(write)
        return pid, read
    # The child: never return into the parent's stack (its finally blocks would clean up twice).
    status = 0
    try:
        os.close(read)
        with contextlib.redirect_stdout(io.StringIO()):
            _write(todo, header, after)
    except CodegenError as exc:
        status = 1
        os.write(write, str(exc).encode())
    except BaseException:
        status = 1
        os.write(write, f"a render worker failed:\n{traceback.format_exc()}".encode())
    finally:
        os._exit(status)


def _wait(pid: int, read: int) -> str:
    """Wait for a child; its failure message, or ``""``."""
    with os.fdopen(read, "rb") as pipe:
        message = pipe.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 and not message:
        message = f"a render worker exited with status {os.waitstatus_to_exitcode(status)}"
    return message


class BytecodeCache(FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates; a folder that cannot be read or written only costs the compile."""

    def __init__(self, directory: Path) -> None:
        with contextlib.suppress(OSError):
            directory.mkdir(parents=True, exist_ok=True)
        super().__init__(str(directory))

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable or damaged (jinja checks the magic, not a truncated pickle)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)
