"""bench/load.py's client: one person or script on a keep-alive connection, and the tally of
what all clients saw."""

from __future__ import annotations

import http.client
import json
import random
import re
import select
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from tests.ops.stack import multipart

TIMEOUT = 60
IDLE_REOPEN = 4.0  # seconds: under gunicorn's keepalive (deploy/gunicorn.conf.py, 5 s)
CSV_HEADER = "id,vehicle,speed\n"


@dataclass
class Sample:
    kind: str
    ms: float
    ok: bool
    at: float
    what: str = ""


@dataclass
class Upload:
    dataset: str
    id: int
    status: str = "received"
    version: int | None = None
    refusal: str | None = None


@dataclass
class Tally:
    samples: list[Sample] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Off during the warm-up: each app worker's first rows request loads the version into
    # memory (rows_cache) and its first pages compile templates; a figure must not hold that.
    measuring: bool = False
    warmup_errors: int = 0
    sent: Counter[str] = field(default_factory=Counter)  # every kind, warm-up included

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.sent[sample.kind] += 1
        if not self.measuring:
            if not sample.ok:  # an error is an error, warm or not
                with self.lock:
                    self.warmup_errors += 1
                    self.problems.append(f"{sample.kind} (warm-up): {sample.what}")
            return
        with self.lock:
            self.samples.append(sample)
            if not sample.ok and len(self.problems) < 40:
                self.problems.append(f"{sample.kind}: {sample.what}")


def dropped(connection: http.client.HTTPConnection) -> bool:
    """Whether the server has closed this idle kept connection: readable with nothing sent
    to read is its close. The check urllib3 (so `requests`) makes before reusing a pooled
    connection (`is_connection_dropped`)."""
    if connection.sock is None:
        return False
    readable, _, _ = select.select([connection.sock], [], [], 0)
    return bool(readable)


def cookies_of(headers: dict[str, str]) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for line in headers.get("set-cookie", "").splitlines():
        cookies.update({name: morsel.value for name, morsel in SimpleCookie(line).items()})
    return cookies


class Client:
    """One person or script: a keep-alive connection, cookies, and an upload in progress."""

    def __init__(self, number: int, port: int, plan: dict[str, Any], tally: Tally) -> None:
        self.number = number
        self.port = port
        self.plan = plan
        self.tally = tally
        self.random = random.Random(number)
        self.connection: http.client.HTTPConnection | None = None
        self.last_used = 0.0
        self.sessions: dict[str, str] = {}  # role -> Cookie header
        self.upload_dataset = plan["upload_datasets"][number]
        self.pending: Upload | None = None
        self.uploaded = 0
        self.sent = 0
        self.key_tier = "enterprise" if number % 2 else "community"
        keys = plan["keys"][self.key_tier]
        self.key = keys[number % len(keys)]

    # --- HTTP -----------------------------------------------------------------------------

    def send(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        if self.connection is not None and (
            time.monotonic() - self.last_used > IDLE_REOPEN or dropped(self.connection)
        ):
            # gunicorn closes a connection idle for its keepalive (5 s), also while a worker
            # that stops (recycled after max_requests) drains: open a new one rather than
            # send into one the server has closed or may be closing.
            self.connection.close()
            self.connection = None
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=TIMEOUT
                )
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed a kept connection as the request left (the race every
                # keep-alive server has, now microseconds wide): a browser resends a GET on a
                # new connection, so does this client, once. A POST is never resent (it may
                # have been done): its failure counts as an error.
                self.connection.close()
                self.connection = None
                if attempt == 2 or method != "GET":
                    raise
                continue
            self.last_used = time.monotonic()
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            headers = {k.lower(): v for k, v in response.getheaders()}
            # Each cookie on a line of its own (a dict keeps only the last Set-Cookie header).
            headers["set-cookie"] = "\n".join(response.msg.get_all("Set-Cookie") or [])
            return response.status, headers, data
        raise AssertionError("unreachable")

    def timed(
        self,
        kind: str,
        method: str,
        path: str,
        expect: int,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        record: bool = True,
    ) -> tuple[int, dict[str, str], bytes] | None:
        started = time.perf_counter()
        # The kind and whether the clock runs, in the id the app logs with the request's CPU:
        # bench/load.py shares the app's CPU among the kinds from its access lines.
        self.sent += 1
        phase = "m" if record and self.tally.measuring else "w"
        labelled = {**(headers or {}), "X-Request-ID": f"{kind}.{phase}.{self.number}.{self.sent}"}
        try:
            status, answer_headers, data = self.send(method, path, body=body, headers=labelled)
        except (OSError, http.client.HTTPException) as exc:
            if self.connection is not None:
                self.connection.close()
                self.connection = None
            self.sample(kind, started, False, f"{method} {path}: {exc!r}", record)
            return None
        ok = status == expect
        what = "" if ok else f"{method} {path}: {status} {data[:200]!r}"
        self.sample(kind, started, ok, what, record)
        return (status, answer_headers, data) if ok else None

    def sample(self, kind: str, started: float, ok: bool, what: str, record: bool) -> None:
        now = time.perf_counter()
        if record:
            self.tally.add(Sample(kind, (now - started) * 1000, ok, now, what))
        elif not ok:
            with self.tally.lock:
                self.tally.problems.append(f"{kind} (set-up): {what}")

    # --- signing in -----------------------------------------------------------------------

    def log_in(self, role: str) -> bool:
        """The login form, as a browser fills it: GET it for the CSRF cookie and field, POST."""
        answer = self.timed("login", "GET", "/accounts/login/", 200, record=False)
        if answer is None:
            return False
        _status, headers, page = answer
        csrf = cookies_of(headers)["csrftoken"]
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match is not None, "the login form has its CSRF field"
        form = urlencode(
            {
                "csrfmiddlewaretoken": match.group(1).decode(),
                "username": self.plan[role],
                "password": self.plan["password"],
            }
        ).encode()
        answer = self.timed(
            "login",
            "POST",
            "/accounts/login/",
            302,
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf}",
            },
            record=False,
        )
        if answer is None:
            return False
        self.sessions[role] = "; ".join(f"{k}={v}" for k, v in cookies_of(answer[1]).items())
        return True

    # --- the kinds ------------------------------------------------------------------------

    def page(self) -> None:
        self.timed("page", "GET", self.random.choice(self.plan["pages"]["anonymous"]), 200)

    def signed_in(self, role: str, kind: str) -> None:
        path = self.random.choice(self.plan["pages"][role])
        self.timed(kind, "GET", path, 200, headers={"Cookie": self.sessions[role]})

    def search(self) -> None:
        word = self.random.choice(self.plan["search_words"])
        self.timed("search", "GET", "/search/?" + urlencode({"q": word}), 200)

    def api(self) -> None:
        rows = self.plan["rows"]
        base = f"/api/v1/datasets/{rows['slug']}/versions/{rows['version']}/rows"
        query = self.random.choice(
            [
                {"limit": 100},
                {"limit": 100, "offset": self.random.randrange(0, rows["row_count"] - 100)},
                {"limit": 100, "zone": self.random.choice(rows["zones"])},
                {"limit": 100, "sort": "-speed"},
                {"limit": 50, "zone": self.random.choice(rows["zones"]), "sort": "recorded_at"},
            ]
        )
        self.timed(
            "api",
            "GET",
            f"{base}?{urlencode(query)}",
            200,
            headers={"Authorization": f"Bearer {self.key}"},
        )

    def download(self) -> None:
        self.timed("download", "GET", self.random.choice(self.plan["pages"]["downloads"]), 200)

    def upload(self, *, record: bool = True) -> None:
        """One step of the steward's cycle: a new upload, or the pending one's next move."""
        auth = {"Authorization": f"Bearer {self.plan['upload_token']}"}
        base = f"/api/v1/datasets/{self.upload_dataset}/uploads"
        if self.pending is None:
            first = self.uploaded * 5
            csv = CSV_HEADER + "".join(
                f"{first + i},bike-{self.number}-{first + i},{10 + i * 1.25}\n" for i in range(5)
            )
            body, boundary = multipart({"file": (f"rides-{self.uploaded}.csv", csv.encode())})
            answer = self.timed(
                "upload",
                "POST",
                base,
                202,
                body=body,
                headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
                record=record,
            )
            if answer is not None:
                self.uploaded += 1
                self.pending = Upload(self.upload_dataset, json.loads(answer[2])["id"])
                with self.tally.lock:
                    self.tally.uploads.append(self.pending)
            return
        upload = self.pending
        answer = self.timed(
            "upload", "GET", f"{base}/{upload.id}", 200, headers=auth, record=record
        )
        if answer is None:
            return
        upload.status = json.loads(answer[2])["status"]
        if upload.status in ("received", "processing"):
            return  # the worker has not parsed it yet: look again next time
        if upload.status == "draft":
            answer = self.timed(
                "upload", "POST", f"{base}/{upload.id}/publish", 201, headers=auth, record=record
            )
            if answer is None:
                return
            done = json.loads(answer[2])
            upload.status, upload.version = done["status"], (done["version"] or {}).get("number")
        else:
            upload.refusal = json.loads(answer[2]).get("refusal")
        self.pending = None

    def act(self, kind: str) -> None:
        if kind in ("participant", "convener"):
            self.signed_in(kind, kind)
        else:
            getattr(self, kind)()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
