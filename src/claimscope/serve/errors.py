"""One JSON shape for every error the server gives:

    {"error": {"code": "not_found", "message": "no claim with id 'x'", "detail": null}}

``ApiError`` raises one from any route or dependency; ``install`` makes HTTP errors (unknown
routes, wrong methods), request validation errors (422, ``detail`` listing each problem),
store errors and unexpected exceptions (500, no internals shown) answer in the same shape.

Web pages may answer differently: a page route (not under ``/api``) asked for by a browser
goes to ``app.state.error_page(request, status, code, message)`` when the UI has set one
(to render an HTML page, or redirect to the login form on 401); a None from it falls back
to JSON.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from claimscope.store import StoreError

log = logging.getLogger("claimscope.serve")

CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "too_large",
    415: "unsupported_media_type", 422: "validation_error", 429: "too_many_requests",
    500: "internal_error", 501: "not_implemented", 503: "unavailable",
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, detail: Any = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.detail = status, code, message, detail
        self.headers = headers


def error_body(code: str, message: str, detail: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "detail": detail}}


# For OpenAPI: every route documents these answers in the error shape.
def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    from claimscope.serve.schemas import ErrorResponse

    return {status: {"model": ErrorResponse, "description": HTTPStatus(status).phrase}
            for status in statuses}


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StoreError, _store_error)
    app.add_exception_handler(Exception, _unexpected)


def respond(request: Request, status: int, code: str, message: str, detail: Any = None,
            headers: dict[str, str] | None = None) -> Response:
    page = getattr(request.app.state, "error_page", None)
    if page is not None and _wants_page(request):
        found = page(request, status, code, message)
        if found is not None:
            return found
    return JSONResponse(jsonable_encoder(error_body(code, message, detail)), status_code=status,
                        headers=headers)


def _wants_page(request: Request) -> bool:
    path = request.url.path
    return not (path == "/api" or path.startswith("/api/") or path == "/openapi.json") \
        and "text/html" in request.headers.get("accept", "")


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return respond(request, exc.status, exc.code, exc.message, exc.detail, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = CODES.get(exc.status_code, "error")
    try:
        phrase = HTTPStatus(exc.status_code).phrase
    except ValueError:
        phrase = "error"
    message = exc.detail if isinstance(exc.detail, str) else phrase
    if exc.status_code == 404 and message == "Not Found":
        message = f"nothing at {request.url.path}"
    detail = None if isinstance(exc.detail, str) else exc.detail
    return respond(request, exc.status_code, code, message, detail, getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                for e in exc.errors()]
    first = problems[0] if problems else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(part) for part in first["loc"])
    message = f"{where}: {first['msg']}" if where else first["msg"]
    return respond(request, 422, "validation_error", message, problems)


async def _store_error(request: Request, exc: Exception) -> Response:
    return respond(request, 503, "store_unavailable", str(exc))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return respond(request, 500, "internal_error", "the server failed on this request; "
                   "the error is in its log")
