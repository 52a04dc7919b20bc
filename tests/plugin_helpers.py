"""A test-only plugin registered through the real plugin manager, and forgotten afterwards."""
from contextlib import contextmanager

from plugins import manager


@contextmanager
def registered(plugin):
    """Load the plugins afresh with `plugin` added as a third party would be; unload it on the way out."""
    manager.reset_for_tests()
    pm = manager.get_plugin_manager()
    pm.register(plugin)
    try:
        yield pm
    finally:
        pm.unregister(plugin)
        manager.reset_for_tests()
