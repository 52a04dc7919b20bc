"""One server, two doors: the public customer app at `/` and the staff app at `/staff/` behind per-person
sign-in, plus `/healthz` for whatever hosts it. Gradio apps are mounted on our own FastAPI app."""
from __future__ import annotations

import ipaddress
import os
import tempfile
import threading
import time
from dataclasses import dataclass

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from engine.health import health
from engine.limits import TurnLimiter
from ui.customer_app import build_customer_app
from ui.downloads import DownloadStore
from ui.staff_app import build_staff_app
from ui.staff_auth import STAFF_PATH, StaffGate, StaffPageGate, StaffSessions, add_staff_routes

STYLE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "style.css")


class LaunchRefused(SystemExit):
    pass


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def staff_open_access(settings, staff_accounts: int) -> bool:
    """Whether /staff/ may open without sign-in: only with no account yet and only on loopback, where only
    this machine can reach it. Anywhere else the launch is refused until someone adds an account."""
    if staff_accounts > 0:
        return False
    if settings.share or not is_loopback(settings.host):
        raise LaunchRefused(
            "No staff account exists, so /staff/ (analytics over customer data) would be open to anyone who "
            "can reach this server. Add one first:\n"
            "  python -m engine staff add NAME --password-stdin\n"
            "or bind to 127.0.0.1 without --share.\n"
            "직원 계정이 없어 /staff/ 가 누구에게나 열리게 됩니다. 먼저 계정을 추가하세요: "
            "python -m engine staff add NAME --password-stdin"
        )
    return True


@dataclass
class Server:
    app: FastAPI
    gate: StaffGate
    downloads: DownloadStore
    url: str | None = None
    _uvicorn: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def start(self, host: str, port: int, timeout: float = 30.0) -> str:
        """Serve in a background thread (tests, benchmarks); returns the base URL once it accepts requests."""
        self._uvicorn = uvicorn.Server(uvicorn.Config(self.app, host=host, port=port, log_level="warning"))
        self._thread = threading.Thread(target=self._uvicorn.run, name="rentalchat-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._uvicorn.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start on {host}:{port}")
            time.sleep(0.05)
        self.url = f"http://{host}:{port}"
        return self.url

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C stops it)."""
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(timeout=0.5)
        except KeyboardInterrupt:
            self.stop()

    def stop(self) -> None:
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.downloads.close()


def private_gradio_temp_dir() -> str:
    """Gradio copies files it serves into GRADIO_TEMP_DIR; by default that is a shared, world-readable
    folder. Unless the host chose one, each server gets a folder only its own user can read."""
    if not os.environ.get("GRADIO_TEMP_DIR"):
        os.environ["GRADIO_TEMP_DIR"] = tempfile.mkdtemp(prefix="rentalchat-gradio-")
    return os.environ["GRADIO_TEMP_DIR"]


def build_server(engine, *, open_access: bool) -> Server:
    """Both apps on one FastAPI app; the staff one refuses (401) every route to a caller `gate` does not know.
    One turn limiter serves both, counting each app on its own."""
    settings = engine.settings
    private_gradio_temp_dir()
    gate = StaffGate(engine.staff, StaffSessions(), open_access)
    downloads = DownloadStore(settings.download_ttl_seconds)
    limiter = TurnLimiter(settings.turns_per_minute, settings.turns_per_minute_per_address)
    customer = build_customer_app(engine, limiter)
    staff = build_staff_app(engine, limiter, downloads, gate)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        return JSONResponse(health(engine), headers={"Cache-Control": "no-store"})

    add_staff_routes(app, gate, downloads)
    common = {"theme": gr.themes.Soft(primary_hue="teal"), "css_paths": [STYLE_FILE], "ssr_mode": False,
              "footer_links": ["api"]}
    gr.mount_gradio_app(app, staff, path=STAFF_PATH, auth_dependency=gate.current_staff, **common)
    gr.mount_gradio_app(app, customer, path="/", **common)
    app.add_middleware(StaffPageGate, gate=gate)
    return Server(app, gate, downloads)
