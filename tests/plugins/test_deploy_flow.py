"""deploy-flow: the dry run checked against the bedrock-agent service model, the real run through boto3
against a stateful local bedrock-agent, and a second run that changes nothing."""
from __future__ import annotations

import json

import botocore.session
import pytest
from botocore.validate import ParamValidator

from core.errors import BackendError, BadInput
from engine.settings import offline_settings
from plugins.bedrock_flow import FlowSettings
from plugins.deploy_flow import deploy_flow, load_spec
from plugins.prompting import load_prompt
from wire.agent_server import FakeBedrockAgent

ROLE = "arn:aws:iam::123456789012:role/rentalchat-flow"


def settings(**overrides):
    return offline_settings(**{"aws_region": "us-east-1", **overrides})


@pytest.fixture
def agent(aws_env):
    fake = FakeBedrockAgent()
    aws_env.responder = fake
    return fake


def deploy(**kwargs):
    options = {"model_id": None, "role_arn": ROLE, "dry_run": False, "poll_interval": 0.0}
    return deploy_flow(settings(), **{**options, **kwargs})


def writes(server) -> list[str]:
    return [f"{r.method} {r.path}" for r in server.requests if r.method != "GET"]


def test_dry_run_requests_match_the_service_model_and_call_nothing():
    def refuse(*args):
        raise AssertionError("a dry run must not create a client")

    plan = deploy_flow(settings(), model_id="amazon.nova-lite-v1:0", role_arn=ROLE, dry_run=True, client_factory=refuse)
    model = botocore.session.get_session().get_service_model("bedrock-agent")
    operations = [step["operation"] for step in plan["requests"]]
    assert operations == ["CreatePrompt", "CreatePromptVersion", "CreateFlow", "PrepareFlow", "CreateFlowVersion",
                          "CreateFlowAlias"]
    for step in plan["requests"]:
        report = ParamValidator().validate(step["params"], model.operation_model(step["operation"]).input_shape)
        assert not report.has_errors(), report.generate_report()
    prompt = plan["requests"][0]["params"]
    assert prompt["variants"][0]["modelId"] == "amazon.nova-lite-v1:0"
    assert prompt["variants"][0]["templateConfiguration"]["text"]["text"] == load_prompt("vectorizer.txt")
    json.dumps(plan)  # the CLI prints it as JSON


def test_dry_run_without_a_role_still_validates():
    plan = deploy_flow(settings(), model_id=None, role_arn=None, dry_run=True)
    create_flow = next(step for step in plan["requests"] if step["operation"] == "CreateFlow")
    assert "--role-arn" in create_flow["params"]["executionRoleArn"]


def test_flow_definition_matches_the_backend_defaults_and_prompt_variables():
    spec = load_spec()
    nodes = {node["name"]: node for node in spec["flow"]["definition"]["nodes"]}
    defaults = FlowSettings.model_fields
    input_node = nodes[defaults["bedrock_flow_input_node"].default]
    assert input_node["type"] == "Input"
    assert input_node["outputs"][0]["name"] == defaults["bedrock_flow_input_output"].default
    prompt_inputs = {i["name"] for node in nodes.values() if node["type"] == "Prompt" for i in node["inputs"]}
    assert prompt_inputs == set(spec["prompt"]["inputVariables"])
    for name in prompt_inputs:
        assert "{{" + name + "}}" in load_prompt(spec["prompt"]["templateFile"])


def test_first_deploy_creates_everything_and_returns_the_env_ids(agent, aws_env):
    result = deploy()
    assert result["created"] == ["prompt", "prompt version", "flow", "flow version", "flow alias"]
    assert result["env"] == {"BEDROCK_FLOW_ID": result["flow_id"], "BEDROCK_FLOW_ALIAS_ID": result["flow_alias_id"]}
    flow = agent.flows[result["flow_id"]]
    prompt_node = next(n for n in flow["versions"]["1"]["definition"]["nodes"] if n["type"] == "Prompt")
    arn = prompt_node["configuration"]["prompt"]["sourceConfiguration"]["resource"]["promptArn"]
    assert arn.endswith(f"prompt/{result['prompt_id']}:1")
    assert flow["draft"]["executionRoleArn"] == ROLE
    alias = flow["aliases"][result["flow_alias_id"]]
    assert alias["name"] == "live" and alias["routingConfiguration"] == [{"flowVersion": "1"}]


def test_second_deploy_changes_nothing(agent, aws_env):
    first = deploy()
    sent = len(aws_env.requests)
    second = deploy(role_arn=None)
    assert second["created"] == [] and second["updated"] == []
    assert {k: second[k] for k in ("prompt_id", "flow_id", "flow_alias_id", "flow_version")} == {
        k: first[k] for k in ("prompt_id", "flow_id", "flow_alias_id", "flow_version")
    }
    assert [r for r in aws_env.requests[sent:] if r.method != "GET"] == []


def test_changed_model_updates_and_reroutes_the_alias(agent, aws_env):
    first = deploy()
    second = deploy(model_id="amazon.nova-lite-v1:0")
    assert second["updated"] == ["prompt", "flow", "flow alias"]
    assert second["created"] == ["prompt version", "flow version"]
    assert (second["prompt_version"], second["flow_version"]) == ("2", "2")
    assert second["flow_alias_id"] == first["flow_alias_id"]
    alias = agent.flows[first["flow_id"]]["aliases"][first["flow_alias_id"]]
    assert alias["routingConfiguration"] == [{"flowVersion": "2"}]


def test_new_flow_without_role_is_refused_before_anything_is_created(agent, aws_env):
    with pytest.raises(BadInput, match="--role-arn"):
        deploy(role_arn=None)
    assert writes(aws_env) == [] and agent.prompts == {}


def test_failed_preparation_is_reported(agent, aws_env):
    agent.prepare_outcome = "Failed"
    with pytest.raises(BackendError, match="scripted validation failure"):
        deploy()
    assert not any(f["versions"] for f in agent.flows.values())


def test_missing_region_is_reported():
    from core.errors import BackendNotConfigured

    with pytest.raises(BackendNotConfigured, match="AWS_REGION"):
        deploy_flow(offline_settings(aws_region=None), model_id=None, role_arn=ROLE, dry_run=False)


def test_cli_dry_run_prints_valid_requests(capsys, monkeypatch):
    from engine.cli import main

    monkeypatch.delenv("AWS_REGION", raising=False)
    assert main(["deploy-flow", "--dry-run", "--role-arn", ROLE]) == 0
    plan = json.loads(capsys.readouterr().out)
    model = botocore.session.get_session().get_service_model("bedrock-agent")
    for step in plan["requests"]:
        report = ParamValidator().validate(step["params"], model.operation_model(step["operation"]).input_shape)
        assert not report.has_errors(), report.generate_report()
