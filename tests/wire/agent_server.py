"""A stateful stand-in for the `bedrock-agent` REST-JSON API: just the prompt, flow, version and alias
operations `deploy-flow` uses, kept in memory, so idempotency can be checked request by request."""
from __future__ import annotations

import copy
import itertools
import re
from urllib.parse import parse_qs, urlparse

from wire.servers import JsonReply, Recorded

ACCOUNT = "123456789012"
REGION = "us-east-1"
NOW = "2026-01-01T00:00:00Z"


class FakeBedrockAgent:
    """Call it with a recorded request, get the reply; `prepare_outcome` is what a prepare ends in."""

    def __init__(self):
        self.prompts: dict[str, dict] = {}  # id -> {"draft": {...}, "versions": {"1": {...}}}
        self.flows: dict[str, dict] = {}  # id -> {"draft": {...}, "versions": {...}, "aliases": {...}}
        self.prepare_outcome = "Prepared"
        self._ids = (f"ID{n:08d}" for n in itertools.count(1))
        self.routes = [
            ("GET", r"/prompts/", self.list_prompts),
            ("POST", r"/prompts/", self.create_prompt),
            ("GET", r"/prompts/(\w+)/", self.get_prompt),
            ("PUT", r"/prompts/(\w+)/", self.update_prompt),
            ("POST", r"/prompts/(\w+)/versions", self.create_prompt_version),
            ("GET", r"/flows/", self.list_flows),
            ("POST", r"/flows/", self.create_flow),
            ("GET", r"/flows/(\w+)/", self.get_flow),
            ("PUT", r"/flows/(\w+)/", self.update_flow),
            ("POST", r"/flows/(\w+)/", self.prepare_flow),
            ("GET", r"/flows/(\w+)/versions", self.list_flow_versions),
            ("POST", r"/flows/(\w+)/versions", self.create_flow_version),
            ("GET", r"/flows/(\w+)/versions/(\d+)/", self.get_flow_version),
            ("GET", r"/flows/(\w+)/aliases", self.list_aliases),
            ("POST", r"/flows/(\w+)/aliases", self.create_alias),
            ("PUT", r"/flows/(\w+)/aliases/(\w+)", self.update_alias),
        ]

    def __call__(self, request: Recorded):
        url = urlparse(request.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        for method, pattern, handler in self.routes:
            match = re.fullmatch(pattern, url.path)
            if method == request.method and match:
                try:
                    status, body = handler(*match.groups(), body=request.json() or {}, query=query)
                except KeyError:
                    status, body = 404, {"message": "not found"}
                headers = {} if status < 400 else {"x-amzn-ErrorType": "ResourceNotFoundException"}
                return JsonReply(status, body, headers)
        return JsonReply(400, {"message": f"unrouted {request.method} {url.path}"})

    # prompts
    def _prompt_view(self, prompt_id: str, version: str | None) -> dict:
        record = self.prompts[prompt_id]
        data = record["draft"] if version in (None, "DRAFT") else record["versions"][version]
        arn = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:prompt/{prompt_id}"
        if version not in (None, "DRAFT"):
            arn += f":{version}"
        return {**copy.deepcopy(data), "id": prompt_id, "arn": arn, "version": version or "DRAFT",
                "createdAt": NOW, "updatedAt": NOW}

    def list_prompts(self, body, query):
        if "promptIdentifier" in query:
            prompt_id = query["promptIdentifier"]
            versions = ["DRAFT", *self.prompts[prompt_id]["versions"]]
            return 200, {"promptSummaries": [self._summary(self._prompt_view(prompt_id, v)) for v in versions]}
        return 200, {"promptSummaries": [self._summary(self._prompt_view(p, None)) for p in self.prompts]}

    @staticmethod
    def _summary(view: dict) -> dict:
        return {k: view[k] for k in ("name", "id", "arn", "version", "createdAt", "updatedAt")}

    def create_prompt(self, body, query):
        prompt_id = next(self._ids)
        self.prompts[prompt_id] = {"draft": {k: v for k, v in body.items() if k != "clientToken"}, "versions": {}}
        return 201, self._prompt_view(prompt_id, None)

    def get_prompt(self, prompt_id, body, query):
        return 200, self._prompt_view(prompt_id, query.get("promptVersion"))

    def update_prompt(self, prompt_id, body, query):
        self.prompts[prompt_id]["draft"] = dict(body)
        return 200, self._prompt_view(prompt_id, None)

    def create_prompt_version(self, prompt_id, body, query):
        record = self.prompts[prompt_id]
        version = str(len(record["versions"]) + 1)
        record["versions"][version] = copy.deepcopy(record["draft"])
        return 201, self._prompt_view(prompt_id, version)

    # flows
    def _flow_view(self, flow_id: str, version: str | None = None) -> dict:
        record = self.flows[flow_id]
        data = record["draft"] if version is None else record["versions"][version]
        return {**copy.deepcopy(data), "id": flow_id, "arn": f"arn:aws:bedrock:{REGION}:{ACCOUNT}:flow/{flow_id}",
                "version": version or "DRAFT", "createdAt": NOW, "updatedAt": NOW}

    def list_flows(self, body, query):
        summaries = [{k: self._flow_view(f)[k] for k in ("name", "id", "arn", "status", "createdAt", "updatedAt",
                                                          "version")} for f in self.flows]
        return 200, {"flowSummaries": summaries}

    def create_flow(self, body, query):
        flow_id = next(self._ids)
        draft = {k: v for k, v in body.items() if k != "clientToken"} | {"status": "NotPrepared"}
        self.flows[flow_id] = {"draft": draft, "versions": {}, "aliases": {}}
        return 201, self._flow_view(flow_id)

    def get_flow(self, flow_id, body, query):
        draft = self.flows[flow_id]["draft"]
        if draft["status"] == "Preparing":  # the next look finds the preparation finished
            draft["status"] = self.prepare_outcome
            if self.prepare_outcome == "Failed":
                draft["validations"] = [{"message": "scripted validation failure", "severity": "Error"}]
        return 200, self._flow_view(flow_id)

    def update_flow(self, flow_id, body, query):
        self.flows[flow_id]["draft"] = dict(body) | {"status": "NotPrepared"}
        return 200, self._flow_view(flow_id)

    def prepare_flow(self, flow_id, body, query):
        self.flows[flow_id]["draft"]["status"] = "Preparing"
        return 202, {"id": flow_id, "status": "Preparing"}

    def list_flow_versions(self, flow_id, body, query):
        versions = self.flows[flow_id]["versions"]
        keys = ("id", "arn", "status", "createdAt", "version")
        return 200, {"flowVersionSummaries": [{k: self._flow_view(flow_id, v)[k] for k in keys} for v in versions]}

    def create_flow_version(self, flow_id, body, query):
        record = self.flows[flow_id]
        if record["draft"]["status"] != "Prepared":
            return 400, {"message": "flow is not prepared"}
        version = str(len(record["versions"]) + 1)
        record["versions"][version] = copy.deepcopy(record["draft"])
        return 201, self._flow_view(flow_id, version)

    def get_flow_version(self, flow_id, version, body, query):
        return 200, self._flow_view(flow_id, version)

    def list_aliases(self, flow_id, body, query):
        return 200, {"flowAliasSummaries": list(self.flows[flow_id]["aliases"].values())}

    def create_alias(self, flow_id, body, query):
        alias_id = next(self._ids)
        alias = {"name": body["name"], "routingConfiguration": body["routingConfiguration"], "flowId": flow_id,
                 "id": alias_id, "arn": f"arn:aws:bedrock:{REGION}:{ACCOUNT}:flow/{flow_id}/alias/{alias_id}",
                 "createdAt": NOW, "updatedAt": NOW}
        self.flows[flow_id]["aliases"][alias_id] = alias
        return 201, alias

    def update_alias(self, flow_id, alias_id, body, query):
        alias = self.flows[flow_id]["aliases"][alias_id]
        alias.update(name=body["name"], routingConfiguration=body["routingConfiguration"])
        return 200, alias
