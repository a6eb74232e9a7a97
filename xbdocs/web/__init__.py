"""The browser door (``xbdocs serve``, issue 21): upload answers, review, preview, download.

A door like the CLI: it calls the public API (:func:`xbdocs.render_package`,
:func:`xbdocs.review`, :func:`xbdocs.answers.loads`) and the HTML writer, and holds no
document logic and no state in process memory (uploads live in the data folder). The engine
never imports it (tests/test_architecture.py). FastAPI, uvicorn and python-multipart are the
``web`` extra, so importing :mod:`xbdocs.web.app` needs them; this package itself does not.
"""
