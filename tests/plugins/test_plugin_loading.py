"""Plugin loading: a third-party backend through the hook, entry points, a broken plugin skipped or fatal."""
import textwrap

import pytest

from engine.app import Engine
from core.errors import PluginLoadError, UnknownBackend
from engine.settings import offline_settings
from plugins import manager
from plugins.base import Vectorizer, VectorizeResult
from plugins.hookspecs import hookimpl


class EchoAgeVectorizer(Vectorizer):
    """A deterministic fake: reads the first number as the age."""

    backend_id = "echo-age"
    aliases = ("echo",)
    description = "test double"

    def vectorize(self, request):
        digits = "".join(ch if ch.isdigit() else " " for ch in request.text).split()
        age = float(digits[0]) if digits else None
        return VectorizeResult(features={"age": age}, product_group=None, raw=f"age={age}")


class EchoPlugin:
    @hookimpl
    def register_vectorizers(self, register):
        register(EchoAgeVectorizer)


@pytest.fixture
def fresh_plugins():
    manager.reset_for_tests()
    yield
    manager.reset_for_tests()


def test_third_party_backend_registers_through_the_hook(fresh_plugins):
    pm = manager.get_plugin_manager()
    plugin = EchoPlugin()
    pm.register(plugin)
    try:
        engine = Engine(offline_settings())
        assert engine.registry.vectorizer_class("echo-age") is EchoAgeVectorizer
        assert engine.registry.vectorizer_class("echo") is EchoAgeVectorizer
        report = engine.vectorize("I am 44", backend="echo")
        assert report.backend == "echo-age"
        assert report.features["age"] == 44.0
        assert report.sources["age"] == "extracted"
        assert report.sources["houseHold"] == "default"
    finally:
        pm.unregister(plugin)


def test_unknown_backend_lists_the_choices(fresh_plugins):
    engine = Engine(offline_settings())
    with pytest.raises(UnknownBackend) as caught:
        engine.vectorize("35살", backend="nope")
    assert "rules" in caught.value.message("en")
    assert isinstance(caught.value, KeyError)


def test_builtins_are_registered_like_plugins(fresh_plugins):
    pm = manager.get_plugin_manager()
    for module_name in manager.DEFAULT_PLUGINS:
        assert pm.has_plugin(module_name)
    registry = manager.get_registry()
    assert "rules" in registry.vectorizers and "rules" in registry.sql_generators


def _install_fake_distribution(tmp_path, monkeypatch):
    """A real installed distribution (dist-info on sys.path) with one good and one broken entry point."""
    (tmp_path / "good_backend_plugin.py").write_text(textwrap.dedent("""
        from plugins.base import Vectorizer, VectorizeResult
        from plugins.hookspecs import hookimpl

        class Constant(Vectorizer):
            backend_id = "constant"
            def vectorize(self, request):
                return VectorizeResult(features={"age": 30.0}, product_group=None, raw="30")

        @hookimpl
        def register_vectorizers(register):
            register(Constant)
    """))
    (tmp_path / "broken_backend_plugin.py").write_text("raise RuntimeError('this plugin is broken')\n")
    dist = tmp_path / "fake_backends-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-backends\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[rentalchat.plugins]\ngood = good_backend_plugin\nbroken = broken_backend_plugin\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))


def test_entry_points_load_and_a_broken_one_is_skipped(fresh_plugins, tmp_path, monkeypatch, caplog):
    _install_fake_distribution(tmp_path, monkeypatch)
    engine = Engine(offline_settings())
    status = engine.backend_status()
    assert "constant" in [b["id"] for b in status["vectorizers"]]
    assert [f["plugin"] for f in status["failed_plugins"]] == ["broken"]
    assert "this plugin is broken" in caplog.text
    assert engine.vectorize("hello", backend="constant").features["age"] == 30.0


def test_strict_setting_makes_a_broken_plugin_fatal(fresh_plugins, tmp_path, monkeypatch):
    _install_fake_distribution(tmp_path, monkeypatch)
    with pytest.raises(PluginLoadError):
        manager.get_registry(offline_settings(plugins_strict=True))


def test_allow_list_limits_third_party_plugins(fresh_plugins, tmp_path, monkeypatch):
    _install_fake_distribution(tmp_path, monkeypatch)
    registry = manager.get_registry(offline_settings(load_plugins="good"))
    assert "constant" in registry.vectorizers
    assert registry.failures == []


def test_unconfigured_default_falls_back_to_rules_and_says_why(fresh_plugins):
    engine = Engine(offline_settings(vectorizer="bedrock-flow", aws_region=None, bedrock_flow_id=None))
    fallback = engine.fallback_for("vectorizer")
    assert fallback["used"] == "rules"
    assert "BEDROCK_FLOW_ID" in fallback["missing"]
    assert "BEDROCK_FLOW_ID" in fallback["message_en"] and "rules" in fallback["message_ko"]
    backend, note = engine.backend("vectorizer")
    assert backend.backend_id == "rules" and note == fallback


class RaisingPlugin:
    @hookimpl
    def register_vectorizers(self, register):
        raise RuntimeError("this hook is broken")


class ImpostorRules(Vectorizer):
    backend_id = "rules"

    def vectorize(self, request):
        return VectorizeResult(features={"age": 99.0}, product_group=None, raw="impostor")


class ImpostorPlugin:
    @hookimpl
    def register_vectorizers(self, register):
        register(ImpostorRules)


class AliasThief(Vectorizer):
    backend_id = "thief"
    aliases = ("rules",)

    def vectorize(self, request):
        return VectorizeResult(features={"age": 99.0}, product_group=None, raw="impostor")


class AliasThiefPlugin:
    @hookimpl
    def register_vectorizers(self, register):
        register(AliasThief)


class Nameless(Vectorizer):
    pass


class NamelessPlugin:
    @hookimpl
    def register_vectorizers(self, register):
        register(Nameless)


@pytest.mark.parametrize("plugin, reason", [(RaisingPlugin(), "this hook is broken"),
                                            (ImpostorPlugin(), "already registered"),
                                            (AliasThiefPlugin(), "already registered"),
                                            (NamelessPlugin(), "has no backend_id")])
def test_a_plugin_whose_hook_misbehaves_is_skipped_and_the_rest_still_work(fresh_plugins, plugin, reason):
    pm = manager.get_plugin_manager()
    pm.register(plugin)
    try:
        engine = Engine(offline_settings())
        report = engine.vectorize("35살 4인 가족", backend="rules")
        assert report.features["age"] == 35 and report.raw != "impostor"
        assert any(reason in failure["error"] for failure in engine.backend_status()["failed_plugins"])
        with pytest.raises(PluginLoadError):
            manager.get_registry(offline_settings(plugins_strict=True))
    finally:
        pm.unregister(plugin)
