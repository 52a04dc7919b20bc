"""What one conversation remembers between turns; each browser session or CLI batch owns one."""
from __future__ import annotations

from dataclasses import dataclass, field

from plugins.base import Turn


@dataclass
class ChatSession:
    carried: dict[str, float] = field(default_factory=dict)  # features stated in earlier turns
    carried_group: str | None = None
    sql_history: list[Turn] = field(default_factory=list)  # earlier analytics question/SQL, oldest first
    chart_wanted: bool = False  # the last analytics turn asked for a chart; its follow-ups get one too
    chart_kind: str | None = None  # the analyst switched the result to this (engine.charts.CHART_KINDS); follow-ups keep it
    last_top: list[str] = field(default_factory=list)  # the products last recommended, best first (refinements)

    def remember_features(
        self, stated: dict[str, float | None], group: str | None, clear_group: bool = False
    ) -> None:
        self.carried.update({name: value for name, value in stated.items() if value is not None})
        if clear_group:
            self.carried_group = None
        if group:
            self.carried_group = group

    def remember_sql(self, question: str, sql: str, keep: int) -> None:
        self.sql_history.append(Turn(question=question, sql=sql))
        del self.sql_history[: max(0, len(self.sql_history) - keep)]

    def recent_sql(self, keep: int) -> tuple[Turn, ...]:
        return tuple(self.sql_history[-keep:]) if keep else ()
