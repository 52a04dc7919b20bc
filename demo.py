"""The server: the public customer app at `/` and the staff app at `/staff/`, behind one address.

`python demo.py [--host 127.0.0.1] [--port 7860] [--share]`; other settings come from `.env` (see
engine/settings.py). Staff sign in with their own accounts (`python -m engine staff add NAME --password-stdin`).
"""
import argparse
import logging
import os
import secrets
import sys

from core.errors import ChatError


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", help="address to bind (default 127.0.0.1; 0.0.0.0 exposes it on the network)")
    parser.add_argument("--port", type=int)
    parser.add_argument("--share", action="store_true", default=None, help="create a public gradio.live link")
    return parser.parse_args(argv)


def prepare(engine) -> None:
    """Say at start-up, once, what would otherwise surprise the first visitor: a backend falling back to
    rules, an unknown backend name (fatal), or a model that has not been trained."""
    try:
        for kind in ("vectorizer", "sql_generator"):
            engine.backend(kind)
    except ChatError as exc:
        raise SystemExit(exc.message("en")) from None
    try:  # loading the NumPy weights takes ~0.1 s: do it now so a missing model is said at start-up
        engine.recommender
    except ChatError as exc:
        print(f"WARNING: {exc.message('en')} The recommendation tab will say so until it is trained.", file=sys.stderr)


def _share(host: str, port: int) -> None:
    """A gradio.live tunnel to this server, as `Blocks.launch(share=True)` would make."""
    from gradio import networking

    try:
        url = networking.setup_tunnel(host, port, secrets.token_urlsafe(32), None, None)
    except Exception as exc:  # no network, or the share server refused: the local server still runs
        print(f"WARNING: could not create a share link ({type(exc).__name__}); serving locally only.",
              file=sys.stderr)
        return
    print(f"Public customer app: {url}/   staff app: {url}/staff/", file=sys.stderr)


def main(argv=None) -> None:
    from engine.app import Engine
    from engine.settings import load_settings
    from ui.server import build_server, staff_open_access

    args = _parse_args(argv)
    settings = load_settings(**{key: value for key, value in vars(args).items() if value is not None})
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per migration step is noise at start-up
    engine = Engine(settings)
    open_access = staff_open_access(settings, engine.state.staff_count())
    prepare(engine)
    server = build_server(engine, open_access=open_access)
    if open_access:
        print("NOTE: no staff account exists, so /staff/ is open on this machine only. "
              "Add one with: python -m engine staff add NAME --password-stdin", file=sys.stderr)
    url = server.start(settings.host, settings.port)
    print(f"Customer app: {url}/   Staff app: {url}/staff/   Health: {url}/healthz", file=sys.stderr)
    if settings.share:
        _share(settings.host, settings.port)
    server.wait()


if __name__ == "__main__":
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry calls from a demo server
    main()
