"""What /healthz reports to whatever hosts the app: is the model loaded, do both databases answer.
Readiness only: no URLs, paths or settings, which may carry secrets."""
from __future__ import annotations

import logging

from core.errors import ChatError, describe_unexpected

log = logging.getLogger(__name__)


def _check(name: str, probe) -> dict:
    try:
        probe()
    except ChatError as exc:
        return {"ready": False, "error": exc.code}
    except Exception as exc:  # a host's probe must get an answer, never a traceback
        log.error("health check %s failed: %s", name, describe_unexpected(exc))
        return {"ready": False, "error": "internal_error"}
    return {"ready": True}


def health(engine) -> dict:
    checks = {
        "model": _check("model", lambda: engine.recommender),
        "customer_database": _check("customer_database", lambda: engine.run_sql("SELECT COUNT(*) FROM product")),
        "state_database": _check("state_database", engine.state.staff_count),
    }
    return {"status": "ok" if all(c["ready"] for c in checks.values()) else "degraded", **checks}
