"""A private redis-server for the tests that need one: started on a free port, stopped and restarted at will.

Tests never touch the machine's own Redis, so two test runs on one machine cannot break each other.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time

import pytest


def _unavailable(reason: str):
    if os.environ.get("FACILITATOR_REQUIRE_SERVICES"):
        pytest.fail(f"{reason} (FACILITATOR_REQUIRE_SERVICES is set, so this may not be skipped)")
    pytest.skip(reason)


class RedisServer:
    """One redis-server process of our own; `stop()` and `start()` simulate an outage on the same port."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.dir = tempfile.mkdtemp(prefix="facilitator-redis-")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--logfile", os.path.join(self.dir, "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if not self.wait(up=True):
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
        if not self.wait(up=False):
            raise RuntimeError(f"redis-server on port {self.port} did not stop")

    def is_up(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=1).ping())
        except redis.exceptions.RedisError:
            return False

    def wait(self, up: bool, seconds: float = 10) -> bool:
        deadline = time.monotonic() + seconds
        while self.is_up() != up:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def redis_server():
    """A fresh, empty Redis of this test's own (skips, or fails in CI, when redis-server is not installed)."""
    from .conftest import free_port

    if shutil.which("redis-server") is None:
        _unavailable("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(free_port())
    server.start()
    yield server
    server.close()
