"""Bilingual text of the analysts' loop (feedback, saved pairs, review page), kept beside ui/labels.py."""
from __future__ import annotations

KB_LABELS: dict[str, tuple[str, str]] = {
    "tab_review": ("지식 베이스 검토", "Knowledge base review"),
    "chart_bar": ("막대", "Bar"),
    "chart_line": ("선", "Line"),
    "chart_pie": ("파이", "Pie"),
    "chart_table": ("표만", "Table only"),
    "chart_nothing": ("바꿀 결과가 아직 없어요. 먼저 질문해 주세요.", "There is no result to redraw yet; ask a question first."),
    "chart_undrawable": ("이 결과에는 이름 열과 숫자 열이 함께 있지 않아 그래프로 그릴 수 없어요. 표로 보여 드려요.",
                         "This result has no label column beside a number column to plot, so it stays a table."),
    "chart_no_pie": ("파이는 값이 {slices}개 이하이고 음수가 없으며 묶음이 하나일 때만 그려요. 다른 그래프로 그렸어요.",
                     "A pie needs at most {slices} values, none negative, in one grouping; drawn another way instead."),
    "history_gone": ("그 질문은 기록에 없어요.", "That question is not in the history."),
    "save_example": ("예시로 저장", "Save as example"),
    "saved": ("예시 #{id}로 저장했어요. 이제 이 질문에 바로 답해요.", "Saved as example #{id}; this question is answered from now on."),
    "replaced": ("같은 질문의 예시 #{id}를 새 SQL로 바꿨어요.", "Replaced example #{id} for the same question with this SQL."),
    "nothing_to_save": ("저장할 답변이 아직 없어요. 먼저 질문해 주세요.", "There is no answer to save yet; ask a question first."),
    "not_an_answer": ("이 메시지는 SQL 답변이 아니에요.", "That message is not an SQL answer."),
    "thanks_up": ("좋아요를 기록했어요.", "Thanks: recorded as a good answer."),
    "thanks_down": ("싫어요를 기록했어요. SQL을 고쳐 실행한 뒤 다시 누르면 검토 대기 예시가 돼요.",
                    "Recorded as a bad answer. Edit and re-run the SQL, then vote again to propose the correction."),
    "pending_pair": ("고친 SQL을 검토 대기 예시 #{id}로 올렸어요.", "The corrected SQL is pending example #{id}, awaiting review."),
    "correction_refused": ("고친 SQL은 저장하지 않았어요: {reason}", "The corrected SQL was not saved: {reason}"),
    "search": ("검색", "Search"),
    "status": ("상태", "Status"),
    "refresh": ("새로고침", "Refresh"),
    "pairs": ("저장된 예시", "Saved pairs"),
    "thumbs_down": ("싫어요 받은 답변", "Thumbs-down answers"),
    "pair_id": ("예시 번호", "Pair id"),
    "question": ("질문", "Question"),
    "open": ("열기", "Open"),
    "save_edits": ("수정 저장", "Save edits"),
    "rerun": ("다시 실행", "Re-run"),
    "approve": ("승인", "Approve"),
    "delete": ("삭제", "Delete"),
    "opened": ("예시 #{id}를 열었어요.", "Opened example #{id}."),
    "edited": ("예시 #{id}를 수정했어요.", "Saved the edits to example #{id}."),
    "approved": ("예시 #{id}를 승인했어요. 이제 답변에 쓰여요.", "Approved example #{id}; it is used from now on."),
    "deleted": ("예시 #{id}를 삭제했어요.", "Deleted example #{id}."),
    "reran": ("예시 #{id}: {rows}행", "Example #{id}: {rows} rows"),
    "glossary": ("업무 용어집", "Business glossary"),
    "term": ("용어", "Term"),
    "aliases": ("다른 표현 (쉼표로 구분)", "Other spellings (comma-separated)"),
    "condition": ("SQL 조건 (customer 테이블 WHERE)", "SQL condition (a WHERE over customer)"),
    "description": ("설명", "Description"),
    "propose_term": ("용어 제안", "Propose term"),
    "term_id": ("용어 번호", "Term id"),
    "approve_term": ("용어 승인", "Approve term"),
    "delete_term": ("용어 삭제", "Delete term"),
    "term_proposed": ("용어 #{id}를 제안했어요. 검토 페이지에서 승인하면 적용돼요.",
                      "Proposed term #{id}; it takes effect once approved on the review page."),
    "term_approved": ("용어 #{id}를 승인했어요.", "Approved term #{id}."),
    "term_deleted": ("용어 #{id}를 삭제했어요.", "Deleted term #{id}."),
    "chart_kind": ("차트 종류", "Chart type"),
    "history": ("이번 대화의 질문 (누르면 다시 실행)", "This session's questions (click to re-run)"),
    "all": ("전체", "All"),
}


def kb_text(key: str, lang: str, **params) -> str:
    ko, en = KB_LABELS[key]
    return (ko if lang == "ko" else en).format(**params)


def kb_both(key: str, sep: str = " / ", **params) -> str:
    ko, en = KB_LABELS[key]
    return f"{ko.format(**params)}{sep}{en.format(**params)}"
