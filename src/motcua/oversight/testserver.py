"""A local stand-in for the national portal that fails now and then, for the sync tests and
benchmark: every `fail_every`-th request is refused (HTTP 503) before it is read into the store, and
every `lose_every`-th is stored but answered with an error (the acknowledgement lost on the way back),
so that the sender sends it again. The store keeps each idempotency key once: `changes` counts the
distinct changes received, `deliveries` every accepted POST."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FlakyPortal:
    def __init__(self, fail_every: int = 0, lose_every: int = 0) -> None:
        self.fail_every, self.lose_every = fail_every, lose_every
        self.requests = 0
        self.deliveries = 0
        self.store: dict[str, dict] = {}
        self.order: dict[str, list[int]] = {}  # dossier code -> seqs in the order stored
        self.lock = threading.Lock()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with portal.lock:
                    portal.requests += 1
                    n = portal.requests
                    if portal.fail_every and n % portal.fail_every == 0:
                        self.send_response(503)
                        self.end_headers()
                        return
                    key = self.headers.get("Idempotency-Key", "")
                    record = json.loads(body)
                    portal.deliveries += 1
                    if key not in portal.store:
                        portal.store[key] = record
                        portal.order.setdefault(record["dossier_code"], []).append(record["seq"])
                    lost = portal.lose_every and n % portal.lose_every == 0
                self.send_response(500 if lost else 201)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/records"

    @property
    def changes(self) -> int:
        return len(self.store)

    def __enter__(self) -> FlakyPortal:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
