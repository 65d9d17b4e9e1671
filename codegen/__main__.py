"""Command line for the pipeline: ``python -m codegen {extract,patch,generate,verify,diff}``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from codegen.errors import CodegenError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    extract = commands.add_parser("extract", help="vendor: docs page(s) -> openapi/heygen-api.json")
    extract.add_argument("pages", nargs="+", type=Path, metavar="PAGE")
    extract.add_argument("--out", type=Path, default=Path("openapi/heygen-api.json"))

    commands.add_parser("patch", help="apply openapi/patches/ -> openapi/heygen-api.patched.json")

    generate = commands.add_parser("generate", help="regenerate openapi/ outputs and generated/ in place")
    generate.add_argument("--spec", type=Path, help="generate from this spec (page, JSON or YAML) instead")
    generate.add_argument("--out", type=Path, help="with --spec: the folder to write")

    verify = commands.add_parser("verify", help="fail (exit 1) if committed outputs differ from a fresh run")
    verify.add_argument("--no-cache", action="store_true", help="always regenerate, ignoring the fast path")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "extract":
            from codegen import extract

            extract.run(args.pages, args.out)
            print(f"wrote {args.out}")
        elif args.command == "patch":
            from codegen import generate

            text = generate.patched_text(generate.REPO)
            generate.REPO.patched.write_text(text, encoding="utf-8")
            print(f"wrote {generate.REPO.patched}")
        elif args.command == "generate":
            from codegen import generate

            if args.spec is not None:
                if args.out is None:
                    raise CodegenError("--spec needs --out")
                generate.run_from_spec(args.spec, args.out)
                print(f"generated {args.out} from {args.spec}")
            else:
                generate.run_in_place()
                print("generated openapi/heygen-api.patched.json, openapi/manifest.json and generated/")
        elif args.command == "verify":
            from codegen import verify

            print(verify.run(use_cache=not args.no_cache))
    except CodegenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
