"""Sessions for heygen-studio. `nox -l` lists them; plain `nox` runs the checks CI runs.

Which Python each session needs: the SDK runs on 3.10+, the pipeline (openapi-python-client, griffe) on 3.11+,
and `tests` runs on every version in pyproject.toml's classifiers. Sessions that run the pipeline pick an
installed 3.11+ themselves. Interpreters installed with pyenv count as installed even when they are not the
active pyenv version. On CI (CI=true) a supported version that is not installed fails the run; elsewhere it is
skipped and nox's summary names it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["checks", "tests"]
# Use the interpreters on this machine; never download one (that would be slow, need the network and hide
# a missing version on CI).
nox.options.download_python = "never"
ON_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
nox.options.error_on_missing_interpreters = ON_CI

PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHONS: list[str] = nox.project.python_versions(PYPROJECT)
PIPELINE_FLOOR = (3, 11)  # openapi-python-client's and griffe's floor
HERE = Path(__file__).resolve().parent
INTERPRETERS = HERE / ".nox" / "_interpreters"


def _pyenv_root() -> Path | None:
    configured = os.environ.get("PYENV_ROOT")
    if configured:
        return Path(configured)
    if shutil.which("pyenv"):
        result = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False)
        if result.returncode == 0 and result.stdout.strip():
            return Path(result.stdout.strip())
    return None


def _release(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name))


def _expose_pyenv_pythons() -> None:
    """Make every supported CPython that pyenv has installed callable as `pythonX.Y`, active or not.

    pyenv's shims run only the active versions, so nox (python-discovery) would call 3.12 "not found"
    when 3.11 is active. Each installed build gets a `pythonX.Y` symlink in .nox/_interpreters/,
    which goes first on PATH; nothing else (pip, python3) is shadowed.
    """
    root = _pyenv_root()
    if root is None or not (root / "versions").is_dir():
        return
    links: dict[str, Path] = {}
    for version in PYTHONS:
        builds = [
            path
            for path in (root / "versions").glob(f"{version}.*/bin/python{version}")
            if re.fullmatch(rf"{re.escape(version)}\.\d+", path.parents[1].name)
        ]
        if builds:
            links[version] = max(builds, key=lambda path: _release(path.parents[1].name))
    if not links:
        return
    INTERPRETERS.mkdir(parents=True, exist_ok=True)
    for version, target in links.items():
        link = INTERPRETERS / f"python{version}"
        if link.is_symlink() and Path(os.readlink(link)) == target:
            continue
        link.unlink(missing_ok=True)
        link.symlink_to(target)
    os.environ["PATH"] = os.pathsep.join([str(INTERPRETERS), os.environ.get("PATH", "")])


def _runs(command: str) -> bool:
    found = shutil.which(command)
    if found is None:
        return False
    result = subprocess.run([found, "-c", "pass"], capture_output=True, check=False)
    return result.returncode == 0


def _first_pipeline_version() -> str | None:
    """The first 3.11+ version of the matrix that is installed (nox's own counts without a probe)."""
    for version in PYTHONS:
        if _release(version) >= PIPELINE_FLOOR and (sys.version.startswith(f"{version}.") or _runs(f"python{version}")):
            return version
    return None


_expose_pyenv_pythons()
FIRST_PIPELINE_VERSION = _first_pipeline_version()
# The interpreter for sessions that run the pipeline: nox's own when it is 3.11+, else an installed one.
PIPELINE_PYTHON = None if sys.version_info >= PIPELINE_FLOOR else FIRST_PIPELINE_VERSION


def _need_pipeline_python(session: nox.Session, role: str) -> None:
    """Stop with one line when no 3.11+ interpreter was found for a session that runs the pipeline."""
    if PIPELINE_PYTHON is None and sys.version_info < PIPELINE_FLOOR:
        floor = ".".join(map(str, PIPELINE_FLOOR))
        session.error(
            f"{role} needs Python {floor}+ (openapi-python-client's floor) and none is installed "
            f"(nox runs on {sys.version_info[0]}.{sys.version_info[1]}): install one "
            f"(e.g. `pyenv install {floor}`) and rerun"
        )


# Bytecode. Where PYTHONDONTWRITEBYTECODE is set (this machine sets it), every process of a fresh environment
# compiles each module it imports from source: pytest's workers, each CLI the tests start, every generator
# run. Test runs therefore may write bytecode, so each module is compiled once per environment: installed
# packages in .nox/, the clone's own modules (tests/, codegen/, pytest's rewritten asserts) in the gitignored
# __pycache__/ folders, all inside the clone. (Compiling at install instead, uv's UV_COMPILE_BYTECODE, compiles
# all ~2,800 installed files: 13 s of CPU per session, more than the imports need.)
TEST_RUN_ENV = {"PYTHONDONTWRITEBYTECODE": ""}


def _install_pipeline(session: nox.Session, extra: str) -> None:
    session.log(f"installing heygen-studio (editable) with its [{extra}] extra: the pinned generators and ruff")
    session.install("-e", f".[{extra}]")


@nox.session(python=PIPELINE_PYTHON, default=False)
def generate(session: nox.Session) -> None:
    """Regenerate openapi/heygen-api.patched.json, openapi/manifest.json and generated/ from openapi/."""
    _need_pipeline_python(session, "nox -s generate")
    _install_pipeline(session, "codegen")
    session.log("regenerating: patch the vendored spec, check it, run the generators, format, write")
    session.run("python", "-m", "codegen", "generate")


@nox.session(python=PIPELINE_PYTHON, default=False)
def update(session: nox.Session) -> None:
    """Vendor new docs page(s)/spec(s), patch, regenerate, diff and write CHANGELOG.md: `nox -s update -- PAGE...`."""
    _need_pipeline_python(session, "nox -s update")
    _install_pipeline(session, "codegen")
    session.log("updating: vendor, patch, regenerate, diff old -> new, write CHANGELOG.md")
    session.run("python", "-m", "codegen", "update", *session.posargs)


VERIFY = ["python", "-m", "codegen", "verify"]
LINT = [
    ["ruff", "check", "codegen", "src", "tests", "noxfile.py"],
    ["ruff", "format", "--check", "codegen", "src", "tests", "noxfile.py"],
]
TYPECHECK = [
    ["mypy", "src", "generated", "tests/typing"],  # the SDK, as Python 3.10 (pyproject.toml)
    ["mypy", "--python-version", "3.11", "codegen"],
]


@nox.session(python=PIPELINE_PYTHON)
def checks(session: nox.Session) -> None:
    """What `nox` checks besides the test matrix: lint, then verify and type-check side by side, in one environment.

    The same commands as the verify, lint and typecheck sessions. verify and the two mypy runs share nothing and
    each runs mostly on one core, so they run at once.
    """
    _need_pipeline_python(session, "nox -s checks")
    _install_pipeline(session, "dev")
    session.log("linting, then checking the formatting of codegen/, src/, tests/ and noxfile.py")
    for command in LINT:
        session.run(*command)
    session.log(
        "side by side: verifying openapi/ and generated/ (regenerate into a temporary folder and compare), "
        "type-checking the SDK as Python 3.10 and the pipeline (codegen/) as Python 3.11"
    )
    _run_side_by_side(session, VERIFY, *TYPECHECK)


@nox.session(python=PIPELINE_PYTHON, default=False)
def verify(session: nox.Session) -> None:
    """Fail if openapi/ or generated/ differ from what `nox -s generate` writes."""
    _need_pipeline_python(session, "nox -s verify")
    _install_pipeline(session, "codegen")
    session.log("verifying: regenerate into a temporary folder and compare with openapi/ and generated/")
    session.run(*VERIFY, *session.posargs)


@nox.session(default=False)
def lint(session: nox.Session) -> None:
    """Lint and format-check the hand-written code with ruff."""
    session.log("installing ruff")
    session.install("ruff==0.17.6")
    session.log("linting, then checking the formatting of codegen/, src/, tests/ and noxfile.py")
    for command in LINT:
        session.run(*command)


@nox.session(python=PIPELINE_PYTHON, default=False)
def typecheck(session: nox.Session) -> None:
    """Run mypy --strict over src/, generated/, codegen/ and the tests/typing/ checks."""
    _need_pipeline_python(session, "nox -s typecheck (its codegen/ part)")
    _install_pipeline(session, "dev")
    session.log(
        "type-checking the SDK (src/, generated/, tests/typing/) as Python 3.10 and the pipeline (codegen/) "
        "as Python 3.11, side by side"
    )
    _run_side_by_side(session, *TYPECHECK)


def _run_side_by_side(session: nox.Session, *commands: list[str]) -> None:
    """Run independent commands of the session's environment at once; print each one's output, then fail
    naming every command that failed."""
    env = {**os.environ, "PATH": os.pathsep.join([str(session.bin), os.environ.get("PATH", "")])}
    running = [
        (command, subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        for command in commands
    ]
    failed = []
    for command, process in running:
        output, _ = process.communicate()
        session.log(" ".join(command))
        print(output, end="", flush=True)
        if process.returncode != 0:
            failed.append(f"`{' '.join(command)}` (exit {process.returncode})")
    if failed:
        session.error(f"{' and '.join(failed)} failed")


# On the other versions, Hypothesis runs this share of each property's examples.
SECONDARY_EXAMPLES_SCALE = "0.2"


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite against an installed (non-editable) build of the package, in parallel.

    Every test runs at least once per `nox` run. The SDK's tests (and those of generated/) run in full on
    every version. The pipeline's tests (tests/codegen, marker `pipeline`) test a tool that needs 3.11+ and
    writes the same bytes on each (marker `cross_version` checks that): they run in full on the first 3.11+
    version and only the `cross_version` ones elsewhere. Off that version Hypothesis runs a fifth of each
    property's examples (derandomized, so the same first fifth every run).
    """
    session.log(f"installing heygen-studio[dev] (built from this folder) into Python {session.python}")
    session.install(".[dev]")
    # One worker per core (pytest-xdist); `nox -s tests -- -n 0` runs them in one process.
    args = ["-n", "auto", "--dist", "worksteal"]
    env = dict(TEST_RUN_ENV)
    if session.python == FIRST_PIPELINE_VERSION:
        scope = "every test, Hypothesis at full example counts"
    else:
        args += ["-m", "not pipeline or cross_version"]
        env["HEYGEN_STUDIO_EXAMPLES_SCALE"] = SECONDARY_EXAMPLES_SCALE
        scope = (
            f"the SDK's tests, Hypothesis at {SECONDARY_EXAMPLES_SCALE} of its examples; the pipeline's only "
            f"where marked cross_version (all of them run in tests-{FIRST_PIPELINE_VERSION})"
        )
    # Temporary folders go inside this session's environment, not /tmp: nothing outlives the clone, and pytest
    # spends no time at the end deleting the trees of earlier runs (keeping the last three of its numbered
    # /tmp/pytest-of-USER folders cost seconds per session; this one is cleared when the next run starts).
    basetemp = Path(session.virtualenv.location) / "tmp" / "pytest"
    basetemp.parent.mkdir(exist_ok=True)
    args += ["--basetemp", str(basetemp)]
    args += session.posargs
    session.log(f"running the test suite on Python {session.python} ({scope}): pytest {' '.join(args)}")
    session.run("pytest", *args, env=env)


@nox.session(default=False)
def demo(session: nox.Session) -> None:
    """Create a video with the README's example against a local MockHeyGen: no account, no network."""
    session.log("installing heygen-studio (runtime only)")
    session.install(".")
    session.log("starting MockHeyGen on loopback and running the README's example against it")
    session.run("python", "-m", "heygen_studio.testing.demo")


@nox.session(python=PIPELINE_PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Print benchmark ratios against baselines measured in the same run."""
    _need_pipeline_python(session, "nox -s bench (its pipeline part)")
    session.log("installing heygen-studio[dev]")
    session.install(".[dev]")
    session.log("benchmarking: each ratio is measured against its baseline in this run")
    session.run("python", "-m", "tests.bench", *session.posargs)
