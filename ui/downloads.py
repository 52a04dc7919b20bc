"""CSV files with customer rows, served only to the staff session that made them and deleted after an hour.

Gradio would copy a returned file into its shared cache, where anyone holding the URL can fetch it; these
files live in a private folder (0700) and are fetched through /staff/download/TOKEN, which checks the owner.
"""
from __future__ import annotations

import csv
import os
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Download:
    path: Path
    owner: str
    created: float


class DownloadStore:
    def __init__(self, ttl_seconds: float, clock=time.time):
        self.ttl = ttl_seconds
        self._clock = clock
        self._folder = Path(tempfile.mkdtemp(prefix="rentalchat-downloads-"))  # mode 0700
        self._lock = threading.Lock()
        self._files: dict[str, Download] = {}

    @property
    def folder(self) -> Path:
        return self._folder

    def save_csv(self, columns: list[str], rows: list[list], owner: str) -> str:
        """Write the result and return the unguessable token that fetches it; older files are pruned first."""
        self.prune()
        token = secrets.token_urlsafe(24)
        path = self._folder / f"{token}.csv"
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel reads Hangul
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows)
        with self._lock:
            self._files[token] = Download(path, owner, self._clock())
        return token

    def fetch(self, token: str, owner: str) -> Path | None:
        """The file, only for the session that made it and only within its lifetime; None otherwise."""
        self.prune()
        with self._lock:
            found = self._files.get(token)
        if found is None or not secrets.compare_digest(found.owner, owner) or not found.path.exists():
            return None
        return found.path

    def prune(self) -> int:
        cutoff = self._clock() - self.ttl
        with self._lock:
            expired = [token for token, item in self._files.items() if item.created <= cutoff]
            items = [self._files.pop(token) for token in expired]
        for item in items:
            item.path.unlink(missing_ok=True)
        return len(items)

    def close(self) -> None:
        with self._lock:
            self._files.clear()
        shutil.rmtree(self._folder, ignore_errors=True)
