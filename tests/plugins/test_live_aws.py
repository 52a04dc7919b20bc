"""Against real AWS: run with `pytest -m live` once AWS credentials and the Bedrock ids are configured.

Each test skips (never fails) when the credentials or the settings it needs are missing.
"""
from __future__ import annotations

import pytest

from db.schema import SCHEMA_TEXT
from core.errors import BackendNotConfigured
from engine.settings import load_settings
from plugins.aws import AwsSettings, BedrockModelSettings
from plugins.base import SqlRequest, VectorizeRequest
from plugins.settings import load_backend_settings
from plugins.testing import check_sql_result, check_vectorize_result

pytestmark = pytest.mark.live

TEXT = VectorizeRequest("35살이고 4인 가족, 30평 아파트에 살아요. 월 3만원 정도로 정수기 찾아요", "ko")
QUESTION = SqlRequest("식기세척기 고객 수", "ko", SCHEMA_TEXT)


@pytest.fixture(scope="module")
def live_settings():
    boto3 = pytest.importorskip("boto3")
    settings = load_settings()
    try:
        aws = load_backend_settings(AwsSettings, settings, "live")
    except BackendNotConfigured:
        pytest.skip("AWS_REGION is not set")
    session = boto3.session.Session(profile_name=aws.aws_profile or None, region_name=aws.aws_region)
    if session.get_credentials() is None:
        pytest.skip("no AWS credentials in the standard chain")
    return settings


def needs(settings, backend):
    readiness = backend.readiness(settings)
    if not readiness.ready:
        pytest.skip(f"set {readiness.describe()} to run this live test")


def test_bedrock_flow_live(live_settings):
    from plugins.bedrock_flow import BedrockFlowVectorizer

    needs(live_settings, BedrockFlowVectorizer)
    backend = BedrockFlowVectorizer(live_settings)
    result = backend.vectorize(TEXT)
    check_vectorize_result(backend, result)
    assert result.features["age"] == 35 and result.features["houseHold"] == 4 and result.product_group == "정수기"


def test_bedrock_converse_live(live_settings):
    from plugins.bedrock_converse import BedrockConverseSqlGenerator, BedrockConverseVectorizer

    vectorizer = BedrockConverseVectorizer(live_settings)
    result = vectorizer.vectorize(TEXT)
    check_vectorize_result(vectorizer, result)
    assert result.features["amt"] == 30
    generator = BedrockConverseSqlGenerator(live_settings)
    sql = generator.generate_sql(QUESTION)
    check_sql_result(generator, sql)
    assert sql.sql and "식기세척기" in sql.sql


def test_bedrock_kb_live(live_settings):
    from plugins.bedrock_kb import BedrockKnowledgeBaseSqlGenerator

    needs(live_settings, BedrockKnowledgeBaseSqlGenerator)
    generator = BedrockKnowledgeBaseSqlGenerator(live_settings)
    result = generator.generate_sql(QUESTION)
    check_sql_result(generator, result)
    assert result.sql and result.sql.lstrip().upper().startswith(("SELECT", "WITH"))


def test_deploy_flow_dry_run_live_settings(live_settings):
    from plugins.deploy_flow import deploy_flow

    plan = deploy_flow(live_settings, model_id=None, role_arn=None, dry_run=True)
    model = load_backend_settings(BedrockModelSettings, live_settings, "live").bedrock_model_id
    assert plan["requests"][0]["params"]["variants"][0]["modelId"] == model
