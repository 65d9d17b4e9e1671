"""A started MockHeyGen per test, and a check that closing it leaves none of its threads behind."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from heygen_studio.testing import MockHeyGen
from tests.heygen_studio.test_validation import valid_payload
from tests.shared import loopback_client

CREATE = "/v2/video/generate"
KEY = "test-key"


def mock_threads() -> list[str]:
    return sorted(thread.name for thread in threading.enumerate() if thread.name.startswith("MockHeyGen"))


@pytest.fixture
def server() -> Iterator[MockHeyGen]:
    assert [] == mock_threads(), "an earlier test leaked MockHeyGen threads"
    with MockHeyGen() as mock:
        yield mock
    assert [] == mock_threads()


@pytest.fixture
def client(server: MockHeyGen) -> Iterator[httpx.Client]:
    with loopback_client(base_url=server.base_url, headers={"x-api-key": KEY}, timeout=5) as http:
        yield http


def create(client: httpx.Client, payload: Any = None, **kwargs: Any) -> httpx.Response:
    """POST a create request (the valid README payload unless given)."""
    return client.post(CREATE, json=valid_payload() if payload is None else payload, **kwargs)


def raw_exchange(server: MockHeyGen, request: bytes, *, end: bool = False) -> bytes:
    """Send raw bytes on a fresh connection and read until the server closes it.

    With ``end`` the client closes its sending side after the request, so a
    server waiting for more body bytes sees the body end.
    """
    host, port = server.base_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(request)
        if end:
            connection.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received
