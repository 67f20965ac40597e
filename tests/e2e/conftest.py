"""Browser tests in Debian's Chromium, driven by Playwright (no browser download)."""
from __future__ import annotations

import shutil

import pytest

from helpers import serve_folder

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google's services from a machine with no internet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


# How long an assertion waits for the state it expects (Playwright's default is 5 s). A state reached
# at once is seen at once; the margin is for CI's shared 2-core machine, where a preview's build after
# an import took over 5 s while other workers laid out PDFs.
STATE_TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=STATE_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def site(sample):
    """The built sample site over HTTP, as a static host serves it (in a sub-folder, like base_url)."""
    for base in serve_folder(sample):
        yield base + "output/"
