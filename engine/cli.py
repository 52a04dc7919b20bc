"""`python -m engine COMMAND`: one JSON object on stdout, logs on stderr, exit 0 / 2 refused / 1 failure."""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from pathlib import Path

from core.errors import BadInput, ChatError, describe_unexpected

log = logging.getLogger("engine")


class _JsonArgumentParser(argparse.ArgumentParser):
    """Usage mistakes follow the contract too: a JSON error object and exit 2, not argparse's own text."""

    def error(self, message):
        self.print_usage(sys.stderr)
        raise BadInput(message)


def _parser() -> argparse.ArgumentParser:
    parser = _JsonArgumentParser(prog="python -m engine", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build-db", help="build the customer database")
    build.add_argument("--rows", type=int, default=70_000)
    build.add_argument("--seed", type=int, default=42)
    build.add_argument("--csv", type=Path, help="import real purchase records instead of synthetic ones")

    train = sub.add_parser("train", help="train the recommender and write its artifacts")
    train.add_argument("--epochs", type=int, default=100)
    train.add_argument("--batch-size", type=int, default=5000)

    for name, what in (("vectorize", "TEXT"), ("recommend", "TEXT"), ("sql", "QUESTION")):
        cmd = sub.add_parser(name, help=f"{name} one {what.lower()} (or --batch FILE, one per line)")
        cmd.add_argument("--backend", help="backend id (default: from settings)")
        cmd.add_argument("--batch", help="file with one request per line, '-' for stdin")
        cmd.add_argument("text", nargs="?", metavar=what)

    run_sql = sub.add_parser("run-sql", help="run one SELECT through the guard")
    run_sql.add_argument("sql")

    sub.add_parser("plugins", help="list backends and their readiness")

    evaluate = sub.add_parser("eval", help="accuracy of a backend on the held-out cases")
    evaluate.add_argument("--backend", required=True, help="backend id, rules included")
    evaluate.add_argument("--kind", choices=("vectorizer", "sql"), help="only this kind (default: all it offers)")
    evaluate.add_argument("--verbose", action="store_true", help="also list each miss")

    deploy = sub.add_parser("deploy-flow", help="create or update the Bedrock Prompt, Flow and alias")
    deploy.add_argument("--model-id")
    deploy.add_argument("--role-arn")
    deploy.add_argument("--dry-run", action="store_true")

    staff = sub.add_parser("staff", help="staff accounts for the /staff/ app")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="add an account; the password is read from stdin")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true", required=True,
                     help="read the password from the first line of stdin (never from the command line)")
    staff_sub.add_parser("list", help="list accounts")
    remove = staff_sub.add_parser("remove", help="remove an account")
    remove.add_argument("name")

    kb = sub.add_parser("kb", help="question/SQL pairs staff saved (STATE_DATABASE_URL chooses the store)")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    kb_add = kb_sub.add_parser("add", help="check a pair (guard, one execution) and save it, used at once")
    kb_add.add_argument("--question", required=True)
    kb_add.add_argument("--sql", required=True)
    kb_add.add_argument("--by", help="who saves it, for the audit log (default: cli)")
    kb_list = kb_sub.add_parser("list", help="saved pairs, newest first")
    kb_list.add_argument("--status", choices=("approved", "pending"))
    kb_list.add_argument("--search", help="text in the question or the SQL")
    kb_approve = kb_sub.add_parser("approve", help="approve a pending pair (checked again first)")
    kb_approve.add_argument("id")
    kb_approve.add_argument("--by")
    kb_remove = kb_sub.add_parser("remove", help="remove a saved pair")
    kb_remove.add_argument("id")
    kb_remove.add_argument("--by")

    leads = sub.add_parser("leads", help="consultation requests from the customer app")
    leads_sub = leads.add_subparsers(dest="leads_command", required=True)
    leads_list = leads_sub.add_parser("list", help="kept requests, newest first (expired ones are deleted first)")
    leads_list.add_argument("--show-contact", action="store_true", help="names and phones unmasked (audited)")

    audit = sub.add_parser("audit", help="the latest staff requests from the audit log")
    audit.add_argument("--last", type=int, default=20)

    export = sub.add_parser("export-kb", help="write the sample queries and approved saved pairs as Knowledge Base documents")
    export.add_argument("directory", type=Path)
    export.add_argument("--include-eval", action="store_true",
                        help="also export the held-out pairs (then the SQL evaluation is no longer fair)")
    return parser


def _emit(payload: dict, stream) -> None:
    stream.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
    stream.flush()


def _language_of(text: str | None) -> str:
    from core.language import detect_language

    return detect_language(text or "")


def _one_request(engine, command: str, text: str | None, backend: str | None) -> dict:
    from engine.session import ChatSession

    session = ChatSession()
    if command == "vectorize":
        return engine.vectorize(text, session, backend).to_json()
    if command == "recommend":
        return engine.recommend(text, session, backend).to_json()
    return engine.ask(text, session, backend).to_json()


def _serve_requests(engine, args, out) -> int:
    """Single text or a batch; a batch line that fails prints its error object and the batch goes on."""
    if args.batch is None:
        return _emit(_one_request(engine, args.command, args.text, args.backend), out) or 0
    try:
        source = sys.stdin.buffer if args.batch == "-" else open(args.batch, "rb")
    except OSError as exc:
        raise BadInput(f"cannot read the batch file ({exc.strerror or type(exc).__name__})") from None
    worst = 0
    with source:
        for number, raw in enumerate(source, start=1):
            text = None
            try:
                text = _decode_line(raw, number)
                _emit(_one_request(engine, args.command, text, args.backend), out)
            except ChatError as exc:
                _emit(exc.to_json(_language_of(text)), out)
                worst = 1 if 1 in (worst, exc.exit_code) else max(worst, exc.exit_code)
            except Exception as exc:  # one line's bug must not cost the lines after it
                _emit(_internal_error(exc), out)
                worst = 1
    return worst


def _decode_line(raw: bytes, number: int) -> str:
    """Each line is decoded on its own, so one line of bad bytes is answered in place and the rest go on."""
    try:
        text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"line {number} is not UTF-8 text", detail_ko=f"{number}번째 줄이 UTF-8 텍스트가 아니에요") from None
    return text.rstrip("\r\n")


def _internal_error(exc: Exception) -> dict:
    """Details go to stderr by type and frames only; the JSON says no more than that something broke."""
    log.error("internal error: %s", describe_unexpected(exc))
    return {"error": f"internal error: {type(exc).__name__}", "code": "internal_error", "refused": False}


def _kb_command(desk, args) -> dict:
    by = getattr(args, "by", None) or "cli"
    if args.kb_command == "add":
        return {"pair": desk.save_pair(args.question, args.sql, by, source="cli")}
    if args.kb_command == "approve":
        return {"pair": desk.approve_pair(args.id, by)}
    if args.kb_command == "remove":
        return desk.remove_pair(args.id, by)
    return {"pairs": desk.list_pairs(args.status, args.search)}


def _staff_command(state, args) -> dict:
    if args.staff_command == "add":
        password = sys.stdin.readline().rstrip("\r\n")
        return state.add_staff(args.name, password)
    if args.staff_command == "remove":
        return state.remove_staff(args.name)
    return {"staff": state.list_staff()}


def _run(args, out) -> int:
    from engine.settings import load_settings

    settings = load_settings()
    if args.command == "build-db":
        from db.build import build_database

        return _emit(build_database(settings.database_url, args.rows, args.seed, args.csv), out) or 0
    if args.command == "train":
        from models.train import train

        return _emit(train(settings.model_path, epochs=args.epochs, batch_size=args.batch_size), out) or 0
    if args.command == "deploy-flow":
        from plugins.deploy_flow import deploy_flow

        result = deploy_flow(settings, model_id=args.model_id, role_arn=args.role_arn, dry_run=args.dry_run)
        return _emit(result, out) or 0
    from engine.app import Engine

    engine = Engine(settings)
    if args.command == "export-kb":
        from db.knowledge_base import export_knowledge_base

        saved = engine.knowledge.store.approved_pairs()
        return _emit(export_knowledge_base(args.directory, args.include_eval, saved=saved), out) or 0
    if args.command == "kb":
        return _emit(_kb_command(engine.knowledge, args), out) or 0
    if args.command == "staff":
        return _emit(_staff_command(engine.state, args), out) or 0
    if args.command == "leads":
        from engine.consult import ConsultDesk

        desk = ConsultDesk(engine)
        listed = desk.list(show_contact=args.show_contact)
        if args.show_contact:
            engine.state.record("list_leads", staff="cli", outcome="ok", question=f"leads {len(listed)}",
                                row_count=len(listed))
        return _emit({"leads": listed}, out) or 0
    if args.command == "audit":
        return _emit({"entries": engine.state.recent_audit(args.last)}, out) or 0
    if args.command == "plugins":
        return _emit(engine.backend_status(), out) or 0
    if args.command == "eval":
        from engine.evaluation import run_eval

        return _emit(run_eval(engine, args.backend, args.kind, args.verbose), out) or 0
    if args.command == "run-sql":
        return _emit(engine.run_sql(args.sql).to_json(), out) or 0
    if args.batch is None and args.text is None:
        raise BadInput(f"{args.command} needs the text, or --batch FILE")
    kind = "sql_generator" if args.command == "sql" else "vectorizer"
    engine.backend(kind, args.backend)  # an unknown id is refused before any line; a fallback is said once
    return _serve_requests(engine, args, out)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # it echoes refused SQL fragments as warnings
    out = sys.stdout
    text = None
    try:
        args = _parser().parse_args(argv)
        text = getattr(args, "text", None) or getattr(args, "sql", None)
        # Libraries that print (Keras progress bars) must not corrupt the one JSON object on stdout.
        with contextlib.redirect_stdout(sys.stderr):
            return _run(args, out)
    except ChatError as exc:
        _emit(exc.to_json(_language_of(text)), out)
        return exc.exit_code
    except Exception as exc:  # the contract promises JSON even for bugs
        _emit(_internal_error(exc), out)
        return 1
