"""The REST API under ``/api``; its schema is ``/openapi.json``.

Every route needs a logged-in user (session cookie or ``Authorization: Bearer <token>``):
viewers read, reviewers also upload and review, admins may do everything. Lists are
cursor-paginated (``?limit=&cursor=`` -> ``{"items": [...], "next_cursor": ...}``) and every
error has one shape, ``{"error": {"code", "message", "detail"}}`` (``serve/errors.py``).

Resources live beside their schemas' converters: ``api_articles`` (list, one, upload),
``api_claims`` (list, search, one, reviews, provenance, export), ``api_events`` (events,
stories, ledger, event export, me).
"""

from __future__ import annotations

from fastapi import APIRouter

from claimscope.serve import api_articles, api_claims, api_events
from claimscope.serve.errors import error_responses

router = APIRouter(prefix="/api", responses=error_responses(401, 403, 422))
router.include_router(api_articles.router)
router.include_router(api_claims.router)
router.include_router(api_events.router)
