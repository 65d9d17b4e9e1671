"""Which base URLs an API key may be sent to.

A base URL is refused unless every request built under it goes to exactly its
scheme, host and port. Besides the scheme and host rules (``https://``, or plain
``http://`` to loopback only), that rules out anything in the text a URL parser,
a proxy or the server could read differently from us: a ``//`` in the path
(``http://127.0.0.1//192.0.2.2:8080`` becomes a network-path reference when
joined), dot segments (``/..//host`` normalises to ``//host``), percent-encoded
dots, slashes and backslashes, backslashes anywhere (``http://localhost\\@evil``
is ``evil`` to httpx), credentials (``@``), a query, a fragment, whitespace and
control characters.
"""

from __future__ import annotations

import ipaddress
import urllib.parse

import httpx

from heygen_studio._errors import ConfigurationError

# Percent-escapes of ".", "/" and "\" that a server may decode into a different path.
_ENCODED = ("%2e", "%2f", "%5c")


def check_base_url(url: str | httpx.URL, *, allow_insecure_http: bool = False) -> httpx.URL:
    """The base URL, if it is safe to send an API key to.

    Args:
        url: ``https://host[:port][/prefix]``; ``http://`` only for a loopback host
            (``localhost``, ``127.0.0.0/8``, ``::1``) unless ``allow_insecure_http``.
        allow_insecure_http: Accept ``http://`` to any host.

    Returns:
        The parsed URL.

    Raises:
        ConfigurationError: The URL is malformed, has another scheme, credentials, a query,
            a fragment, or a path that could lead a request elsewhere; or it is plain
            ``http://`` to a host that is not loopback.
    """
    if not isinstance(url, (str, httpx.URL)):
        raise ConfigurationError(f"base_url must be a str or an httpx.URL, got {type(url).__name__}")
    text = str(url)
    shown = text if len(text) <= 200 else text[:199] + "…"
    if any(not character.isprintable() or character.isspace() for character in text):
        raise ConfigurationError(f"base_url {shown!r} must not contain whitespace or control characters")
    if "\\" in text:
        raise ConfigurationError(f"base_url {shown!r} must not contain a backslash")
    if "@" in text:
        raise ConfigurationError("base_url must not carry credentials (no '@'); pass the API key as api_key")
    try:
        parsed = httpx.URL(text)
        raw_path = urllib.parse.urlsplit(text).path
    except (httpx.InvalidURL, ValueError) as exc:
        raise ConfigurationError(f"base_url {shown!r} is not a URL: {exc}") from None
    if parsed.scheme not in ("https", "http") or not parsed.host:
        raise ConfigurationError(f"base_url {shown!r} must be an https:// URL with a host")
    if parsed.userinfo:
        raise ConfigurationError("base_url must not carry credentials; pass the API key as api_key")
    if parsed.query or parsed.fragment or "?" in text or "#" in text:
        raise ConfigurationError(f"base_url {shown!r} must not have a query or a fragment")
    segments = raw_path.split("/")[1:]
    if "//" in raw_path or any(segment in (".", "..") for segment in segments):
        raise ConfigurationError(f"base_url {shown!r} must not have '//', '.' or '..' in its path")
    if any(escape in raw_path.lower() for escape in _ENCODED):
        raise ConfigurationError(f"base_url {shown!r} must not percent-encode '.', '/' or '\\' in its path")
    if parsed.scheme == "http" and not allow_insecure_http and not is_loopback(parsed.host):
        raise ConfigurationError(
            f"base_url {shown!r} is plain http to a host that is not loopback, so the API key would travel"
            " unencrypted; use https://, or pass allow_insecure_http=True if you accept that"
        )
    return parsed


def is_loopback(host: str) -> bool:
    """Whether ``host`` is ``localhost`` or a loopback address (``127.0.0.0/8``, ``::1``); no DNS lookup."""
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    # ::ffff:127.0.0.1 reaches 127.0.0.1; Python < 3.13 does not say so in is_loopback.
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))
