"""One TLS context for every client this process builds.

httpx builds a new ``ssl.SSLContext`` for every ``Client()``, loading certifi's CA bundle each time: tens of
milliseconds of CPU per ``HeyGen(...)``, which adds up where clients are short-lived (a client per request or
per test). ``default_ssl_context`` builds httpx's own default context (certifi, or ``SSL_CERT_FILE`` /
``SSL_CERT_DIR`` when set) once, on first use, and every client we create shares it; a context is safe to
share between threads and clients once configured, and nothing here changes it afterwards.
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """httpx's default verifying context, built once per process (environment read on first use).

    Two threads racing the first call may each build one; one is kept, and both are httpx's default.
    """
    return httpx.create_ssl_context()
