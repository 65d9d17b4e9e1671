"""The two generators' entry points: what openapi-python-client skipped, and datamodel-codegen (TypedDicts).

What openapi-python-client skipped comes back as plain-text Problems (see ``codegen.problems``);
``codegen.render`` runs openapi-python-client and ``codegen.typeddicts`` runs datamodel-codegen in a
child process beside it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from codegen.errors import CodegenError
from codegen.problems import Problem, Severity, printable

_OBJECT_REPR = re.compile(r"<(?:[\w.]+\.)?UntrustedString object at 0x[0-9a-fA-F]+>")
_WHERE = re.compile(r"^(?:WARNING|ERROR) parsing (\w+) (\S+) within \S+?\.\s*")


def generator_problem(error: Any) -> Problem:
    """One openapi-python-client GeneratorError as a plain-text Problem: operation, then the reason."""
    from openapi_python_client.parser.errors import ErrorLevel

    text = " ".join(part.strip() for part in (str(error.header), str(error.detail or "")) if part.strip())
    text = _OBJECT_REPR.sub("<name>", " ".join(text.split()))
    where = _WHERE.match(text)
    if where is not None:
        text = f"{where.group(1).upper()} {where.group(2)}: {text[where.end() :]}"
    severity = Severity.ERROR if error.level == ErrorLevel.ERROR else Severity.WARNING
    return Problem(severity, f"openapi-python-client: {printable(text)}")


def run_datamodel_codegen(spec: dict[str, Any], out_file: Path, *, header: str = "") -> None:
    """Write the TypedDicts of ``spec``'s schemas to ``out_file``, ``header`` first."""
    from datamodel_code_generator import InputFileType, LiteralType, PythonVersion, generate
    from datamodel_code_generator.enums import DataModelType

    try:
        code = generate(
            json.dumps(spec),
            input_file_type=InputFileType.OpenAPI,
            output_model_type=DataModelType.TypingTypedDict,
            target_python_version=PythonVersion.PY_310,
            disable_timestamp=True,
            # Without postponed annotations the TypedDicts know their real required keys at run time
            # (`__required_keys__`), so runtime introspection (pydantic, typeguard) agrees with mypy.
            disable_future_imports=True,
            use_union_operator=True,
            use_standard_collections=True,
            use_schema_description=True,
            use_field_description=True,
            enum_field_as_literal=LiteralType.All,
            formatters=[],
        )
    except Exception as exc:  # the library raises many types; report one line
        raise CodegenError(f"datamodel-code-generator failed: {exc}".splitlines()[0]) from None
    if not isinstance(code, str):
        raise CodegenError("datamodel-code-generator returned several modules; expected one")
    out_file.write_text(header + code, encoding="utf-8")
