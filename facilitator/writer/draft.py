"""The report's writer: the draft, with its traceability (source lines under statements, the rooms of items,
a draft label), and the pieces the final report (final.py) shares with it.

It appends paragraphs and tables straight to the document body with pre-resolved style ids (elements.py, styles.py).
"""

from __future__ import annotations

from ..formatting import day_label, time_range
from .elements import SE, Footnotes, add_page_break, add_par, add_run, add_toc, w
from .model import Report, ReportCategory, ReportSession, ReportWorkshop
from .narrative import parse
from .text import blocks, clean

DEFAULT_DISCLAIMER = (
    "The outcomes below were captured in the workshops as the participants expressed them; they do not "
    "necessarily reflect the official views of the organisers."
)
TOC_PLACEHOLDER = "Right-click to update the table of contents"
TOC_INSTRUCTION = r'TOC \o "1-3" \h \z \u'
_ANNEX_COLUMNS = (("Day", 1900), ("Time", 1300), ("Session", 3200), ("Chair / speakers", 2670))  # twips


class DraftWriter:
    """Writes a report into a document body; `write` lays out the draft."""

    cover, cover_lines = None, []  # the draft has no back cover

    def __init__(self, body, styles: dict[str, str], notes: Footnotes, numbered: bool = False):
        self.body, self.s, self.notes, self.numbered = body, styles, notes, numbered
        self.headings: list[tuple[str, str]] = []  # (TOC style, text), for the table of contents
        self.counters = [0, 0]  # chapter, section: for "2.1" when headings are numbered

    def par(self, style: str, *runs):
        p = add_par(self.body, self.s[style], *runs)
        if style in ("Heading 1", "Heading 2"):
            text = "".join(r if isinstance(r, str) else r[0] for r in runs)
            self.headings.append((self.s["TOC 1" if style == "Heading 1" else "TOC 2"], text))
        return p

    def heading(self, level: int, text: str, numbered: bool = True) -> None:
        """Heading 1 or 2, with its number ("2.", "2.1") in front when the report numbers headings."""
        if level == 1:
            self.counters = [self.counters[0] + numbered, 0]
        elif numbered:
            self.counters[1] += 1
        if self.numbered and numbered:
            text = f"{self.counters[0]}. {text}" if level == 1 else f"{self.counters[0]}.{self.counters[1]} {text}"
        self.par(f"Heading {level}", text)

    def text(self, text: str, style: str = "Normal") -> None:
        """Typed text (narrative.py): paragraphs in `style`, bullets on two levels, bold, footnotes."""
        for block in parse(text):
            name = ("List Bullet 2" if block.level else "List Bullet") if block.bullet else style
            p = add_par(self.body, self.s[name])
            for span in block.spans:
                if span.note:
                    self.notes.add(p, span.text)
                elif span.text:
                    add_run(p, span.text, self.s["Strong"] if span.bold else None)

    def bullets(self, label: str, lines: list[str]) -> None:
        lines = [line for line in lines if clean(line).strip()]
        if lines:
            self.par("Normal", label)
            for line in lines:
                self.par("List Bullet", line)

    def write(self, report: Report) -> None:
        self.title_page(report)
        self.contents()
        self.heading(1, "Introduction", numbered=False)
        self.text(report.introduction)
        self.heading(1, "Programme and session summaries")
        for session in report.sessions:
            self.session(session)
        if not report.sessions:
            self.par("Normal", "No programme was recorded.")
        self.heading(1, "Outcomes of the workshops")
        for _, block in blocks(report.disclaimer) or [(False, DEFAULT_DISCLAIMER)]:
            self.par("Disclaimer", block)
        for workshop in report.workshops:
            self.workshop(workshop)
        if not report.workshops:
            self.par("Normal", "No workshop outcomes were recorded.")
        self.conclusions(report)
        self.annex(report)
        add_toc(self.toc, TOC_INSTRUCTION, self.headings, TOC_PLACEHOLDER)

    def title_page(self, report: Report) -> None:
        self.par("Title", report.title or "Outcome report")
        if clean(report.subtitle).strip():
            self.par("Subtitle", report.subtitle)
        for line in (report.venue, report.dates, ", ".join(report.organisers)):
            if clean(line).strip():
                self.par("Title Details", line)
        if clean(report.draft_label).strip():
            self.par("Draft Label", report.draft_label)
        add_page_break(self.body, self.s["Normal"])

    def contents(self) -> None:
        self.par("TOC Heading", "Contents")
        self.toc = add_par(self.body, self.s["Normal"])  # filled in by add_toc once the headings are known
        add_page_break(self.body, self.s["Normal"])

    def session(self, s: ReportSession) -> None:
        self.heading(2, s.title or s.kind or "Session")
        when = ", ".join(filter(None, (_day(s), _time(s))))
        details = " \u00b7 ".join(filter(None, (clean(s.kind).strip(), when)))
        if details:
            self.par("Session Details", details)
        if clean(s.chair).strip():
            self.par("Normal", f"{s.chair_label}: {s.chair}")
        self.bullets(f"{s.speakers_label}:", s.speakers)
        self.bullets("Main questions:", s.questions)
        self.text(s.summary)
        if s.categories:
            self.rapporteurs(s.rapporteurs)
            self.outcomes(s.categories)

    def workshop(self, ws: ReportWorkshop) -> None:
        title = clean(ws.title).strip()
        self.heading(2, f"Workshop {ws.number}: {title}" if title else f"Workshop {ws.number}")
        self.text(ws.description)
        names = ", ".join(n for n in map(clean, ws.panellists) if n.strip())
        if names:
            self.par("Normal", f"Panellists: {names}")
        self.bullets("Guiding questions:", ws.questions)
        self.rapporteurs(ws.rapporteurs)
        for summary in ws.summaries:
            self.par("Session Details", f"Summary, {summary.room}")
            self.text(summary.text)
        if not self.outcomes(ws.categories):
            self.par("Normal", "No outcomes were recorded for this workshop.")

    def rapporteurs(self, names: list[str]) -> None:
        names = ", ".join(n for n in map(clean, names) if n.strip())
        if names:
            self.par("Normal", f"Rapporteurs: {names}")

    def outcomes(self, categories: list[ReportCategory]) -> bool:
        """A room's items under their category headings; False when there were none."""
        bullet, key, detail = self.s["List Bullet"], self.s["Key Point"], self.s["Detail"]
        written = False
        for category in categories:
            if not category.items:
                continue
            written = True
            self.par("Heading 3", category.name)
            referred: set[str] = set()
            for item in category.items:
                if item.statement_ref:  # merged: its text is under the statement, once
                    if item.statement_ref not in referred:
                        referred.add(item.statement_ref)
                        add_par(self.body, bullet, f"See {item.statement_ref}.")
                elif item.room:
                    add_par(self.body, bullet, (item.text, key if item.key_point else None),
                            (f" ({item.room})", detail))
                else:
                    add_par(self.body, bullet, (item.text, key if item.key_point else None))
        return written

    def conclusions(self, report: Report) -> None:
        self.heading(1, "Conclusions and way forward")
        self.text(report.conclusions)
        sections = [section for section in report.sections if section.statements]
        if not sections and not blocks(report.conclusions):
            self.par("Normal", "No conclusions were recorded.")
        statement, source, detail = self.s["Statement"], self.s["Source"], self.s["Detail"]
        for section in sections:
            self.heading(2, section.name)
            for st in section.statements:
                runs: list = [f"{st.number} " if st.number else "", st.text]
                if st.votes is not None:
                    runs.append((f" ({st.votes} vote{'' if st.votes == 1 else 's'})", detail))
                add_par(self.body, statement, *runs)
                self.text(st.details)
                for src in st.sources:
                    add_par(self.body, source, f"{src.room}: {src.text}" if src.room else src.text)

    def annex(self, report: Report) -> None:
        """The programme: a table, one line per session ("compact"), or nothing."""
        if report.options.annex == "none":
            return
        sessions = report.sessions
        self.heading(1, "Annex: programme", numbered=False)
        if not sessions:
            self.par("Normal", "No programme was recorded.")
            return
        if report.options.annex == "compact":
            self.compact_programme(sessions)
            return
        self.par("Caption", "Table 1: Programme of the meeting")
        tbl = SE(self.body, w("tbl"))
        pr = SE(tbl, w("tblPr"))
        SE(pr, w("tblStyle"), {w("val"): self.s["Table Grid"]})
        SE(pr, w("tblW"), {w("w"): "5000", w("type"): "pct"})
        SE(pr, w("tblLook"), {w("val"): "04A0", w("firstRow"): "1", w("lastRow"): "0",
                              w("firstColumn"): "0", w("lastColumn"): "0", w("noHBand"): "0",
                              w("noVBand"): "1"})
        grid = SE(tbl, w("tblGrid"))
        for _, width in _ANNEX_COLUMNS:
            SE(grid, w("gridCol"), {w("w"): str(width)})
        row = self._row(tbl, header=True)
        for label, width in _ANNEX_COLUMNS:
            self._cell(row, width, "Table Heading", label)
        for s in sessions:
            people = [f"{s.chair_label}: {s.chair}" if clean(s.chair).strip() else "",
                      f"{s.speakers_label}: {'; '.join(s.speakers)}" if s.speakers else ""]
            cells = (_day(s), _time(s), f"{s.kind}: {s.title}" if s.kind and s.title else s.title or s.kind,
                     "\n".join(filter(None, people)))
            row = self._row(tbl)
            for (_, width), value in zip(_ANNEX_COLUMNS, cells):
                self._cell(row, width, "Normal", value)

    def compact_programme(self, sessions: list[ReportSession]) -> None:
        """One line per session under its day: time, title, and who chaired and spoke."""
        day = None
        for s in sessions:
            if _day(s) and _day(s) != day:
                day = _day(s)
                self.par("Table Heading", day)
            people = ". ".join(filter(None, (
                f"{s.chair_label}: {s.chair}" if clean(s.chair).strip() else "",
                f"{s.speakers_label}: {'; '.join(s.speakers)}" if s.speakers else "")))
            self.par("Programme Entry", f"{_time(s)}\t", s.title or s.kind,
                     (f". {people}" if people else "", self.s["Detail"]))

    @staticmethod
    def _row(tbl, header: bool = False):
        row = SE(tbl, w("tr"))
        pr = SE(row, w("trPr"))
        SE(pr, w("cantSplit"))
        if header:
            SE(pr, w("tblHeader"))
        return row

    def _cell(self, row, width: int, style: str, text: str) -> None:
        cell = SE(row, w("tc"))
        SE(SE(cell, w("tcPr")), w("tcW"), {w("w"): str(width), w("type"): "dxa"})
        add_par(cell, self.s[style], text)


def _day(s: ReportSession) -> str:
    return day_label(s.day)


def _time(s: ReportSession) -> str:
    return time_range(s.start, s.end)


