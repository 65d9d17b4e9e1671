"""`python -m codegen` without its optional dependencies, and the progress lines it prints per stage."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codegen import __main__ as cli
from codegen import generate, verify

ROOT = Path(__file__).resolve().parents[2]
EXTRA = "pip install 'heygen-studio[codegen]'"
needs_311 = pytest.mark.skipif(sys.version_info < (3, 11), reason="openapi-python-client and griffe need Python 3.11+")

# Makes the named modules unimportable (None in sys.modules), then runs `python -m codegen ARGS...`.
BLOCKED_RUN = (
    "import runpy, sys; blocked = sys.argv.pop(1).split(','); sys.modules.update(dict.fromkeys(blocked)); "
    "runpy.run_module('codegen', run_name='__main__', alter_sys=True)"
)


def codegen_without(blocked: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCKED_RUN, blocked, *map(str, args)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert 2 == result.returncode, result.stderr
    assert 1 == len(result.stderr.splitlines()), result.stderr
    return result.stderr.strip()


def yaml_pair(tmp_path: Path) -> tuple[Path, Path]:
    base, revision = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path, version in ((base, "1.0.0"), (revision, "1.0.1")):
        path.write_text(f"openapi: 3.0.3\ninfo: {{title: t, version: {version}}}\npaths: {{}}\n", encoding="utf-8")
    return base, revision


def test_diff_of_yaml_without_pyyaml_is_one_line_naming_the_extra(tmp_path: Path) -> None:
    result = codegen_without("yaml", "diff", *yaml_pair(tmp_path))
    expected = f"error: python -m codegen diff needs PyYAML, which is not installed: {EXTRA}"
    assert (expected, "") == (one_line(result), result.stdout)


def test_diff_of_yaml_with_pyyaml_works(tmp_path: Path) -> None:
    # The same command as above with nothing blocked: the one line above is about the missing module only.
    result = codegen_without("", "diff", *yaml_pair(tmp_path))
    assert (0, "") == (result.returncode, result.stderr)
    assert "outcome: version bumped, no API changes" in result.stdout


@needs_311
def test_surface_diff_without_griffe(tmp_path: Path) -> None:
    result = codegen_without("griffe", "diff", "--surface", ROOT / "generated", ROOT / "generated")
    expected = f"error: python -m codegen diff needs griffe, which is not installed: {EXTRA}"
    assert expected == one_line(result)


def test_patch_without_jsonpath(tmp_path: Path) -> None:
    result = codegen_without("jsonpath_rfc9535", "patch")
    expected = f"error: python -m codegen patch needs jsonpath-rfc9535, which is not installed: {EXTRA}"
    assert expected == one_line(result)


@needs_311
@pytest.mark.parametrize(
    ("blocked", "distribution"),
    [("openapi_python_client", "openapi-python-client"), ("datamodel_code_generator", "datamodel-code-generator")],
)
@pytest.mark.parametrize("command", ["generate", "verify"])
def test_generator_commands_without_a_generator(blocked: str, distribution: str, command: str, tmp_path: Path) -> None:
    # generate --spec into a temporary folder, verify without its fast path: neither writes into the repository.
    args = ["--spec", ROOT / "openapi" / "heygen-api.patched.json", "--out", tmp_path / "out"]
    result = codegen_without(blocked, command, *(args if command == "generate" else ["--no-cache"]))
    expected = f"error: python -m codegen {command} needs {distribution}, which is not installed: {EXTRA}"
    assert expected == one_line(result)
    assert "" == result.stdout  # said before any stage started


def test_on_python_3_10_the_line_says_which_python_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "version_info", (3, 10, 13, "final", 0))
    expected = (
        "error: python -m codegen diff needs griffe, which needs Python 3.11 or newer (this is 3.10): "
        f"run it with Python 3.11+ and {EXTRA} (or use nox, which picks one)"
    )
    assert expected == cli.missing_dependency_line(ModuleNotFoundError(name="griffe"), "python -m codegen diff")


def test_a_missing_module_of_our_own_is_not_explained_away() -> None:
    assert None is cli.missing_dependency_line(ModuleNotFoundError(name="codegen.nope"), "python -m codegen diff")


@needs_311
def test_generate_says_what_it_will_do_before_doing_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen_before_work: list[str] = []
    monkeypatch.setattr(generate, "run_in_place", lambda **_: seen_before_work.append(capsys.readouterr().out) or [])
    assert 0 == cli.main(["generate"])
    [announced] = seen_before_work
    assert announced.startswith("codegen: regenerating: apply openapi/patches/ to openapi/heygen-api.json")
    assert "openapi-python-client 0.29.1, datamodel-code-generator 0.89.0" in announced
    after = capsys.readouterr().out.splitlines()
    assert "generated openapi/heygen-api.patched.json, openapi/manifest.json and generated/" == after[0]
    assert after[1].startswith("codegen: done in ")


def test_verify_says_what_it_will_do_before_doing_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fake_run(*, use_cache: bool) -> str:
        assert capsys.readouterr().out.startswith("codegen: verifying openapi/ and generated/ against a fresh run")
        return f"verdict (use_cache={use_cache})"

    monkeypatch.setattr(verify, "run", fake_run)
    assert 0 == cli.main(["verify", "--no-cache"])
    assert "verdict (use_cache=False)" == capsys.readouterr().out.splitlines()[0]
