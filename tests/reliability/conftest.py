import pytest

from engine.app import Engine
from engine.settings import offline_settings


@pytest.fixture(scope="module")
def analytics_engine(small_db):
    """One engine on the small database, shared by property tests (hypothesis reruns the test body)."""
    return Engine(offline_settings(database_url=small_db))
