"""The engine: settings, the two pipelines, the SQL guard and the CLI."""
