"""``python -m heygen_studio.testing``: run MockHeyGen in the foreground until Ctrl-C or SIGTERM.

Prints where it listens and the environment to point a client at it, then one
line per request (method, path, status, video id) on stdout. Exit status: 0
when stopped by a signal, 1 when the address cannot be bound, 2 for bad
arguments.
"""

from __future__ import annotations

import argparse
import logging
import math
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from heygen_studio._cli import EXIT_MISSING_DEPENDENCY, missing_dependency_line
from heygen_studio.testing._http import logger
from heygen_studio.testing._server import MockHeyGen

EXIT_CANNOT_LISTEN = 1


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535 (0 picks a free one), got {port}")
    return port


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return seconds


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m heygen_studio.testing",
        description="Serve a local HeyGen (v2 generate and status, v3 create/get/list/delete) until Ctrl-C.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=_port, default=8000, help="TCP port, 0 for a free one (default: %(default)s)")
    parser.add_argument("--api-key", default="test-key", help="the x-api-key to accept (default: %(default)s)")
    parser.add_argument(
        "--render-seconds",
        type=_seconds,
        default=10.0,
        help="how long a video takes from waiting to completed, in seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--no-validate", dest="validate", action="store_false", help="accept any JSON object, skip the spec's rules"
    )
    return parser


class _Stop(Exception):
    """Raised in the main thread by the SIGTERM handler, to leave the wait like Ctrl-C does."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server until interrupted.

    Args:
        argv: The arguments after the program name; ``sys.argv[1:]`` when ``None``.

    Returns:
        The exit status.
    """
    args = _parser().parse_args(argv)
    try:
        return _serve(args)
    except ModuleNotFoundError as error:
        line = missing_dependency_line(error, "python -m heygen_studio.testing")
        if line is None:
            raise
        print(line, file=sys.stderr)
        return EXIT_MISSING_DEPENDENCY


def _serve(args: argparse.Namespace) -> int:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    server = MockHeyGen(
        api_key=args.api_key,
        host=args.host,
        port=args.port,
        validate=args.validate,
        render_seconds=args.render_seconds,
    )
    server._log_level = logging.INFO
    try:
        server.start()
    except OSError as error:
        print(f"error: cannot listen on {args.host} port {args.port}: {error.strerror or error}", file=sys.stderr)
        return EXIT_CANNOT_LISTEN
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        print(f"MockHeyGen listening on {server.base_url} (api key: {server.api_key})", flush=True)
        print(f"export HEYGEN_BASE_URL={server.base_url} HEYGEN_API_KEY={server.api_key}", flush=True)
        forever = threading.Event()
        while not forever.wait(3600):
            pass
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()
        logger.removeHandler(handler)
    print("MockHeyGen stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
