"""The guided interview: a clerk answers questions and gets an answers file (and, with
--build, the package), without writing YAML.

- :mod:`~xbdocs.interview.flow` — the questions, their order, conditions, defaults and the
  checking of a structured answer, derived from the schema;
- :mod:`~xbdocs.interview.engine` — the interview as a state machine any front end drives:
  what to ask next, taking answers, going back, the review, the checks, the preview;
- :mod:`~xbdocs.interview.store` — drafts kept by an id (a file beside the answers for the
  terminal), and the answers file;
- :mod:`~xbdocs.interview.terminal` — asking in a terminal: a renderer over the engine that
  parses what a clerk types.
"""
