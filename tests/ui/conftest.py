import pytest

from app_server import free_port, serving  # noqa: F401 (tests import them from here too)

from engine.app import Engine
from engine.settings import offline_settings


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
