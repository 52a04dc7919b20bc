"""The real server on 127.0.0.1 for UI tests. A module of its own, because `conftest` is a name every test
folder shares and an import of it picks whichever was loaded first."""
from __future__ import annotations

import socket
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(engine, open_access: bool = True):
    """The customer app at / and the staff app at /staff/: yields the started Server, stops it after."""
    from ui.server import build_server

    server = build_server(engine, open_access=open_access)
    try:
        server.start("127.0.0.1", free_port())
        yield server
    finally:
        server.stop()
