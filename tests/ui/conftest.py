import socket
from contextlib import contextmanager

import pytest

from engine.app import Engine
from engine.settings import offline_settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(engine, open_access: bool = True):
    """The real server (customer app at /, staff app at /staff/) on 127.0.0.1: yields the started Server."""
    from ui.server import build_server

    server = build_server(engine, open_access=open_access)
    try:
        server.start("127.0.0.1", free_port())
        yield server
    finally:
        server.stop()


@pytest.fixture
def ui_settings(small_db, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    return offline_settings(database_url=small_db, state_database_url=f"sqlite:///{tmp_path / 'state.db'}")


@pytest.fixture
def running_app(ui_settings):
    """The server with no staff account on loopback, so /staff/ is open: yields (base url, engine)."""
    engine = Engine(ui_settings)
    with serving(engine) as server:
        yield server.url, engine
