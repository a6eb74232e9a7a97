"""The register of agreements: what was built, filed, approved, signed, registered, and
what falls due. A room at the edge: it reads built packages and answers and calls the
language engine and the writer; the build never imports it.

- :mod:`~xbdocs.registry.statuses` — the procedure's statuses and the moves between them;
- :mod:`~xbdocs.registry.models` — the tables (SQLAlchemy), managed by the migrations in
  ``migrations/`` (alembic);
- :mod:`~xbdocs.registry.store` — opening a register (SQLite file or any SQLAlchemy URL),
  adding, importing, moving, listing;
- :mod:`~xbdocs.registry.due` — what falls due, and its calendar export;
- :mod:`~xbdocs.registry.export` — the official list as DOCX, XLSX or CSV.
"""
