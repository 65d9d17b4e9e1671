"""A loopback ``GET /v3/videos`` server for the list benchmark: ``python -m tests.bench.v3_pages COUNT``.

It serves COUNT videos in pages (``limit``, ``token`` as in HeyGen's External API), each
page's JSON built once up front so the server's own work is the same for every client.
It prints ``listening on URL`` and serves until killed.
"""

from __future__ import annotations

import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def pages(count: int, limit: int) -> dict[str, bytes]:
    videos = [
        {
            "id": f"v{index:05d}",
            "status": "completed",
            "title": f"Video {index}",
            "video_url": f"https://files.example/v{index:05d}.mp4",
            "thumbnail_url": f"https://files.example/v{index:05d}.jpg",
            "duration": 12.5,
            "created_at": 1711929600 + index,
            "completed_at": 1711930200 + index,
        }
        for index in range(count)
    ]
    built = {}
    for start in range(0, count, limit):
        more = start + limit < count
        body = {
            "data": videos[start : start + limit],
            "has_more": more,
            "next_token": str(start + limit) if more else None,
        }
        built[str(start)] = json.dumps(body).encode()
    return built


def main(argv: list[str]) -> None:
    count = int(argv[0]) if argv else 1000
    cache: dict[int, dict[str, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return None

        def setup(self) -> None:
            super().setup()
            # Headers and body leave in two writes; without this, Nagle and delayed ACKs add ~40 ms per page.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            limit = int(query.get("limit", ["10"])[0])
            body = cache.setdefault(limit, pages(count, limit))[query.get("token", ["0"])[0]]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
