"""Per-person staff sign-in for /staff/: our own login page and session cookie, so failed attempts can be
slowed and limited per account and per client address, and the CSV route can check who is asking.

Gradio's staff app trusts `current_staff` through `auth_dependency`: every page, config, queue and file
route of the staff app answers 401 to a caller it returns None for."""
from __future__ import annotations

import asyncio
import html
import secrets
import threading
import time

from fastapi import FastAPI, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from core.errors import ChatError, LoginRefused
from ui.labels import text

SESSION_COOKIE = "rc_staff"
OPEN_USER = "local"  # the name the audit log gives requests while /staff/ is open on loopback
STAFF_PATH = "/staff"


class StaffSessions:
    """Signed-in browsers by an opaque random cookie, kept in memory: a restart signs everyone out."""

    def __init__(self, lifetime_seconds: float = 8 * 3600, clock=time.time):
        self.lifetime = lifetime_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, tuple[str, float]] = {}

    def open(self, user: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            now = self._clock()
            self._sessions = {k: v for k, v in self._sessions.items() if v[1] > now}
            self._sessions[token] = (user, now + self.lifetime)
        return token

    def user(self, token: str | None) -> str | None:
        if not token:
            return None
        with self._lock:
            found = self._sessions.get(token)
        return found[0] if found and found[1] > self._clock() else None

    def close(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)


class StaffGate:
    """Who is asking for the staff app: a signed-in person, the open-access user, or nobody."""

    def __init__(self, desk, sessions: StaffSessions, open_access: bool):
        self.desk, self.sessions, self.open_access = desk, sessions, open_access

    def is_open(self) -> bool:
        """Open only while allowed at launch (loopback) and no account exists; the first account closes it."""
        return self.open_access and not self.desk.login_required()

    def current_staff(self, request: Request) -> str | None:
        user = self.sessions.user(request.cookies.get(SESSION_COOKIE))
        if user:
            return user
        return OPEN_USER if self.is_open() else None


def _login_page(message: str = "", status_code: int = 200) -> HTMLResponse:
    notice = f'<p class="rc-error" role="alert">{html.escape(message)}</p>' if message else ""
    body = f"""<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(text("staff_login", "ko"))} · {html.escape(text("staff_login", "en"))}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}}
label{{display:block;margin:.8rem 0 .2rem}}input{{width:100%;padding:.5rem;box-sizing:border-box}}
button{{margin-top:1rem;padding:.5rem 1rem}}.rc-error{{color:#b91c1c;white-space:pre-line}}</style></head>
<body><h1>{html.escape(text("staff_login", "ko"))}<br><small>{html.escape(text("staff_login", "en"))}</small></h1>
{notice}<form method="post" action="{STAFF_PATH}/login">
<label for="username">이름 / Name</label><input id="username" name="username" autocomplete="username" required>
<label for="password">비밀번호 / Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">로그인 / Sign in</button></form></body></html>"""
    return HTMLResponse(body, status_code=status_code, headers={"Cache-Control": "no-store"})


def add_staff_routes(app: FastAPI, gate: StaffGate, downloads) -> None:
    """Sign-in, sign-out and the CSV route; registered before the staff app is mounted so they win."""

    @app.get(f"{STAFF_PATH}/login", include_in_schema=False)
    def login_form() -> Response:
        return _login_page()

    @app.post(f"{STAFF_PATH}/login", include_in_schema=False)
    async def login(request: Request, username: str = Form(""), password: str = Form("")) -> Response:
        address = request.client.host if request.client else None
        try:
            accepted, delay = await asyncio.to_thread(gate.desk.sign_in, username[:64], password[:1024], address)
        except LoginRefused as exc:
            return _login_page(f"{exc.message('ko')}\n{exc.message('en')}", status_code=429)
        except ChatError as exc:
            return _login_page(f"{exc.message('ko')}\n{exc.message('en')}", status_code=503)
        if not accepted:
            await asyncio.sleep(delay)  # without blocking the server for everyone else
            return _login_page(f"{text('login_failed', 'ko')}\n{text('login_failed', 'en')}", status_code=401)
        response = RedirectResponse(f"{STAFF_PATH}/", status_code=303)
        response.set_cookie(SESSION_COOKIE, gate.sessions.open(username.strip()), httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", max_age=int(gate.sessions.lifetime),
                            path=STAFF_PATH)
        return response

    @app.get(f"{STAFF_PATH}/logout", include_in_schema=False)
    def logout(request: Request) -> Response:
        gate.sessions.close(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse(f"{STAFF_PATH}/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=STAFF_PATH)
        return response

    @app.get(f"{STAFF_PATH}/download/{{token}}", include_in_schema=False)
    def download(token: str, request: Request) -> Response:
        owner = request.cookies.get(SESSION_COOKIE) or ""
        if gate.current_staff(request) is None:
            return Response(status_code=401)
        path = downloads.fetch(token, owner) if owner else None
        if path is None:
            return Response(status_code=404)
        return FileResponse(path, media_type="text/csv", filename="query-result.csv",
                            headers={"Cache-Control": "no-store"})


class StaffPageGate:
    """ASGI middleware for the staff page itself: a visitor who is not signed in is sent to the login page,
    and an open-access browser gets a session cookie of its own so its downloads are its alone."""

    def __init__(self, app, gate: StaffGate):
        self.app, self.gate = app, gate

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in (STAFF_PATH, f"{STAFF_PATH}/"):
            return await self.app(scope, receive, send)
        request = Request(scope)
        if self.gate.current_staff(request) is None:
            return await RedirectResponse(f"{STAFF_PATH}/login", status_code=303)(scope, receive, send)
        if self.gate.sessions.user(request.cookies.get(SESSION_COOKIE)):
            return await self.app(scope, receive, send)
        token = self.gate.sessions.open(OPEN_USER)
        cookie = f"{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path={STAFF_PATH}".encode()

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
            await send(message)

        return await self.app(scope, receive, send_with_cookie)
