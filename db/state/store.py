"""The app-state database behind one object: staff accounts and the audit log, on SQLite by default or
PostgreSQL through SQLAlchemy. Opening it applies any pending migration, so a new release needs no step."""
from __future__ import annotations

import os
import re
import threading
from datetime import datetime, timezone
from pathlib import Path

from alembic import command
from alembic.config import Config
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import create_engine, delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from core.errors import BadInput
from db.database_url import parse_database_url
from db.state.schema import AuditEntry, StaffAccount

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
STAFF_NAME = re.compile(r"^[A-Za-z0-9가-힣._-]{1,64}$")
MIN_PASSWORD, MAX_PASSWORD = 10, 1024
_hasher = PasswordHasher()
# Verifying against a real hash when the name is unknown keeps both answers equally slow.
_DUMMY_HASH = _hasher.hash("not a password anyone has")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    """SQLite hands back naive datetimes; every time here was written in UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat()


def _sqlite_path(url) -> Path | None:
    parsed = parse_database_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


class StateStore:
    """One per process; thread-safe because every call opens its own short session."""

    def __init__(self, url: str):
        path = _sqlite_path(url)
        if path is not None:  # password hashes and contact details: readable by the app's own user only
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        self.url = url
        self.engine: Engine = create_engine(parse_database_url(url), pool_pre_ping=True)
        self._migrated = False
        self._lock = threading.Lock()

    def migrate(self) -> None:
        """Bring the schema to the newest migration; cheap once done."""
        with self._lock:
            if self._migrated:
                return
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            self._migrated = True

    def session(self) -> Session:
        self.migrate()
        return Session(self.engine, expire_on_commit=False)

    # --- staff accounts ---------------------------------------------------------------------
    def add_staff(self, name: str, password: str) -> dict:
        name = (name or "").strip()
        if not STAFF_NAME.match(name):
            raise BadInput("a staff name is 1-64 letters, digits, '.', '_' or '-'",
                           detail_ko="직원 이름은 1-64자의 글자, 숫자, '.', '_', '-'만 쓸 수 있어요")
        if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise BadInput(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters",
                           detail_ko=f"비밀번호는 {MIN_PASSWORD}-{MAX_PASSWORD}자여야 해요")
        with self.session() as session, session.begin():
            if session.scalar(select(StaffAccount).where(StaffAccount.name == name)) is not None:
                raise BadInput(f"staff account {name!r} already exists", detail_ko=f"직원 계정 {name!r}이(가) 이미 있어요")
            account = StaffAccount(name=name, password_hash=_hasher.hash(password), created_at=_now())
            session.add(account)
        return {"name": name, "created_at": _iso(account.created_at)}

    def remove_staff(self, name: str) -> dict:
        with self.session() as session, session.begin():
            removed = session.execute(delete(StaffAccount).where(StaffAccount.name == name)).rowcount
        if not removed:
            raise BadInput(f"there is no staff account {name[:64]!r}", detail_ko=f"직원 계정 {name[:64]!r}이(가) 없어요")
        return {"removed": name}

    def list_staff(self) -> list[dict]:
        with self.session() as session:
            accounts = session.scalars(select(StaffAccount).order_by(StaffAccount.name)).all()
        return [{"name": a.name, "created_at": _iso(a.created_at)} for a in accounts]

    def staff_count(self) -> int:
        with self.session() as session:
            return int(session.scalar(select(func.count()).select_from(StaffAccount)) or 0)

    def verify_staff(self, name: str, password: str) -> bool:
        """True only for a known name with its password; the same argon2 work either way."""
        with self.session() as session:
            account = session.scalar(select(StaffAccount).where(StaffAccount.name == name))
        stored = account.password_hash if account is not None else _DUMMY_HASH
        try:
            ok = _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
        return ok and account is not None

    # --- audit log --------------------------------------------------------------------------
    def record(self, action: str, *, staff: str | None, outcome: str, question: str | None = None,
               sql: str | None = None, row_count: int | None = None) -> None:
        entry = AuditEntry(at=_now(), staff=staff, action=action, question=question, sql=sql,
                           row_count=row_count, outcome=outcome)
        with self.session() as session, session.begin():
            session.add(entry)

    def recent_audit(self, last: int = 20) -> list[dict]:
        if last < 1:
            raise BadInput("--last must be at least 1")
        with self.session() as session:
            entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(last)).all()
        return [
            {"at": _iso(e.at), "staff": e.staff, "action": e.action, "question": e.question, "sql": e.sql,
             "row_count": e.row_count, "outcome": e.outcome}
            for e in entries
        ]
