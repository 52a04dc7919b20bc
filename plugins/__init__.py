"""Backends: the hook specifications, the plugin manager and the built-in backends (plugins like any other)."""
