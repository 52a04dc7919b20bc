#!/usr/bin/env bash
# One command from a fresh clone to a running app: sets up, then launches on the embedded defaults
# (SQLite built on first use; the offline rules backend when no AWS settings exist).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
# glibc gives each busy thread its own malloc arena; under load the app's worker threads grew RSS
# 267 -> 306 MB in 150 s with the default and stayed flat (249 -> 255 MB) with two (bench/RESULTS.md).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec .venv/bin/python demo.py "$@"
