"""codegen.postprocess: the ruff that formats the tree is the pinned one, called without a Python in front."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import pytest

from codegen import postprocess


def test_the_ruff_called_is_the_installed_distribution() -> None:
    command = postprocess.ruff_command()
    version = subprocess.run([*command, "--version"], capture_output=True, text=True, check=True).stdout
    assert f"ruff {metadata.version('ruff')}" == version.strip()


@pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="runs in a virtual environment only")
def test_in_a_virtual_environment_the_binary_is_called_directly() -> None:
    (binary,) = postprocess.ruff_command()
    assert binary.startswith(sys.prefix)


def test_outside_a_virtual_environment_python_finds_ruff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "base_prefix", sys.prefix)
    assert [sys.executable, "-m", "ruff"] == postprocess.ruff_command()
