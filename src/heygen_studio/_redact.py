"""Keep API keys out of logs, reprs, messages and the exceptions we chain.

Clients register their key (a ``Secret``) here; a logging filter on the loggers
that see requests (ours, httpx's and httpcore's) replaces any registered key, and
any ``x-api-key`` header value, with ``***`` before a handler formats the record.
Logger filters do not apply to child loggers, so httpcore's loggers are listed
one by one.

The registry is weak: a key stays registered while a client holding it lives,
so a process that builds many clients neither keeps every key it ever used nor
slows its logging down with them.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref

import httpx

REDACTED = "***"

#: Loggers that may see a request's headers: ours, httpx's, and each of httpcore's.
LOGGERS = (
    "heygen_studio",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.connection_pool",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)

# A key shorter than this would redact ordinary words; such keys are refused when a client is built.
MIN_SECRET_LENGTH = 8

_HEADER = re.compile(r"""(?i)(x-api-key['"]?\s*[:=,]\s*\(?b?['"]?)[^'"\s,)\]}]+""")
_secrets: weakref.WeakSet[Secret] = weakref.WeakSet()
_lock = threading.Lock()
_installed = False


class Secret:
    """A string that does not show itself: ``repr`` and ``str`` print ``***``."""

    __slots__ = ("__weakref__", "_value")

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself, for the one place that sends it."""
        return self._value

    def __repr__(self) -> str:
        return f"'{REDACTED}'"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("an API key is not pickled; build the client again where it is needed")


def redact(text: str) -> str:
    """``text`` with every registered key and every ``x-api-key`` header value replaced by ``***``."""
    with _lock:
        secrets = [secret.reveal() for secret in _secrets]
    # Longest first: a key that contains another registered key must go whole, not leave its rest showing.
    for secret in sorted(secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _HEADER.sub(rf"\g<1>{REDACTED}", text)


def scrub(exc: httpx.RequestError) -> httpx.RequestError:
    """``exc`` with its request replaced by a copy whose ``x-api-key`` header is ``***``.

    httpx keeps the request on the exception, and masks only ``Authorization`` when
    printing headers, so a caller inspecting ``error.__cause__.request.headers``
    would otherwise find the key.
    """
    try:
        request = exc.request
    except RuntimeError:  # raised without a request: nothing to scrub
        return exc
    if "x-api-key" in request.headers:
        headers = request.headers.copy()
        headers["x-api-key"] = REDACTED
        exc.request = httpx.Request(request.method, request.url, headers=headers, extensions={})
    return exc


class RedactingFilter(logging.Filter):
    """Rewrites a log record whose message would show a key."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot format is the handler's problem, not ours
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def protect(secret: Secret) -> None:
    """Register a key for redaction while ``secret`` lives, and put the filter on every logger in ``LOGGERS``."""
    global _installed  # noqa: PLW0603 - one filter for the process
    with _lock:
        _secrets.add(secret)
        if not _installed:
            log_filter = RedactingFilter()
            for name in LOGGERS:
                logging.getLogger(name).addFilter(log_filter)
            _installed = True
