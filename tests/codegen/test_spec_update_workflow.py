"""The spec-update workflow is valid YAML, has its triggers, and calls only nox sessions that exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "spec-update.yml"


def load() -> dict[Any, Any]:
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def nox_sessions() -> set[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("nox.session" in ast.unparse(decorator) for decorator in node.decorator_list)
    }


def test_triggers_and_jobs() -> None:
    document = load()
    triggers = document[True]  # YAML 1.1 reads the key `on` as a boolean
    assert {"schedule", "workflow_dispatch"} == set(triggers)
    assert "page_url" in triggers["workflow_dispatch"]["inputs"]
    steps = document["jobs"]["update"]["steps"]
    assert all("uses" in step or "run" in step for step in steps)


def test_every_nox_session_it_calls_exists() -> None:
    runs = "\n".join(step.get("run", "") for step in load()["jobs"]["update"]["steps"])
    called = set(re.findall(r"nox -s ([\w-]+)", runs))
    assert {"update"} == called
    assert called <= nox_sessions()


def test_update_session_is_not_a_default() -> None:
    text = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert re.search(r"@nox\.session\([^)]*\bdefault=False\b[^)]*\)\ndef update\(", text)
