#!/usr/bin/env bash
# Creates .venv and installs the pinned dependencies; re-runs pip only when a requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-dev}"   # "app" for the runtime only, "dev" for runtime + test tools
requirements="requirements-dev.txt"
[ "$profile" = "app" ] && requirements="requirements.txt"

python="${PYTHON:-python3}"
PIP_VERSION=26.3  # pinned like everything else, so a fresh clone installs the same way every time
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
stamp=".venv/.installed-$profile"
wanted="$(cat requirements.txt "$requirements" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "pip==$PIP_VERSION"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" > "$stamp"
    if [ "$profile" = "dev" ]; then  # the dev set includes the runtime set: the app needs no second pip run
        cat requirements.txt requirements.txt | sha256sum | cut -d' ' -f1 > .venv/.installed-app
    fi
fi
