"""MockHeyGen's listener: the accept loop, one thread per connection, and a close that joins them all.

The accept loop waits on a selector that also watches a wake-up socket, so
:meth:`Listener.close` stops it at once instead of after a poll interval, then
shuts down every open connection (which ends a keep-alive wait in
``readline``), sets :attr:`Listener.closing` (which releases any stalled
answer) and joins every thread it started.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from typing import Any

from heygen_studio.testing._http import Handler, Responder, Server, Server6, logger


class Listener:
    """A bound server and the threads serving it."""

    def __init__(self, host: str, port: int, respond: Responder) -> None:
        """Bind ``host``:``port`` (0 picks a free port) and start accepting on a background thread.

        Raises:
            OSError: The address cannot be bound.
        """
        server_class = Server6 if ":" in host else Server
        self.server = server_class((host, port), Handler)
        self.server.respond = respond
        self.server.serve_in_thread = self._serve_connection_in_thread
        #: Set once :meth:`close` starts: a stalled answer waits on it.
        self.closing = threading.Event()
        #: How many TCP connections were accepted: lets tests see keep-alive reuse from the server side.
        self.connections_accepted = 0
        self._lock = threading.Lock()
        # Every connection thread not yet seen finished, with its socket while that is still open.
        self._connections: dict[threading.Thread, socket.socket | None] = {}
        self._wake = socket.socketpair()
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name=f"MockHeyGen-accept-{self.server.server_port}", daemon=True
        )
        self._accept_thread.start()

    @property
    def base_url(self) -> str:
        """``http://host:port``, an IPv6 host in brackets."""
        host, port = self.server.server_name, self.server.server_port
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def close(self) -> None:
        """End every connection, release stalled answers and join every thread; call it once."""
        self.closing.set()
        self._wake[1].send(b"\0")
        self._accept_thread.join()
        # The accept loop has returned, so no connection thread can start from here on.
        with self._lock:
            connections = list(self._connections.items())
            for _, connection in connections:
                if connection is not None:
                    with contextlib.suppress(OSError):  # already closed by its peer
                        connection.shutdown(socket.SHUT_RDWR)
        # A thread that has closed its socket may still be running its last lines: join those too.
        for thread, _ in connections:
            thread.join()
        self.server.server_close()
        for end in self._wake:
            end.close()

    def _accept_loop(self) -> None:
        server, wake = self.server, self._wake
        with selectors.DefaultSelector() as selector:
            selector.register(server.socket, selectors.EVENT_READ)
            selector.register(wake[0], selectors.EVENT_READ)
            while True:
                ready = {key.fileobj for key, _ in selector.select()}
                if wake[0] in ready:
                    return
                try:
                    request, client_address = server.get_request()
                except OSError:
                    continue  # the client gave up before accept
                server.process_request(request, client_address)

    def _serve_connection_in_thread(self, server: Server, connection: socket.socket, client_address: Any) -> None:
        with self._lock:
            self.connections_accepted += 1
            thread = threading.Thread(
                target=self._serve_connection,
                args=(server, connection, client_address),
                name=f"MockHeyGen-{server.server_port}-connection-{self.connections_accepted}",
                daemon=True,
            )
            for finished in [known for known in self._connections if not known.is_alive()]:
                del self._connections[finished]
            self._connections[thread] = connection
        thread.start()

    def _serve_connection(self, server: Server, connection: socket.socket, client_address: Any) -> None:
        try:
            server.finish_request(connection, client_address)
        except Exception:
            server.handle_error(connection, client_address)
        finally:
            # Forget the socket before closing it, under the lock, so close() never shuts down a closed socket.
            with self._lock:
                self._connections[threading.current_thread()] = None
            server.shutdown_request(connection)


__all__ = ["Listener", "logger"]
