"""Run the performance benchmarks B0-B6 and write docs/performance.md.

    python bench/run.py                      # everything, both async modes (about 6 minutes on 2 cores)
    python bench/run.py --quick              # fewer items, 200 viewers, the configured mode only (~2 minutes)
    python bench/run.py --only B1,B4         # some figures (B0, the bare baseline, comes with B1 and B2)
    python bench/run.py --modes gevent       # one async mode

One line is printed per figure, with its ratio to the baseline and its target. A full run (no --quick,
no --only) rewrites docs/performance.md; --docs forces that, --no-docs prevents it. All traffic goes to
127.0.0.1. Every server started is stopped at the end, also after an error or Ctrl+C.

  B0  bare python-socketio server (same stack, re-emit only): the baseline of B1 and B2
  B1  live fan-out: one sender at 10 items/s through the real path, 200 then 500 viewers in the room
  B2  burst: 200 items written at once; deliveries per second to 200 viewers
  B3  ack latency: 12 rapporteurs in 12 rooms, 5 items/s each, on SQLite and on PostgreSQL
  B4  reconnect storm: 500 viewers drop and rejoin with their last seq within 5 s while items keep coming
  B5  report: bench/report.py (build_report against a naive python-docx script)
  B6  snapshot: joining a room holding 2,000 items
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for path in (ROOT, BENCH):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import harness  # noqa: E402
from acks import ack_latency  # noqa: E402
from live import STORM_SLACK, Storm, compare  # noqa: E402
from snapshot import join_round_trips  # noqa: E402

ALL = ("B0", "B1", "B2", "B3", "B4", "B5", "B6")
MODES = ("threading", "gevent")
DOC = ROOT / "docs" / "performance.md"
BUDGET = 570.0  # seconds: the whole suite must end within 10 minutes
NOISY = 0.5  # CPUs used by other processes during a figure above which its latency is not used to choose a mode


def ms(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "n/a"
    value = seconds * 1000
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


class Suite:
    def __init__(self, args):
        self.args = args
        self.only = set(args.only.upper().split(",")) if args.only else set(ALL)
        if self.only & {"B1", "B2"}:
            self.only.add("B0")
        self.modes = tuple(m for m in args.modes.split(",") if m in MODES)
        self.quick = args.quick
        self.started = time.monotonic()
        self.lines: list[str] = []
        self.results: dict = {"live": {}, "storm": {}, "acks": {}, "errors": {}, "skipped": []}
        self.load_before = os.getloadavg()

    # -- helpers -------------------------------------------------------------------------------------

    def say(self, line: str, figure: bool = True) -> None:
        print(line, flush=True)
        if figure:
            self.lines.append(line)

    def progress(self, line: str) -> None:
        print(line, flush=True)

    def left(self) -> float:
        return BUDGET - (time.monotonic() - self.started)

    def affordable(self, name: str, needs: float) -> bool:
        """Skip a step that would not fit in the remaining time budget."""
        if self.left() >= needs:
            return True
        self.results["skipped"].append(name)
        self.say(f"{name}: skipped, {self.left():.0f} s left of the {BUDGET:.0f} s budget (needs ~{needs:.0f} s)")
        return False

    def guarded(self, name: str, step, *args):
        """Run one benchmark step; an error is reported as a figure and the suite goes on."""
        try:
            return step(*args)
        except Exception as error:  # noqa: BLE001 - any failure becomes a reported line
            self.results["errors"][name] = f"{type(error).__name__}: {error}"
            self.say(f"{name}: FAILED: {type(error).__name__}: {str(error)[:500]}")
            harness.stop_all()
            return None

    # -- B0, B1, B2 ----------------------------------------------------------------------------------

    def live(self, mode: str, sizes: tuple[int, ...], burst: bool = True) -> None:
        # Four turns each: on a shared machine a noisy stretch then falls on both servers, not on one.
        items, chunks = (40, 1) if self.quick else (200, 4)
        servers = [harness.Server(mode=mode, bare=True), harness.Server(mode=mode)]
        try:
            for server in servers:
                server.wait_ready()
            found = asyncio.run(compare(servers, sizes=sizes, items=items, chunks=chunks,
                                        burst_items=200 if burst and "B2" in self.only else 0,
                                        burst_rounds=1 if self.quick else 2, progress=self.progress))
        finally:
            for server in servers:
                server.stop()
        for kind in ("bare", "app"):
            known = self.results["live"].setdefault(mode, {}).setdefault(
                kind, {"fanout": {}, "burst": None, "join_seconds": {}})
            known["fanout"].update(found[f"{kind} {mode}"]["fanout"])
            known["join_seconds"].update(found[f"{kind} {mode}"]["join_seconds"])
            known["burst"] = found[f"{kind} {mode}"]["burst"] or known["burst"]
        self.report_live(mode, sizes)

    def report_live(self, mode: str, sizes: tuple[int, ...]) -> None:
        bare, app = self.results["live"][mode]["bare"], self.results["live"][mode]["app"]
        for size in sizes:
            b, a = bare["fanout"][size], app["fanout"][size]
            self.say(f"B0 bare {mode} fanout {size} viewers: p50 {ms(b['p50'])}, p99 {ms(b['p99'])}, "
                     f"delivered {b['delivered']:.3f}  loadgen cpu {b['loadgen_cpu']:.1f} s  "
                     f"server cpu {b['server_cpu_per_item'] * 1000:.1f} ms/item  other load {b['others']:.1f} CPUs")
            if "B1" in self.only:
                r50, r99 = a["p50"] / b["p50"], a["p99"] / b["p99"]
                ok = r99 <= 1.5 and a["delivered"] == 1.0
                self.say(f"B1 fanout {size} viewers ({mode}): p50 app {ms(a['p50'])} / bare {ms(b['p50'])} = "
                         f"{r50:.2f}x, p99 app {ms(a['p99'])} / bare {ms(b['p99'])} = {r99:.2f}x (target <= 1.5x) "
                         f"delivered {a['delivered']:.3f}  ack p50 {ms(a['ack_p50'])}  "
                         f"loadgen cpu {a['loadgen_cpu']:.1f} s  server cpu app {a['server_cpu_per_item'] * 1000:.1f}"
                         f" / bare {b['server_cpu_per_item'] * 1000:.1f} ms/item  other load {a['others']:.1f} CPUs  "
                         f"{verdict(ok)}")
        if bare["burst"] and "B2" in self.only and min(sizes) == bare["burst"]["viewers"]:
            b, a = bare["burst"], app["burst"]
            self.say(f"B0 bare {mode} burst {b['items']} items x {b['viewers']} viewers: {b['rate']:,.0f} "
                     f"deliveries/s, delivered {b['delivered']:.3f}  loadgen cpu {b['loadgen_cpu']:.1f} s  "
                     f"other load {b['others']:.1f} CPUs")
            ratio = a["rate"] / b["rate"] if b["rate"] else 0.0
            ok = ratio >= 0.5 and a["delivered"] == 1.0
            errors = f"  errors {','.join(a['errors'])}" if a["errors"] else ""
            self.say(f"B2 burst {a['items']} items x {a['viewers']} viewers ({mode}): app {a['rate']:,.0f}/s / bare "
                     f"{b['rate']:,.0f}/s = {ratio:.2f}x (target >= 0.5x) delivered {a['delivered']:.3f}, all acked "
                     f"after {a['acks_done']:.2f} s, positions {'unique' if a['positions_ok'] else 'DUPLICATED'}"
                     f"{errors}  loadgen cpu {a['loadgen_cpu']:.1f} s  server cpu app "
                     f"{a['server_cpu_per_item'] * 1000:.1f} / bare {b['server_cpu_per_item'] * 1000:.1f} ms/item  "
                     f"other load {a['others']:.1f} CPUs  {verdict(ok)}")

    # -- B3 ------------------------------------------------------------------------------------------

    def acks(self, mode: str, database: str) -> None:
        seconds = 5.0 if self.quick else 8.0
        if database == "PostgreSQL":
            with harness.PostgresDatabase() as pg, harness.Server(mode=mode, database_url=pg.url) as server:
                result = asyncio.run(ack_latency(server, seconds=seconds))
        else:
            with harness.Server(mode=mode) as server:
                result = asyncio.run(ack_latency(server, seconds=seconds))
        self.results["acks"][f"{mode} {database}"] = result
        errors = f", errors {','.join(result['errors'])}" if result["errors"] else ""
        self.say(f"B3 acks {result['senders']} rapporteurs x {result['rate']:g} items/s ({mode}, {database}): "
                 f"p50 {ms(result['p50'])}, p99 {ms(result['p99'])}, max {ms(result['max'])}, "
                 f"{result['ok']}/{result['items']} ok{errors}  loadgen cpu {result['loadgen_cpu']:.1f} s  "
                 f"server cpu {result['server_cpu'] / result['items'] * 1000:.1f} ms/item  "
                 f"other load {result['others']:.1f} CPUs")

    # -- B4 ------------------------------------------------------------------------------------------

    def storm(self, mode: str, audience: str = "participants") -> None:
        clients = 200 if self.quick else 500
        with harness.Server(mode=mode) as server:
            r = asyncio.run(Storm(server, clients=clients, audience=audience).run(progress=self.progress))
        self.results["storm"][mode if audience == "participants" else f"{mode} {audience}"] = r
        # "500 clients reconnecting within 5 s all caught up": read as every client caught up at most 5 s
        # after the end of the reconnect window (10 s after the drop), holding exactly the full sequence.
        ok = r["complete"] == r["clients"] and r["gaps"] == 0 and r["duplicates"] == 0 and not r["failed"] \
            and r["caught_clients"] == r["clients"] and r["all_caught_up"] <= r["window"] + STORM_SLACK
        self.say(f"B4 reconnect storm {r['clients']} {audience} ({mode}): reconnected within "
                 f"{r['reconnect_spread']:.1f} s, all caught up {r['all_caught_up']:.2f} s after the drop "
                 f"(per client p50 {ms(r['catch_up_p50'])}, p99 {ms(r['catch_up_p99'])}, max "
                 f"{ms(r['catch_up_max'])}); {r['complete']}/{r['clients']} hold exactly 1..{r['changes']}, "
                 f"gaps {r['gaps']}, duplicates {r['duplicates']} (target: all caught up within "
                 f"{r['window'] + STORM_SLACK:.0f} s, 0 gaps, 0 duplicates)  "
                 f"[redundant deliveries ignored {r['redundant']}, gap syncs {r['gap_syncs']}, snapshots "
                 f"{r['snapshots']}, failed reconnects {r['failed']}, presence events {r['presence_events']:,}]  "
                 f"loadgen cpu {r['loadgen_cpu']:.1f} s  server cpu {r['server_cpu']:.1f} s  "
                 f"other load {r['others']:.1f} CPUs  {verdict(ok)}")

    # -- B5 ------------------------------------------------------------------------------------------

    def report(self) -> None:
        command = [sys.executable, str(BENCH / "report.py")] + (["--runs", "1"] if self.quick else [])
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=max(60, self.left()))
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        for line in lines:
            self.say(f"B5 report: {line}")
        summary = "\n".join(lines)
        growth = re.search(r"t\(4000\)/t\(2000\) = ([\d.]+)", summary)
        ratio = re.search(r"ratio at 2,000 items = ([\d.]+)", summary)
        table = {int(m.group(1)): (float(m.group(2)), float(m.group(3)), float(m.group(4)))
                 for m in re.finditer(r"^\s*(\d+)\s+([\d.]+) ms\s+([\d.]+) ms\s+([\d.]+)", summary, re.M)}
        if done.returncode not in (0, 1) or growth is None or ratio is None:
            raise RuntimeError(f"bench/report.py exited {done.returncode}: {done.stderr[-800:]}")
        self.results["report"] = {"growth": float(growth.group(1)), "ratio": float(ratio.group(1)), "table": table}

    # -- B6 ------------------------------------------------------------------------------------------

    def snapshot(self, mode: str) -> None:
        instance = tempfile.mkdtemp(prefix="facilitator-bench-b6-")
        try:
            runs = 15 if self.quick else 30
            done = subprocess.run([sys.executable, str(BENCH / "snapshot.py"), "--instance", instance, "--runs",
                                   str(runs)], cwd=ROOT, capture_output=True, text=True, timeout=180)
            if done.returncode != 0:
                raise RuntimeError(f"bench/snapshot.py exited {done.returncode}: {done.stderr[-800:]}")
            inside = json.loads(done.stdout.strip().splitlines()[-1])
            with harness.Server(mode=mode, instance=instance) as server:
                trips = asyncio.run(join_round_trips(server.port, inside["room"], runs=runs))
        finally:
            shutil.rmtree(instance, ignore_errors=True)
        self.results["snapshot"] = {"inside": inside, "trips": trips, "mode": mode}
        ok = inside["p99"] + inside["encode_p50"] < 0.1
        self.say(f"B6 snapshot of {inside['items']:,} items: server snapshot() p50 {ms(inside['p50'])}, p99 "
                 f"{ms(inside['p99'])} + JSON "
                 f"{ms(inside['encode_p50'])} (target p99 < 100 ms); join round trip "
                 f"({mode}) p50 {ms(trips['p50'])}, p99 {ms(trips['p99'])}; answer {inside['bytes'] / 1000:,.0f} kB  "
                 f"{verdict(ok)}")
        full, empty = inside["create_full"], inside["create_empty"]
        self.say(f"B6 create in that room: p50 {ms(full['p50'])}, p99 {ms(full['p99'])}, change "
                 f"{full['change_bytes'] / 1000:.1f} kB; in an empty room: p50 {ms(empty['p50'])}, p99 "
                 f"{ms(empty['p99'])}, change {empty['change_bytes'] / 1000:.1f} kB (no target)")

    # -- the run -------------------------------------------------------------------------------------

    def run(self) -> None:
        """The figures the issue asks for first, in the configured mode; extras while time is left."""
        self.progress(f"facilitator benchmarks: {', '.join(sorted(self.only))}; modes {', '.join(self.modes)}; "
                      f"{os.cpu_count()} CPUs, load average {self.load_before[0]:.1f}")
        first = self.modes[0]
        main_sizes = (200,) if self.quick else (200, 500)
        steps = []  # (name, seconds it may take, function, args)
        for mode in self.modes:
            if self.only & {"B0", "B1", "B2"}:
                sizes = main_sizes if mode == first else (200,)
                steps.append((f"B0-B2 ({mode})", 60 if self.quick else 40 + 55 * len(sizes), self.live, (mode, sizes)))
        for mode in self.modes:
            if "B4" in self.only:
                steps.append((f"B4 ({mode})", 80 if mode == "threading" else 45, self.storm, (mode,)))
        for database in ("SQLite", "PostgreSQL"):
            if "B3" in self.only:
                steps.append((f"B3 ({first}, {database})", 25, self.acks, (first, database)))
        if "B6" in self.only:
            steps.append(("B6", 40, self.snapshot, (first,)))
        if "B5" in self.only:
            steps.append(("B5", 35, self.report, ()))
        # Extras: the other mode at 500 viewers and on both databases, to choose the async mode.
        # Logged-in viewers (a person of the event, unlike a participant with the board link) are shown in
        # presence: the storm again with them, for what presence costs.
        if "B4" in self.only and not self.quick:
            for mode in self.modes[::-1]:
                steps.append((f"B4 logged-in ({mode})", 45 if mode == "gevent" else 130, self.storm,
                              (mode, "logged-in")))
        for mode in self.modes[1:]:
            if "B1" in self.only and not self.quick:
                steps.append((f"B1 500 viewers ({mode})", 70, self.live, (mode, (500,), False)))
            for database in ("SQLite", "PostgreSQL"):
                if "B3" in self.only:
                    steps.append((f"B3 ({mode}, {database})", 25, self.acks, (mode, database)))
        for name, needs, step, args in steps:
            if self.affordable(name, needs):
                began = time.monotonic()
                self.guarded(name, step, *args)
                self.progress(f"  ({name} took {time.monotonic() - began:.0f} s; "
                              f"{time.monotonic() - self.started:.0f} s so far)")
        elapsed = time.monotonic() - self.started
        self.results["server_errors"] = list(harness.LOG_ERRORS)
        for label, text in harness.LOG_ERRORS:
            self.progress(f"  server error ({label}): {text.splitlines()[-1][:200]}")
        self.results["elapsed"] = elapsed
        self.results["load_after"] = os.getloadavg()
        recommendation = self.recommend()
        if recommendation:
            self.say(recommendation)
        self.progress(f"suite finished in {elapsed:.0f} s")

    def recommend(self) -> str | None:
        """threading or gevent, from the app's figures in both modes.

        Server CPU per item and the storm's outcome decide first: they hardly move with the machine's other
        load. A latency figure counts only when the rest of the machine used less than NOISY CPUs during
        both of its runs; otherwise it is shown but not counted.
        """
        live = self.results["live"]
        if not all(m in live for m in MODES):
            return None
        t, g = live["threading"]["app"], live["gevent"]["app"]
        points = []  # (name, threading value, gevent value, higher is better, format, counted)

        def quiet(*figures) -> bool:
            return all(f.get("others", 0.0) < NOISY for f in figures)

        for size in sorted(set(t["fanout"]) & set(g["fanout"])):
            a, b = t["fanout"][size], g["fanout"][size]
            points.append((f"server CPU per item, B1 {size} viewers", a["server_cpu_per_item"],
                           b["server_cpu_per_item"], False, ms, True))
            points.append((f"B1 p99, {size} viewers", a["p99"], b["p99"], False, ms, quiet(a, b)))
        if t["burst"] and g["burst"]:
            a, b = t["burst"], g["burst"]
            points.append(("server CPU per item, B2", a["server_cpu_per_item"], b["server_cpu_per_item"], False, ms,
                           True))
            points.append(("B2 deliveries/s", a["rate"], b["rate"], True, lambda v: f"{v:,.0f}", quiet(a, b)))
        for database in ("SQLite", "PostgreSQL"):
            a, b = self.results["acks"].get(f"threading {database}"), self.results["acks"].get(f"gevent {database}")
            if a and b:
                points.append((f"B3 ack p99, {database}", a["p99"], b["p99"], False, ms, quiet(a, b)))
        storms = self.results["storm"]
        if all(m in storms for m in MODES):
            a, b = storms["threading"], storms["gevent"]
            points.append(("B4 clients complete", a["complete"], b["complete"], True, str, True))
            points.append(("B4 server CPU", a["server_cpu"], b["server_cpu"], False, lambda v: f"{v:.1f} s", True))

        def gevent_better(a, b, higher) -> bool:
            return b > a if higher else b < a

        counted = [p for p in points if p[5] and p[1] != p[2]]
        wins = sum(1 for _, a, b, higher, _, _ in counted if gevent_better(a, b, higher))
        choice = "gevent" if wins > len(counted) / 2 else "threading"
        self.results["recommendation"] = {
            "choice": choice, "wins": wins, "counted": len(counted),
            "points": [(name, fmt(a), fmt(b), gevent_better(a, b, higher), counts)
                       for name, a, b, higher, fmt, counts in points]}
        busy = " (machine busy, not counted)"
        detail = "; ".join(f"{name}: threading {fmt(a)} / gevent {fmt(b)}{'' if counts else busy}"
                           for name, a, b, _, fmt, counts in points)
        return f"Async mode: recommend {choice} (gevent better on {wins} of {len(counted)} counted figures): {detail}"


def versions() -> str:
    names = ("Flask", "Flask-SocketIO", "python-socketio", "python-engineio", "Werkzeug", "simple-websocket",
             "gevent", "gevent-websocket", "SQLAlchemy", "psycopg")
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer items and viewers, threading only")
    parser.add_argument("--only", default="", help="comma-separated figures, e.g. B1,B4")
    parser.add_argument("--modes", default=None, help="comma-separated async modes (threading,gevent)")
    docs = parser.add_mutually_exclusive_group()
    docs.add_argument("--docs", action="store_true", help="write docs/performance.md even for a partial run")
    docs.add_argument("--no-docs", action="store_true", help="do not write docs/performance.md")
    parser.add_argument("--json", default=None, help="also write the raw figures to this JSON file")
    args = parser.parse_args()
    if args.modes is None:
        # The configured mode first: it gets the main figures (500 viewers, B3, B6); the other is compared.
        from facilitator.config import Config

        configured = Config.SOCKETIO_ASYNC_MODE
        args.modes = configured if args.quick else ",".join([configured, *(m for m in MODES if m != configured)])

    atexit.register(harness.stop_all)

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    suite = Suite(args)
    try:
        suite.run()
    finally:
        harness.stop_all()
    if args.json:
        Path(args.json).write_text(json.dumps({**suite.results, "lines": suite.lines}, indent=1, default=str))
    full = not args.quick and not args.only
    if (full or args.docs) and not args.no_docs:
        from perfdoc import write

        write(DOC, suite, machine={
            "cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "versions": versions(),
            "load_before": suite.load_before, "load_after": suite.results["load_after"],
        })
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 1 if suite.results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
