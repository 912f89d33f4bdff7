"""Server processes for the benchmarks: start (own process group, fresh database), log in, measure, stop.

Every server started here is recorded in SERVERS and stopped by `stop_all()`, which bench/run.py calls in
a `finally` and at exit, so an error or Ctrl+C never leaves a server behind.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
TICKS = os.sysconf("SC_CLK_TCK")
SERVERS: list["Server"] = []
LOG_ERRORS: list[tuple[str, str]] = []  # (server label, first error excerpt of its log), kept after cleanup


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and its reaped children, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / TICKS


def machine_busy() -> tuple[float, float]:
    """CPU seconds used on the whole machine (all CPUs, all processes) and stolen by the hypervisor."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq) / TICKS, steal / TICKS


class Server:
    """`bench/serve.py` in its own process group, on a free port, with a fresh database."""

    def __init__(self, mode: str = "threading", bare: bool = False, database_url: str | None = None,
                 instance: str | None = None):
        self.mode, self.bare = mode, bare
        self.port = free_port()
        self.own_instance = instance is None
        self.instance = instance or tempfile.mkdtemp(prefix="facilitator-bench-")
        self.log_path = Path(self.instance) / f"server-{self.port}.log"
        env = {**os.environ, "FACILITATOR_INSTANCE": self.instance, "PYTHONUNBUFFERED": "1"}
        env.pop("DATABASE_URL", None)
        # Every benchmark client comes from 127.0.0.1: the per-address snapshot budget is still counted, never hit.
        env.setdefault("SNAPSHOTS_PER_ADDRESS_PER_MINUTE", "1000000")
        if database_url:
            env["DATABASE_URL"] = database_url
        command = [sys.executable, str(ROOT / "bench" / "serve.py"), "--mode", mode, "--port", str(self.port)]
        if bare:
            command.append("--bare")
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, cwd=self.instance, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        SERVERS.append(self)

    @property
    def label(self) -> str:
        return f"{'bare' if self.bare else 'app'} {self.mode}"

    def wait_ready(self, timeout: float = 90.0) -> "Server":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.label} server exited:\n{self.log()[-3000:]}")
            if "running at" in self.log():
                try:
                    status, _, _ = request(self.port, "GET", "/login" if not self.bare else "/socket.io/?EIO=4"
                                           "&transport=polling")
                    if status < 500:
                        return self
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.label} server did not start in {timeout:.0f} s:\n{self.log()[-3000:]}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def cpu(self) -> float:
        return process_cpu(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=10)
        self._log.close()
        self._keep_errors()
        if self in SERVERS:
            SERVERS.remove(self)
        if self.own_instance:
            shutil.rmtree(self.instance, ignore_errors=True)

    def _keep_errors(self) -> None:
        """Keep the first logged error (with the end of its traceback) before the log is deleted."""
        lines = self.log().splitlines()
        for index, line in enumerate(lines):
            if "ERROR" in line or line.startswith("Traceback"):
                tail = [x for x in lines[index + 1: index + 60] if not x.startswith((" ", "\t"))][:3]
                LOG_ERRORS.append((self.label, "\n".join([line, *tail])[:800]))
                return

    def __enter__(self) -> "Server":
        return self.wait_ready()

    def __exit__(self, *_exc) -> None:
        self.stop()


def stop_all() -> None:
    for server in list(SERVERS):
        try:
            server.stop()
        except Exception as error:  # keep stopping the others
            print(f"could not stop {server.label} (pid {server.process.pid}): {error}", file=sys.stderr)


# HTTP -------------------------------------------------------------------------------------------------


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def _session_cookie(headers) -> str | None:
    for value in headers.get_all("Set-Cookie") or []:
        name_value = value.split(";", 1)[0]
        if name_value.startswith("session="):
            return name_value
    return None


def login(port: int, username: str, password: str) -> str:
    """Log in through the real form, as a browser does; returns the `session=...` cookie."""
    status, headers, body = request(port, "GET", "/login")
    cookie = _session_cookie(headers)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body) or re.search(
        rb'name="csrf_token" value="([^"]+)"', body)
    if status != 200 or token is None or cookie is None:
        raise RuntimeError(f"login page: HTTP {status}")
    form = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrf_token": token.group(1).decode()}).encode()
    status, headers, _ = request(port, "POST", "/login", form, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
        "Origin": f"http://{HOST}:{port}", "Referer": f"http://{HOST}:{port}/login"})
    if status != 302:
        raise RuntimeError(f"login as {username}: HTTP {status}")
    return _session_cookie(headers) or cookie


def writable_rooms(port: int, cookie: str) -> list[int]:
    """The rooms the user's home page offers for capture, in page order."""
    status, _, body = request(port, "GET", "/", headers={"Cookie": cookie})
    if status != 200:
        raise RuntimeError(f"home page: HTTP {status}")
    return list(dict.fromkeys(int(r) for r in re.findall(rb"/rooms/(\d+)/capture", body)))


def participant_cookie(port: int, viewer_cookie: str, rooms: list[int]) -> str:
    """A participant's session: no account, the board links of `rooms` opened (as from the QR code)."""
    cookie = None
    for room in rooms:
        status, _, body = request(port, "GET", f"/rooms/{room}/board", headers={"Cookie": viewer_cookie})
        token = re.search(rb"/b/([A-Za-z0-9_-]+)", body)
        if status != 200 or token is None:
            raise RuntimeError(f"board page of room {room}: HTTP {status}, no short link")
        status, headers, _ = request(port, "GET", f"/b/{token.group(1).decode()}",
                                     headers={"Cookie": cookie} if cookie else {})
        if status != 200:
            raise RuntimeError(f"board link of room {room}: HTTP {status}")
        cookie = _session_cookie(headers) or cookie
    if cookie is None:
        raise RuntimeError("the board link set no session cookie")
    return cookie


# PostgreSQL -------------------------------------------------------------------------------------------


class PostgresDatabase:
    """A fresh database on the local PostgreSQL for one benchmark, dropped afterwards."""

    def __init__(self):
        self.name = f"facilitator_bench_{uuid.uuid4().hex[:10]}"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.name}"

    def __enter__(self) -> "PostgresDatabase":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *_exc) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
