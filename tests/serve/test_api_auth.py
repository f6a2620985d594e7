"""Accounts and access: argon2 hashes, roles, API tokens, sessions and CSRF, the CLI."""

from __future__ import annotations

import pytest
from api_helpers import PASSWORD, assert_error, make_api
from fastapi import Depends, Request
from sqlalchemy import select

from claimscope.serve.auth import User, check_csrf, csrf_token, login, logout, require
from claimscope.store.accounts import AccountError, role_rank, token_hash
from claimscope.store.schema import api_tokens, users


def test_passwords_are_argon2_hashes(empty_store):
    accounts = empty_store.accounts
    accounts.add_user("ann", PASSWORD, "reviewer")
    with empty_store.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.verify("ann", PASSWORD) == User(1, "ann", "reviewer")
    assert accounts.verify("ann", PASSWORD + "x") is None
    assert accounts.verify("nobody", PASSWORD) is None


def test_account_rules(empty_store):
    accounts = empty_store.accounts
    accounts.add_user("ann", PASSWORD)
    for bad in [("ann", PASSWORD, "viewer"), ("bob", "short", "viewer"),
                ("bob", PASSWORD, "superuser"), ("-bob", PASSWORD, "viewer")]:
        with pytest.raises(AccountError):
            accounts.add_user(*bad)
    assert [info.user.role for info in accounts.users()] == ["viewer"]


def test_role_order():
    assert role_rank("viewer") < role_rank("reviewer") < role_rank("admin")
    admin, viewer = User(1, "a", "admin"), User(2, "v", "viewer")
    assert admin.can("reviewer") and admin.can("viewer") and not viewer.can("reviewer")
    with pytest.raises(ValueError):
        require("owner")


def test_tokens_are_stored_as_hashes_only(empty_store):
    empty_store.accounts.add_user("ann", PASSWORD, "reviewer")
    token = empty_store.accounts.new_token("ann", "script")
    with empty_store.engine.connect() as conn:
        row = conn.execute(select(api_tokens)).one()
    assert row.token_hash == token_hash(token) and token not in str(tuple(row))
    assert empty_store.accounts.user_by_token(token).username == "ann"
    assert empty_store.accounts.user_by_token(token + "x") is None
    assert empty_store.accounts.user_by_token("not-a-token") is None


def test_unauthenticated_is_401_everywhere(api):
    for url in ("/api/claims", "/api/articles", "/api/events", "/api/stories", "/api/me",
                "/api/search?q=troops", "/api/ledger?figure=killed", "/api/export/claims"):
        answer = api.client.get(url)
        assert_error(answer, 401, "unauthorized")
        assert answer.headers["www-authenticate"] == "Bearer"
    assert_error(api.client.post("/api/claims/x/reviews", json={"action": "accept"}), 401)
    assert_error(api.client.get("/api/claims", headers={"Authorization": "Bearer cs_wrong"}), 401)


def test_token_gives_the_users_role(api):
    assert api.get("/api/me", "reviewer").json() == {"id": 2, "username": "reviewer", "role": "reviewer"}


def test_viewer_cannot_write(api):
    claim_id = api.store.claims()[0].id
    error = assert_error(api.post(f"/api/claims/{claim_id}/reviews", "viewer",
                                  json={"action": "accept"}), 403, "forbidden")
    assert error["detail"] == {"needed": "reviewer", "role": "viewer"}
    assert_error(api.post("/api/articles", "viewer", json={"text": "Troops were deployed."}),
                 403, "forbidden")
    assert api.store.reviews(claim_id) == []


# --- sessions: the web UI's login, with CSRF on every write ---------------------------------

@pytest.fixture
def web(store, nlp):
    """The API plus the few routes a login form needs (the web UI has its own)."""
    api = make_api(store, nlp)
    app = api.client.app

    @app.post("/t/login")
    async def do_login(request: Request) -> dict:
        form = await request.form()
        user = login(request, str(form["username"]), str(form["password"]))
        return {"user": user.username if user else None}

    @app.get("/t/csrf")
    def token(request: Request) -> dict:
        return {"token": csrf_token(request)}

    @app.post("/t/logout")
    async def do_logout(request: Request) -> dict:
        form = await request.form()
        check_csrf(request, form.get("csrf_token"))
        logout(request)
        return {}

    @app.post("/t/form")
    async def form_write(user: User = Depends(require("reviewer"))) -> dict:
        return {"user": user.username}

    return api


def _log_in(web, name: str) -> str:
    client = web.client
    assert client.post("/t/login", data={"username": name, "password": "wrong"}).json() == {"user": None}
    assert client.post("/t/login", data={"username": name, "password": PASSWORD}).json() == {"user": name}
    return client.get("/t/csrf").json()["token"]


def test_session_reads_without_csrf_and_writes_only_with_it(web):
    token = _log_in(web, "reviewer")
    client, claim_id = web.client, web.store.claims()[0].id
    assert client.get("/api/me").json()["username"] == "reviewer"
    url = f"/api/claims/{claim_id}/reviews"
    assert_error(client.post(url, json={"action": "accept"}), 403, "csrf_failed")
    assert_error(client.post(url, json={"action": "accept"}, headers={"X-CSRF-Token": "forged"}),
                 403, "csrf_failed")
    assert web.store.reviews(claim_id) == []
    answer = client.post(url, json={"action": "accept"}, headers={"X-CSRF-Token": token})
    assert answer.status_code == 201, answer.text
    # A form carries the token as a field.
    assert_error(client.post("/t/form", data={"note": "x"}), 403, "csrf_failed")
    assert client.post("/t/form", data={"csrf_token": token}).json() == {"user": "reviewer"}


def test_bearer_requests_need_no_csrf(web):
    _log_in(web, "viewer")  # a session cookie is present too; the token decides
    claim_id = web.store.claims()[0].id
    answer = web.post(f"/api/claims/{claim_id}/reviews", "reviewer", json={"action": "accept"})
    assert answer.status_code == 201, answer.text
    assert web.client.post("/t/form", headers=web.headers("admin")).json() == {"user": "admin"}


def test_login_starts_a_new_session_and_logout_ends_it(web):
    first = _log_in(web, "reviewer")
    second = _log_in(web, "reviewer")
    assert first != second  # a fresh CSRF token with each login
    assert_error(web.client.post("/t/logout", data={}), 403, "csrf_failed")
    web.client.post("/t/logout", data={"csrf_token": second})
    assert_error(web.client.get("/api/me"), 401)


def test_changing_the_password_ends_sessions(web):
    _log_in(web, "admin")
    assert web.client.get("/api/me").status_code == 200
    web.store.accounts.set_password("admin", "another password")
    assert_error(web.client.get("/api/me"), 401)


def test_session_sees_role_changes(web):
    _log_in(web, "reviewer")
    web.store.accounts.set_role("reviewer", "viewer")
    assert web.client.get("/api/me").json()["role"] == "viewer"


# --- the command line ------------------------------------------------------------------------

def test_cli_user_add_token_list(tmp_path):
    from typer.testing import CliRunner

    from claimscope.cli import app
    from claimscope.store import Store

    db = f"sqlite:///{tmp_path / 'users.db'}"
    runner = CliRunner()
    added = runner.invoke(app, ["user", "add", "ann", "--role", "reviewer", "--password-stdin",
                                "--db", db], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    again = runner.invoke(app, ["user", "add", "ann", "--password-stdin", "--db", db],
                          input=PASSWORD + "\n")
    assert again.exit_code == 2 and "exists" in again.output
    short = runner.invoke(app, ["user", "add", "bob", "--password-stdin", "--db", db], input="x\n")
    assert short.exit_code == 2 and "at least" in short.output
    tokened = runner.invoke(app, ["user", "token", "ann", "--db", db])
    assert tokened.exit_code == 0
    token = tokened.stdout.strip().splitlines()[0]
    listed = runner.invoke(app, ["user", "list", "--db", db])
    assert "ann" in listed.stdout and "reviewer" in listed.stdout and "1 token" in listed.stdout
    with Store.open(db) as store:
        assert store.accounts.user_by_token(token).username == "ann"
        assert store.accounts.verify("ann", PASSWORD) is not None
