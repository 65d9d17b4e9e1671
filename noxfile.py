"""Sessions for heygen-studio. `nox -l` lists them; plain `nox` runs the checks CI runs."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["verify", "lint", "typecheck", "tests"]
nox.options.error_on_missing_interpreters = False

PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHONS = nox.project.python_versions(PYPROJECT)


@nox.session(default=False)
def generate(session: nox.Session) -> None:
    """Regenerate openapi/heygen-api.patched.json, openapi/manifest.json and generated/ from openapi/."""
    session.install("-e", ".[codegen]")
    session.run("python", "-m", "codegen", "generate")


@nox.session(default=False)
def update(session: nox.Session) -> None:
    """Vendor new docs page(s)/spec(s), patch, regenerate, diff and write CHANGELOG.md: `nox -s update -- PAGE...`."""
    session.install("-e", ".[codegen]")
    session.run("python", "-m", "codegen", "update", *session.posargs)


@nox.session
def verify(session: nox.Session) -> None:
    """Fail if openapi/ or generated/ differ from what `nox -s generate` writes."""
    session.install("-e", ".[codegen]")
    session.run("python", "-m", "codegen", "verify", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Lint and format-check the hand-written code with ruff."""
    session.install("ruff==0.17.6")
    session.run("ruff", "check", "codegen", "src", "tests", "noxfile.py")
    session.run("ruff", "format", "--check", "codegen", "src", "tests", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Run mypy --strict over src/, generated/, codegen/ and the tests/typing/ checks."""
    session.install("-e", ".[dev]")
    session.run("mypy", "src", "generated", "tests/typing")
    # The pipeline runs on 3.11+ (openapi-python-client's floor); the SDK above is checked for 3.10.
    session.run("mypy", "--python-version", "3.11", "codegen")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite against an installed (non-editable) build of the package."""
    session.install(".[dev]")
    session.run("pytest", *session.posargs)


@nox.session(default=False)
def demo(session: nox.Session) -> None:
    """Create a video with the README's example against a local MockHeyGen: no account, no network."""
    session.install(".")
    session.run("python", "-m", "heygen_studio.testing.demo")


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Print benchmark ratios against baselines measured in the same run."""
    session.install(".[dev]")
    session.run("python", "-m", "tests.bench", *session.posargs)
