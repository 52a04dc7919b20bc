"""Loads plugins lazily, once: the built-ins through the same `pm.register` a third-party plugin gets,
then the entry-point group, each entry point on its own so one broken package cannot take the app down."""
from __future__ import annotations

import importlib
import logging
import threading
from dataclasses import dataclass, field
from importlib.metadata import entry_points

import pluggy

from core.errors import PluginLoadError, UnknownBackend
from plugins import hookspecs
from plugins.base import SqlGenerator, Vectorizer

log = logging.getLogger(__name__)

DEFAULT_PLUGINS = (
    "plugins.rules",
    "plugins.bedrock_flow",
    "plugins.bedrock_converse",
    "plugins.bedrock_kb",
    "plugins.openai_compat",
)

_lock = threading.Lock()
_pm: pluggy.PluginManager | None = None
_failures: list[dict] = []


@dataclass
class Registry:
    """Backend classes by id, with aliases resolved; built fresh from the hooks on each call."""

    vectorizers: dict[str, type[Vectorizer]] = field(default_factory=dict)
    sql_generators: dict[str, type[SqlGenerator]] = field(default_factory=dict)
    aliases: dict[tuple[str, str], str] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)

    def _add(self, kind: str, table: dict, cls) -> None:
        """First come, first served: a later plugin may not take an id or alias already in use."""
        backend_id = getattr(cls, "backend_id", None)
        if not backend_id:
            raise PluginLoadError(f"{getattr(cls, '__name__', cls)!s} has no backend_id")
        taken = set(table) | {alias for (k, alias) in self.aliases if k == kind}
        for name in (backend_id, *cls.aliases):
            if name in taken:
                raise PluginLoadError(f"{kind} name {name!r} is already registered")
        table[backend_id] = cls
        for alias in cls.aliases:
            self.aliases[(kind, alias)] = backend_id

    def _lookup(self, kind: str, table: dict, name: str):
        key = self.aliases.get((kind, name), name)
        if key not in table:
            raise UnknownBackend(name, sorted(table))
        return table[key]

    def vectorizer_class(self, name: str) -> type[Vectorizer]:
        return self._lookup("vectorizer", self.vectorizers, name)

    def sql_generator_class(self, name: str) -> type[SqlGenerator]:
        return self._lookup("sql_generator", self.sql_generators, name)


def _load_entry_points(pm: pluggy.PluginManager, allow: set[str] | None, strict: bool) -> None:
    for ep in entry_points(group=hookspecs.ENTRY_POINT_GROUP):
        if allow is not None and ep.name not in allow:
            continue
        if pm.has_plugin(ep.name):
            continue
        try:
            pm.register(ep.load(), name=ep.name)
        except Exception as exc:  # a third-party bug must not stop the app unless asked to
            if strict:
                raise PluginLoadError(f"{ep.name}: {type(exc).__name__}: {exc}") from exc
            log.warning("plugin %s failed to load and was skipped: %s: %s", ep.name, type(exc).__name__, exc)
            _failures.append({"plugin": ep.name, "error": f"{type(exc).__name__}: {exc}"})


def get_plugin_manager(settings=None) -> pluggy.PluginManager:
    global _pm
    with _lock:
        if _pm is None:
            pm = pluggy.PluginManager(hookspecs.PROJECT)
            pm.add_hookspecs(hookspecs)
            for module_name in DEFAULT_PLUGINS:
                pm.register(importlib.import_module(module_name), name=module_name)
            allow = None
            strict = False
            if settings is not None:
                strict = settings.plugins_strict
                if settings.load_plugins is not None:
                    allow = {name.strip() for name in settings.load_plugins.split(",") if name.strip()}
            _load_entry_points(pm, allow, strict)
            _pm = pm
        return _pm


def get_registry(settings=None) -> Registry:
    """Run each plugin's hooks on its own, in registration order (built-ins first): a hook that raises,
    a class with no id, or an id or alias already taken is reported and skipped unless strict."""
    pm = get_plugin_manager(settings)
    strict = bool(settings is not None and settings.plugins_strict)
    registry = Registry(failures=list(_failures))
    for kind, hook, table in (
        ("vectorizer", pm.hook.register_vectorizers, registry.vectorizers),
        ("sql_generator", pm.hook.register_sql_generators, registry.sql_generators),
    ):
        for impl in hook.get_hookimpls():
            added: list = []
            try:
                impl.function(register=added.append)
                for cls in added:
                    registry._add(kind, table, cls)
            except Exception as exc:
                if strict:
                    if isinstance(exc, PluginLoadError):
                        raise
                    raise PluginLoadError(f"{impl.plugin_name}: {type(exc).__name__}: {exc}") from exc
                log.warning("plugin %s: %s skipped: %s: %s", impl.plugin_name, kind, type(exc).__name__, exc)
                registry.failures.append({"plugin": impl.plugin_name, "error": f"{type(exc).__name__}: {exc}"})
    return registry


def reset_for_tests() -> None:
    """Forget loaded plugins so a test can load them again under different settings."""
    global _pm
    with _lock:
        _pm = None
        _failures.clear()
