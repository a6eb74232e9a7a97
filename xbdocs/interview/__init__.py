"""The guided interview: a clerk answers questions and gets an answers file (and, with
--build, the package), without writing YAML.

- :mod:`~xbdocs.interview.flow` — the questions, their order and conditions, derived from
  the schema; no terminal in it, so a web front-end can reuse it;
- :mod:`~xbdocs.interview.store` — the draft saved after every answer, and the answers file;
- :mod:`~xbdocs.interview.terminal` — asking in a terminal.
"""
