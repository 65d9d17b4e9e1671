"""`python -m codegen diff`: formats, --fail-on exit codes, unreadable inputs, GITREF:PATH."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
import yaml

from codegen.__main__ import main

FIXTURES = Path(__file__).parent / "diff_fixtures"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pair(tmp_path: Path) -> tuple[str, str]:
    data = yaml.safe_load((FIXTURES / "request-property-removed.yaml").read_text(encoding="utf-8"))
    base, revision = tmp_path / "base.json", tmp_path / "revision.yaml"
    base.write_text(json.dumps(data["base"]), encoding="utf-8")
    revision.write_text(yaml.safe_dump(data["revision"]), encoding="utf-8")
    return str(base), str(revision)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([], 0),
        (["--fail-on", "ERR"], 1),
        (["--fail-on", "ERR", "--profile", "wire"], 0),
        (["--fail-on", "WARN", "--profile", "wire"], 1),
        (["--fail-on", "INFO"], 1),
    ],
)
def test_fail_on(pair: tuple[str, str], args: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert code == main(["diff", *pair, *args])
    capsys.readouterr()


def test_json_format(pair: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert 0 == main(["diff", *pair, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    (change,) = report["changes"]
    expected = {
        "id": "request-property-removed",
        "level": "ERR",
        "direction": "request",
        "operation": "POST /v2/video/generate",
        "path": "/components/schemas/CreateVideoRequest/properties/folder_id",
    }
    assert expected == {key: change[key] for key in expected}
    assert "API changed but info.version did not" == report["outcome"]["text"]
    assert "ERR" == report["highest"]


def test_markdown_groups_by_level(pair: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert 0 == main(["diff", *pair, "--format", "markdown", "--profile", "wire"])
    out = capsys.readouterr().out
    assert "#### WARN (1)" in out
    assert "#### ERR" not in out
    assert "| `request-property-removed` | POST /v2/video/generate |" in out


def test_text_names_the_sdk_attribute(pair: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    main(["diff", *pair])
    out = capsys.readouterr().out
    assert "outcome: API changed but info.version did not" in out
    assert "Removed request property `folder_id` (CreateVideoRequest.folder_id)." in out


@pytest.mark.parametrize(
    ("side", "reason"),
    [
        ("missing.json", "missing.json: no such file"),
        ("HEAD:no/such/file.json", "HEAD:no/such/file.json: cannot read from git"),
    ],
)
def test_unreadable_input_exits_2_with_one_line(
    pair: tuple[str, str], side: str, reason: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert 2 == main(["diff", side, pair[1]])
    err = capsys.readouterr().err
    assert 1 == len(err.strip().splitlines())
    assert err.startswith(f"error: {reason}")


def test_broken_json_exits_2(tmp_path: Path, pair: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"openapi": "3.1.0", ', encoding="utf-8")
    assert 2 == main(["diff", str(broken), pair[1]])
    assert "broken JSON" in capsys.readouterr().err


def test_git_ref_side(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = yaml.safe_load((FIXTURES / "request-property-enum-value-added.yaml").read_text(encoding="utf-8"))
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(data["base"]), encoding="utf-8")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("add", "spec.json")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base")
    spec.write_text(json.dumps(data["revision"]), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert 0 == main(["diff", "HEAD:spec.json", "spec.json", "--format", "json"])
    ids = [c["id"] for c in json.loads(capsys.readouterr().out)["changes"]]
    assert ["request-property-enum-value-added"] == ids


DEPRECATED_YAML = """openapi: 3.1.0
info: {title: t, version: 1.0.0}
paths:
  /items:
    get:
      operationId: list-items
      deprecated: true
      x-sunset: 2099-01-01
      responses:
        '200': {description: ok}
"""


@pytest.fixture
def deprecation(tmp_path: Path) -> tuple[str, str]:
    base, revision = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    base.write_text(
        DEPRECATED_YAML.replace("      deprecated: true\n      x-sunset: 2099-01-01\n", ""), encoding="utf-8"
    )
    revision.write_text(DEPRECATED_YAML, encoding="utf-8")
    return str(base), str(revision)


def test_unquoted_yaml_date_reads_as_a_date(deprecation: tuple[str, str]) -> None:
    from codegen.diff import Policy, diff_sources

    report = diff_sources(*deprecation, profile="wire", policy=Policy(today=dt.date(2026, 1, 1)))
    assert [("endpoint-deprecated-with-sunset", "INFO", "2099-01-01")] == [
        (c.id, c.level, c.detail("sunset")) for c in report.changes
    ]


@pytest.mark.parametrize(
    ("days", "rule"), [("180", "endpoint-deprecated-with-sunset"), ("100000", "api-sunset-date-too-small")]
)
def test_deprecation_days_flag(
    deprecation: tuple[str, str], days: str, rule: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["diff", *deprecation, "--profile", "wire", "--format", "json", "--deprecation-days-stable", days]
    assert 0 == main(args)
    assert [rule] == [change["id"] for change in json.loads(capsys.readouterr().out)["changes"]]


def test_deprecation_days_must_be_a_whole_number(
    deprecation: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["diff", *deprecation, "--deprecation-days-beta", "-3"])
    assert 2 == exited.value.code
    expected = "argument --deprecation-days-beta: '-3' is not a whole number of days (0 or more)"
    assert expected in capsys.readouterr().err
