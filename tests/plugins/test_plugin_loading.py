"""Plugin loading: a third-party backend through the hook, entry points, a broken plugin skipped or fatal, and
an installed backend with its own API key reported missing, then ready, by `python -m engine plugins`."""
import json
import os
import subprocess
import sys

import pytest

from core.paths import ROOT
from engine.app import Engine
from core.errors import PluginLoadError, UnknownBackend
from engine.settings import offline_settings
from plugin_helpers import install_distribution
from plugins import Vectorizer, VectorizeResult, hookimpl, manager


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


GOOD_PLUGIN = """
    from plugins import Vectorizer, VectorizeResult, hookimpl

    class Constant(Vectorizer):
        backend_id = "constant"
        def vectorize(self, request):
            return VectorizeResult(features={"age": 30.0}, product_group=None, raw="30")

    @hookimpl
    def register_vectorizers(register):
        register(Constant)
"""


def _install_fake_distribution(tmp_path, monkeypatch):
    """A real installed distribution (dist-info on sys.path) with one good and one broken entry point."""
    modules = {"good_backend_plugin": GOOD_PLUGIN,
               "broken_backend_plugin": "raise RuntimeError('this plugin is broken')\n"}
    install_distribution(tmp_path, "fake-backends", modules,
                         {"good": "good_backend_plugin", "broken": "broken_backend_plugin"})
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


ACME_PLUGIN = """
    # A third-party backend as the README shows one: its own settings model, one import.
    from plugins import BackendSettings, SecretStr, Vectorizer, VectorizeResult, hookimpl

    class AcmeSettings(BackendSettings):
        acme_api_key: SecretStr
        acme_model: str = "acme-small"

    class AcmeVectorizer(Vectorizer):
        backend_id = "acme"
        description = "Acme's hosted model (ACME_API_KEY)"
        settings_model = AcmeSettings

        def vectorize(self, request):
            assert self.config.acme_api_key.get_secret_value()
            return VectorizeResult(features={"age": 41.0}, product_group=None, raw=self.config.acme_model)

    @hookimpl
    def register_vectorizers(register):
        register(AcmeVectorizer)
"""
ACME_KEY = "acme-key-never-printed-0d1e2f3a4b5c"


def _engine_cli(site, *args, **env):
    """`python -m engine ...` in a fresh interpreter that sees the installed distribution and nothing of ACME_*."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ACME_", "AWS_", "BEDROCK_", "OPENAI_"))}
    base.update(PYTHONPATH=str(site), VECTORIZER="rules", SQL_GENERATOR="rules", TF_CPP_MIN_LOG_LEVEL="3", **env)
    done = subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, env=base, capture_output=True,
                          text=True, timeout=120)
    assert ACME_KEY not in done.stdout + done.stderr
    return done


@pytest.mark.slow
def test_an_installed_backend_with_its_own_key_is_missing_it_then_ready(tmp_path):
    site = install_distribution(tmp_path, "rentalchat-acme", {"rentalchat_acme": ACME_PLUGIN},
                                {"acme": "rentalchat_acme"})

    without = _engine_cli(site, "plugins")
    assert without.returncode == 0, without.stderr
    acme = {b["id"]: b for b in json.loads(without.stdout)["vectorizers"]}["acme"]
    assert acme["ready"] is False and acme["missing"] == ["ACME_API_KEY"]
    fallback = _engine_cli(site, "vectorize", "--backend", "acme", "41살이에요")
    assert json.loads(fallback.stdout)["backend"] == "rules" and "ACME_API_KEY" in fallback.stderr

    with_key = _engine_cli(site, "plugins", ACME_API_KEY=ACME_KEY)
    assert with_key.returncode == 0, with_key.stderr
    acme = {b["id"]: b for b in json.loads(with_key.stdout)["vectorizers"]}["acme"]
    assert acme["ready"] is True and acme["missing"] == [] and json.loads(with_key.stdout)["failed_plugins"] == []
    answered = _engine_cli(site, "vectorize", "--backend", "acme", "41살이에요", ACME_API_KEY=ACME_KEY)
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout)["backend"] == "acme"
