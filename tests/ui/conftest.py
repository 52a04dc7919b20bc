import socket

import pytest

from engine.app import Engine
from engine.settings import offline_settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def running_app(small_db, tmp_path, monkeypatch):
    """The real app on 127.0.0.1 (rules backends, the small database): yields (url, engine), closes after."""
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    import demo

    engine = Engine(offline_settings(database_url=small_db))
    blocks = demo.build_demo(engine)
    try:
        _, url, _ = demo.launch(blocks, engine.settings, server_port=free_port(), prevent_thread_lock=True, quiet=True)
        yield url, engine
    finally:
        blocks.close()
