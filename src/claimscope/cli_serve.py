"""``claimscope serve`` and ``claimscope user add | token | list | role | password``.

Registered on the main ``app`` when ``claimscope.cli`` is imported.
"""

from __future__ import annotations

import secrets
import sys
from typing import Annotated

import typer

from claimscope.cli import Db, _err, _fail, _out, _store, app
from claimscope.store.accounts import ROLES, AccountError

users_app = typer.Typer(help="Accounts for the team server: viewer, reviewer, admin.",
                        no_args_is_help=True)
app.add_typer(users_app, name="user")

RoleOpt = Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")]


def _role(role: str) -> str:
    if role not in ROLES:
        _fail(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    return role


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        _fail("no terminal to ask for the password: pipe it in with --password-stdin")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The username.")],
    role: RoleOpt = "viewer",
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input.")] = False,
    db: Db = None,
) -> None:
    """Add a user (asks for the password twice, unless --password-stdin)."""
    _role(role)
    password = _password(password_stdin)
    with _store(db) as store:
        try:
            user = store.accounts.add_user(name, password, role)
        except AccountError as exc:
            _fail(str(exc))
    _err().print(f"user {user.username} ({user.role}) added -> {store.url}", markup=False,
                 highlight=False, soft_wrap=True)


@users_app.command("token")
def user_token(
    name: Annotated[str, typer.Argument(help="The username.")],
    label: Annotated[str, typer.Option("--name", help="What the token is for.")] = "api",
    db: Db = None,
) -> None:
    """Print a new API token for the user (shown this once; only its hash is kept)."""
    with _store(db) as store:
        try:
            token = store.accounts.new_token(name, label)
        except AccountError as exc:
            _fail(str(exc))
    typer.echo(token)
    _err().print("send it as 'Authorization: Bearer <token>'; it is not shown again",
                 highlight=False)


@users_app.command("list")
def user_list(db: Db = None) -> None:
    """List users with their role, creation date and number of API tokens."""
    with _store(db) as store:
        found = store.accounts.users()
    if not found:
        _err().print("no users; add one with: claimscope user add NAME --role admin", highlight=False)
        return
    out = _out()
    for info in found:
        out.print(f"{info.user.username:<24} {info.user.role:<9} created {info.created:%Y-%m-%d}"
                  f"  {info.tokens} token(s)", markup=False, highlight=False)


@users_app.command("role")
def user_role(
    name: Annotated[str, typer.Argument(help="The username.")],
    role: Annotated[str, typer.Argument(help=f"One of {', '.join(ROLES)}.")],
    db: Db = None,
) -> None:
    """Change a user's role."""
    _role(role)
    with _store(db) as store:
        try:
            store.accounts.set_role(name, role)
        except AccountError as exc:
            _fail(str(exc))


@users_app.command("password")
def user_password(
    name: Annotated[str, typer.Argument(help="The username.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
    db: Db = None,
) -> None:
    """Set a user's password (their open sessions end)."""
    password = _password(password_stdin)
    with _store(db) as store:
        try:
            store.accounts.set_password(name, password)
        except AccountError as exc:
            _fail(str(exc))


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    db: Db = None,
) -> None:
    """Run the team server: REST API under /api (schema at /openapi.json) and the web UI.

    With no account yet, an admin named 'admin' is made and its password printed once.
    """
    import uvicorn

    from claimscope.serve.app import create_app

    with _store(db) as store:
        if store.accounts.count() == 0:
            password = secrets.token_urlsafe(12)
            store.accounts.add_user("admin", password, "admin")
            _err().print(f"no accounts yet: made user 'admin' with password {password} "
                         "(shown once; change it with: claimscope user password admin)",
                         markup=False, highlight=False, soft_wrap=True)
        _err().print(f"claimscope on http://{host}:{port}/  (database {store.url})",
                     markup=False, highlight=False, soft_wrap=True)
        uvicorn.run(create_app(store=store), host=host, port=port, log_level="info")
