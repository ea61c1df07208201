"""A local stand-in for the national hub: the same four operations, on loopback, no Django.

`HubStandIn(systems)` serves `POST /send`, `GET /pending`, `GET /documents/<id>` and
`POST /documents/<id>/confirm` for the systems it knows (SystemId → SecretKey and the agency
identifiers each serves). A packet sent to an identifier waits for the system that serves it
until that system confirms it.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class System:
    secret: str
    identifiers: set[str]
    waiting: dict[str, tuple[str, bytes]] = field(default_factory=dict)


class HubStandIn:
    """Start with `start()`, stop with `stop()`; `url` is its base URL."""

    def __init__(self, systems: dict[str, tuple[str, set[str]]]) -> None:
        self.systems = {name: System(secret, ids) for name, (secret, ids) in systems.items()}
        self.sent: list[tuple[str, str, bytes]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

            def _system(self) -> System | None:
                system = hub.systems.get(self.headers.get("X-Hub-System", ""))
                if system is None or system.secret != self.headers.get("X-Hub-Secret"):
                    self._answer(401, {"error": "unauthenticated"})
                    return None
                return system

            def _answer(self, status: int, body: object, raw: bytes | None = None) -> None:
                data = raw if raw is not None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                system = self._system()
                if system is None:
                    return
                with hub._lock:
                    if self.path == "/pending":
                        items = [{"id": k, "packet_id": v[0]} for k, v in system.waiting.items()]
                        self._answer(200, {"items": items})
                        return
                    hub_id = self.path.removeprefix("/documents/")
                    if hub_id in system.waiting:
                        self._answer(200, None, raw=system.waiting[hub_id][1])
                        return
                self._answer(404, {"error": "not_found"})

            def do_POST(self) -> None:
                system = self._system()
                if system is None:
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with hub._lock:
                    if self.path == "/send":
                        to = self.headers.get("X-To", "")
                        target = next(
                            (s for s in hub.systems.values() if to in s.identifiers), None
                        )
                        if target is None:
                            self._answer(404, {"error": "unknown_recipient"})
                            return
                        hub_id = str(next(hub._ids))
                        target.waiting[hub_id] = (self.headers.get("X-Packet-Id", ""), body)
                        hub.sent.append((to, self.headers.get("X-Packet-Id", ""), body))
                        self._answer(200, {"id": hub_id})
                        return
                    hub_id = self.path.removeprefix("/documents/").removesuffix("/confirm")
                    if self.path.endswith("/confirm") and system.waiting.pop(hub_id, None):
                        self._answer(200, {"confirmed": hub_id})
                        return
                self._answer(404, {"error": "not_found"})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> HubStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def put(self, *, to_system: str, packet_id: str, raw: bytes) -> str:
        """Place a packet in a system's waiting list, as another system's send would."""
        with self._lock:
            hub_id = str(next(self._ids))
            self.systems[to_system].waiting[hub_id] = (packet_id, raw)
            return hub_id
