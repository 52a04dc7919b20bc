"""The two extension points. A plugin implements either hook and calls `register(BackendClass)`."""
import pluggy

PROJECT = "rentalchat"
ENTRY_POINT_GROUP = "rentalchat.plugins"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_vectorizers(register):
    """Register Vectorizer subclasses that turn a customer's text into the six features."""


@hookspec
def register_sql_generators(register):
    """Register SqlGenerator subclasses that turn an analytics question into one SELECT."""
