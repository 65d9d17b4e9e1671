"""The noxfile finds pyenv's interpreters, picks a 3.11+ for the pipeline, and fails on CI when one is missing."""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytest.importorskip("nox")
# A matrix version other than the one running these tests (nox would find the running interpreter itself).
MISSING = "3.12" if sys.version_info[:2] == (3, 13) else "3.13"


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with this project's noxfile and pyproject.toml (the matrix comes from its classifiers)."""
    folder = tmp_path / "project"
    folder.mkdir()
    for name in ("noxfile.py", "pyproject.toml"):
        shutil.copy2(ROOT / name, folder / name)
    return folder


def nox(project: Path, *args: str, pyenv_root: Path, ci: bool = False) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "PYENV_VERSION")}
    # Only this pyenv and the system folders; caches stay in the test's folder.
    env.update(PYENV_ROOT=str(pyenv_root), PATH=os.defpath, NO_COLOR="1", XDG_CACHE_HOME=str(project / "cache"))
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "nox", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.skipif(os.name != "posix", reason="pyenv layout and symlinks")
def test_every_installed_pyenv_build_is_callable_by_version(project: Path, tmp_path: Path) -> None:
    pyenv = tmp_path / "pyenv"
    for build in ("3.10.13", "3.12.1", "3.12.10", "3.13.0", "2.7.18", "3.11-dev", "3.13.0t"):
        major_minor = ".".join(build.split(".")[:2]).removesuffix("-dev")
        executable(pyenv / "versions" / build / "bin" / f"python{major_minor}")
    result = nox(project, "-l", pyenv_root=pyenv)
    assert 0 == result.returncode, result.stderr
    links = project / ".nox" / "_interpreters"
    expected = {
        "python3.10": pyenv / "versions" / "3.10.13" / "bin" / "python3.10",
        "python3.12": pyenv / "versions" / "3.12.10" / "bin" / "python3.12",  # the newest patch release
        "python3.13": pyenv / "versions" / "3.13.0" / "bin" / "python3.13",  # not the free-threaded build
    }
    assert expected == {link.name: Path(os.readlink(link)) for link in links.iterdir()}


def test_on_ci_a_missing_matrix_python_fails_the_run(project: Path, tmp_path: Path) -> None:
    # An empty pyenv and PATH without pythonX.Y: tests-MISSING cannot be found.
    result = nox(project, "-s", f"tests-{MISSING}", pyenv_root=tmp_path / "no-pyenv", ci=True)
    assert 1 == result.returncode
    expected = f"Session tests-{MISSING} failed: Python interpreter {MISSING} not found"
    assert expected in result.stderr.splitlines()[-1]


def test_locally_a_missing_matrix_python_is_named_in_the_last_line(project: Path, tmp_path: Path) -> None:
    result = nox(project, "-s", f"tests-{MISSING}", pyenv_root=tmp_path / "no-pyenv")
    assert 0 == result.returncode
    expected = f"Session tests-{MISSING} skipped: Python interpreter {MISSING} not found"
    assert expected in result.stderr.splitlines()[-1]


@pytest.mark.skipif(sys.version_info >= (3, 11), reason="shows what nox running on 3.10 says; runs in tests-3.10")
def test_a_pipeline_session_without_any_3_11_says_so_in_one_line(project: Path, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    result = subprocess.run(
        # --no-venv: the session stops before it would install anything, so no virtualenv needs building.
        [sys.executable, "-m", "nox", "-s", "generate", "--no-venv"],
        cwd=project,
        env={**os.environ, "PATH": str(empty), "PYENV_ROOT": str(tmp_path / "no-pyenv"), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert 1 == result.returncode
    expected = (
        "nox > Session generate aborted: nox -s generate needs Python 3.11+ (openapi-python-client's floor) and "
        "none is installed (nox runs on 3.10): install one (e.g. `pyenv install 3.11`) and rerun"
    )
    assert result.stderr.splitlines()[-1].startswith(expected), result.stderr


class FakeSession:
    """The three things `_run_side_by_side` uses of a nox session."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = str(bin_dir)
        self.logged: list[str] = []

    def log(self, message: str) -> None:
        self.logged.append(message)

    def error(self, message: str) -> None:
        raise RuntimeError(message)


def test_side_by_side_commands_all_run_and_every_failure_is_named(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    monkeypatch.chdir(project)
    noxfile = runpy.run_path(str(project / "noxfile.py"))
    session = FakeSession(tmp_path)
    marker = tmp_path / "ran"
    commands = [
        [sys.executable, "-c", "raise SystemExit(3)"],
        [sys.executable, "-c", f"open({str(marker)!r}, 'w').close(); print('second ran')"],
        [sys.executable, "-c", "raise SystemExit(4)"],
    ]
    with pytest.raises(RuntimeError) as failed:
        noxfile["_run_side_by_side"](session, *commands)
    assert marker.exists()  # a failure does not stop the others
    assert "second ran" in capsys.readouterr().out
    assert str(failed.value).count("failed") == 1
    assert "(exit 3)" in str(failed.value)
    assert "(exit 4)" in str(failed.value)
    assert [" ".join(command) for command in commands] == session.logged
