"""`deploy-flow`: the vectorizer Prompt, the Flow and its alias created or updated from prompts/, idempotently.

Each resource is found by name; it is updated only when it differs from the repository, and a new version is
cut only when the latest version differs, so running the command twice changes nothing the second time.
"""
from __future__ import annotations

import json
import time

from core.errors import BackendError, BackendTimeout, BadInput
from core.paths import PROMPTS_DIR
from plugins.aws import AwsSettings, BedrockModelSettings, call_mapped, create_client
from plugins.prompting import load_prompt
from plugins.settings import load_backend_settings

FLOW_FILE = PROMPTS_DIR / "flow_definition.json"
BACKEND = "deploy-flow"
ROLE_PLACEHOLDER = "<role-arn: pass --role-arn>"


def load_spec() -> dict:
    return json.loads(FLOW_FILE.read_text(encoding="utf-8"))


def prompt_params(spec: dict, model_id: str) -> dict:
    """CreatePrompt / UpdatePrompt parameters for the vectorizer prompt (prompts/vectorizer.txt)."""
    prompt = spec["prompt"]
    variant = {
        "name": prompt["variant"],
        "templateType": "TEXT",
        "templateConfiguration": {
            "text": {
                "text": load_prompt(prompt["templateFile"]),
                "inputVariables": [{"name": name} for name in prompt["inputVariables"]],
            }
        },
        "modelId": model_id,
        "inferenceConfiguration": {"text": dict(prompt["inference"])},
    }
    return {
        "name": prompt["name"],
        "description": prompt["description"],
        "defaultVariant": prompt["variant"],
        "variants": [variant],
    }


def flow_definition(spec: dict, prompt_version_arn: str) -> dict:
    """The Flow definition with the prompt node pointing at one immutable prompt version."""
    text = json.dumps(spec["flow"]["definition"]).replace("{{promptVersionArn}}", prompt_version_arn)
    return json.loads(text)


def _project(actual, desired):
    """`actual` reduced to the keys `desired` sets, so fields the service adds never count as a difference."""
    if isinstance(desired, dict) and isinstance(actual, dict):
        return {key: _project(actual.get(key), value) for key, value in desired.items()}
    if isinstance(desired, list) and isinstance(actual, list) and len(actual) == len(desired):
        return [_project(a, d) for a, d in zip(_by_name(actual), _by_name(desired))]
    return actual


def _by_name(items: list) -> list:
    return sorted(items, key=lambda item: item.get("name", "") if isinstance(item, dict) else "")


def same(actual, desired) -> bool:
    return _project(actual, desired) == _project(desired, desired)


def _listed(call, key: str, **params) -> list[dict]:
    """Every item of a paginated List* call."""
    items, token = [], None
    while True:
        page = call(**params, **({"nextToken": token} if token else {}))
        items.extend(page.get(key, []))
        token = page.get("nextToken")
        if not token:
            return items


def _latest_version(summaries: list[dict]) -> str | None:
    numbered = [s["version"] for s in summaries if str(s.get("version", "")).isdigit()]
    return max(numbered, key=int) if numbered else None


class DeploySettings(AwsSettings, BedrockModelSettings):
    """Where to deploy (AWS_REGION) and the Prompt's model unless --model-id names another."""


def _default_model(settings) -> str:
    """BEDROCK_MODEL_ID, which a dry run honours without needing a region."""
    return load_backend_settings(BedrockModelSettings, settings, BACKEND).bedrock_model_id


def planned_requests(settings, *, model_id: str | None, role_arn: str | None) -> list[dict]:
    """The requests a first deployment sends, with placeholders for ids AWS has not assigned yet."""
    spec = load_spec()
    flow = spec["flow"]
    return [
        {"operation": "CreatePrompt", "params": prompt_params(spec, model_id or _default_model(settings))},
        {"operation": "CreatePromptVersion", "params": {"promptIdentifier": "<promptId>"}},
        {
            "operation": "CreateFlow",
            "params": {
                "name": flow["name"],
                "description": flow["description"],
                "executionRoleArn": role_arn or ROLE_PLACEHOLDER,
                "definition": flow_definition(spec, "<promptVersionArn>"),
            },
        },
        {"operation": "PrepareFlow", "params": {"flowIdentifier": "<flowId>"}},
        {"operation": "CreateFlowVersion", "params": {"flowIdentifier": "<flowId>"}},
        {
            "operation": "CreateFlowAlias",
            "params": {
                "flowIdentifier": "<flowId>",
                "name": flow["aliasName"],
                "routingConfiguration": [{"flowVersion": "<flowVersion>"}],
            },
        },
    ]


class FlowDeployer:
    """One deployment run against a bedrock-agent client; `created` and `updated` say what changed."""

    def __init__(self, client, *, poll_interval: float, prepare_timeout: float):
        self.client = client
        self.poll_interval = poll_interval
        self.prepare_timeout = prepare_timeout
        self.created: list[str] = []
        self.updated: list[str] = []

    def call(self, operation: str, **params):
        return call_mapped(lambda: getattr(self.client, operation)(**params), BACKEND)

    def call_list(self, operation: str):
        return lambda **params: self.call(operation, **params)

    def find(self, operation: str, key: str, name: str, **params) -> dict | None:
        return next((item for item in _listed(self.call_list(operation), key, **params) if item["name"] == name), None)

    def ensure_prompt(self, params: dict) -> tuple[str, str, str]:
        """(prompt id, version, version ARN), reusing the latest version when it already matches."""
        found = self.find("list_prompts", "promptSummaries", params["name"])
        if found is None:
            prompt_id = self.call("create_prompt", **params)["id"]
            self.created.append("prompt")
        else:
            prompt_id = found["id"]
            if not same(self.call("get_prompt", promptIdentifier=prompt_id), params):
                self.call("update_prompt", promptIdentifier=prompt_id, **params)
                self.updated.append("prompt")
        versions = _listed(self.call_list("list_prompts"), "promptSummaries", promptIdentifier=prompt_id)
        latest = _latest_version(versions)
        if latest is not None:
            current = self.call("get_prompt", promptIdentifier=prompt_id, promptVersion=latest)
            if same(current, {"variants": params["variants"]}):
                return prompt_id, latest, current["arn"]
        version = self.call("create_prompt_version", promptIdentifier=prompt_id)
        self.created.append("prompt version")
        return prompt_id, version["version"], version["arn"]

    def ensure_flow(self, flow: dict, found: dict | None, definition: dict, role_arn: str | None) -> str:
        if found is None:
            flow_id = self.call(
                "create_flow", name=flow["name"], description=flow["description"],
                executionRoleArn=role_arn, definition=definition,
            )["id"]
            self.created.append("flow")
        else:
            flow_id = found["id"]
            current = self.call("get_flow", flowIdentifier=flow_id)
            role = role_arn or current["executionRoleArn"]
            if not same(current, {"definition": definition, "executionRoleArn": role}):
                self.call(
                    "update_flow", flowIdentifier=flow_id, name=flow["name"], description=flow["description"],
                    executionRoleArn=role, definition=definition,
                )
                self.updated.append("flow")
        self.prepare(flow_id)
        return flow_id

    def prepare(self, flow_id: str) -> None:
        if self.call("get_flow", flowIdentifier=flow_id)["status"] == "Prepared":
            return
        self.call("prepare_flow", flowIdentifier=flow_id)
        deadline = time.monotonic() + self.prepare_timeout
        while True:
            current = self.call("get_flow", flowIdentifier=flow_id)
            if current["status"] == "Prepared":
                return
            if current["status"] == "Failed":
                problems = "; ".join(v.get("message", "") for v in current.get("validations", [])[:3])
                raise BackendError(f"the flow failed to prepare: {problems}"[:300], backend=BACKEND)
            if time.monotonic() > deadline:
                raise BackendTimeout("the flow did not finish preparing", backend=BACKEND)
            time.sleep(self.poll_interval)

    def ensure_flow_version(self, flow_id: str, definition: dict) -> str:
        latest = _latest_version(_listed(self.call_list("list_flow_versions"), "flowVersionSummaries",
                                         flowIdentifier=flow_id))
        if latest is not None:
            current = self.call("get_flow_version", flowIdentifier=flow_id, flowVersion=latest)
            if same(current, {"definition": definition}):
                return latest
        self.created.append("flow version")
        return self.call("create_flow_version", flowIdentifier=flow_id)["version"]

    def ensure_alias(self, flow_id: str, name: str, version: str) -> str:
        routing = [{"flowVersion": version}]
        aliases = _listed(self.call_list("list_flow_aliases"), "flowAliasSummaries", flowIdentifier=flow_id)
        found = [a for a in aliases if a["name"] == name]
        if not found:
            self.created.append("flow alias")
            return self.call("create_flow_alias", flowIdentifier=flow_id, name=name, routingConfiguration=routing)["id"]
        alias = found[0]
        if not same(alias.get("routingConfiguration"), routing):
            self.call("update_flow_alias", flowIdentifier=flow_id, aliasIdentifier=alias["id"], name=name,
                      routingConfiguration=routing)
            self.updated.append("flow alias")
        return alias["id"]


def deploy_flow(settings, *, model_id: str | None, role_arn: str | None, dry_run: bool, client_factory=None,
                poll_interval: float = 2.0, prepare_timeout: float = 300.0) -> dict:
    """Deploy the Flow and return the ids for `.env`; with dry_run, the requests it would send, calling nothing."""
    if dry_run:
        return {"dry_run": True, "requests": planned_requests(settings, model_id=model_id, role_arn=role_arn)}
    aws = load_backend_settings(DeploySettings, settings, BACKEND)
    client = call_mapped(lambda: (client_factory or create_client)("bedrock-agent", settings, aws), BACKEND)
    spec, model = load_spec(), model_id or aws.bedrock_model_id
    deployer = FlowDeployer(client, poll_interval=poll_interval, prepare_timeout=prepare_timeout)
    existing_flow = deployer.find("list_flows", "flowSummaries", spec["flow"]["name"])
    if existing_flow is None and not role_arn:
        raise BadInput("creating the flow needs --role-arn (an IAM role that Bedrock Flows can assume)")
    prompt_id, prompt_version, prompt_arn = deployer.ensure_prompt(prompt_params(spec, model))
    definition = flow_definition(spec, prompt_arn)
    flow_id = deployer.ensure_flow(spec["flow"], existing_flow, definition, role_arn)
    flow_version = deployer.ensure_flow_version(flow_id, definition)
    alias_id = deployer.ensure_alias(flow_id, spec["flow"]["aliasName"], flow_version)
    return {
        "prompt_id": prompt_id,
        "prompt_version": prompt_version,
        "flow_id": flow_id,
        "flow_version": flow_version,
        "flow_alias_id": alias_id,
        "created": deployer.created,
        "updated": deployer.updated,
        "env": {"BEDROCK_FLOW_ID": flow_id, "BEDROCK_FLOW_ALIAS_ID": alias_id},
    }
