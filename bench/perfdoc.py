"""Write docs/performance.md from one run of bench/run.py: the machine, the figures against their targets,
why a target was missed, threading against gevent, and what in the app limits performance.

Every number in the page comes from the run that wrote it; the reasoning around the numbers is fixed text
that names the figure it rests on.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ms(seconds: float | None) -> str:
    if seconds is None or seconds != seconds:
        return "n/a"
    value = seconds * 1000
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def per_item(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


class Page:
    def __init__(self, suite, machine: dict):
        self.suite, self.r, self.machine = suite, suite.results, machine
        self.rows: list[tuple[str, str, str, str]] = []
        self.missed: list[str] = []

    # -- the table -----------------------------------------------------------------------------------

    def row(self, figure: str, measured: str, target: str, ok: bool | None, why: str | None = None,
            others: float | None = None) -> None:
        state = "—" if ok is None else ("met" if ok else "**missed**")
        load = "" if others is None else f"{others:.1f}"
        self.rows.append((figure, measured, target, state, load))
        if ok is False and why:
            why = why.rstrip()
            if others is not None and others >= 0.5:
                why += (f" During this figure the machine's other processes kept {others:.1f} CPUs busy on "
                        f"average (of {self.machine['cpus']}).")
            self.missed.append(f"**{figure}.** {why}")

    def live_rows(self) -> None:
        for mode, kinds in self.r["live"].items():
            bare, app = kinds["bare"], kinds["app"]
            for size in sorted(app["fanout"]):
                a, b = app["fanout"][size], bare["fanout"][size]
                ratio = a["p99"] / b["p99"]
                ok = ratio <= 1.5 and a["delivered"] == 1.0
                self.row(f"B1 fan-out, {size} viewers, {mode}",
                         f"p99 app {ms(a['p99'])} / bare {ms(b['p99'])} = {ratio:.2f}x; p50 {ms(a['p50'])} / "
                         f"{ms(b['p50'])} = {a['p50'] / b['p50']:.2f}x; delivered {a['delivered']:.3f}",
                         "p99 <= 1.5x bare, delivered 1.0", ok, self.why_fanout(mode, size, a, b),
                         max(a["others"], b["others"]))
            if app["burst"] and bare["burst"]:
                a, b = app["burst"], bare["burst"]
                ratio = a["rate"] / b["rate"] if b["rate"] else 0.0
                ok = ratio >= 0.5 and a["delivered"] == 1.0
                errors = f"; errors: {', '.join(a['errors'])}" if a["errors"] else ""
                self.row(f"B2 burst, 200 items x {a['viewers']} viewers, {mode}",
                         f"app {a['rate']:,.0f} / bare {b['rate']:,.0f} deliveries/s = {ratio:.2f}x; "
                         f"delivered {a['delivered']:.4f}{errors}",
                         ">= 0.5x bare", ok, self.why_burst(mode, a, b), max(a["others"], b["others"]))

    def why_fanout(self, mode: str, size: int, a: dict, b: dict) -> str:
        text = (f"The bare server re-emits a post at once; the app broadcasts only after its write path "
                f"(authorize, validate, insert, commit) is done. In this run the app's ack took {ms(a['ack_p50'])} "
                f"at the median, and the server spent {per_item(a['server_cpu_per_item'])} of CPU per item against "
                f"{per_item(b['server_cpu_per_item'])} for the bare server. ")
        if mode == "threading":
            text += ("In threading mode every Socket.IO event is handled in a new thread and every connection has "
                     "its own writer thread; the app's extra CPU per item is GIL time that the writer threads "
                     "delivering the previous change have to wait for, so the tail grows more than the median. ")
            other = self.r["live"].get("gevent", {}).get("app", {}).get("fanout", {}).get(size)
            other_bare = self.r["live"].get("gevent", {}).get("bare", {}).get("fanout", {}).get(size)
            if other and other_bare:
                text += (f"The same app in gevent mode reached p99 {ms(other['p99'])} "
                         f"({other['p99'] / other_bare['p99']:.2f}x its bare server) in this run. ")
        else:
            text += ("In gevent mode the write path runs on the one hub that also delivers the changes: while an "
                     "item is authorized, validated, written and committed (SQLite calls do not yield), deliveries "
                     "wait, so the app's write time adds to the tail as it does to the median. ")
        return text

    def why_burst(self, mode: str, a: dict, b: dict) -> str:
        text = (f"A burst is bounded by how fast the app commits one item after another: the 200 acks took "
                f"{a['acks_done']:.2f} s ({a['acks_done'] / a['items'] * 1000:.1f} ms per item) and the server "
                f"spent {per_item(a['server_cpu_per_item'])} of CPU per item against "
                f"{per_item(b['server_cpu_per_item'])} for the bare server, which only re-emits. ")
        creates = self.r.get("snapshot", {}).get("inside", {})
        if creates and self.create_grows(creates):
            text += (f"Each create also costs more as its category grows (B6: {ms(creates['create_empty']['p50'])} "
                     f"in an empty room, {ms(creates['create_full']['p50'])} in a room of 2,000 items). ")
        elif creates:
            text += (f"In-process a create takes {ms(creates['create_empty']['p50'])} with "
                     f"{creates['create_empty'].get('statements', 0):.0f} SQL statements (B6). ")
            if creates["create_empty"]["p50"] > b["server_cpu_per_item"]:
                text += (f"Reaching 0.5x would need the app's whole extra work per item (authorize, validate, "
                         f"write, commit) to fit in the {per_item(b['server_cpu_per_item'])} the bare server spends "
                         f"on a re-emit, less than one create takes on its own. Committing a burst's creates in "
                         f"fewer transactions (each ack still after its commit) would be the way; not done yet: a "
                         f"refused item in such a batch must not undo the others. ")
        if "server_error" in a["errors"]:
            text += ("Some creates failed with `server_error` (`database is locked`, see the server errors "
                     "below): 200 handler threads queue for SQLite's write lock, each holding it across Python "
                     "work, and one waited longer than the 5 s busy timeout. ")
        if "rate_limited" in a["errors"]:
            text += "Some creates were refused as `rate_limited` by the per-socket event budget. "
        return text

    def other_rows(self) -> None:
        for name, a in self.r["acks"].items():
            mode, database = name.split(" ", 1)
            errors = f"; errors: {', '.join(a['errors'])}" if a["errors"] else ""
            self.row(f"B3 acks, 12 rapporteurs x {a['rate']:g} items/s, {database}, {mode}",
                     f"p50 {ms(a['p50'])}, p99 {ms(a['p99'])}, max {ms(a['max'])}; {a['ok']}/{a['items']} ok{errors}",
                     "(no target: reported)", None, others=a["others"])
        slack = self.suite_slack()
        for mode, s in self.r["storm"].items():
            ok = (s["complete"] == s["clients"] and s["gaps"] == 0 and s["duplicates"] == 0 and not s["failed"]
                  and s["caught_clients"] == s["clients"] and s["all_caught_up"] <= s["window"] + slack)
            self.row(f"B4 reconnect storm, {s['clients']} {s.get('audience', 'clients')}, {mode.split()[0]}",
                     f"reconnected within {s['reconnect_spread']:.1f} s; all caught up {s['all_caught_up']:.1f} s "
                     f"after the drop (per client p50 {ms(s['catch_up_p50'])}, p99 {ms(s['catch_up_p99'])}); "
                     f"{s['complete']}/{s['clients']} hold exactly 1..{s['changes']}; gaps {s['gaps']}, "
                     f"duplicates {s['duplicates']}",
                     f"all caught up within {s['window'] + slack:.0f} s of the drop; 0 gaps, 0 duplicates", ok,
                     self.why_storm(mode, s), s["others"])
        report = self.r.get("report")
        if report:
            self.row("B5 report, 2,000 items to .docx", f"{report['ratio']:.3f}x the naive python-docx script",
                     "<= 0.6x", report["ratio"] <= 0.6, "See bench/report.py.")
            self.row("B5 report, 4,000 / 2,000 items", f"{report['growth']:.2f}", "<= 2.2", report["growth"] <= 2.2,
                     "See bench/report.py.")
        snap = self.r.get("snapshot")
        if snap:
            inside, trips = snap["inside"], snap["trips"]
            ok = inside["p99"] + inside["encode_p50"] < 0.1
            self.row("B6 snapshot of a room with 2,000 items",
                     f"server: snapshot() p50 {ms(inside['p50'])}, p99 {ms(inside['p99'])}, + JSON "
                     f"{ms(inside['encode_p50'])}; join round trip ({snap['mode']}) p50 {ms(trips['p50'])}, p99 "
                     f"{ms(trips['p99'])}; {inside['bytes'] / 1000:,.0f} kB",
                     "well under 100 ms (read as: server p99 < 100 ms)", ok, self.why_snapshot(inside))
            full, empty = inside["create_full"], inside["create_empty"]
            self.row("B6 create in that room (server side)",
                     f"p50 {ms(full['p50'])}, change {full['change_bytes'] / 1000:.1f} kB; empty room: p50 "
                     f"{ms(empty['p50'])}, change {empty['change_bytes'] / 1000:.1f} kB", "(no target: reported)", None)

    def suite_slack(self) -> float:
        from live import STORM_SLACK

        return STORM_SLACK

    def why_storm(self, mode: str, s: dict) -> str:
        text = (f"During the storm the server spent {s['server_cpu']:.1f} s of CPU in {s['wall']:.1f} s; the last "
                f"reconnect was {s['reconnect_spread']:.1f} s after the drop (the clients spread theirs over "
                f"{s['window']:.0f} s). ")
        if s["presence_events"]:
            text += (f"The {s['clients']} reconnected clients received {s['presence_events']:,} `presence` events "
                     f"against {s['changes']} changes: every join and every disconnect of a logged-in user sends "
                     f"the room's whole presence list to everyone in the room, so N reconnects cost about 2 x N x N "
                     f"messages. ")
        if mode.startswith("threading"):
            text += ("In threading mode every connection holds ~3 threads (request, WebSocket reader, writer) and "
                     "every event starts one more, so 500 reconnects at once contend for the GIL with the "
                     "deliveries to everyone already back. ")
        if s["failed"]:
            text += f"{s['failed']} clients could not reconnect ({'; '.join(sorted(set(s['failures'])))}). "
        return text

    def why_snapshot(self, inside: dict) -> str:
        text = (f"snapshot() p50 is {ms(inside['p50'])}: it reads the {inside['items']:,} items with their category, "
                f"author and statement as plain rows in one query and makes a dict of each. "
                f"The answer is {inside['bytes'] / 1000:,.0f} kB of JSON ({ms(inside['encode_p50'])} more to "
                f"encode). ")
        if inside["p50"] < 0.1:
            text += (f"The median is well under 100 ms; the p99 ({ms(inside['p99'])}) is the slowest of a few runs "
                     "on this shared machine, several times the median.")
        return text

    def loadgen_share(self) -> str:
        shares = []
        for mode, kinds in self.r["live"].items():
            for kind, found in kinds.items():
                for size, f in found["fanout"].items():
                    if f.get("wall"):
                        shares.append((f["loadgen_cpu"] / f["wall"], f"B1 {size} viewers, {kind} {mode}"))
        for mode, s in self.r["storm"].items():
            shares.append((s["loadgen_cpu"] / s["wall"], f"B4 {mode}"))
        if not shares:
            return ""
        share, where = max(shares)
        return (f"at most {share:.0%} of one core while measuring ({where}), so the load generator is not the "
                "bottleneck.")

    # -- the page ------------------------------------------------------------------------------------

    def mode_section(self) -> list[str]:
        rec = self.r.get("recommendation")
        if not rec:
            return ["Only one async mode was measured in this run."]
        lines = ["| figure (the app) | threading | gevent | better | counted |", "|---|---|---|---|---|"]
        for name, a, b, gevent_better, counts in rec["points"]:
            better = "—" if a == b else ("gevent" if gevent_better else "threading")
            lines.append(f"| {name} | {a} | {b} | {better} | {'yes' if counts else 'no: machine busy'} |")
        lines += ["", "Server CPU per item and the storm's outcome are counted always: they hardly move with the "
                  "rest of the machine's load. A latency figure is counted only when the machine's other processes "
                  "kept less than 0.5 CPUs busy during both of its runs.", ""]
        bare = {m: self.r["live"][m]["bare"] for m in self.r["live"]}
        if all(m in bare for m in ("threading", "gevent")) and 200 in bare["threading"]["fanout"]:
            t, g = bare["threading"]["fanout"][200], bare["gevent"]["fanout"][200]
            lines.append(f"The bare servers show the same for the stack itself: p99 at 200 viewers {ms(t['p99'])} "
                         f"(threading) against {ms(g['p99'])} (gevent), and {per_item(t['server_cpu_per_item'])} "
                         f"against {per_item(g['server_cpu_per_item'])} of server CPU per item.")
            lines.append("")
        choice = rec["choice"]
        winner = rec["wins"] if choice == "gevent" else rec["counted"] - rec["wins"]
        lines.append(f"**Recommendation: {choice}** (better on {winner} of the {rec['counted']} counted figures).")
        from facilitator.config import Config

        if choice == Config.SOCKETIO_ASYNC_MODE:
            lines += ["", f"The app is configured for {choice} (`SOCKETIO_ASYNC_MODE` in `facilitator/config.py`)."]
            if choice == "gevent":
                lines[-1] += (" `facilitator run` monkey-patches first thing (`facilitator/__main__.py`) and "
                              "production runs gunicorn's gevent worker (docs/deployment.md). SQLite calls are not "
                              "cooperative: while one runs, the whole hub waits. psycopg 3 works under the "
                              "monkey-patching"
                              f"{self.gevent_pg()}.")
        else:
            lines += ["", f"**The app is configured for {Config.SOCKETIO_ASYNC_MODE}, not {choice}**: change "
                          "`SOCKETIO_ASYNC_MODE` in `facilitator/config.py` and how the server starts "
                          "(docs/deployment.md)."]
        return lines

    @staticmethod
    def create_grows(inside: dict) -> bool:
        full, empty = inside["create_full"], inside["create_empty"]
        return full["p50"] > 1.5 * empty["p50"] or full["change_bytes"] > 2 * empty["change_bytes"]

    def gevent_pg(self) -> str:
        a = self.r["acks"].get("gevent PostgreSQL")
        return f" (B3 on PostgreSQL in gevent mode: p50 {ms(a['p50'])}, p99 {ms(a['p99'])})" if a else ""

    def limits_section(self) -> list[str]:
        """Only what this run's figures show, each with the figure it rests on."""
        lines = []
        snap = self.r.get("snapshot", {}).get("inside")
        acks = self.r["acks"]
        live = self.r["live"]
        if snap:
            empty = snap["create_empty"]
            sqlite = next((a for name, a in acks.items() if name.endswith("SQLite")), None)
            text = (f"- **The write path is the cost the bare server does not have.** In-process, one `mutate` "
                    f"create takes {ms(empty['p50'])} and runs {empty.get('statements', 0):.0f} SQL statements in "
                    f"{empty.get('flushes', 0):.0f} ORM flush (B6, empty room: the lookups of the room with its "
                    f"workshop, the user, the roles, the mutation id, the item id, the category and the last "
                    f"position; the sequence bump; then the item, its revision, the change log and the mutation "
                    f"ledger written in one flush at commit).")
            for mode, kinds in live.items():
                a, b = kinds["app"]["fanout"].get(200), kinds["bare"]["fanout"].get(200)
                if a and b:
                    text += (f" In B1 at 200 viewers ({mode}) the server spent {per_item(a['server_cpu_per_item'])} "
                             f"of CPU per item against {per_item(b['server_cpu_per_item'])} for the bare server.")
            if sqlite:
                text += (f" With no viewers (B3, SQLite) the write path alone costs "
                         f"{per_item(sqlite['server_cpu'] / sqlite['items'])} of server CPU per item.")
            text += (" The broadcast starts only after the commit, so this time comes before the fan-out in B1 and "
                     "bounds B2. What is left is one short query per check the rules need; keeping the room, "
                     "user, roles and category per socket would save four more, at the price of acting on stale "
                     "roles when the secretariat changes them during a session.")
            lines.append(text)
            full = snap["create_full"]
            if self.create_grows(snap):
                lines.append(
                    f"- **A create costs more as its room grows.** B6: {ms(empty['p50'])} in an empty room, "
                    f"{ms(full['p50'])} in a room of 2,000 items; its `change` grows from "
                    f"{empty['change_bytes'] / 1000:.1f} kB to {full['change_bytes'] / 1000:.1f} kB, sent to every "
                    f"viewer.")
        lines.append(
            "- **Garbage collection stops the whole hub.** Checked outside the suite, with a `gc.callbacks` probe in "
            "the B1 servers (gevent): before `settle_for_serving` (facilitator/app.py) the app server's full "
            "collections took 89-138 ms during B1, the bare server's 47-55 ms. With it (start-up objects frozen "
            "out of the collector, full passes ten times rarer) none ran while B1 measured. Both servers run with "
            "it, as `facilitator run` and wsgi.py do.")
        storms = self.r["storm"]
        for mode in ("threading", "gevent"):
            logged, plain = storms.get(f"{mode} logged-in"), storms.get(mode)
            if logged and plain and logged["presence_events"] > logged["clients"]:
                lines.append(
                    f"- **Presence is sent to the whole room on every join and disconnect of a listed user.** B4 "
                    f"({mode}) with logged-in viewers: {logged['presence_events']:,} presence events, server CPU "
                    f"{logged['server_cpu']:.1f} s, last reconnect {logged['reconnect_spread']:.1f} s after the drop; "
                    f"with participants: {plain['presence_events']:,}, {plain['server_cpu']:.1f} s, "
                    f"{plain['reconnect_spread']:.1f} s.")
                break
        errors = [e for _, e in self.r.get("server_errors", []) if "database is locked" in e]
        if errors:
            lines.append(
                "- **SQLite's write lock is held across Python work while many handler threads wait.** In threading "
                "mode each event gets a thread; during a burst 200 of them queue for SQLite's single writer, and "
                "the write transaction (opened by the first INSERT in `flush`, closed by `commit`) spans ORM work "
                "under the GIL. This run logged `sqlite3.OperationalError: database is locked` after the 5 s busy "
                "timeout (answered `server_error`, so nothing was lost and the client may resend). One lock around "
                "the write path per process, or shorter write transactions, would avoid the timeouts.")
        env = ROOT / "migrations" / "env.py"
        if env.exists() and "fileConfig(" in env.read_text() and "disable_existing_loggers" not in env.read_text():
            lines.append(
                "- **Handler errors are not logged under `facilitator run`.** `migrations/env.py` calls "
                "`fileConfig(...)` without `disable_existing_loggers=False`, so `upgrade()` disables the app's own "
                "loggers (`facilitator.realtime.answers` among them) and `log.exception(...)` in `answers` prints "
                "nothing. bench/serve.py turns them back on to see server errors.")
        lines.append(self.limiter_note())
        checked = self.checked()
        if checked:
            lines += ["", "Checked in this run and not limiting:", "", *checked]
        return lines

    def checked(self) -> list[str]:
        """Things that limited the app in earlier runs, or could, shown not to in this one."""
        found = []
        snap = self.r.get("snapshot", {}).get("inside")
        if snap and not self.create_grows(snap):
            full, empty = snap["create_full"], snap["create_empty"]
            found.append(f"- A create does not depend on the room's size: B6 {ms(full['p50'])} in a room of 2,000 "
                         f"items, {ms(empty['p50'])} in an empty one; its `change` is {full['change_bytes'] / 1000:.1f}"
                         f" kB in both.")
        for name, s in self.r["storm"].items():
            if name.endswith("logged-in") and s["presence_events"] <= s["clients"]:
                found.append(f"- Presence does not grow with the audience: {s['clients']} logged-in viewers "
                             f"reconnecting (B4, {name.split()[0]}) received {s['presence_events']:,} presence "
                             f"events.")
                break
        bursts = [kinds["app"]["burst"] for kinds in self.r["live"].values() if kinds["app"].get("burst")]
        if bursts and all(b["positions_ok"] and not b["errors"] for b in bursts):
            found.append("- 200 creates at once on one socket (B2): every one acked, no `server_error`, and the "
                         "items' positions stay distinct.")
        if not self.r.get("server_errors"):
            found.append("- No server logged an error during the run.")
        return found

    @staticmethod
    def limiter_note() -> str:
        try:
            from facilitator.services.throttle import EVENTS_PER_SOCKET as events
            from facilitator.services.throttle import SNAPSHOTS_PER_SOCKET as snapshots

            budget = (f"{events.limit} events per socket per {events.window:g} s and {snapshots.limit} snapshot calls "
                      f"(join, sync) per socket per {snapshots.window:g} s")
        except Exception:  # noqa: BLE001 - the note stays useful without the numbers
            budget = "events and snapshot calls per socket"
        return ("- **Rate limits.** The app limits failed logins per account and per address, "
                f"{budget}, and snapshot calls per address. All the load comes from 127.0.0.1, as a venue behind one "
                "NAT would, so the benchmark servers raise the per-address snapshot budget "
                "(SNAPSHOTS_PER_ADDRESS_PER_MINUTE) out of reach; every call is still counted. The benchmark sends "
                "each B2 burst on a fresh connection, as an outbox flushing after a reconnect would.")

    def render(self) -> str:
        m, r = self.machine, self.r
        self.live_rows()
        self.other_rows()
        from facilitator.config import Config

        out = [
            "# Performance",
            "",
            "Measured by `python bench/run.py` (scripts in `bench/`, never by timed tests); this page is written "
            "by that script from its latest full run. Targets come from DESIGN.md, \"Performance targets\".",
            "",
            "## Machine and run",
            "",
            f"- {m['cpus']} CPUs (`os.cpu_count()`), Python {m['python']}, {m['platform']}",
            f"- Date: {m['date']}; the suite took {r.get('elapsed', 0):.0f} s",
            f"- Async mode configured in `facilitator/config.py`: `{Config.SOCKETIO_ASYNC_MODE}`; this run measured "
            f"{', '.join(self.suite.modes)}",
            f"- {m['versions']}",
            f"- The machine is shared and noisy: other processes were running during the run (1-minute load "
            f"average {m['load_before'][0]:.1f} before, {m['load_after'][0]:.1f} after, on {m['cpus']} CPUs). "
            "Absolute times move from run to run; the ratios compare the app with the bare server measured in the "
            "same run, the two taking turns, so that most of the noise falls on both.",
            "",
            "## Latest figures",
            "",
            "| figure | measured | target | | other load (CPUs) |",
            "|---|---|---|---|---|",
            *[f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in self.rows],
            "",
            "*Other load*: CPU time used by every other process of the machine while the figure was measured "
            "(from /proc/stat, less the server's and the load generator's own), in CPUs busy on average. "
            "Above ~0.5 a latency figure says more about the machine than about the app.",
            "",
        ]
        if r["skipped"]:
            out += [f"Skipped for lack of time in this run: {', '.join(r['skipped'])}.", ""]
        if r["errors"]:
            out += ["Failed in this run: " + "; ".join(f"{k}: {v}" for k, v in r["errors"].items()), ""]
        out += ["## Why targets were missed", ""]
        out += ([f"{text}\n" for text in self.missed] or ["Every target with a threshold was met in this run.", ""])
        out += ["## threading or gevent", "", *self.mode_section(), "", "## What limits the app", "",
                *self.limits_section(), ""]
        if r.get("server_errors"):
            out += ["Server errors logged during the run (first of each server):", "", "```"]
            out += [f"[{label}] {text}" for label, text in r["server_errors"]]
            out += ["```", ""]
        out += [
            "## How it is measured",
            "",
            "- **Servers.** `bench/serve.py` serves the app as `facilitator run --demo` does (migrate, load the "
            "demo, `socketio.run`), with `SOCKETIO_ASYNC_MODE` set per run (gevent: monkey-patched first), each "
            "on a fresh SQLite file or a fresh PostgreSQL database (`facilitator_bench_<random>`, dropped "
            "afterwards). The bare server (B0) is the same stack, Flask + Flask-SocketIO on the same web server "
            "for the mode, whose `post` handler only re-emits its payload to the room and acks; its payload is a "
            "copy of the app's latest `change` (new id, text and seq), so both fan out messages of the same size. "
            "Servers run in their own process groups and are stopped at the end, also on errors.",
            "- **Load generator.** `bench/sioclient.py` speaks Engine.IO 4 / Socket.IO 5 over a raw WebSocket "
            "on asyncio: frames are parsed in `data_received`, a `change` is timed on arrival and its `seq` read "
            "with a regular expression, so hundreds of viewers fit on one loop in one process. The sender and "
            "the viewers share that loop; post and receipt times come from the same `time.perf_counter()`. "
            "The load generator's own CPU time (`time.process_time()`) is printed with every figure; "
            f"{self.loadgen_share()}",
            "- **B1** sends 200 items at 10/s (four chunks of 50, the app and the bare server taking turns, "
            "in alternating order; 5 warm-up items first) to 200, then 500, viewers joined to one room. The "
            "viewers are participants, as a conference audience is: no account, the room's board link opened "
            "(`/b/<token>`); the sender is the demo `rapporteur`. p50/p99 are over every (item, viewer) pair. "
            "**B2** writes 200 `mutate` creates at once on a fresh connection without waiting for acks, twice; "
            "deliveries per second = deliveries / time from the first write to the last delivery. **B3**: the "
            "demo secretariat on 12 connections, one per room, each posting 5 items/s (60/s in all) for 8 s; "
            "latency from send to ack. **B4**: 500 viewers joined (participants, then again logged in as the "
            "demo `viewer`); the sender posts 10 items/s; after 3 s every viewer drops its connection and "
            "reconnects at a random moment within 5 s, joining with its last `seq`; each viewer applies changes "
            "as docs/protocol.md says (ignore a `seq` already applied, wait 1 s for a missing one, then `sync`). "
            "A viewer is caught up when it has applied every change acked before its rejoin. **B5** runs "
            "bench/report.py. **B6** seeds 2,000 items into one room, times `capture.snapshot(room)` in-process "
            "(the app's TestConfig, a fresh session per run, after 3 warm-up runs and `settle_for_serving` as a "
            "server does), then serves that database "
            "and times the `join` round trip with `since: null`.",
            "",
            "## Output of the run",
            "",
            "```",
            *self.suite.lines,
            "```",
            "",
        ]
        return "\n".join(out)


def write(path: Path, suite, machine: dict) -> None:
    path.write_text(Page(suite, machine).render(), encoding="utf-8")
