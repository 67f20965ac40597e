"""Fixtures of the deploy tests: a real S3 server (s3server.py) shared by a worker's tests, a bucket of
each test's own on it, or a server of the test's own that it may stop."""
from __future__ import annotations

import pytest

from s3server import start_s3_server


@pytest.fixture(scope="session")
def shared_s3(tmp_path_factory):
    """One S3 server for a worker's tests (each takes a bucket of its own: s3_bucket)."""
    server = start_s3_server(tmp_path_factory.mktemp("s3"))
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(shared_s3, monkeypatch):
    """A new, empty bucket on the shared server, and the server's key in the environment (as an editor
    would export it); the credentials file is one that does not exist."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", shared_s3.key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", shared_s3.secret)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/xiaokan-test-credentials")
    return shared_s3, shared_s3.new_bucket()


@pytest.fixture
def own_s3(tmp_path, monkeypatch):
    """An S3 server of the test's own (to be stopped and started again), its key in the environment."""
    server = start_s3_server(tmp_path / "s3")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", server.key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", server.secret)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/xiaokan-test-credentials")
    yield server
    server.stop()
