"""gunicorn's gthread worker, serving its kept-alive connections until they expire when it stops.

A worker stops after `max_requests` (recycling, deploy/gunicorn.conf.py) or on a graceful
reload. gunicorn's gthread worker then leaves its loop and waits up to `graceful_timeout` for
the requests in flight, but no longer reads its kept-alive connections: a request a client
sends on one meanwhile is never read, then reset when the process ends. A client cannot tell
that from a request the server received and failed on, so it must not resend a POST (an
upload): bench/load.py's idle-machine runs lost uploads this way. Closing the idle ones at
once only narrows the race (a request can leave the client as the server closes: one lost
publish in 15,302 requests).

So here the worker drains: it stops accepting connections (the other workers take them), and
keeps reading the ones it holds until each ends the way it would have anyway: a request on
one is served, with `Connection: close`, and an idle one closes when its keep-alive expires
(`keepalive`, 5 s). A client that respects the keep-alive time (it reopens a connection idle
that long, as browsers and urllib3's pools do with their own shorter idle limits) never
sends into a closing connection. The drain ends when no connection is left, or after
`graceful_timeout`, as gunicorn's own wait does.
"""

from __future__ import annotations

import contextlib
import selectors
import time
from concurrent import futures
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker as GunicornThreadWorker


class ThreadWorker(GunicornThreadWorker):  # type: ignore[misc]
    _draining = False
    _drained = False

    def finish_request(self, fs: Any) -> None:
        # A response that promised keep-alive can finish after another request stopped the
        # worker: gunicorn would then close its connection though the client was told it stays
        # open, and a request the client sends on it at once is lost. Keep it for the drain.
        if not self.alive and not self._drained and not fs.cancelled():
            with contextlib.suppress(Exception):
                keepalive, conn = fs.result()
                if keepalive:
                    conn.sock.setblocking(False)
                    conn.set_timeout()
                    with self._lock:
                        self._keep.append(conn)
                        self.poller.register(
                            conn.sock,
                            selectors.EVENT_READ,
                            partial(self.on_client_socket_readable, conn),
                        )
                    return
        super().finish_request(fs)

    def murder_keepalived(self) -> None:
        # gunicorn calls this at the end of every turn of its loop, the last one included:
        # once the worker no longer runs, drain before gunicorn's loop ends.
        super().murder_keepalived()
        if not self.alive and not self._draining:
            self._draining = True
            self.drain()

    def drain(self) -> None:
        for sock in self.sockets:
            with contextlib.suppress(KeyError, ValueError, OSError):
                self.poller.unregister(sock)  # accept no more: the other workers will
        deadline = time.monotonic() + self.cfg.graceful_timeout
        while self.nr_conns > 0 and time.monotonic() < deadline and self.is_parent_alive():
            self.notify()
            for key, _ in self.poller.select(0.1):
                key.data(key.fileobj)  # a kept connection with a request: served, then closed
            done = futures.wait(self.futures, timeout=0, return_when=futures.FIRST_COMPLETED)
            for future in done.done:
                self.futures.remove(future)
            super().murder_keepalived()  # idle ones close as their keep-alive expires
        self._drained = True
