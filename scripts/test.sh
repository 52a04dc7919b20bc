#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite, offline. `.ci/run` runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    # The browser test drives Debian's Chromium; Playwright never downloads a browser here.
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2 \
        || echo "could not install chromium; the browser test will be skipped" >&2
fi
if [ "$#" -eq 0 ]; then
    # The full run includes the `llm` tests, which start a real local LLM; install it here, visibly, rather
    # than silently inside a fixture (the first build compiles llama.cpp, 8-16 minutes; later runs: seconds).
    # If this fails, the llm tests fail and say why.
    bash scripts/local-llm.sh setup >&2 || echo "local LLM setup failed; the llm tests will say why" >&2
fi
export GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1 TF_CPP_MIN_LOG_LEVEL=2
# Imports point one way (pyproject.toml [tool.importlinter]); a wrong-way import fails here, before any test.
.venv/bin/lint-imports
# pytest exits 5 when it collected no tests: that is a failure here, and set -e keeps it one.
exec .venv/bin/python -m pytest "$@"
