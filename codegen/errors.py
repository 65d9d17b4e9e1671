"""Errors the pipeline reports to its user as one line, never as a traceback."""

from __future__ import annotations


class CodegenError(Exception):
    """An input the pipeline cannot use; the CLI prints the message and exits 2."""

    exit_code = 2


class StaleError(CodegenError):
    """Committed files differ from what the pipeline writes; the CLI exits 1."""

    exit_code = 1
