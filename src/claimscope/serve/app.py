"""The team server: one FastAPI app serving the REST API (``/api``) and the web UI (``/``).

``create_app(db_url)`` opens the store (SQLite by default, PostgreSQL for a team) and mounts
the routers; ``claimscope serve`` runs it with uvicorn. Every asset is served by the app
itself (``serve/static``): no CDN, so it works offline.

Set up here: the JSON error shape (``serve/errors.py``), sessions and roles
(``serve/auth.py``), the API (``serve/api.py``), ``/static``, and the web UI when
``claimscope.serve.ui`` is present (its ``install(app)`` if it has one, else its ``router``).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from claimscope.serve import auth, errors
from claimscope.store import Store

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(db_url: str | None = None, *, store: Store | None = None,
               secret_key: str | None = None, nlp: Any = None) -> FastAPI:
    """The app over ``store`` (or the database at ``db_url``, opened and closed with the app).

    ``secret_key`` signs session cookies (default: ``CLAIMSCOPE_SECRET`` or the kept random
    secret, ``auth.session_secret``); ``nlp`` is the spaCy pipeline for uploads (loaded on
    the first upload when not given).
    """
    owned = store is None
    store = store or Store.open(db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            store.close()

    app = FastAPI(title="claimscope", summary="Sourced claims from war and conflict reporting",
                  version=_version(), openapi_url="/openapi.json",
                  # No Swagger / ReDoc pages: they load their scripts from a CDN.
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.store = store
    app.state.nlp = nlp
    app.state.ingest_lock = threading.Lock()
    errors.install(app)
    auth.install(app, secret_key)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    from claimscope.serve.api import router as api_router

    app.include_router(api_router)
    _install_ui(app)
    if STATIC.is_dir() and not any(getattr(r, "path", None) == "/static" for r in app.routes):
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _install_ui(app: FastAPI) -> None:
    if find_spec("claimscope.serve.ui") is None:
        return
    from claimscope.serve import ui

    if callable(getattr(ui, "install", None)):
        ui.install(app)
    elif getattr(ui, "router", None) is not None:
        app.include_router(ui.router)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimscope")
    except PackageNotFoundError:  # running from a source tree
        return "0"
