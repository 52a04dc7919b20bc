#!/usr/bin/env bash
# One command from a fresh clone to a running app: sets up, then launches on the embedded defaults
# (SQLite built on first use; the offline rules backend when no AWS settings exist).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
exec .venv/bin/python demo.py "$@"
