"""The offline `rules` SQL generator: a deterministic semantic parser for marketing questions (ko/en).

It never runs a guess. A question staff saved a pair for (see engine/knowledge.py) gets that pair's SQL, in
any spacing, punctuation, particles or word order. A question the parser declines gets the knowledge base's SQL only when a sample
question is nearly the same; otherwise no SQL and three questions it can answer.
"""
from __future__ import annotations

import json

from core.text import fold, same_question
from core.vocabulary import GROUP_MENTION, GROUPS, group_name, mentioned_group
from plugins.base import Example, SqlGenerator, SqlRequest, SqlResult
from plugins.rules.sql.decline import Decline, says
from plugins.rules.sql.glossary import apply_terms, strip_terms
from plugins.rules.sql.parser import read_conversation
from plugins.rules.sql.render import render

# Cosine similarity (db.retrieval's character 1-3 gram TF-IDF) from which a knowledge-base pair is
# taken as the same question. Measured on db/sample_queries.txt: two *different* sample questions
# score at most 0.80 against each other ("membership score above 80" vs "above-average membership
# score"), while rewordings of one sample ("...in total" without "?", "an air purifier" -> "air
# purifiers") score 0.90-1.0. Pipelines pass db.retrieval scores in `request.examples`.
KB_MATCH_THRESHOLD = 0.85
# Declines about a value, where the nearest sample question differs from the asked one in exactly that value
# ("Top 0 products by number of users" scores 0.9+ against "Top 3 ..."): its SQL would answer with another number.
NO_NEAR_MATCH = ("impossible_value", "impossible_limit")

_SUGGESTIONS = {
    "ko": ("{group} 사용자 수는 몇 명이야?", "연령대별 {group} 사용자 수 보여줘", "제품군별 평균 월 예산 알려줘"),
    "en": ("How many {group} users are there?", "Number of {group} users by age group",
           "Average monthly budget by product group"),
}


# For a decline about an impossible value, a question that shows what the column really holds, asked first.
_SHOW_RANGE = {
    "age": ("연령대별 고객 수 보여줘", "Number of customers by age group"),
    "houseHold": ("가구원 수별 고객 수 보여줘", "Number of customers by household size"),
    "amt": ("예산 구간별 고객 수 보여줘", "Number of customers by budget band"),
    "size": ("평수 구간별 고객 수 보여줘", "Number of customers by home size band"),
    "score": ("점수대별 고객 수 보여줘", "Number of customers by score band"),
    "monthlyFee": ("제품별 월 렌탈료 알려줘", "Monthly fee of each product"),
    "limit": ("사용자 수 상위 3개 제품 보여줘", "Top 3 products by number of users"),
}


# The readings of a bare "가장 많은 건?" / "what is the most common?", offered to pick from; each one parses.
AMBIGUOUS_CHOICES = {
    "ko": ("사용자 수가 가장 많은 제품은?", "사용자 수가 가장 많은 제품군은?", "고객이 가장 많은 연령대는?",
           "어떤 가구원 수의 고객이 가장 많아?"),
    "en": ("Which product has the most users?", "Which product group has the most users?",
           "Which age group has the most customers?", "Which household size has the most customers?"),
}


def suggestions(language: str, question: str = "", subject: str | None = None) -> tuple[str, ...]:
    """Three questions the parser answers, about the product group the user named if any; with a `subject`
    (see `Decline`), the first shows the values that column really holds."""
    lang = "ko" if language == "ko" else "en"
    named = GROUP_MENTION.search(fold(question))
    group = mentioned_group(named) if named else GROUPS[0]
    found = tuple(s.format(group=group_name(group, lang)) for s in _SUGGESTIONS[lang])
    if subject in _SHOW_RANGE:
        found = (_SHOW_RANGE[subject][lang == "en"], *found[:2])
    return found


class RulesSqlGenerator(SqlGenerator):
    backend_id = "rules"
    description = "Offline deterministic parser for marketing questions over the customer table (ko/en)"
    retry_on_db_error = False  # the same question always parses the same way; a retry cannot help

    def generate_sql(self, request: SqlRequest) -> SqlResult:
        taught = _saved_match(request)
        if taught is not None:  # what staff taught wins over the parser's own reading of the same question
            raw = {"backend": self.backend_id, "source": "saved_pair", "pair_id": taught.pair_id,
                   "matched_question": taught.question, "score": taught.score}
            return SqlResult(sql=taught.sql, raw=_dump(raw))
        history = tuple(turn.question for turn in request.history)
        question, terms = strip_terms(request.question, request.language, request.glossary)
        try:
            intent, used = read_conversation(question, history)
            sql = render(intent, request.language)
            if terms:
                sql = apply_terms(sql, terms)
        except Decline as decline:
            return self._declined(request, decline)
        raw = {"backend": self.backend_id, "source": "parser", "intent": intent.to_json(),
               "turns_used": used, "followup": used > 1}
        if terms:
            raw["glossary"] = [{"term": t.term, "condition": t.condition, "source": t.source} for t in terms]
        return SqlResult(sql=sql, raw=_dump(raw))

    def _declined(self, request: SqlRequest, decline: Decline) -> SqlResult:
        """A near-identical knowledge-base question's SQL, or no SQL and three questions the parser answers."""
        example = self._closest_example(request)
        if example is not None and example.score >= KB_MATCH_THRESHOLD and decline.reason not in NO_NEAR_MATCH:
            raw = {"backend": self.backend_id, "reason": decline.reason,
                   "source": "saved_pair" if example.source == "saved" else "knowledge_base",
                   "matched_question": example.question, "score": example.score}
            if example.source == "saved":
                raw["pair_id"] = example.pair_id
            return SqlResult(sql=example.sql, raw=_dump(raw))
        raw = {"backend": self.backend_id, "source": "none", "reason": decline.reason, "detail": decline.detail,
               "closest": ({"question": example.question, "score": example.score} if example else None)}
        if decline.reason == "ambiguous":
            choices = AMBIGUOUS_CHOICES["ko" if request.language == "ko" else "en"]
            return SqlResult(sql=None, raw=_dump(raw), suggestions=choices, ambiguous=True)
        return SqlResult(sql=None, raw=_dump(raw), why=says(decline.reason, decline.detail),
                         suggestions=suggestions(request.language, request.question, decline.subject))

    def _closest_example(self, request: SqlRequest) -> Example | None:
        if request.examples:
            return max(request.examples, key=lambda e: e.score)
        from db.retrieval import cached_knowledge_base

        found = cached_knowledge_base().search(request.question, k=1)
        return found[0] if found else None


def _saved_match(request: SqlRequest) -> Example | None:
    """A retrieved saved pair whose question differs from this one only in spacing, punctuation, particles
    or word order (core.text.same_question)."""
    for example in request.examples:
        if getattr(example, "source", "sample") == "saved" and same_question(example.question, request.question):
            return example
    return None


def _dump(raw: dict) -> str:
    return json.dumps(raw, ensure_ascii=False, sort_keys=True)
