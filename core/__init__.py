"""The shared base every layer may import: errors, the six features, paths, language and vocabulary.
It imports nothing of the project's own above it."""
