"""Helpers for the API tests: a client with a token per role, the error-shape check."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from claimscope.store import Store

TESTS = Path(__file__).resolve().parents[1]
CORPUS = TESTS / "corroboration" / "corpus.jsonl"  # written for the project
CASES = TESTS / "golden_events" / "cases"  # written for the project
SECRET = "test-secret-not-for-production"
PASSWORD = "correct horse battery"


@dataclass
class Api:
    client: object
    store: Store
    tokens: dict[str, str]

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def get(self, url: str, role: str = "viewer", **kwargs):
        headers = {**self.headers(role), **kwargs.pop("headers", {})}
        return self.client.get(url, headers=headers, **kwargs)

    def post(self, url: str, role: str = "reviewer", **kwargs):
        headers = {**self.headers(role), **kwargs.pop("headers", {})}
        return self.client.post(url, headers=headers, **kwargs)

    def all_pages(self, url: str, role: str = "viewer", **params) -> list[dict]:
        items, cursor = [], None
        while True:
            answer = self.get(url, role, params={**params, **({"cursor": cursor} if cursor else {})})
            assert answer.status_code == 200, answer.text
            body = answer.json()
            items += body["items"]
            cursor = body["next_cursor"]
            if cursor is None:
                return items


def make_api(store: Store, nlp) -> Api:
    from fastapi.testclient import TestClient

    from claimscope.serve.app import create_app

    tokens = {}
    for role in ("viewer", "reviewer", "admin"):
        store.accounts.add_user(role, PASSWORD, role)
        tokens[role] = store.accounts.new_token(role, "tests")
    client = TestClient(create_app(store=store, secret_key=SECRET, nlp=nlp),
                        raise_server_exceptions=False)
    return Api(client, store, tokens)


def assert_error(answer, status: int, code: str | None = None) -> dict:
    """The one error shape: {"error": {"code", "message", "detail"}}."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "detail"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]
