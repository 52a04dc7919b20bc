"""The app-state database: what the app itself writes (staff accounts, the audit log, and what later
features keep), separate from the read-only customer database. Its schema is managed by Alembic."""
