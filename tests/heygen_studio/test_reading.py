"""Reading answers with bounded memory: the decoder's cap counts decoded bytes, in every encoding it accepts."""

from __future__ import annotations

import gzip
import zlib

import httpx
import pytest

from heygen_studio._reading import BoundedDecoder, clamp

TEXT = b'{"data": {"video_id": "v1"}}' * 100


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "wire"),
    [
        ("", TEXT),
        ("identity", TEXT),
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("GZIP", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", raw_deflate(TEXT)),
    ],
    ids=["none", "identity", "gzip", "x-gzip", "upper-case", "deflate-zlib", "deflate-raw"],
)
def test_each_accepted_encoding_decodes_in_any_chunking(encoding: str, wire: bytes) -> None:
    for size in (1, 7, 4096, len(wire)):
        decoder = BoundedDecoder(encoding, limit=1 << 20)
        decoded = b"".join(decoder.feed(wire[start : start + size]) for start in range(0, len(wire), size))
        assert TEXT == decoded


@pytest.mark.parametrize("encoding", ["", "gzip", "deflate"])
def test_no_feed_produces_more_than_one_byte_past_the_limit(encoding: str) -> None:
    expanded = b" " * 2_000_000
    wire = {"": expanded, "gzip": gzip.compress(expanded), "deflate": zlib.compress(expanded)}[encoding]
    decoder = BoundedDecoder(encoding, limit=1000)
    produced = [len(decoder.feed(wire[start : start + 65536])) for start in range(0, len(wire), 65536)]
    assert 1001 == sum(produced)
    assert 1001 == decoder.produced


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, gzip"])
def test_encodings_not_asked_for_are_refused(encoding: str) -> None:
    with pytest.raises(httpx.DecodingError, match="was not asked for"):
        BoundedDecoder(encoding, limit=100)


def test_a_corrupt_body_is_a_decoding_error() -> None:
    decoder = BoundedDecoder("gzip", limit=100)
    with pytest.raises(httpx.DecodingError, match="does not decompress"):
        decoder.feed(b"\x1f\x8b\x08\x00 not gzip at all")


def test_clamp_cuts_each_phase_to_the_time_left() -> None:
    assert {"connect": 2.0, "read": 3.0, "write": 3.0, "pool": 3.0} == clamp(
        {"connect": 2.0, "read": 60.0, "write": None, "pool": 10.0}, 3.0
    )
