"""How the analytics turn grows with the data: SQLite, DuckDB and PostgreSQL at 70,000 to 7,000,000 rows.

    .venv/bin/python bench/scale.py [--sizes 70000,700000,7000000] [--engines sqlite,duckdb,postgres]
                                    [--repeat 5] [--rebuild]

Each database is built once with the real builder (`build_database`, as `python -m engine build-db` does) and
cached under bench/out/scale/ (ignored by git); PostgreSQL runs as a real server whose cluster is kept there
too. A cached database is rebuilt when the builder's code changes. Every timing is one `Engine.ask` call on
the rules backend over bench/analytics.py's questions, after one warm-up pass; a question the database stops
at the 2-second deadline counts as refused. Goals (issue 12): DuckDB at 7,000,000 rows p50 < 50 ms,
p95 < 200 ms, >= 10x SQLite's p50 and nothing refused; DuckDB's p50 grows < 10x from 70,000 to 7,000,000
rows; PostgreSQL refuses nothing at 7,000,000.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.analytics import QUESTIONS  # noqa: E402  (needs the path above)
from bench.common import ROOT, percentile  # noqa: E402

OUT = ROOT / "bench" / "out" / "scale"
MANIFEST = OUT / "manifest.json"
SEED = 42
ENGINES = ("sqlite", "duckdb", "postgres")
SIZES = (70_000, 700_000, 7_000_000)
# A change to any of these makes the cached databases stale.
BUILDER_FILES = ("db/build.py", "db/bulk_load.py", "db/schema.py", "db/generator.py", "db/catalog.py")


def builder_version() -> str:
    digest = hashlib.sha256()
    for name in BUILDER_FILES:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:16]


def database_url(engine: str, rows: int, postgres_admin: str | None) -> str:
    if engine == "sqlite":
        return f"sqlite:///{OUT / f'customers-{rows}.db'}"
    if engine == "duckdb":
        return f"duckdb:///{OUT / f'customers-{rows}.duckdb'}"
    from sqlalchemy.engine import make_url

    return make_url(postgres_admin).set(database=f"customers_{rows}").render_as_string(hide_password=False)


def _create_postgres_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).first()
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()


def ensure_built(engine: str, rows: int, url: str, manifest: dict, rebuild: bool, admin: str | None) -> dict:
    """Build the database unless the manifest says this builder already built it; return its manifest entry."""
    from db.build import build_database, database_file

    key = f"{engine}-{rows}"
    entry = manifest.get(key)
    target = database_file(url)
    present = target.exists() if target is not None else entry is not None
    if not rebuild and entry and entry["builder"] == builder_version() and present:
        return {**entry, "cached": True}
    if engine == "postgres":
        _create_postgres_database(admin, f"customers_{rows}")
    print(f"building {key} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    build_database(url, rows=rows, seed=SEED)
    entry = {"rows": rows, "seed": SEED, "builder": builder_version(),
             "build_seconds": round(time.perf_counter() - started, 1)}
    manifest[key] = entry
    MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    print(f"built {key} in {entry['build_seconds']} s", file=sys.stderr, flush=True)
    return {**entry, "cached": False}


def time_turns(engine, conversations: list[tuple[str, ...]], repeat: int) -> tuple[list[float], list[str]]:
    """Milliseconds of each timed turn; a conversation whose turn is refused is reported once and left."""
    from core.errors import ChatError
    from engine.session import ChatSession

    samples, refused = [], []
    for turns in conversations:
        for _ in range(repeat):
            session = ChatSession()
            try:
                for earlier in turns[:-1]:
                    engine.ask(earlier, session, backend="rules")
                started = time.perf_counter()
                engine.ask(turns[-1], session, backend="rules")
                samples.append((time.perf_counter() - started) * 1000)
            except ChatError as exc:
                refused.append(f"{turns[-1]!r}: {exc.code}")
                break
    return samples, refused


def measure(url: str, repeat: int) -> dict:
    """Per question type: the turn times; over all: p50, p95 and which questions were refused."""
    from engine.app import Engine
    from engine.settings import offline_settings

    engine = Engine(offline_settings(database_url=url))
    for conversations in QUESTIONS.values():  # warm-up: plugins, connections, the database's cache
        time_turns(engine, conversations, 1)
    by_type, refused, everything = {}, [], []
    for kind, conversations in QUESTIONS.items():
        samples, errors = time_turns(engine, conversations, repeat)
        by_type[kind] = samples
        everything.extend(samples)
        refused.extend(errors)
    engine.database.close()
    return {"by_type": by_type, "all": everything, "refused": refused}


def _ms(samples: list[float], q: float) -> str:
    return f"{percentile(samples, q):,.1f}" if samples else "-"


def report(results: dict, sizes: list[int], engines: list[str], builds: dict) -> None:
    questions = sum(len(c) for c in QUESTIONS.values())
    for rows in sizes:
        present = [e for e in engines if (e, rows) in results]
        print(f"\n### {rows:,} rows: p50 / p95 ms per analytics turn\n")
        print("| question type | " + " | ".join(present) + " |")
        print("|---|" + "---|" * len(present))
        for kind in QUESTIONS:
            cells = []
            for engine in present:
                samples = results[engine, rows]["by_type"][kind]
                cells.append(f"{_ms(samples, 0.5)} / {_ms(samples, 0.95)}" if samples else "refused")
            print(f"| {kind} | " + " | ".join(cells) + " |")
    print("\n### Summary\n")
    print("| rows | engine | build s | p50 ms | p95 ms | SQLite p50 / engine p50 | refused |")
    print("|---|---|---|---|---|---|---|")
    for rows in sizes:
        base = results.get(("sqlite", rows))
        for engine in engines:
            if (engine, rows) not in results:
                continue
            got = results[engine, rows]
            ratio = (f"{percentile(base['all'], 0.5) / percentile(got['all'], 0.5):,.1f}x"
                     if base and base["all"] and got["all"] else "-")
            build = builds[engine, rows]
            built = f"{build['build_seconds']:,.1f}" + (" (cached)" if build["cached"] else "")
            print(f"| {rows:,} | {engine} | {built} | {_ms(got['all'], 0.5)} | {_ms(got['all'], 0.95)} | {ratio} "
                  f"| {len(got['refused'])} of {questions} |")
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print(f"\np50 growth from {small:,} to {large:,} rows: " + ", ".join(
            f"{engine} {percentile(results[engine, large]['all'], 0.5) / percentile(results[engine, small]['all'], 0.5):,.1f}x"
            for engine in engines
            if results.get((engine, small), {}).get("all") and results.get((engine, large), {}).get("all")
        ))
    for (engine, rows), got in sorted(results.items()):
        for refusal in got["refused"]:
            print(f"refused on {engine} at {rows:,} rows: {refusal}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES), help="comma-separated row counts")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, of {', '.join(ENGINES)}")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per question")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the databases even if cached")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown or args.repeat < 1 or not sizes:
        parser.error(f"engines are {', '.join(ENGINES)} (got {', '.join(unknown)}); --repeat and --sizes at least 1")

    OUT.mkdir(parents=True, exist_ok=True)
    manifest = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}
    results, builds = {}, {}
    with ExitStack() as stack:
        admin = None
        if "postgres" in engines:
            from bench.postgres_server import running_postgres

            admin = stack.enter_context(running_postgres(OUT / "postgres", keep=True))
        for rows in sizes:
            for engine in engines:
                url = database_url(engine, rows, admin)
                builds[engine, rows] = ensure_built(engine, rows, url, manifest, args.rebuild, admin)
                print(f"timing {engine} at {rows:,} rows ...", file=sys.stderr, flush=True)
                results[engine, rows] = measure(url, args.repeat)
    report(results, sizes, engines, builds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
