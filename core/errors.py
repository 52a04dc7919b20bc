"""Every error a user can meet, each mapped to one message in Korean and English.

`exit_code` follows the CLI contract: 2 for refused or bad input, 1 for backend or internal failures.
Messages never include secrets or raw backend payloads; `detail` is a short, already-safe fragment.
"""
from __future__ import annotations


class ChatError(Exception):
    """Base of every user-facing error."""

    code = "internal_error"
    exit_code = 1
    refused = False
    sql: str | None = None  # the statement that was refused or failed, when there was one to show
    ko = "요청을 처리하지 못했어요. 잠시 후 다시 시도해 주세요."
    en = "Something went wrong handling that request. Please try again shortly."

    def __init__(self, detail: str = "", *, detail_ko: str | None = None, **params):
        self.detail = detail
        self.detail_ko = detail_ko  # the same reason in Korean, so a Korean message reads in one language
        self.params = params
        super().__init__(f"{self.code}: {detail}" if detail else self.code)

    def message(self, lang: str = "en") -> str:
        template = self.ko if lang == "ko" else self.en
        detail = self.detail_ko if lang == "ko" and self.detail_ko else self.detail
        return template.format(detail=detail, **self.params)

    def to_json(self, lang: str = "en") -> dict:
        payload = {"error": self.message(lang), "code": self.code, "refused": self.refused}
        if self.detail:
            payload["detail"] = self.detail
        return payload


class BadInput(ChatError):
    code = "bad_input"
    exit_code = 2
    refused = True
    ko = "입력을 이해하지 못했어요: {detail}"
    en = "That input could not be used: {detail}"


class EmptyInput(BadInput):
    code = "empty_input"
    ko = "메시지가 비어 있어요. 내용을 입력해 주세요."
    en = "The message is empty. Please type something."


class InputTooLong(BadInput):
    code = "input_too_long"
    ko = "메시지가 너무 길어요 ({length:,}자). {limit:,}자 이내로 줄여 주세요."
    en = "The message is too long ({length:,} characters). Please keep it under {limit:,}."


class UnsupportedLanguage(BadInput):
    code = "unsupported_language"
    # The writer's language is exactly what we could not read, so this one answers in both.
    ko = en = "한국어 또는 영어로 입력해 주세요. / Please write in Korean or English."


class SqlRefused(ChatError):
    code = "sql_refused"
    exit_code = 2
    refused = True
    ko = "SQL을 실행하지 않았어요: {detail}. 읽기 전용 SELECT 문 하나만 실행할 수 있어요."
    en = "That SQL was refused: {detail}. Only a single read-only SELECT statement can run."


class QueryInterrupted(SqlRefused):
    code = "query_interrupted"
    ko = "쿼리가 제한 시간({seconds}초)을 넘겨 중단했어요. 조건을 좁혀 다시 시도해 주세요."
    en = "The query ran past its {seconds}-second limit and was stopped. Try a narrower question."


class QueryFailed(ChatError):
    code = "query_failed"
    exit_code = 1
    ko = "데이터베이스가 쿼리를 실행하지 못했어요: {detail}"
    en = "The database could not run the query: {detail}"


class CannotAnswer(ChatError):
    code = "cannot_answer"
    exit_code = 2
    refused = True
    ko = "이 질문은 답할 수 없어요. {why}이런 질문은 어떠세요?\n{suggestions}"
    en = "I can't answer that one. {why}You could try:\n{suggestions}"

    def __init__(self, detail: str = "", suggestions: list[str] | None = None, why: dict[str, str] | None = None):
        """`why` is the backend's one-sentence reason by language ({"ko": ..., "en": ...}), when it gave one."""
        self.suggestions = list(suggestions or [])
        self.why = {lang: str(text).strip() for lang, text in (why or {}).items() if str(text).strip()}
        super().__init__(detail, suggestions="\n".join(f"- {s}" for s in self.suggestions))

    def message(self, lang: str = "en") -> str:
        why = self.why.get("ko" if lang == "ko" else "en", "")
        template = self.ko if lang == "ko" else self.en
        return template.format(why=f"{why} " if why else "", suggestions=self.params["suggestions"]).rstrip()

    def lead(self, lang: str = "en") -> str:
        """The message without its list, for a front end that shows the questions as buttons instead."""
        return self.message(lang).split("\n", 1)[0]

    def to_json(self, lang: str = "en") -> dict:
        payload = {**super().to_json(lang), "suggestions": self.suggestions}
        why = self.why.get("ko" if lang == "ko" else "en")
        return {**payload, "why": why} if why else payload


class AmbiguousQuestion(CannotAnswer):
    """A question with several readings gets them back to pick from, never a guess at one."""

    code = "ambiguous_question"
    ko = "어떤 기준으로 찾을지 골라 주세요.\n{suggestions}"
    en = "Which one do you mean?\n{suggestions}"


class UnknownBackend(ChatError, KeyError):
    code = "unknown_backend"
    exit_code = 2
    refused = True
    ko = "알 수 없는 백엔드예요: {detail}. 사용 가능: {choices}"
    en = "Unknown backend: {detail}. Available: {choices}"

    def __init__(self, detail: str, choices: list[str]):
        self.choices = list(choices)
        super().__init__(detail, choices=", ".join(self.choices))

    def __str__(self) -> str:
        return self.message("en")


class BackendError(ChatError):
    code = "backend_error"
    exit_code = 1
    ko = "{backend} 백엔드가 응답하지 못했어요. 잠시 후 다시 시도해 주세요."
    en = "The {backend} backend failed to answer. Please try again shortly."

    def __init__(self, detail: str = "", backend: str = "backend"):
        super().__init__(detail, backend=backend)


class BackendNotConfigured(BackendError):
    code = "backend_not_configured"
    ko = "{backend} 백엔드 설정이 없어요: {detail}"
    en = "The {backend} backend is not configured: missing {detail}"


class BackendTimeout(BackendError):
    code = "backend_timeout"
    ko = "{backend} 백엔드가 제시간에 응답하지 않았어요. 잠시 후 다시 시도해 주세요."
    en = "The {backend} backend did not answer in time. Please try again shortly."


class BackendThrottled(BackendError):
    code = "backend_throttled"
    ko = "{backend} 백엔드 요청이 많아 잠시 제한되었어요. 잠시 후 다시 시도해 주세요."
    en = "The {backend} backend is busy (throttled). Please try again in a moment."


class BackendOutputInvalid(BackendError):
    code = "backend_output_invalid"
    ko = "{backend} 백엔드가 이해할 수 없는 결과를 돌려줬어요: {detail}"
    en = "The {backend} backend returned output that could not be used: {detail}"


class BackendOutputTruncated(BackendOutputInvalid):
    code = "backend_output_truncated"
    ko = "{backend} 백엔드의 답이 길이 제한에 걸려 중간에 끊겼어요. 다시 시도하거나 더 짧게 물어봐 주세요."
    en = "The {backend} backend's answer was cut off at its length limit. Please try again or ask more briefly."


class TurnStopped(ChatError):
    code = "turn_stopped"
    ko = "요청을 중단했어요. 새 메시지를 보내면 이어서 도와드릴게요."
    en = "Stopped. Send a new message whenever you are ready."


class PluginLoadError(ChatError):
    code = "plugin_load_error"
    ko = "플러그인을 불러오지 못했어요: {detail}"
    en = "A plugin failed to load: {detail}"


class ModelUnavailable(ChatError):
    code = "model_unavailable"
    ko = "추천 모델을 불러오지 못했어요: {detail}"
    en = "The recommender model could not be loaded: {detail}"


class TooManyTurns(ChatError):
    code = "too_many_turns"
    exit_code = 2
    refused = True
    ko = "요청이 너무 잦아요. {seconds}초 뒤에 다시 시도해 주세요 (1분에 {limit}회까지)."
    en = "Too many requests. Please try again in {seconds} s (up to {limit} a minute)."


class LoginRefused(ChatError):
    code = "login_refused"
    exit_code = 2
    refused = True
    ko = "로그인 시도가 너무 많아요. {seconds}초 뒤에 다시 시도해 주세요."
    en = "Too many failed sign-ins. Please try again in {seconds} s."


class StaffOnly(ChatError):
    code = "staff_only"
    exit_code = 2
    refused = True
    ko = "직원 로그인이 필요해요."
    en = "Staff sign-in is required."


class PairRefused(BadInput):
    """A question/SQL pair (or glossary term) that did not pass the guard or failed its one execution."""

    code = "pair_refused"
    ko = "예시로 저장하지 않았어요: {detail}"
    en = "That pair was not saved: {detail}"



class ConsultFieldInvalid(BadInput):
    """A consultation form field that failed its check; `field` names it so the form can show it beside it."""

    code = "consult_field_invalid"
    ko = "{field_ko}: {detail}"
    en = "{field_en}: {detail}"

    def __init__(self, field: str, detail: str, *, detail_ko: str):
        self.field = field
        names = {"name": ("이름", "Name"), "phone": ("전화번호", "Phone"), "preferred_time": ("희망 시간", "Preferred time"),
                 "consent": ("동의", "Consent")}
        field_ko, field_en = names.get(field, (field, field))
        super().__init__(detail, detail_ko=detail_ko, field_ko=field_ko, field_en=field_en)

    def to_json(self, lang: str = "en") -> dict:
        return {**super().to_json(lang), "field": self.field}


class TooManyConsultations(ChatError):
    code = "too_many_consultations"
    exit_code = 2
    refused = True
    ko = "상담 신청이 너무 잦아요. {minutes}분 뒤에 다시 시도해 주세요 (1시간에 {limit}회까지)."
    en = "Too many consultation requests. Please try again in {minutes} min (up to {limit} an hour)."


def describe_unexpected(exc: BaseException) -> str:
    """Where an unexpected error happened, not what it said: exception text can carry request data or keys."""
    import traceback
    from pathlib import Path

    frames = " <- ".join(
        f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(traceback.extract_tb(exc.__traceback__))
    )
    return f"{type(exc).__name__} at {frames}"
