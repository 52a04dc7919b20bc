"""Settings: the committed .env.example works as a .env unchanged, and typed values are checked."""
import pytest
from pydantic import ValidationError

from core.paths import ROOT
from engine.settings import Settings
from plugins import manager
from plugins.bedrock_flow import BedrockFlowVectorizer
from plugins.openai_compat import OpenAIVectorizer
from plugins.settings import env_names

BACKEND_VARIABLES = ("AWS_REGION", "AWS_PROFILE", "BEDROCK_FLOW_ID", "BEDROCK_FLOW_ALIAS_ID",
                     "BEDROCK_FLOW_INPUT_NODE", "BEDROCK_MODEL_ID", "BEDROCK_KB_ID", "OPENAI_BASE_URL",
                     "OPENAI_API_KEY", "OPENAI_MODEL")


def test_env_example_copied_as_is_means_offline_defaults(monkeypatch):
    for name in ("AUTH", *BACKEND_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    example = ROOT / ".env.example"
    settings = Settings(_env_file=example)
    assert settings.vectorizer == "bedrock-flow" and settings.sql_timeout_seconds == 2
    # Blank backend settings are unset too: each backend misses exactly its required ones, so rules answers.
    flow_missing = BedrockFlowVectorizer.readiness(settings).missing
    assert flow_missing == ("AWS_REGION", "BEDROCK_FLOW_ID", "BEDROCK_FLOW_ALIAS_ID")
    assert OpenAIVectorizer.readiness(settings).missing == ("OPENAI_BASE_URL", "OPENAI_MODEL")
    configured = Settings(_env_file=example, aws_region="r", bedrock_flow_id="f", bedrock_flow_alias_id="a")
    flow = BedrockFlowVectorizer(configured)
    assert flow.config.bedrock_flow_input_node == "FlowInputNode" and flow.config.aws_profile is None
    openai = OpenAIVectorizer(Settings(_env_file=example, openai_base_url="http://127.0.0.1:9/v1", openai_model="m"))
    assert openai.config.openai_api_key is None


def test_every_setting_is_documented_in_env_example():
    documented = {line.split("=", 1)[0].lstrip("# ").strip()
                  for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines() if "=" in line}
    assert {name.upper() for name in Settings.model_fields} <= documented
    registry = manager.get_registry()
    backends = [*registry.vectorizers.values(), *registry.sql_generators.values()]
    builtin = [cls for cls in backends if cls.__module__.startswith("plugins.") and cls.settings_model is not None]
    assert len(builtin) >= 5
    for cls in builtin:
        assert set(env_names(cls.settings_model).values()) <= documented, cls.backend_id


def test_environment_beats_the_env_file_and_bad_values_are_refused(monkeypatch):
    monkeypatch.setenv("SQL_TIMEOUT_SECONDS", "0.5")
    assert Settings(_env_file=None).sql_timeout_seconds == 0.5
    monkeypatch.setenv("SQL_MAX_ROWS", "0")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)
