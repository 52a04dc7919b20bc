"""A backend's own settings: read from the environment and `.env` the way the core settings are, reported by
environment name when missing or invalid, checked by the contract kit, and all of it importable from `plugins`."""
from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

import plugins
from core.errors import BackendNotConfigured
from core.paths import ROOT
from engine.settings import Settings, offline_settings
from plugins import BackendSettings, Field, SecretStr, Vectorizer, VectorizeResult, app_settings, check_backend_class
from plugins.openai_compat import OpenAIVectorizer
from plugins.settings import env_name

ACME_KEY = "acme-not-a-real-key-5b0c2e"


class AcmeSettings(BackendSettings):
    acme_api_key: SecretStr
    acme_timeout: float = Field(5.0, gt=0)


class AcmeVectorizer(Vectorizer):
    backend_id = "acme"
    description = "a third-party vectorizer with its own key"
    settings_model = AcmeSettings

    def vectorize(self, request):
        return VectorizeResult(features={"age": 41.0}, product_group=None, raw="41")


@pytest.fixture(autouse=True)
def no_acme_environment(monkeypatch):
    for name in ("ACME_API_KEY", "ACME_TIMEOUT", "OPENAI_BASE_URL", "OPENAI_MODEL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_env_file_is_read_like_the_core_settings(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(f"ACME_API_KEY={ACME_KEY}\nACME_TIMEOUT=\nOPENAI_MODEL=m\nSQL_MAX_ROWS=7\nUNRELATED=1\n")
    settings = Settings(_env_file=env_file)
    backend = AcmeVectorizer(settings)
    assert backend.config.acme_api_key.get_secret_value() == ACME_KEY
    assert backend.config.acme_timeout == 5.0  # blank means unset: the default, not an empty string
    assert settings.sql_max_rows == 7 and settings.env_file == env_file
    assert OpenAIVectorizer.readiness(settings).missing == ("OPENAI_BASE_URL",)
    assert AcmeVectorizer.readiness(offline_settings()).missing == ("ACME_API_KEY",)  # offline ignores .env


def test_values_in_code_beat_the_environment_which_beats_env_file(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("ACME_API_KEY=from-file\nACME_TIMEOUT=1\n")
    monkeypatch.setenv("ACME_TIMEOUT", "2")
    config = AcmeVectorizer(Settings(_env_file=env_file)).config
    assert config.acme_api_key.get_secret_value() == "from-file" and config.acme_timeout == 2.0
    assert AcmeVectorizer(Settings(_env_file=env_file, acme_timeout=3)).config.acme_timeout == 3.0
    # An explicit None unsets, whatever the environment says.
    assert AcmeVectorizer.readiness(Settings(_env_file=env_file, acme_api_key=None)).missing == ("ACME_API_KEY",)


def test_an_invalid_value_is_named_never_shown():
    settings = offline_settings(acme_api_key=ACME_KEY, acme_timeout="-1")
    readiness = AcmeVectorizer.readiness(settings)
    assert not readiness.ready and readiness.missing == () and readiness.invalid == ("ACME_TIMEOUT",)
    assert readiness.to_json() == {"ready": False, "missing": [], "invalid": ["ACME_TIMEOUT"]}
    with pytest.raises(BackendNotConfigured, match="a valid ACME_TIMEOUT") as caught:
        AcmeVectorizer(settings)
    assert caught.value.__context__ is None and "-1" not in str(caught.value)


def test_an_explicit_config_needs_no_app_values_and_a_misspelt_name_is_refused():
    config = AcmeSettings(_env_file=None, acme_api_key=ACME_KEY)
    assert AcmeVectorizer(offline_settings(), config).config is config
    with pytest.raises(ValidationError, match="extra"):
        AcmeSettings(_env_file=None, acme_api_key=ACME_KEY, acme_tiemout=3)


def test_environment_names_follow_prefix_and_alias():
    class Prefixed(BackendSettings):
        model_config = {"env_prefix": "acme_"}
        region: str
        secret: SecretStr = Field(validation_alias="ACME_TOKEN")

    assert env_name(Prefixed, "region") == "ACME_REGION" and env_name(Prefixed, "secret") == "ACME_TOKEN"
    readiness = AcmeVectorizer.readiness(app_settings())
    assert readiness.missing == ("ACME_API_KEY",)


def test_the_contract_kit_checks_the_settings_declaration():
    check_backend_class(AcmeVectorizer, Vectorizer)

    class PlainKey(BackendSettings):
        acme_api_key: str

    class NotOurs:
        pass

    for model, promise in ((PlainKey, "ACME_API_KEY is a SecretStr"), (NotOurs, "BackendSettings subclass")):
        broken = type("Broken", (AcmeVectorizer,), {"settings_model": model})
        with pytest.raises(AssertionError, match=promise):
            check_backend_class(broken, Vectorizer)
    leftover = type("Leftover", (AcmeVectorizer,), {"required_settings": ("acme_api_key",)})
    with pytest.raises(AssertionError, match="required_settings"):
        check_backend_class(leftover, Vectorizer)


def test_the_kit_settings_match_the_core_defaults():
    core, kit = Settings(_env_file=None), app_settings()
    for name in ("backend_connect_timeout", "backend_read_timeout", "backend_max_attempts"):
        assert getattr(kit, name) == Settings.model_fields[name].default
    assert kit.env_file is None and core.env_file is None
    assert app_settings(acme_api_key="k", backend_max_attempts=1).backend_values == {"ACME_API_KEY": "k"}


def test_one_import_holds_the_whole_plugin_api_and_loads_no_test_code():
    for name in plugins.__all__:
        assert getattr(plugins, name) is not None, name
    code = "import sys, plugins; print('plugins.testing' in sys.modules, 'pytest' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.stdout.split() == ["False", "False"], done.stderr
