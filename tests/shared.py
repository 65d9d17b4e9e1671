"""Where the tests find ``../shared``: the seed page and the corpus of real HeyGen specs nobody here wrote.

The corpus is data beside the repository, not part of it (its README forbids
copying it in), so tests that read it skip with a reason where it is absent.
``HEYGEN_STUDIO_SHARED`` points elsewhere; otherwise ``../shared`` beside the
repository is used, or one level further up for a git worktree in ``wt/<branch>``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from heygen_studio._tls import default_ssl_context

ROOT = Path(__file__).resolve().parents[1]


def _shared() -> Path:
    configured = os.environ.get("HEYGEN_STUDIO_SHARED")
    if configured:
        return Path(configured)
    candidates = (ROOT.parent / "shared", ROOT.parent.parent / "shared")
    return next((path for path in candidates if path.is_dir()), candidates[0])


SHARED = _shared()
CORPUS = SHARED / "corpus" / "heygen"
SEED = SHARED / "seed" / "generate-studio-video.md"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"{CORPUS} is not available (set HEYGEN_STUDIO_SHARED to the shared folder)"
)


def _examples_scale() -> float:
    raw = os.environ.get("HEYGEN_STUDIO_EXAMPLES_SCALE", "1")
    try:
        scale = float(raw)
    except ValueError:
        scale = -1.0
    if not 0 < scale <= 1:
        raise ValueError(f"HEYGEN_STUDIO_EXAMPLES_SCALE must be a number in (0, 1], got {raw!r}")
    return scale


# nox runs every Hypothesis property at its full example count on one Python of the matrix and at this
# share on the others (see noxfile.py's `tests`): the properties are about our logic, not the interpreter.
EXAMPLES_SCALE = _examples_scale()


def examples(count: int) -> int:
    """``count`` Hypothesis examples, scaled by ``HEYGEN_STUDIO_EXAMPLES_SCALE`` (at least 10)."""
    return max(min(count, 10), round(count * EXAMPLES_SCALE))


def loopback_client(**kwargs: Any) -> httpx.Client:
    """A plain httpx client for the tests' own loopback servers, on the SDK's one TLS context.

    Each new httpx client otherwise builds its own context and loads certifi's CA bundle: ~30 ms of CPU,
    and the tests build hundreds of them. (The servers are plain http; the context is never used.)
    """
    return httpx.Client(verify=default_ssl_context(), **kwargs)


def loopback_async_client(**kwargs: Any) -> httpx.AsyncClient:
    """The async twin of :func:`loopback_client`."""
    return httpx.AsyncClient(verify=default_ssl_context(), **kwargs)
