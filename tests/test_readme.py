"""Every README example runs as written and prints what the README says it prints.

The README is read block by block, so a block added anywhere is picked up without touching this file:

- a ``python`` block runs against a local MockHeyGen (``HEYGEN_API_KEY``/``HEYGEN_BASE_URL`` point at it) in an
  empty folder and must print something; when a ``text`` block follows it (at most a line of prose between), its
  output must match that block (``...`` stands for any text, as in doctest);
- a ``console`` block runs its ``$`` commands in order in one bash, in an empty folder beside a ``shared`` folder
  (so ``../shared/...`` names the shared corpus), and the combined output must equal the lines the README shows
  under them, byte for byte. Commands that install from the network or run nox (``pip ...``, ``nox ...``) are
  not run here (``.ci/run`` runs ``nox`` itself); a block whose every command is such is skipped.
- ``<!-- readme-test: skip REASON -->`` on the line before a block skips it, saying why.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import heygen_studio_api
import pytest

import heygen_studio
from heygen_studio.testing import MockHeyGen
from tests.shared import SHARED

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
NOT_RUN_HERE = ("pip ", "nox")
SKIP_MARK = re.compile(r"<!-- readme-test: skip (?P<reason>.+?) -->")
# The children import the same packages this process tests, wherever they live (src/ or site-packages), and
# `python -m codegen` finds the pipeline in the repository.
PYTHONPATH = os.pathsep.join(
    [str(ROOT), *(str(Path(package.__file__).resolve().parents[1]) for package in (heygen_studio, heygen_studio_api))]
)


@dataclass(frozen=True)
class Block:
    language: str
    text: str
    line: int  # 1-based line of the opening fence
    end: int  # 1-based line of the closing fence
    skip: str | None


def read_blocks(markdown: str) -> list[Block]:
    """The fenced blocks of ``markdown`` in order."""
    blocks: list[Block] = []
    lines = markdown.splitlines(keepends=True)
    number = 0
    while number < len(lines):
        opening = re.match(r"```(\w*)\s*$", lines[number])
        if opening is None:
            number += 1
            continue
        close = next(i for i in range(number + 1, len(lines)) if lines[i].rstrip() == "```")
        mark = SKIP_MARK.search(lines[number - 1]) if number else None
        blocks.append(
            Block(opening.group(1), "".join(lines[number + 1 : close]), number + 1, close + 1, mark and mark["reason"])
        )
        number = close + 1
    return blocks


BLOCKS = read_blocks(README.read_text(encoding="utf-8"))
PYTHON = [(index, block) for index, block in enumerate(BLOCKS) if block.language == "python"]
CONSOLE = [block for block in BLOCKS if block.language == "console"]


def expected_output(index: int) -> str | None:
    """The ``text`` block that shows what python block ``index`` prints, if the README shows it."""
    if index + 1 < len(BLOCKS):
        following = BLOCKS[index + 1]
        if following.language == "text" and following.line - BLOCKS[index].end <= 3:
            return following.text
    return None


def test_the_readme_has_its_examples() -> None:
    assert 2 <= len(PYTHON)
    assert 3 <= len(CONSOLE)


def test_the_block_reader_reads_languages_lines_and_skip_marks() -> None:
    markdown = (
        "intro\n```python\nprint(1)\n```\n\n```text\n1\n```\n<!-- readme-test: skip needs a key -->\n```\nx\n```\n"
    )
    expected = [
        Block("python", "print(1)\n", 2, 4, None),
        Block("text", "1\n", 6, 8, None),
        Block("", "x\n", 10, 12, "needs a key"),
    ]
    assert expected == read_blocks(markdown)


@pytest.mark.parametrize(("index", "block"), PYTHON, ids=[f"python-line-{block.line}" for _, block in PYTHON])
def test_python_block_runs_and_prints_what_happened(
    index: int,
    block: Block,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    if block.skip:
        pytest.skip(block.skip)
    monkeypatch.chdir(tmp_path)
    with MockHeyGen() as server:
        monkeypatch.setenv("HEYGEN_API_KEY", server.api_key)
        monkeypatch.setenv("HEYGEN_BASE_URL", server.base_url)
        namespace: dict[str, Any] = {"__name__": "__readme__"}
        try:
            exec(compile(block.text, f"{README}:{block.line}", "exec"), namespace)
        finally:
            if hasattr(namespace.get("client"), "close"):
                namespace["client"].close()
        created = list(server.videos)
    printed = capsys.readouterr().out
    assert printed.strip(), f"README line {block.line}: the example printed nothing; each example prints what happened"
    shown = expected_output(index)
    if shown is not None:
        checker = doctest.OutputChecker()
        assert checker.check_output(shown, printed, doctest.ELLIPSIS), f"README shows:\n{shown}\nit printed:\n{printed}"
    if "print(video.video_id)" in block.text:
        assert [printed.strip()] == created


@dataclass(frozen=True)
class Command:
    line: str
    output: str


def read_commands(block: str) -> list[Command]:
    """The ``$`` commands of a console block, each with the output the README shows under it."""
    commands: list[Command] = []
    for line in block.splitlines(keepends=True):
        if line.startswith("$ "):
            commands.append(Command(line[2:].rstrip("\n"), ""))
        elif commands:
            commands[-1] = Command(commands[-1].line, commands[-1].output + line)
    return commands


def test_console_commands_are_read_with_their_output() -> None:
    expected = [Command("echo hi  # greet", "hi\n"), Command("echo $?", "0\n")]
    assert expected == read_commands("$ echo hi  # greet\nhi\n$ echo $?\n0\n")


@pytest.mark.skipif(shutil.which("bash") is None, reason="the README's commands are bash")
@pytest.mark.parametrize("block", CONSOLE, ids=[f"console-line-{block.line}" for block in CONSOLE])
def test_console_block_prints_what_the_readme_shows(block: Block, tmp_path: Path) -> None:
    if block.skip:
        pytest.skip(block.skip)
    commands = [command for command in read_commands(block.text) if not command.line.startswith(NOT_RUN_HERE)]
    if not commands:
        pytest.skip(f"README line {block.line}: only pip/nox commands, which .ci/run runs on a clean clone")
    if "../shared/" in block.text and not (SHARED / "corpus").is_dir():
        pytest.skip(f"{SHARED}/corpus is not available (set HEYGEN_STUDIO_SHARED to the shared folder)")
    workdir = tmp_path / "clone"
    workdir.mkdir()
    (tmp_path / "shared").symlink_to(SHARED.resolve(), target_is_directory=True)
    # `python` in the README is the interpreter under test (a wrapper, not a symlink: a venv's python must be
    # started by its own path to find its site-packages).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    (bin_dir / "python").chmod(0o755)
    script = "".join(f"{command.line}\n" for command in commands)
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=workdir,
        env={
            **os.environ,
            "PATH": os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")]),
            "PYTHONPATH": PYTHONPATH,
            "PYTHONUNBUFFERED": "1",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    expected = "".join(command.output for command in commands)
    assert expected == result.stdout
