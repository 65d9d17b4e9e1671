"""datamodel-codegen in a child process, so it runs while openapi-python-client does.

The two generators are independent and each is a few seconds of pure Python; one
process would run them one after the other under the GIL.  ``start`` launches
``python -m codegen.typeddicts SPEC OUT [HEADER]`` as soon as the generator spec is ready;
``finish`` waits for it after openapi-python-client and moves ``params.py`` into
the package (openapi-python-client recreates the package folder, so the child
writes beside it).  A failure in the child is one line on its stderr, raised here
as a CodegenError.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.errors import CodegenError

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Running:
    """A datamodel-codegen child and the file it writes."""

    process: subprocess.Popen[str]
    out_file: Path


def start(spec: dict[str, Any], folder: Path, *, header: str = "") -> Running:
    """Start writing the TypedDicts for ``spec`` (a request-only spec) into ``folder``, ``header`` first.

    Raises:
        ModuleNotFoundError: datamodel-codegen is not installed; raised here, in this process, so the command
            line answers with its one line naming the extra instead of the child's traceback.
    """
    if importlib.util.find_spec("datamodel_code_generator") is None:
        raise ModuleNotFoundError("No module named 'datamodel_code_generator'", name="datamodel_code_generator")
    spec_file, out_file = folder / "params-spec.json", folder / "params.py"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    command = [sys.executable, "-m", "codegen.typeddicts", str(spec_file), str(out_file), header]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return Running(process, out_file)


def finish(running: Running, destination: Path) -> None:
    """Wait for the child and move its ``params.py`` to ``destination``."""
    _, stderr = running.process.communicate()
    if running.process.returncode != 0:
        lines = [line for line in stderr.strip().splitlines() if line.strip()]
        raise CodegenError(lines[-1] if lines else f"datamodel-codegen exited {running.process.returncode}")
    shutil.move(running.out_file, destination)


def stop(running: Running) -> None:
    """End the child when the run failed elsewhere."""
    if running.process.poll() is None:
        running.process.kill()
    running.process.communicate()


def main(argv: list[str]) -> int:
    from codegen.generators import run_datamodel_codegen

    spec_file, out_file, header = Path(argv[0]), Path(argv[1]), argv[2] if len(argv) > 2 else ""
    try:
        run_datamodel_codegen(json.loads(spec_file.read_text(encoding="utf-8")), out_file, header=header)
    except CodegenError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
