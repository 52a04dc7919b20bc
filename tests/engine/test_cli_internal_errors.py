"""A plugin that crashes with a secret in its exception: the CLI prints JSON, exits 1, and logs no secret."""
import json
import os
import subprocess
import sys
import textwrap

from core.paths import ROOT

SECRET = "sk-SENTINEL-crash-0123456789"


def test_an_unexpected_crash_is_json_exit_1_and_never_echoes_its_message(tmp_path):
    (tmp_path / "crashing_backend.py").write_text(textwrap.dedent(f"""
        from plugins.base import Vectorizer
        from plugins.hookspecs import hookimpl

        class Crashing(Vectorizer):
            backend_id = "crashing"
            def vectorize(self, request):
                raise RuntimeError("upstream said: key={SECRET}")

        @hookimpl
        def register_vectorizers(register):
            register(Crashing)
    """))
    dist = tmp_path / "crashing-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: crashing\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[rentalchat.plugins]\ncrashing = crashing_backend\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BEDROCK_", "OPENAI_"))}
    env["PYTHONPATH"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "engine", "vectorize", "--backend", "crashing", "35살"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    payload = json.loads(proc.stdout)
    assert payload["code"] == "internal_error" and payload["refused"] is False
    assert "RuntimeError" in proc.stderr and "crashing_backend.py" in proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
