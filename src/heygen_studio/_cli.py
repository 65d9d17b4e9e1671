"""What the command lines say when an optional dependency is missing: one line naming the extra, exit 2."""

from __future__ import annotations

import sys

EXIT_MISSING_DEPENDENCY = 2

# Module -> the distribution that provides it. All of them come with heygen-studio's [codegen] extra.
OPTIONAL_MODULES = {
    "yaml": "PyYAML",
    "griffe": "griffe",
    "jsonpath_rfc9535": "jsonpath-rfc9535",
    "openapi_python_client": "openapi-python-client",
    "datamodel_code_generator": "datamodel-code-generator",
}
# These two publish wheels for Python 3.11 and newer only, so the extra leaves them out on 3.10.
NEEDS_PYTHON_311 = frozenset({"griffe", "openapi_python_client"})


def missing_dependency_line(error: ModuleNotFoundError, program: str) -> str | None:
    """The one line to print for ``error``, or ``None`` when it is not a missing optional dependency.

    Args:
        error: The exception an import raised.
        program: How the user ran the command (``python -m codegen diff``), for the message.

    Returns:
        ``"error: ..."`` naming the distribution and the extra to install, or ``None``.
    """
    module = (error.name or "").partition(".")[0]
    distribution = OPTIONAL_MODULES.get(module)
    if distribution is None:
        return None
    if module in NEEDS_PYTHON_311 and sys.version_info < (3, 11):
        running = f"{sys.version_info[0]}.{sys.version_info[1]}"
        return (
            f"error: {program} needs {distribution}, which needs Python 3.11 or newer (this is {running}): "
            "run it with Python 3.11+ and pip install 'heygen-studio[codegen]'"
        )
    return f"error: {program} needs {distribution}, which is not installed: pip install 'heygen-studio[codegen]'"
