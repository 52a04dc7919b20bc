"""Test-only plugins: registered through the real plugin manager and forgotten afterwards, or installed as a
distribution whose entry points the real entry-point machinery finds."""
import textwrap
from contextlib import contextmanager
from pathlib import Path

from plugins import manager
from plugins.hookspecs import ENTRY_POINT_GROUP


@contextmanager
def registered(plugin):
    """Load the plugins afresh with `plugin` added as a third party would be; unload it on the way out."""
    manager.reset_for_tests()
    pm = manager.get_plugin_manager()
    pm.register(plugin)
    try:
        yield pm
    finally:
        pm.unregister(plugin)
        manager.reset_for_tests()


def install_distribution(folder: Path, name: str, modules: dict[str, str], entry_points: dict[str, str]) -> Path:
    """Write modules and a `<name>-0.1.dist-info` (METADATA, entry_points.txt) into `folder`, as pip would into
    site-packages; with `folder` on sys.path or PYTHONPATH, importlib.metadata finds the entry points."""
    for module, source in modules.items():
        (folder / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    dist = folder / f"{name.replace('-', '_')}-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    lines = "".join(f"{ep} = {target}\n" for ep, target in entry_points.items())
    (dist / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{lines}", encoding="utf-8")
    return folder
