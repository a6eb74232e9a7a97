"""The register of agreements: what was built, filed, approved, signed, registered, and
what falls due. A room at the edge: it reads built packages and answers and calls the
language engine and the writer; the build never imports it.

- :mod:`~xbdocs.registry.statuses` — the procedure's statuses and the one rule of moves on
  a line of them;
- :mod:`~xbdocs.registry.procedure` — each agreement's line, read from its profile's track
  (179-FZ / 4-FZ), and what each of the track's steps completes;
- :mod:`~xbdocs.registry.steps` — the checks a step passes (its procedure, its date), what a
  step does to an entry, and the entry replayed from its history (undo);
- :mod:`~xbdocs.registry.models` — the tables (SQLAlchemy), managed by the migrations in
  ``migrations/`` (alembic);
- :mod:`~xbdocs.registry.store` — opening a register (SQLite file or any SQLAlchemy URL),
  adding (new entries, versions of a draft, amendments linked to their agreement),
  importing, moving, undoing, recording a notice, listing;
- :mod:`~xbdocs.registry.due` — what falls due, and its calendar export;
- :mod:`~xbdocs.registry.export` — the official list as DOCX, XLSX or CSV.
"""
