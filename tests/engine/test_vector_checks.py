"""Whatever a third-party vectorizer returns is checked before the model or the session sees it."""
import numpy as np
import pytest

from engine.app import Engine
from core.errors import BackendOutputInvalid
from engine.session import ChatSession
from engine.settings import offline_settings
from plugins.base import Vectorizer, VectorizeResult
from plugins.hookspecs import hookimpl
from plugin_helpers import registered


class Scripted(Vectorizer):
    backend_id = "scripted-vector"
    output = None

    def vectorize(self, request):
        return Scripted.output


class ScriptedPlugin:
    @hookimpl
    def register_vectorizers(self, register):
        register(Scripted)


@pytest.fixture
def engine():
    with registered(ScriptedPlugin()):
        yield Engine(offline_settings())


@pytest.mark.parametrize("output, reason", [
    ({"age": 35.0}, "not a VectorizeResult"),
    (VectorizeResult(features={"income": 3.0}, product_group=None, raw=""), "unknown features"),
    (VectorizeResult(features={"age": float("nan")}, product_group=None, raw=""), "not a finite number"),
    (VectorizeResult(features={"age": "35"}, product_group=None, raw=""), "not a finite number"),
    (VectorizeResult(features={"age": True}, product_group=None, raw=""), "not a finite number"),
    (VectorizeResult(features={}, product_group="냉장고", raw=""), "unknown product group"),
    (VectorizeResult(features={}, product_group=None, raw="", clear_group="yes"), "clear_group"),
])
def test_bad_backend_output_is_refused_and_the_session_is_untouched(engine, output, reason):
    Scripted.output = output
    session = ChatSession(carried={"age": 40.0}, carried_group="비데")
    with pytest.raises(BackendOutputInvalid) as caught:
        engine.recommend("35살", session, "scripted-vector")
    assert reason in caught.value.detail and "scripted-vector" in caught.value.message("ko")
    assert session.carried == {"age": 40.0} and session.carried_group == "비데"


def test_numpy_numbers_from_a_backend_are_accepted(engine):
    Scripted.output = VectorizeResult(features={"age": np.int64(35), "size": np.float32(30.5)},
                                      product_group=None, raw="")
    report = engine.vectorize("35살", ChatSession(), "scripted-vector")
    assert report.features["age"] == 35.0 and report.features["size"] == 30.5
