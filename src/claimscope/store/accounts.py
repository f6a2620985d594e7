"""Accounts for the team server: users with a role, argon2 password hashes, API tokens.

Passwords are hashed with argon2id (``argon2-cffi``'s defaults); API tokens are random strings
shown once, of which only the sha256 is stored, so a copy of the database gives no way in.
``Store.accounts`` is the entry point; ``serve/auth.py`` builds sessions on top of it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from claimscope.store.schema import api_tokens, users

ROLES = ("viewer", "reviewer", "admin")  # each may do everything the ones before it may
MIN_PASSWORD = 8
TOKEN_PREFIX = "cs_"
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
# last_used is refreshed at most this often: a script's every request must not be a write.
_TOUCH_EVERY = timedelta(minutes=1)
_hasher = PasswordHasher()


class AccountError(ValueError):
    """A bad username, password or role, or a duplicate user; one line for the user."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    role: str

    def can(self, role: str) -> bool:
        """True when this user's role is ``role`` or above (viewer < reviewer < admin)."""
        return role_rank(self.role) >= role_rank(role)


@dataclass(frozen=True, slots=True)
class UserInfo:
    user: User
    created: datetime
    tokens: int


def role_rank(role: str) -> int:
    try:
        return ROLES.index(role)
    except ValueError:
        raise AccountError(f"unknown role {role!r}; roles are {', '.join(ROLES)}") from None


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def password_stamp(password_hash: str) -> str:
    """A short fingerprint of the stored hash: a session carries it, so changing a password
    ends every session opened with the old one."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A hash to verify against when the user does not exist, so that timing does not tell.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))


class Accounts:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add_user(self, username: str, password: str, role: str = "viewer") -> User:
        if not _USERNAME.match(username or ""):
            raise AccountError("a username is 1 to 64 letters, digits or . _ @ -, "
                               "starting with a letter or digit")
        role_rank(role)
        row = {"username": username, "password_hash": hash_password(password), "role": role,
               "created": datetime.now(UTC)}
        try:
            with self.engine.begin() as conn:
                new_id = conn.execute(insert(users).returning(users.c.id), row).scalar_one()
        except IntegrityError:
            raise AccountError(f"a user named {username!r} exists already") from None
        return User(new_id, username, role)

    def set_password(self, username: str, password: str) -> None:
        self._update(username, password_hash=hash_password(password))

    def set_role(self, username: str, role: str) -> None:
        role_rank(role)
        self._update(username, role=role)

    def _update(self, username: str, **values: str) -> None:
        with self.engine.begin() as conn:
            changed = conn.execute(update(users).where(users.c.username == username)
                                   .values(**values)).rowcount
        if not changed:
            raise AccountError(f"no user named {username!r}")

    def user(self, username: str) -> User | None:
        row = self._row(users.c.username == username)
        return User(row.id, row.username, row.role) if row else None

    def user_by_id(self, user_id: int) -> tuple[User, str] | None:
        """The user and their password stamp (see ``password_stamp``)."""
        row = self._row(users.c.id == user_id)
        return (User(row.id, row.username, row.role), password_stamp(row.password_hash)) if row else None

    def _row(self, where):  # noqa: ANN001, ANN202
        with self.engine.connect() as conn:
            return conn.execute(select(users).where(where)).first()

    def users(self) -> list[UserInfo]:
        counted = (select(api_tokens.c.user_id, func.count().label("n"))
                   .group_by(api_tokens.c.user_id).subquery())
        stmt = (select(users, func.coalesce(counted.c.n, 0).label("tokens"))
                .outerjoin(counted, counted.c.user_id == users.c.id).order_by(users.c.username))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return [UserInfo(User(r.id, r.username, r.role), _aware(r.created), r.tokens) for r in rows]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(users)).scalar_one()

    def verify(self, username: str, password: str) -> User | None:
        """The user, when the password is theirs; rehashes when argon2's defaults moved on."""
        row = self._row(users.c.username == username)
        try:
            _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            self._update(username, password_hash=_hasher.hash(password))
        return User(row.id, row.username, row.role)

    def new_token(self, username: str, name: str = "api") -> str:
        """A new API token for the user: returned once, only its hash is kept."""
        user = self.user(username)
        if user is None:
            raise AccountError(f"no user named {username!r}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(insert(api_tokens), {"token_hash": token_hash(token), "user_id": user.id,
                                              "name": name, "created": datetime.now(UTC)})
        return token

    def user_by_token(self, token: str) -> User | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        stmt = (select(users.c.id, users.c.username, users.c.role, api_tokens.c.id.label("token_id"),
                       api_tokens.c.last_used)
                .join(users, users.c.id == api_tokens.c.user_id)
                .where(api_tokens.c.token_hash == token_hash(token)))
        with self.engine.connect() as conn:
            row = conn.execute(stmt).first()
        if row is None:
            return None
        now = datetime.now(UTC)
        if row.last_used is None or _aware(row.last_used) < now - _TOUCH_EVERY:
            with self.engine.begin() as conn:
                conn.execute(update(api_tokens).where(api_tokens.c.id == row.token_id)
                             .values(last_used=now))
        return User(row.id, row.username, row.role)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
