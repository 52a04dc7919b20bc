"""Every fixed piece of UI text in Korean and English, so both languages stay in step in one place."""
from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "title": ("렌탈 가전 추천 · 마케팅 통계 챗봇", "Home-appliance rental assistant"),
    "subtitle": (
        "고객에게 맞는 렌탈 제품을 추천하고, 고객 데이터에 대한 질문에 SQL로 답해요.",
        "Recommends rental products to customers and answers questions about the customer base with SQL.",
    ),
    "tab_recommend": ("제품 추천", "Recommendation"),
    "tab_analytics": ("마케팅 통계", "Analytics"),
    "tab_model": ("모델", "Model"),
    "chat_recommend": ("추천 상담", "Recommendation chat"),
    "chat_analytics": ("통계 질문", "Analytics chat"),
    "input_recommend": (
        "예) 35살, 4인 가족, 30평, 월 3만원 정도로 정수기 찾아요",
        "e.g. I'm 35, family of four, 30 pyeong, about 30,000 won a month, looking for a water purifier",
    ),
    "input_analytics": ("예) 제품별 사용자수를 그래프로 보여줘", "e.g. How many customers rent each product?"),
    "message": ("메시지", "Message"),
    "model_intro": (
        "추천 모델: 여섯 가지 고객 정보로 10개 제품 중 하나를 예측하는 Keras 신경망이에요.",
        "The recommender: a Keras network that maps six customer facts to one of ten products.",
    ),
    "send": ("보내기", "Send"),
    "clear": ("대화 지우기", "Clear"),
    "examples": ("예시 질문", "Examples"),
    "vectorizer": ("벡터화 백엔드", "Vectorizer backend"),
    "sql_generator": ("SQL 생성 백엔드", "SQL generator backend"),
    "show_vector": ("벡터 보기", "Show vector"),
    "show_sql": ("SQL 보기", "Show SQL"),
    "raw_output": ("백엔드 원본 출력", "Raw backend output"),
    "sql_code": ("생성된 SQL (수정 가능)", "Generated SQL (editable)"),
    "run_sql": ("수정한 SQL 실행", "Run edited SQL"),
    "kb_examples": ("지식 베이스에서 찾은 예시", "Examples retrieved from the knowledge base"),
    "result_table": ("결과 표", "Result table"),
    "csv": ("CSV 다운로드", "Download CSV"),
    "chart": ("차트", "Chart"),
    "feature": ("항목", "Feature"),
    "value": ("값", "Value"),
    "unit": ("단위", "Unit"),
    "source": ("출처", "Source"),
    "extracted": ("추출", "extracted"),
    "carried": ("이전 대화", "carried"),
    "default": ("기본값", "default"),
    "clamped": ("범위 조정", "clamped"),
    "product_group": ("이해한 제품군", "Product group understood"),
    "any_group": ("지정 없음", "any"),
    "backend_used": ("사용한 백엔드", "Backend used"),
    "latency": ("지연 시간", "Latency"),
    "top_products": ("추천 순위", "Top products"),
    "requested": ("요청", "requested"),
    "panel_empty_vector": (
        "메시지를 보내면 모델에 들어간 여섯 가지 값이 여기에 표시돼요.",
        "Send a message to see the six values the model received.",
    ),
    "panel_empty_examples": ("아직 질문이 없어요.", "No question yet."),
    "ready": ("사용 가능", "ready"),
    "not_ready": ("설정 필요", "needs"),
    "offline_banner": (
        "오프라인 rules 백엔드로 동작 중이에요. 설정은 .env 파일이나 환경 변수로 지정하세요.",
        "Running on the offline rules backend. Put the settings in .env or the environment to switch.",
    ),
    "failed_plugins": ("불러오지 못한 플러그인", "Plugins that failed to load"),
    "model_missing": (
        "아직 학습된 모델 정보가 없어요. `python -m engine train` 으로 모델을 학습하면 여기에 표시돼요.",
        "No trained model yet. Run `python -m engine train` and its metrics will appear here.",
    ),
    "plot_missing": ("그래프 파일이 아직 없어요", "This plot has not been produced yet"),
    "training_history": ("학습 곡선", "Training history"),
    "confusion_matrix": ("혼동 행렬", "Confusion matrix"),
    "edited_sql_prefix": ("수정한 SQL 실행", "Run edited SQL"),
    "rows_returned": ("{rows}행을 가져왔어요.", "{rows} rows returned."),
    "rows_truncated": ("(처음 {rows}행만 표시)", "(showing the first {rows} rows)"),
    "elapsed": ("{ms:.0f}ms 소요", "took {ms:.0f} ms"),
    "stop": ("중지", "Stop"),
    "step_read_message": ("메시지 읽는 중", "Reading your message"),
    "step_rank_products": ("제품 순위 매기는 중", "Ranking products"),
    "step_write_sql": ("SQL 작성 중", "Writing SQL"),
    "step_run_sql": ("SQL 실행 중", "Running it"),
    "step_write_answer": ("답변 작성 중", "Writing the answer"),
    "done_read_message": ("메시지 읽음", "Read your message"),
    "done_rank_products": ("제품 순위 매김", "Ranked products"),
    "done_write_sql": ("SQL 작성", "Wrote SQL"),
    "done_run_sql": ("SQL 실행", "Ran it"),
    "done_write_answer": ("답변 작성", "Wrote the answer"),
    "steps_done": ("완료", "Done"),
    "steps_failed": ("중간에 멈췄어요", "Stopped on an error"),
    "steps_stopped": ("중지했어요", "Stopped"),
    "tab_catalogue": ("제품 안내", "Products"),
    "staff_title": ("직원용 · 마케팅 통계", "Staff · Marketing analytics"),
    "staff_login": ("직원 로그인", "Staff sign-in"),
    "login_failed": ("이름 또는 비밀번호가 맞지 않아요.", "That name and password do not match."),
    "signed_in_as": ("로그인: {name}", "Signed in as {name}"),
    "sign_out": ("로그아웃", "Sign out"),
    "staff_open": (
        "직원 계정이 아직 없어 이 페이지가 로그인 없이 열려 있어요 (이 컴퓨터에서만 접속 가능). "
        "계정 추가: python -m engine staff add NAME --password-stdin",
        "No staff account exists yet, so this page is open without sign-in (reachable from this machine only). "
        "Add one: python -m engine staff add NAME --password-stdin",
    ),
    "catalogue_intro": ("렌탈 제품과 월 렌탈료예요.", "Our rental products and their monthly fees."),
    "monthly_fee": ("월 렌탈료", "Monthly fee"),
    "product": ("제품", "Product"),
    "group": ("제품군", "Product group"),
    "doubtful": ("확인 필요", "needs checking"),
}


def text(key: str, lang: str) -> str:
    """One language: replies follow the language of the user's message."""
    ko, en = LABELS[key]
    return ko if lang == "ko" else en


def both(key: str, sep: str = " / ") -> str:
    """Both languages, for fixed labels a stakeholder reads before typing anything."""
    ko, en = LABELS[key]
    return f"{ko}{sep}{en}"
