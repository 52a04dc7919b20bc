"""The real local LLM (llama.cpp's server with SmolLM2-135M-Instruct), started once per test session through
scripts/local-llm.sh. Where it cannot be built or started, every `llm` test fails and says why: never a skip."""
from __future__ import annotations

import subprocess
import time

import pytest

from core.paths import ROOT
from engine.app import Engine
from local_llm_helpers import llm_settings

SCRIPT = ROOT / "scripts" / "local-llm.sh"
# A first run compiles llama.cpp (8-16 minutes on 2 cores); later runs reuse the wheel and start in seconds.
START_TIMEOUT_SECONDS = 45 * 60


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


@pytest.fixture(scope="session")
def local_llm() -> dict:
    """OPENAI_BASE_URL and OPENAI_MODEL of a running server; stopped afterwards if this session started it."""
    was_up = subprocess.run(["bash", str(SCRIPT), "status"], capture_output=True, text=True).returncode == 0
    started = time.perf_counter()
    try:
        run = subprocess.run(["bash", str(SCRIPT), "start"], capture_output=True, text=True,
                             timeout=START_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the local LLM server did not start within {START_TIMEOUT_SECONDS} s "
                    f"(bash scripts/local-llm.sh start):\n{_tail(str(exc.stderr or ''))}", pytrace=False)
    if run.returncode != 0:
        pytest.fail("the local LLM server could not be built or started (bash scripts/local-llm.sh start exited "
                    f"{run.returncode}):\n{_tail(run.stderr)}", pytrace=False)
    values = dict(line.split("=", 1) for line in run.stdout.splitlines() if "=" in line)
    if not {"OPENAI_BASE_URL", "OPENAI_MODEL"} <= set(values):
        pytest.fail(f"scripts/local-llm.sh start printed no settings:\n{_tail(run.stdout)}", pytrace=False)
    values["start_seconds"] = f"{time.perf_counter() - started:.1f}"
    try:
        yield values
    finally:
        if not was_up:
            subprocess.run(["bash", str(SCRIPT), "stop"], capture_output=True, text=True)


@pytest.fixture(scope="module")
def llm_engine(local_llm, small_db) -> Engine:
    return Engine(llm_settings(local_llm, small_db))
