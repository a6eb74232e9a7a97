"""Many agreements at once: ``xbdocs batch``.

- :mod:`~xbdocs.batch.items` — what to build: a folder of answers files, or a table (CSV,
  XLSX) whose columns are the answers' key paths, read through the schema;
- :mod:`~xbdocs.batch.runner` — worker processes that build many items each, the progress,
  the skip of items already built, the report.

The build knows nothing of batches; a batch calls the build.
"""
