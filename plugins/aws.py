"""Shared boto3 plumbing for the Bedrock backends: a lazily created client and AWS failures mapped to our errors.

boto3 is imported only when a client is first needed, so loading plugins stays cheap. No endpoint is ever
forced: AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> keep working through boto3's own configuration.
Error details carry only error codes and status numbers, never payloads, so no secret can leak through them.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from core.errors import (
    BackendError,
    BackendNotConfigured,
    BackendOutputInvalid,
    BackendThrottled,
    BackendTimeout,
    ChatError,
)
from plugins.retry import backoff_delay
from plugins.settings import BackendSettings

log = logging.getLogger(__name__)

THROTTLING_CODES = frozenset(
    {"throttlingexception", "throttling", "toomanyrequestsexception", "servicequotaexceededexception"}
)
TIMEOUT_CODES = frozenset({"modeltimeoutexception"})
# In-stream errors are not retried by botocore; these are the transient ones worth another attempt.
RETRYABLE_STREAM_CODES = frozenset({"throttlingexception", "internalserverexception", "badgatewayexception"})


class AwsSettings(BackendSettings):
    """What every Bedrock backend reads: the region its resources live in and, optionally, a named profile."""

    aws_region: str
    aws_profile: str | None = None


class BedrockModelSettings(BackendSettings):
    """The foundation model behind the Converse calls, the Knowledge Base's generation and the deployed Prompt."""

    bedrock_model_id: str = "amazon.nova-pro-v1:0"


def create_client(service_name: str, settings, aws: AwsSettings):
    """A boto3 client with standard retries and the app's timeouts; region and profile are read when it is made."""
    import boto3
    from botocore.config import Config

    config = Config(
        region_name=aws.aws_region,
        connect_timeout=settings.backend_connect_timeout,
        read_timeout=settings.backend_read_timeout,
        # botocore's "max_attempts" key counts retries after the first try; ours counts every attempt.
        retries={"mode": "standard", "total_max_attempts": settings.backend_max_attempts},
        user_agent_extra="rentalchat",
    )
    session = boto3.session.Session(profile_name=aws.aws_profile or None, region_name=aws.aws_region)
    return session.client(service_name, config=config)


class LazyClient:
    """One client per backend instance, created on first use (boto3 clients are thread-safe, creation is not)."""

    def __init__(self, service_name: str, settings, aws: AwsSettings, factory: Callable | None = None):
        self.service_name = service_name
        self.settings = settings
        self.aws = aws
        self._factory = factory or create_client
        self._client = None
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            if self._client is None:
                self._client = self._factory(self.service_name, self.settings, self.aws)
            return self._client


def error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", "")).strip()


def _status(exc: Exception) -> int | None:
    response = getattr(exc, "response", None) or {}
    return response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def is_retryable_stream_error(exc: Exception) -> bool:
    from botocore.exceptions import EventStreamError

    return isinstance(exc, EventStreamError) and error_code(exc).lower() in RETRYABLE_STREAM_CODES


def retry_stream_errors(call: Callable, *, attempts: int, backoff: float, backend: str, sleep=time.sleep):
    """Run `call` again after a transient error that arrived inside an event stream, at most `attempts` times."""
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as exc:
            if attempt >= attempts or not is_retryable_stream_error(exc):
                raise
            delay = backoff_delay(attempt, backoff)
            log.info("%s: %s in the response stream, retry %d after %.2fs", backend, error_code(exc), attempt, delay)
            sleep(delay)
    raise AssertionError("unreachable")


def _client_error(exc, backend: str) -> ChatError:
    from botocore.exceptions import EventStreamError

    code = error_code(exc) or "UnknownError"
    where = "in the response stream" if isinstance(exc, EventStreamError) else f"HTTP {_status(exc)}"
    detail = f"{code} ({where})"
    lowered = code.lower()
    if lowered in THROTTLING_CODES:
        return BackendThrottled(detail, backend=backend)
    if lowered in TIMEOUT_CODES:
        return BackendTimeout(detail, backend=backend)
    if lowered in {"unrecognizedclientexception", "invalidsignatureexception", "expiredtokenexception"}:
        return BackendNotConfigured(f"valid AWS credentials ({code})", backend=backend)
    return BackendError(detail, backend=backend)


def map_error(exc: Exception, backend: str) -> ChatError:
    """One of our errors for any failure boto3, botocore or urllib3 raised; the message names no payload."""
    from botocore import eventstream, exceptions as bce
    from urllib3 import exceptions as u3

    if isinstance(exc, ChatError):
        return exc
    if isinstance(exc, bce.ClientError):
        return _client_error(exc, backend)
    if isinstance(exc, (bce.ReadTimeoutError, bce.ConnectTimeoutError, u3.TimeoutError, TimeoutError)):
        return BackendTimeout(type(exc).__name__, backend=backend)
    if isinstance(exc, (bce.NoCredentialsError, bce.PartialCredentialsError, bce.CredentialRetrievalError)):
        return BackendNotConfigured("AWS credentials (environment, profile, SSO or instance role)", backend=backend)
    if isinstance(exc, bce.NoRegionError):
        return BackendNotConfigured("AWS_REGION", backend=backend)
    if isinstance(exc, bce.ProfileNotFound):
        return BackendNotConfigured("a valid AWS_PROFILE (profile not found)", backend=backend)
    if isinstance(exc, eventstream.ChecksumMismatch):
        return BackendError("event stream checksum mismatch", backend=backend)
    if isinstance(exc, eventstream.ParserError):
        return BackendError(f"malformed event stream ({type(exc).__name__})", backend=backend)
    if isinstance(exc, bce.ParamValidationError):
        return BackendError("request refused by parameter validation before sending", backend=backend)
    if isinstance(exc, (bce.EndpointConnectionError, bce.ConnectionClosedError, u3.ProtocolError)):
        return BackendError(f"connection failed ({type(exc).__name__})", backend=backend)
    if isinstance(exc, (bce.BotoCoreError, u3.HTTPError, OSError)):
        return BackendError(type(exc).__name__, backend=backend)
    if isinstance(exc, ValueError):  # UnicodeDecodeError, JSONDecodeError: a reply botocore could not read
        return BackendOutputInvalid(f"unreadable reply ({type(exc).__name__})", backend=backend)
    raise exc


def call_mapped(call: Callable, backend: str):
    """Run `call`, turning every AWS-side failure into our error type and logging only its safe detail."""
    try:
        return call()
    except Exception as exc:
        mapped = map_error(exc, backend)
        log.warning("%s failed: %s", backend, mapped)
        raise mapped from None
