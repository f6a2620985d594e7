"""The web UI under test: the app served by uvicorn on 127.0.0.1 (a free port) in a thread, over
a temporary SQLite store holding a reviewer and a viewer, the developing-story corpus and an
article whose text carries HTML and script.

Browser tests drive Debian's headless Chromium (``/usr/bin/chromium``) through Playwright for
Python; they skip, saying why, where either is missing. Playwright's own browser download is
never used. Screenshots go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from browser_support import CHROMIUM, CORPUS, EXAMPLES, REVIEWER, VIEWER, Watched, hostile_extraction
from claimscope.store import Store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def ui_store(tmp_path_factory) -> Iterator[Store]:
    from claimscope.pipeline import run

    url = f"sqlite:///{tmp_path_factory.mktemp('ui') / 'ui.db'}"
    with Store.open(url) as store:
        store.accounts.add_user(*REVIEWER, role="reviewer")
        store.accounts.add_user(*VIEWER, role="viewer")
        summary = run([str(CORPUS), str(EXAMPLES / "deserters_border.txt")], store=store)
        assert summary.articles >= 20 and not summary.rejected
        store.write(hostile_extraction())
        yield store


@pytest.fixture(scope="session")
def ui_app(ui_store):
    from claimscope.serve.app import create_app

    return create_app(store=ui_store, secret_key="browser-tests-secret")


@pytest.fixture(scope="session")
def base_url(ui_app) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(ui_app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, name="claimscope-ui", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield launched
        launched.close()


@pytest.fixture
def web(browser, base_url) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watched = Watched(context.new_page(), base_url)
    yield watched
    context.close()
    assert watched.dialogs == [], f"a JavaScript dialog fired: {watched.dialogs}"
    assert watched.errors == [], f"uncaught JavaScript errors: {watched.errors}"
