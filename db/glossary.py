"""The business glossary: the company's words ("VIP", "장기 회원", "고예산", "대가족") and the WHERE condition
each means over the customer table. db/glossary.toml is the reviewed set; approved terms staff proposed in the
app join it (engine/knowledge.py checks each condition by running it before it can be approved)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from core.errors import BadInput
from core.text import fold

GLOSSARY_FILE = Path(__file__).resolve().parent / "glossary.toml"


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    condition: str  # a WHERE condition over customer, e.g. "score >= 90"
    aliases: tuple[str, ...] = ()
    description: str = ""
    source: str = "file"  # "file" or "staff"
    term_id: int | None = None

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)

    def pattern(self) -> re.Pattern:
        """Any spelling, folded, not inside a longer Latin word ("vip" but not "vipers"); longest first."""
        words = sorted({fold(s) for s in self.spellings if s.strip()}, key=len, reverse=True)
        return re.compile("|".join(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])" for w in words))


def parse_glossary(text: str) -> list[GlossaryEntry]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"the glossary is not valid TOML ({exc})") from None
    entries = []
    for number, item in enumerate(data.get("term", []), start=1):
        if not isinstance(item, dict) or not str(item.get("term", "")).strip() or not str(item.get("condition", "")).strip():
            raise BadInput(f"glossary entry {number} needs a term and a condition")
        description = " / ".join(str(item[k]) for k in ("description_ko", "description_en") if item.get(k))
        entries.append(GlossaryEntry(term=str(item["term"]).strip(), condition=str(item["condition"]).strip(),
                                     aliases=tuple(str(a) for a in item.get("aliases", [])), description=description))
    return entries


@lru_cache(maxsize=4)
def _cached(path: str, mtime_ns: int) -> tuple[GlossaryEntry, ...]:
    return tuple(parse_glossary(Path(path).read_text(encoding="utf-8")))


def load_glossary(path: Path | None = None) -> tuple[GlossaryEntry, ...]:
    """The reviewed file, reread when it changes; a missing file is an empty glossary."""
    target = Path(path) if path is not None else GLOSSARY_FILE
    try:
        return _cached(str(target), target.stat().st_mtime_ns)
    except FileNotFoundError:
        return ()


def from_staff(terms: list[dict]) -> list[GlossaryEntry]:
    """Approved terms from the app-state database (db.state.knowledge), as entries."""
    return [GlossaryEntry(term=t["term"], condition=t["condition"], aliases=tuple(t.get("aliases") or ()),
                          description=t.get("description") or "", source="staff", term_id=t["id"]) for t in terms]


def mentioned(question: str, entries) -> list[tuple[GlossaryEntry, re.Match]]:
    """Entries the question names, each with where (first match in the folded question)."""
    folded = fold(question)
    found = []
    for entry in entries:
        match = entry.pattern().search(folded)
        if match:
            found.append((entry, match))
    return found


def prompt_text(entries) -> str:
    """The glossary as LLM prompt lines; empty when there is none."""
    lines = [f'- "{e.term}"' + (f" ({', '.join(e.aliases)})" if e.aliases else "") + f": WHERE {e.condition}"
             + (f"  -- {e.description}" if e.description else "") for e in entries]
    return "\n".join(lines)
