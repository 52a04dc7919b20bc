"""DATABASE_URL parsing in one place, for the builder, the guard and the read-only executor."""
from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from core.errors import BadInput


def parse_database_url(url: str | URL) -> URL:
    """A SQLAlchemy URL, or BadInput that does not repeat it (it may hold a password)."""
    if isinstance(url, URL):
        return url
    try:
        return make_url(url)
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        raise BadInput("the database URL could not be read") from None
