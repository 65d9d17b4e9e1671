"""Keep API keys out of logs, reprs and messages.

Clients register their key here; a logging filter on the loggers that see
requests (ours, httpx's and httpcore's) replaces any registered key, and any
``x-api-key`` header value, with ``***`` before a handler formats the record.
Logger filters do not apply to child loggers, so httpcore's loggers are listed
one by one.
"""

from __future__ import annotations

import logging
import re
import threading

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
# A tuple, replaced whole under the lock, so a thread redacting never sees it change size.
_secrets: tuple[str, ...] = ()
_lock = threading.Lock()
_installed = False


class Secret:
    """A string that does not show itself: ``repr`` and ``str`` print ``***``."""

    __slots__ = ("_value",)

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
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _HEADER.sub(rf"\g<1>{REDACTED}", text)


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


def protect(secret: str) -> None:
    """Register a key for redaction and make sure the filter is on every logger in ``LOGGERS``."""
    global _installed, _secrets  # noqa: PLW0603 - one filter and one key list for the process
    with _lock:
        if secret not in _secrets:
            _secrets = (*_secrets, secret)
        if not _installed:
            log_filter = RedactingFilter()
            for name in LOGGERS:
                logging.getLogger(name).addFilter(log_filter)
            _installed = True
