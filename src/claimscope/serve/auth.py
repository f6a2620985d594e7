"""Who is asking: session cookies for the web UI, bearer tokens for scripts; roles; CSRF.

Interface (used by the API and by the web UI):

* ``await current_user(request)`` -> ``User | None``: from ``Authorization: Bearer <token>``
  when that header is sent (tokens from ``claimscope user token NAME``), else from the session
  cookie (Starlette ``SessionMiddleware``, signed with ``CLAIMSCOPE_SECRET`` or a random secret
  kept in the user data folder next to the default database).
* ``require(role)`` -> a FastAPI dependency giving the ``User``; 401 when nobody is logged in,
  403 when the role is below ``role`` (viewer < reviewer < admin), both in the JSON error
  shape. On writes (POST, PUT, PATCH, DELETE) made with the session cookie it also checks the
  CSRF token, sent as the ``X-CSRF-Token`` header or as the form field ``csrf_token``; writes
  with a bearer token carry no cookie and need none.
* ``login(request, username, password)`` -> ``User | None`` (starts a fresh session),
  ``logout(request)``, ``csrf_token(request)`` (the session's token, for forms) and
  ``check_csrf(request, token)`` (403 when missing or wrong).

A session stores the user id and a stamp of the password hash, so deleting a user or changing
the password ends their sessions; roles are read afresh on every request.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Awaitable, Callable

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from claimscope.serve.errors import ApiError
from claimscope.store.accounts import ROLES, User, role_rank

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "ROLES", "User", "check_csrf", "csrf_token",
           "current_user", "login", "logout", "require", "session_secret"]

SECRET_ENV = "CLAIMSCOPE_SECRET"
SESSION_COOKIE = "claimscope_session"
SESSION_DAYS = 14
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_UNSET = object()


def session_secret() -> str:
    """``CLAIMSCOPE_SECRET``, else a random secret made once and kept (mode 600) in the user
    data folder, so sessions survive a restart."""
    from_env = os.environ.get(SECRET_ENV, "").strip()
    if from_env:
        return from_env
    from claimscope.settings import default_db_path

    path = default_db_path().parent / "session_secret"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret)
    return secret


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _session(request: Request) -> dict | None:
    return request.session if "session" in request.scope else None


async def current_user(request: Request) -> User | None:
    cached = getattr(request.state, "claimscope_user", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    store = request.app.state.store
    user: User | None = None
    token = _bearer(request)
    if token is not None:
        user = await run_in_threadpool(store.accounts.user_by_token, token)
    elif (session := _session(request)) is not None and isinstance(session.get("uid"), int):
        found = await run_in_threadpool(store.accounts.user_by_id, session["uid"])
        if found is not None and hmac.compare_digest(found[1], str(session.get("stamp", ""))):
            user = found[0]
    request.state.claimscope_user = user
    return user


def require(role: str) -> Callable[[Request], Awaitable[User]]:
    """A dependency: the logged-in user when their role is ``role`` or above."""
    needed = role_rank(role)  # an unknown role fails here, at import, not per request

    async def dependency(request: Request) -> User:
        user = await current_user(request)
        if user is None:
            raise ApiError(401, "unauthorized", "log in, or send an API token as "
                           "'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"})
        if request.method not in SAFE_METHODS and _bearer(request) is None:
            check_csrf(request, await _sent_csrf(request))
        if role_rank(user.role) < needed:
            raise ApiError(403, "forbidden", f"this needs the {role} role; {user.username} is "
                           f"a {user.role}", {"needed": role, "role": user.role})
        return user

    dependency.__name__ = f"require_{role}"
    return dependency


async def _sent_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    kind = request.headers.get("content-type", "")
    if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            value = (await request.form()).get(CSRF_FIELD)  # cached: the route reads it again
        except Exception:  # noqa: BLE001 - a malformed form has no token
            return None
        return value if isinstance(value, str) else None
    return None


def login(request: Request, username: str, password: str) -> User | None:
    """Check the password; on success start a fresh session (a new CSRF token too)."""
    store = request.app.state.store
    user = store.accounts.verify(username, password)
    if user is None:
        return None
    found = store.accounts.user_by_id(user.id)
    session = request.session
    session.clear()  # no session fixation: nothing from before the login survives
    session.update({"uid": user.id, "stamp": found[1] if found else "",
                    "csrf": secrets.token_urlsafe(32)})
    request.state.claimscope_user = user
    return user


def logout(request: Request) -> None:
    if (session := _session(request)) is not None:
        session.clear()
    request.state.claimscope_user = None


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use); forms carry it as ``csrf_token``."""
    session = _session(request)
    if session is None:
        return ""
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, token: str | None) -> None:
    """403 unless ``token`` is this session's CSRF token; bearer-token requests are exempt."""
    if _bearer(request) is not None:
        return
    session = _session(request)
    expected = session.get("csrf") if session is not None else None
    if not (isinstance(expected, str) and expected and isinstance(token, str)
            and hmac.compare_digest(expected.encode(), token.encode())):
        raise ApiError(403, "csrf_failed", "the form's security token is missing or out of date; "
                       "reload the page and try again")


def install(app, secret_key: str | None = None) -> None:  # noqa: ANN001
    from starlette.middleware.sessions import SessionMiddleware

    app.add_middleware(SessionMiddleware, secret_key=secret_key or session_secret(),
                       session_cookie=SESSION_COOKIE, max_age=SESSION_DAYS * 24 * 3600,
                       same_site="lax", https_only=os.environ.get("CLAIMSCOPE_HTTPS") == "1")
