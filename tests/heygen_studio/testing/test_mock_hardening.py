"""MockHeyGen refuses hostile framing and non-UTF-8 bodies (issue 10 row 14), seen on raw loopback sockets."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable

import pytest

from heygen_studio.testing import MockHeyGen
from heygen_studio.testing._server import MAX_BODY_BYTES
from tests.heygen_studio.test_validation import valid_payload
from tests.heygen_studio.testing import v3_payloads
from tests.heygen_studio.testing.conftest import CREATE, KEY, raw_exchange


def head(path: str = CREATE, *headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: x", f"x-api-key: {KEY}", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def answer(raw: bytes) -> tuple[int, bytes, dict[str, object]]:
    """The status, the head and the JSON body of one raw response."""
    status_head, _, body = raw.partition(b"\r\n\r\n")
    status = int(status_head.split(b" ", 2)[1])
    return status, status_head, json.loads(body)


def legacy_error(code: str, message: str) -> dict[str, object]:
    return {"data": None, "error": {"code": code, "message": message}}


def chunked(*chunks: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks) + b"0\r\n\r\n"


# -- chunked transfer coding -------------------------------------------------------------------------------------


def test_a_well_formed_chunked_body_with_extensions_and_trailers_is_accepted(server: MockHeyGen) -> None:
    encoded = json.dumps(valid_payload()).encode()
    body = b"%x;name=value\r\n%s\r\n0\r\nX-Trailer: 1\r\n\r\n" % (len(encoded), encoded)

    status, _, data = answer(raw_exchange(server, head(CREATE, "Transfer-Encoding: chunked") + body))

    assert 200 == status, data
    assert [encoded] == [request.body for request in server.requests]


@pytest.mark.parametrize(
    "size",
    [b"-1", b"-10", b"-0", b"+10", b"1_0", b"0x10", b"1.5", b"", b"g", b"1" * 17, b"\xff"],
    ids=[
        "minus-one",
        "negative",
        "minus-zero",
        "plus",
        "underscore",
        "0x",
        "fraction",
        "empty",
        "not-hex",
        "17",
        "byte",
    ],
)
def test_a_chunk_size_that_is_not_plain_hex_is_400_and_closes(server: MockHeyGen, size: bytes) -> None:
    request = head(CREATE, "Transfer-Encoding: chunked") + size + b"\r\n"

    status, status_head, body = answer(raw_exchange(server, request, end=True))

    shown = repr(size.decode("latin-1"))
    message = f"Malformed chunked request body: chunk size {shown} is not 1 to 16 hex digits"
    assert (400, legacy_error("invalid_parameter", message)) == (status, body)
    assert b"\r\nConnection: close" in status_head
    assert [b""] == [request.body for request in server.requests]
    assert [] == server.videos


@pytest.mark.parametrize("size", [b"ffffffffffffffff", b"%x" % (MAX_BODY_BYTES + 1)])
def test_an_absurd_chunk_size_is_413_before_any_byte_of_it_is_read(server: MockHeyGen, size: bytes) -> None:
    # The client never sends the chunk: the answer comes anyway, so the server read none of it.
    status, _, body = answer(raw_exchange(server, head(CREATE, "Transfer-Encoding: chunked") + size + b"\r\n"))

    message = f"Request body too large (limit {MAX_BODY_BYTES} bytes)"
    assert (413, legacy_error("payload_too_large", message)) == (status, body)


def test_chunks_that_add_up_past_the_limit_are_413(server: MockHeyGen) -> None:
    half = MAX_BODY_BYTES // 2
    request = head(CREATE, "Transfer-Encoding: chunked") + b"%x\r\n" % half + b" " * half + b"\r\n%x\r\n" % (half + 1)

    status, _, _ = answer(raw_exchange(server, request))

    assert 413 == status
    assert [] == server.videos


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"3\r\nabcXY", "Malformed chunked request body: chunk data is not followed by CRLF"),
        (b"10\r\nabc", "Malformed chunked request body: a chunk ended after 3 of 16 bytes"),
        (b"1;" + b"x" * 2000 + b"\r\n", "Malformed chunked request body: a chunk-size line is too long or cut off"),
        (b"3\r\nabc\r\n", "Malformed chunked request body: a chunk-size line is too long or cut off"),
        (b"0\r\n" + b"X-Trailer: 1\r\n" * 100, "Malformed chunked trailers"),
        (b"0\r\nX-Trailer: 1\r\n", "Malformed chunked trailers"),
    ],
    ids=["no-crlf", "short-chunk", "long-line", "no-last-chunk", "endless-trailers", "cut-trailers"],
)
def test_broken_chunk_framing_is_400(server: MockHeyGen, body: bytes, message: str) -> None:
    status, _, data = answer(raw_exchange(server, head(CREATE, "Transfer-Encoding: chunked") + body, end=True))

    assert (400, legacy_error("invalid_parameter", message)) == (status, data)


@pytest.mark.parametrize("encoding", ["gzip", "gzip, chunked", "chunked, gzip", "chunked, chunked", "xchunked"])
def test_a_transfer_coding_other_than_chunked_is_501(server: MockHeyGen, encoding: str) -> None:
    status, _, data = answer(raw_exchange(server, head(CREATE, f"Transfer-Encoding: {encoding}"), end=True))

    message = f"Transfer-Encoding {encoding!r} is not supported: send chunked"
    assert (501, legacy_error("internal_error", message)) == (status, data)


def test_transfer_encoding_beside_content_length_is_400(server: MockHeyGen) -> None:
    request = head(CREATE, "Transfer-Encoding: chunked", "Content-Length: 5") + chunked(b"{}")

    status, _, data = answer(raw_exchange(server, request))

    message = "Content-Length and Transfer-Encoding may not be sent together"
    assert (400, legacy_error("invalid_parameter", message)) == (status, data)


# -- Content-Length ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["+2", "-1", "1_0", "0x2", "2.0", "1" * 21])
def test_a_content_length_that_is_not_plain_digits_is_400(server: MockHeyGen, value: str) -> None:
    status, _, data = answer(raw_exchange(server, head(CREATE, f"Content-Length: {value}") + b"{}", end=True))

    message = f"Content-Length is not a non-negative integer: {value!r}"
    assert (400, legacy_error("invalid_parameter", message)) == (status, data)


def test_a_long_header_value_is_clipped_in_the_message(server: MockHeyGen) -> None:
    value = "9" * 30 + "x" * 100

    _, _, data = answer(raw_exchange(server, head(CREATE, f"Content-Length: {value}"), end=True))

    message = f"Content-Length is not a non-negative integer: {value[:40]!r}... (130 characters)"
    assert legacy_error("invalid_parameter", message) == data


def test_content_length_sent_twice_with_different_values_is_400(server: MockHeyGen) -> None:
    request = head(CREATE, "Content-Length: 2", "Content-Length: 3") + b"{}"

    status, _, data = answer(raw_exchange(server, request, end=True))

    message = "Content-Length is sent 2 times with different values"
    assert (400, legacy_error("invalid_parameter", message)) == (status, data)


def test_content_length_sent_twice_with_one_value_is_read_once(server: MockHeyGen) -> None:
    encoded = json.dumps(valid_payload()).encode()
    length = f"Content-Length: {len(encoded)}"

    status, _, _ = answer(raw_exchange(server, head(CREATE, length, length) + encoded))

    assert 200 == status


def test_a_body_shorter_than_its_content_length_is_400(server: MockHeyGen) -> None:
    status, _, data = answer(raw_exchange(server, head(CREATE, "Content-Length: 10") + b"{}", end=True))

    message = "Request body ended after 2 of 10 bytes"
    assert (400, legacy_error("invalid_parameter", message)) == (status, data)
    assert [] == server.videos


# -- UTF-8 JSON only ---------------------------------------------------------------------------------------------

PAYLOAD = json.dumps({**valid_payload(), "title": "Café"}, ensure_ascii=False)
V3_PAYLOAD = json.dumps(v3_payloads.avatar(title="Café"), ensure_ascii=False)
BOM = "not valid JSON (a {} byte order mark; send UTF-8 without one)"
WIDE = "not valid JSON (it looks like UTF-16 or UTF-32; send UTF-8)"
ENCODINGS: dict[str, tuple[Callable[[str], bytes], str]] = {
    "utf8-bom": (lambda text: codecs.BOM_UTF8 + text.encode(), BOM.format("UTF-8")),
    "utf16-bom": (lambda text: text.encode("utf-16"), BOM.format("UTF-16")),
    "utf16be-bom": (lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"), BOM.format("UTF-16")),
    "utf32-bom": (lambda text: text.encode("utf-32"), BOM.format("UTF-32")),
    "utf32be-bom": (lambda text: codecs.BOM_UTF32_BE + text.encode("utf-32-be"), BOM.format("UTF-32")),
    "utf16le": (lambda text: text.encode("utf-16-le"), WIDE),
    "utf16be": (lambda text: text.encode("utf-16-be"), WIDE),
    "utf32le": (lambda text: text.encode("utf-32-le"), WIDE),
    "latin1": (
        lambda text: text.encode("latin-1"),
        f"not valid JSON (not UTF-8: invalid continuation byte at byte {PAYLOAD.index('é')})",
    ),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_a_v2_body_that_is_not_utf8_json_is_400(server: MockHeyGen, encoding: str) -> None:
    encode, problem = ENCODINGS[encoding]
    body = encode(PAYLOAD)

    status, _, data = answer(raw_exchange(server, head(CREATE, f"Content-Length: {len(body)}") + body))

    assert (400, legacy_error("invalid_parameter", f"body is invalid: {problem}")) == (status, data)
    assert [] == server.videos


def test_an_encoded_surrogate_is_not_utf8(server: MockHeyGen) -> None:
    body = b'{"title": "\xed\xa0\x80"}'

    _, _, data = answer(raw_exchange(server, head(CREATE, f"Content-Length: {len(body)}") + body))

    message = "body is invalid: not valid JSON (not UTF-8: invalid continuation byte at byte 11)"
    assert legacy_error("invalid_parameter", message) == data


@pytest.mark.parametrize("encoding", [name for name in sorted(ENCODINGS) if name != "latin1"])
def test_a_v3_body_that_is_not_utf8_json_is_400_in_the_v3_envelope(server: MockHeyGen, encoding: str) -> None:
    encode, problem = ENCODINGS[encoding]
    body = encode(V3_PAYLOAD)

    status, _, data = answer(raw_exchange(server, head("/v3/videos", f"Content-Length: {len(body)}") + body))

    error = {"code": "invalid_parameter", "message": f"body is invalid: {problem}", "param": None, "doc_url": None}
    assert (400, {"error": error}) == (status, data)
    assert [] == server.videos


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "UTF-32"])
def test_a_declared_charset_other_than_utf8_is_400(server: MockHeyGen, charset: str) -> None:
    body = json.dumps(valid_payload()).encode()
    request = head(CREATE, f"Content-Type: application/json; charset={charset}", f"Content-Length: {len(body)}")

    status, _, data = answer(raw_exchange(server, request + body))

    message = f"body is invalid: charset {charset!r} is not accepted; send UTF-8 JSON"
    assert (400, legacy_error("invalid_parameter", message)) == (status, data)


@pytest.mark.parametrize("content_type", ["application/json; charset=UTF-8", 'application/json; charset="utf8"'])
def test_utf8_with_non_ascii_text_is_accepted(server: MockHeyGen, content_type: str) -> None:
    body = PAYLOAD.encode()
    request = head(CREATE, f"Content-Type: {content_type}", f"Content-Length: {len(body)}")

    status, _, _ = answer(raw_exchange(server, request + body))

    assert 200 == status
    assert 1 == len(server.videos)


def test_a_framing_error_on_a_v3_operation_is_in_the_v3_envelope(server: MockHeyGen) -> None:
    request = head("/v3/videos", "Transfer-Encoding: chunked") + b"-1\r\n"

    status, _, data = answer(raw_exchange(server, request, end=True))

    message = "Malformed chunked request body: chunk size '-1' is not 1 to 16 hex digits"
    error = {"code": "invalid_parameter", "message": message, "param": None, "doc_url": None}
    assert (400, {"error": error}) == (status, data)
