from __future__ import annotations

import pytest

from qinglian.lib.testing import World, build_world


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):  # type: ignore[no-untyped-def]
    """PBKDF2 is slow on purpose; tests that log in many times use a fast hasher instead."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _development_key(tmp_path_factory):  # type: ignore[no-untyped-def]
    """Each test session (each xdist worker) encrypts with a throw-away key file of its own, also for the
    commands it runs in subprocesses (QINGLIAN_KEY_FILE in the environment)."""
    import os

    from django.conf import settings

    from qinglian.crypto.keys import new_key_file, write_key_file
    from qinglian.crypto.provider import reset_provider

    path = tmp_path_factory.mktemp("keys") / "qinglian-keys.json"
    write_key_file(path, new_key_file())
    old = os.environ.get("QINGLIAN_KEY_FILE")
    os.environ["QINGLIAN_KEY_FILE"] = str(path)
    settings.QINGLIAN_KEY_FILE = str(path)
    reset_provider()
    yield path
    reset_provider()
    if old is None:
        os.environ.pop("QINGLIAN_KEY_FILE", None)
    else:
        os.environ["QINGLIAN_KEY_FILE"] = old


@pytest.fixture(autouse=True)
def _fresh_calendar():  # type: ignore[no-untyped-def]
    """A rolled-back test's holiday arrangement must not stay in the process's calendar."""
    from qinglian.ledger import calendar

    calendar.forget()
    yield
    calendar.forget()


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def browser_page(live_server):  # type: ignore[no-untyped-def]
    """A headless Chromium page (Debian's chromium) against the live test server; screenshots land in
    .tmp/screenshots for a person to look at."""
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("未安装 Chromium（make test 会安装 chromium）")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        page.base_url = live_server.url  # type: ignore[attr-defined]
        yield page
        browser.close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory, request):  # type: ignore[no-untyped-def]
    """The test database, and a copy of it as migrated (lib.testing.migrated_database / migrated_sqlite).
    pytest-django makes no test database when no test of the session asks for one (a lone test that runs
    commands in subprocesses): then there is none to copy, and the copies are migrated where they are used."""
    from pytest_django.fixtures import _get_databases_for_setup

    from qinglian.lib import testing

    if _get_databases_for_setup(request.session.items)[0]:
        with django_db_blocker.unblock():
            testing.keep_pristine(tmp_path_factory.mktemp("pristine"))
    yield
    with django_db_blocker.unblock():
        testing.drop_pristine()

