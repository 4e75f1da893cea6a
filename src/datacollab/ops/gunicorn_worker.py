"""gunicorn's gthread worker, closing its idle kept-alive connections as soon as it stops.

A worker stops after `max_requests` (recycling, deploy/gunicorn.conf.py) or on a graceful
reload. gunicorn's gthread worker then leaves its loop and waits up to `graceful_timeout` for
the requests in flight, but no longer looks at its idle kept-alive connections: they stay
open, and a request a client sends on one meanwhile is never read, then reset when the
process ends. A client cannot tell it from a request the server received and failed on, so
it must not resend a POST (an upload): bench/load.py's idle-machine run lost two uploads
this way. Here, on the loop's last turn, a kept connection that already holds a request is
served (with `Connection: close`) and an idle one is closed at once, so its client sees the
close before it sends and opens a new connection, as HTTP clients do with a stale one.
What remains is the race every keep-alive server has: a request sent in the instant the
server closes (microseconds here, the whole graceful wait before).
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from gunicorn.workers.gthread import ThreadWorker as GunicornThreadWorker


def holds_a_request(sock: socket.socket) -> bool:
    """Whether the client has sent something on this idle connection (non-blocking)."""
    try:
        return bool(sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    except (BlockingIOError, InterruptedError):
        return False  # nothing sent
    except OSError:
        return False  # reset by the client


class ThreadWorker(GunicornThreadWorker):  # type: ignore[misc]
    def murder_keepalived(self) -> None:
        # gunicorn calls this at the end of every turn of its loop, the last one included.
        super().murder_keepalived()
        if not self.alive:
            self.release_kept_connections()

    def release_kept_connections(self) -> None:
        with self._lock:
            kept: list[Any] = list(self._keep)
            self._keep.clear()
            for conn in kept:
                with contextlib.suppress(KeyError, ValueError, OSError):
                    self.poller.unregister(conn.sock)
        for conn in kept:
            if holds_a_request(conn.sock):
                self.enqueue_req(conn)  # the pool still runs: answered, then closed
            else:
                self.nr_conns -= 1
                conn.close()
