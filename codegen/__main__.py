"""Command line for the pipeline: python -m codegen {extract,patch,generate,verify,diff,update}.

Run it from the repository root (or with the root on PYTHONPATH); the nox sessions do that for you.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from codegen.errors import CodegenError

EXIT_MISSING_DEPENDENCY = 2
# Module -> the distribution that provides it; heygen-studio's [codegen] extra installs all of them.
OPTIONAL_MODULES = {
    "yaml": "PyYAML",
    "griffe": "griffe",
    "jsonpath_rfc9535": "jsonpath-rfc9535",
    "regex": "regex",
    "iregexp_check": "iregexp-check",
    "openapi_python_client": "openapi-python-client",
    "datamodel_code_generator": "datamodel-code-generator",
}
# Published for Python 3.11 and newer only, so the extra leaves them out on 3.10.
NEEDS_PYTHON_311 = frozenset({"griffe", "openapi_python_client"})


def missing_dependency_line(error: ModuleNotFoundError, program: str) -> str | None:
    """The one line to print for ``error``, or ``None`` when it is not a missing optional dependency."""
    module = (error.name or "").partition(".")[0]
    distribution = OPTIONAL_MODULES.get(module)
    if distribution is None:
        return None
    if module in NEEDS_PYTHON_311 and sys.version_info < (3, 11):
        running = f"{sys.version_info[0]}.{sys.version_info[1]}"
        return (
            f"error: {program} needs {distribution}, which needs Python 3.11 or newer (this is {running}): "
            "run it with Python 3.11+ and pip install 'heygen-studio[codegen]' (or use nox, which picks one)"
        )
    return f"error: {program} needs {distribution}, which is not installed: pip install 'heygen-studio[codegen]'"


GENERATOR_MODULES = ("openapi_python_client", "datamodel_code_generator")


def _require_generators() -> None:
    """Raise ModuleNotFoundError for a generator that cannot be imported, before any work is done."""
    from importlib.util import find_spec

    for module in GENERATOR_MODULES:
        if find_spec(module) is None:
            raise ModuleNotFoundError(f"No module named {module!r}", name=module)


def _progress(message: str) -> None:
    """A line saying what the next stage does (stderr is kept for errors)."""
    print(f"codegen: {message}", flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m codegen", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    extract = commands.add_parser(
        "extract", help="vendor: merge openapi/sources.yaml (or the PAGE/spec files given) -> openapi/heygen-api.json"
    )
    extract.add_argument("pages", nargs="*", type=Path, metavar="PAGE")
    extract.add_argument("--out", type=Path, default=Path("openapi/heygen-api.json"))

    commands.add_parser("patch", help="apply openapi/patches/ -> openapi/heygen-api.patched.json")

    generate = commands.add_parser("generate", help="regenerate openapi/ outputs and generated/ in place")
    generate.add_argument("--spec", type=Path, help="generate from this spec (page, JSON or YAML) instead")
    generate.add_argument("--out", type=Path, help="with --spec: the folder to write")
    generate.add_argument("--package-name", help="with --spec: the Python package to write (default heygen_studio_api)")
    strictness = generate.add_mutually_exclusive_group()
    strictness.add_argument(
        "--strict", action="store_true", default=None, help="fail on any generator warning (default for our own spec)"
    )
    strictness.add_argument(
        "--lenient", dest="strict", action="store_false", help="report generator warnings, exit 0 (default with --spec)"
    )

    verify = commands.add_parser("verify", help="fail (exit 1) if committed outputs differ from a fresh run")
    verify.add_argument("--no-cache", action="store_true", help="always regenerate, ignoring the fast path")

    diff = commands.add_parser(
        "diff",
        help="compare two specs (file, docs page or GITREF:PATH), or two generated trees with --surface",
        description="Exit 1 when a change at or above --fail-on exists, 2 when an input cannot be read.",
    )
    diff.add_argument("base", metavar="BASE")
    diff.add_argument("revision", metavar="REVISION")
    diff.add_argument(
        "--surface", action="store_true", help="BASE and REVISION are generated/ folders: diff the Python API"
    )
    diff.add_argument(
        "--src", nargs=2, type=Path, metavar=("OLD_SRC", "NEW_SRC"), help="with --surface: also diff these src/ folders"
    )
    diff.add_argument(
        "--profile",
        choices=("client", "wire"),
        default="client",
        help="client (default): effect on callers of the generated client; wire: oasdiff's levels",
    )
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    for stage in ("beta", "stable"):
        diff.add_argument(
            f"--deprecation-days-{stage}",
            type=_days,
            default=0,
            metavar="DAYS",
            help=f"days of notice a deprecated {stage} operation's x-sunset must give (default 0, as oasdiff)",
        )
    diff.add_argument(
        "--fail-on", choices=("ERR", "WARN", "INFO"), help="exit 1 when a change at or above this level exists"
    )
    diff.add_argument(
        "--include-docs", action="store_true", help="also report description, example and x- extension changes"
    )

    update = commands.add_parser(
        "update", help="vendor new page(s)/spec(s), patch, regenerate, diff, write CHANGELOG.md"
    )
    update.add_argument(
        "pages", nargs="+", metavar="[SOURCE=]PAGE_OR_SPEC", help="each replaces one source of openapi/sources.yaml"
    )
    update.add_argument("--report", type=Path, help="also write the Markdown report here (e.g. a PR body)")
    update.add_argument("--json", type=Path, help="also write the JSON report here")
    return parser


def _days(text: str) -> int:
    """A whole number of days, 0 or more (argparse names the flag when this raises)."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days (0 or more)")
    return int(text)


def _diff(args: argparse.Namespace) -> int:
    from codegen.diff import diff_sources
    from codegen.diff.report import render
    from codegen.diff.rules import at_or_above

    if args.surface:
        from codegen.diff.surface import diff_surfaces

        roots = [(Path(args.base), Path(args.revision))]
        if args.src:
            roots.append((args.src[0], args.src[1]))
        report = diff_surfaces(roots)
    else:
        from codegen.diff.lifecycle import Policy

        policy = Policy(
            deprecation_days_beta=args.deprecation_days_beta, deprecation_days_stable=args.deprecation_days_stable
        )
        report = diff_sources(
            args.base, args.revision, profile=args.profile, include_docs=args.include_docs, policy=policy
        )
    sys.stdout.write(render(report, args.format))
    failing = args.fail_on and any(at_or_above(change.level, args.fail_on) for change in report.changes)
    return 1 if failing else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: The arguments after the program name; ``sys.argv[1:]`` when ``None``.

    Returns:
        The exit status: 0 done, 1 changes found (``verify``, ``diff --fail-on``), 2 unusable input or a
        missing dependency (one line on stderr).
    """
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except ModuleNotFoundError as error:
        line = missing_dependency_line(error, f"python -m codegen {args.command}")
        if line is None:
            raise
        print(line, file=sys.stderr)
        return EXIT_MISSING_DEPENDENCY


def _run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        if args.command == "extract":
            from codegen import extract, merge

            if args.pages:
                extract.run(args.pages, args.out)
            else:
                merge.run(merge.OPENAPI, args.out)
            print(f"wrote {args.out}")
        elif args.command == "patch":
            from codegen import generate

            text = generate.patched_text(generate.REPO)
            generate.REPO.patched.write_text(text, encoding="utf-8")
            print(f"wrote {generate.REPO.patched}")
        elif args.command == "generate":
            _require_generators()
            from codegen import generate
            from codegen.problems import summary

            if args.spec is not None:
                if args.out is None:
                    raise CodegenError("--spec needs --out")
                package = args.package_name or generate.PACKAGE
                _progress(
                    f"generating {args.out / package} from {args.spec}: check the spec, run the generators, format"
                )
                problems = generate.run_from_spec(args.spec, args.out, package_name=package, strict=bool(args.strict))
                print(f"generated {args.out / package} from {args.spec}")
            else:
                if args.package_name is not None:
                    raise CodegenError("--package-name needs --spec: our own spec keeps heygen_studio_api")
                _progress(_generate_stages())
                problems = generate.run_in_place(strict=args.strict is not False)
                print("generated openapi/heygen-api.patched.json, openapi/manifest.json and generated/")
            sys.stderr.write(summary(problems))
            _progress(f"done in {time.perf_counter() - started:.1f} s")
        elif args.command == "verify":
            _require_generators()
            from codegen import verify

            _progress(
                "verifying openapi/ and generated/ against a fresh run in a temporary folder "
                "(skipped when nothing changed since the last full check)"
            )
            print(verify.run(use_cache=not args.no_cache))
            _progress(f"done in {time.perf_counter() - started:.1f} s")
        elif args.command == "diff":
            return _diff(args)
        elif args.command == "update":
            from codegen import update

            _progress("updating: vendor, patch, regenerate, diff old -> new (spec and surface), write CHANGELOG.md")
            return update.main(args.pages, report_path=args.report, json_path=args.json)
    except CodegenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


def _generate_stages() -> str:
    """What ``generate`` is about to do, naming the generators' installed versions."""
    from importlib import metadata

    try:
        versions = ", ".join(
            f"{OPTIONAL_MODULES[module]} {metadata.version(OPTIONAL_MODULES[module])}" for module in GENERATOR_MODULES
        )
    except metadata.PackageNotFoundError as error:
        module = str(error.name).replace("-", "_")
        raise ModuleNotFoundError(f"No module named {module!r}", name=module) from None
    return (
        "regenerating: apply openapi/patches/ to openapi/heygen-api.json, check the result, "
        f"run {versions}, format with ruff, then replace openapi/heygen-api.patched.json, "
        "openapi/manifest.json and generated/"
    )


def _exit(code: int) -> None:
    """End the process now that every file is written and closed, as mypy's ``hard_exit`` does.

    A generate run leaves tens of thousands of the generators' objects in reference cycles;
    collecting them and tearing the modules down at interpreter exit costs a fifth of a second
    on the External API, for a process that is about to end anyway.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # a closed pipe (`... | head`) has nothing left to take
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    _exit(main())
