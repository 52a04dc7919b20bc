"""The shared base every layer may import: errors, the six features, paths, language, the product vocabulary,
number words, units and the text normaliser. It imports nothing of the project's own above it."""
