"""Root conftest: the tests run on SQLite by default; DATABASE_URL=postgres://… runs them on PostgreSQL."""
