"""Benchmark for the Word outcome report (facilitator/writer/report.py).

    python bench/report.py              # 500, 1,000, 2,000 and 4,000 items, best of 3 runs each
    python bench/report.py --runs 5

For each size a synthetic Report (6 workshops x 3 categories, ~30 statements with merged items as their
sources, a programme of 8 sessions) is written with build_report, and the same item texts are written by
a naive python-docx script (`add_paragraph(text, style="List Bullet")` per item into `docx.Document()`,
saved to memory) in the same run. Targets (DESIGN.md): build_report at most 0.6x the naive time at 2,000
items, and t(4000)/t(2000) at most 2.2. Exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from datetime import date
from datetime import time as clock
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import docx  # noqa: E402

from facilitator.writer.model import (  # noqa: E402
    Report,
    ReportCategory,
    ReportItem,
    ReportSection,
    ReportSession,
    ReportSource,
    ReportStatement,
    ReportWorkshop,
)
from facilitator.writer.report import build_report  # noqa: E402

SIZES = (500, 1000, 2000, 4000)
WORDS = ("information sharing between judicial authorities needs to be increased even if spontaneous "
         "financial investigations should be conducted more frequently cryptocurrencies hawala joint "
         "investigation teams data protection trust networks funding Обмін інформацією İstanbul "
         "تبادل المعلومات 📊 language barriers liaison prosecutors & <b>markup</b>").split()
CATEGORIES = ("Challenges", "Good practices", "Recommendations")
SECTIONS = (("conclusion", "Conclusions"), ("recommendation", "Recommendations"),
            ("good_practice", "Good practices"))


def sentence(rng: random.Random, i: int) -> str:
    return f"{i}. " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))


def make_report(n_items: int, seed: int = 1) -> Report:
    """A report with `n_items` captured items, about 90 of them merged into 30 statements."""
    rng = random.Random(seed)
    texts = [sentence(rng, i) for i in range(n_items)]
    workshops = [ReportWorkshop(number=w + 1, title=f"Workshop topic {w + 1}", description=sentence(rng, -1),
                                questions=[sentence(rng, -2) for _ in range(3)],
                                rapporteurs=["Ana Pérez", "Jan Novák"],
                                categories=[ReportCategory(name) for name in CATEGORIES])
                 for w in range(6)]
    sections = [ReportSection(key, name) for key, name in SECTIONS]
    statements = []
    for s in range(30):
        section = sections[s % 3]
        st = ReportStatement(number=f"({chr(ord('a') + len(section.statements))})", text=sentence(rng, -3),
                             votes=rng.randint(0, 20))
        section.statements.append(st)
        statements.append((section.name, st))
    for i, text in enumerate(texts):
        workshop = workshops[i % 6]
        category = workshop.categories[(i // 6) % 3]
        room = f"Round {i % 3 + 1}"
        item = ReportItem(text=text, room=room, key_point=i % 10 == 0)
        if i % (max(n_items // 90, 1)) == 0 and i // max(n_items // 90, 1) < 90:  # ~90 merged items
            name, st = statements[(i // max(n_items // 90, 1)) % 30]
            item.statement_ref = f"{name} {st.number}"
            st.sources.append(ReportSource(text=text, room=f"Workshop {workshop.number}, {room}"))
        category.items.append(item)
    sessions = [ReportSession(kind="Panel", title=f"Session {k + 1}", day=date(2026, 3, 10 + k // 4),
                              start=clock(9 + k % 4 * 2, 0), end=clock(10 + k % 4 * 2, 30),
                              chair="Chair Person", speakers=["Speaker A", "Speaker B"],
                              questions=[sentence(rng, -4)], summary=sentence(rng, -5))
                for k in range(8)]
    return Report(title="Benchmark meeting", subtitle="Outcome report", venue="The Hague",
                  dates="10-11 March 2026", organisers=["Organiser"], introduction=sentence(rng, -6),
                  disclaimer="", conclusions=sentence(rng, -7), sessions=sessions, workshops=workshops,
                  sections=sections, draft_label="Draft of 11 March 2026, 17:42")


def naive(texts: list[str]) -> bytes:
    doc = docx.Document()
    for text in texts:
        doc.add_paragraph(text, style="List Bullet")
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def timed(fn, *args) -> float:
    gc.collect()  # start each run from the same heap; GC stays on, as in production
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per timing; the best is kept (default 3)")
    args = parser.parse_args()
    build_report(make_report(50))  # warm-up: imports, default template styles cache
    reports = {n: make_report(n) for n in SIZES}
    # build_report's runs are interleaved across sizes so a burst of load on a shared machine hits every
    # size alike (the growth ratio compares them); the naive script takes seconds per run and goes after.
    ours = {n: float("inf") for n in SIZES}
    for _ in range(args.runs):
        for n in SIZES:
            ours[n] = min(ours[n], timed(build_report, reports[n]))
    ratios: dict[int, float] = {}
    print(f"{'items':>6}  {'build_report':>13}  {'naive':>11}  {'ratio':>6}")
    for n in SIZES:
        texts = [item.text for ws in reports[n].workshops for cat in ws.categories for item in cat.items]
        base = min(timed(naive, texts) for _ in range(args.runs))
        ratios[n] = ours[n] / base
        print(f"{n:>6}  {ours[n] * 1000:>10.1f} ms  {base * 1000:>8.1f} ms  {ratios[n]:>6.3f}", flush=True)
    growth = ours[4000] / ours[2000]
    print(f"t(4000)/t(2000) = {growth:.2f} (target <= 2.2); ratio at 2,000 items = {ratios[2000]:.3f} "
          f"(target <= 0.6)")
    ok = ratios[2000] <= 0.6 and growth <= 2.2
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
