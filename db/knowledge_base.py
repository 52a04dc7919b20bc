"""The sample question/SQL pairs in db/sample_queries.txt: parsing them and exporting them for Bedrock.

The file format is documented in the file's own header. Pairs marked `SPLIT: eval` are held out
to evaluate SQL generators; everything else is `train` (retrieval examples, parser tests).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from core.errors import BadInput
from core.paths import KNOWLEDGE_BASE_FILE
from core.language import detect_language

SPLITS = ("train", "eval")
_KEY = re.compile(r"^(Q|SQL|SPLIT):\s*(.*)$")
_DOCUMENT_GLOBS = ("sample-*.txt", "saved-*.txt")


@dataclass(frozen=True)
class SamplePair:
    question: str
    sql: str
    split: str  # "train" or "eval"
    line: int  # line of the `Q:` in the file, for reviewers

    @property
    def language(self) -> str:
        return detect_language(self.question)


class KnowledgeBaseError(BadInput):
    code = "knowledge_base_invalid"
    ko = "샘플 쿼리 파일 {file}{where_ko}에 문제가 있어요: {detail}"
    en = "The sample-query file {file} has a problem{where_en}: {detail}"

    def __init__(self, detail: str, file: str, line: int | None):
        self.line = line
        where_ko, where_en = ("", "") if line is None else (f" {line}번째 줄", f" on line {line}")
        super().__init__(detail, file=file, where_ko=where_ko, where_en=where_en)


def _finish(block: dict, path: Path, seen: dict[str, int]) -> SamplePair:
    start = block["start"]
    if "Q" not in block:
        raise KnowledgeBaseError("the block has no 'Q:' line", path.name, start)
    if "SQL" not in block:
        raise KnowledgeBaseError("the block has no 'SQL:' line", path.name, start)
    question = block["Q"]
    sql = " ".join(block["SQL"]).strip()
    if not question:
        raise KnowledgeBaseError("the question is empty", path.name, start)
    if not re.match(r"(?i)(SELECT|WITH)\b", sql):
        raise KnowledgeBaseError("SQL must be a SELECT or WITH query", path.name, block["sql_line"])
    if question in seen:
        raise KnowledgeBaseError(f"duplicate question (first on line {seen[question]})", path.name, start)
    seen[question] = start
    return SamplePair(question=question, sql=sql, split=block.get("SPLIT", "train"), line=start)


def parse_pairs(text: str, path: Path = KNOWLEDGE_BASE_FILE) -> list[SamplePair]:
    """Parse knowledge-base text; `path` only names the file in error messages."""
    pairs: list[SamplePair] = []
    seen: dict[str, int] = {}
    block: dict | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            if block is not None:
                pairs.append(_finish(block, path, seen))
                block = None
            continue
        if block is None:
            block = {"start": number}
        match = _KEY.match(line)
        if match is None:
            if "SQL" in block and "SPLIT" not in block:
                block["SQL"].append(line)  # SQL may continue over several lines
                continue
            raise KnowledgeBaseError(f"expected 'Q:', 'SQL:' or 'SPLIT:', found {line[:40]!r}", path.name, number)
        key, value = match.group(1), match.group(2).strip()
        if key in block:
            raise KnowledgeBaseError(f"'{key}:' appears twice in one block", path.name, number)
        if key == "Q" and number != block["start"]:
            raise KnowledgeBaseError("'Q:' must be the first line of a block", path.name, number)
        if key == "SPLIT" and value not in SPLITS:
            raise KnowledgeBaseError(f"SPLIT must be one of {', '.join(SPLITS)}, not {value!r}", path.name, number)
        if key == "SQL":
            block["sql_line"] = number
            value = [value] if value else []
        block[key] = value
    if block is not None:
        pairs.append(_finish(block, path, seen))
    return pairs


def load_pairs(path: Path = KNOWLEDGE_BASE_FILE) -> list[SamplePair]:
    """Read every question/SQL pair from the knowledge-base file, in file order."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise KnowledgeBaseError("the file does not exist", path.name, None) from None
    return parse_pairs(text, path)


def export_documents(pairs: list[SamplePair], out_dir: Path) -> list[Path]:
    """Write one Bedrock Knowledge Base document per pair, each with a `<document>.metadata.json` sidecar
    (language, split) so retrieval can filter out eval pairs; returns the document paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Earlier exports go first so a pair deleted from the file cannot linger in the S3 data source.
    for pattern in _DOCUMENT_GLOBS:
        for old in [*out_dir.glob(pattern), *out_dir.glob(pattern + ".metadata.json")]:
            old.unlink()
    written: list[Path] = []
    for index, pair in enumerate(pairs, start=1):
        document = out_dir / f"sample-{index:03d}.txt"
        document.write_text(f"Question: {pair.question}\nSQL: {pair.sql}\n", encoding="utf-8")
        metadata = document.with_name(document.name + ".metadata.json")
        attributes = {"language": pair.language, "split": pair.split, "source_line": pair.line}
        metadata.write_text(
            json.dumps({"metadataAttributes": attributes}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        written.append(document)
    return written


def export_saved(saved: list[dict], out_dir: Path) -> list[Path]:
    """One document per approved pair staff saved in the app (`saved-<id>.txt`), its sidecar naming the pair,
    who saved it and when, so a refreshed Knowledge Base can be traced back to the review page."""
    written: list[Path] = []
    for pair in saved:
        document = Path(out_dir) / f"saved-{int(pair['id']):04d}.txt"
        document.write_text(f"Question: {pair['question']}\nSQL: {pair['sql']}\n", encoding="utf-8")
        attributes = {"language": detect_language(pair["question"]), "split": "train", "source": "saved",
                      "pair_id": pair["id"], "saved_by": pair.get("saved_by") or "", "saved_at": pair.get("saved_at") or ""}
        document.with_name(document.name + ".metadata.json").write_text(
            json.dumps({"metadataAttributes": attributes}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(document)
    return written


def export_knowledge_base(out_dir: Path, include_eval: bool = False, saved: list[dict] = ()) -> dict:
    """`export-kb`: the reviewed pairs, then the approved saved ones, as Knowledge Base documents; held-out
    pairs stay out unless asked, or the SQL evaluation would be scored on questions the Knowledge Base has seen."""
    pairs = [pair for pair in load_pairs() if include_eval or pair.split != "eval"]
    written = export_documents(pairs, out_dir)
    saved_written = export_saved(list(saved), out_dir)
    return {"directory": str(out_dir), "documents": len(written) + len(saved_written), "saved": len(saved_written)}
