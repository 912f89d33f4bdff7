"""The final report: what an organisation publishes, from the same data as the draft.

No draft label, no source lines, no rooms after items; merged items keep their room's wording in their
workshop's outcomes. Front matter on the title page (place and dates, authors, publisher, copyright, ISBN,
DOI, catalogue number), then the contents, the introduction and one chapter per session of the programme
(its narrative: the capture room's summary), where the workshop rounds make one chapter of workshop
outcomes (after the disclaimer; rounds merged) and the plenary feedback the conclusions; an optional list of
participants, the programme annex, and the back cover with the publisher's address.
"""

from __future__ import annotations

from .draft import DEFAULT_DISCLAIMER, TOC_PLACEHOLDER, DraftWriter
from .elements import add_page_break, add_par, add_toc
from .model import Report, ReportItem, ReportSession, ReportWorkshop
from .text import clean

WORKSHOPS_TITLE = "Outcomes of the workshops"
CONCLUSIONS_TITLE = "Conclusions and way forward"
TOC_INSTRUCTION = r'TOC \o "1-2" \h \z \u'  # chapters and workshops; not the category headings below them


def _given(*values: str) -> bool:
    return any(clean(v).strip() for v in values)


def _as_captured(ws: ReportWorkshop) -> list[ReportItem]:
    """A workshop's items in one list, across categories: in the order they were captured."""
    return sorted((i for c in ws.categories for i in c.items), key=lambda i: i.order)


class FinalWriter(DraftWriter):
    def heading(self, level: int, text: str, numbered: bool = True) -> None:
        if level == 1 and self.headings:  # every chapter starts on a new page (the first follows the contents)
            add_page_break(self.body, self.s["Normal"])
        super().heading(level, text, numbered)

    def write(self, report: Report) -> None:
        self.title_page(report)
        self.contents()
        self.heading(1, "Introduction", numbered=False)
        self.text(report.introduction)
        rounds = [s for s in report.sessions if s.chapter == "workshops"]
        done = set()
        for session in report.sessions:
            if session.chapter == "workshops" and "workshops" not in done:  # all rounds in the first's place
                done.add("workshops")
                self.workshops_chapter(report, rounds)
            elif session.chapter == "conclusions" and "conclusions" not in done:
                done.add("conclusions")
                self.conclusions_chapter(report, session)
            elif session.chapter == "session":
                self.session_chapter(report, session)
        if not rounds and any(self._has_outcomes(ws) for ws in report.workshops):
            self.workshops_chapter(report, [])
        if "conclusions" not in done:
            self.conclusions_chapter(report, None)
        self.participants(report)
        self.annex(report)
        self.back_matter(report)
        add_toc(self.toc, TOC_INSTRUCTION, self.headings, TOC_PLACEHOLDER)

    def title_page(self, report: Report) -> None:
        front = report.front
        self.par("Title", report.title or "Outcome report")
        where = ", ".join(v for v in (clean(front.place or report.venue).strip(), report.dates) if v)
        if where:
            self.par("Title Details", where)
        if _given(report.subtitle):
            self.par("Subtitle", report.subtitle)
        if report.organisers:
            self.par("Title Details", ", ".join(report.organisers))
        imprint = [(label, value) for label, value in (
            ("Authors", front.authors), ("Publisher", front.publisher), ("ISBN", front.isbn), ("DOI", front.doi),
            ("Catalogue number", front.catalogue_number)) if _given(value)]
        if imprint or _given(front.copyright):
            self.par("Normal")
            for label, value in imprint:
                self.par("Imprint", (f"{label}: ", self.s["Strong"]), clean(value).strip())
            if _given(front.copyright):
                self.par("Imprint", clean(front.copyright).strip())
        add_page_break(self.body, self.s["Normal"])

    def session_chapter(self, report: Report, s: ReportSession) -> None:
        """The session's narrative, then its items where the secretariat wants them."""
        self.heading(1, s.title or s.kind or "Session")
        self.text(s.summary)
        wanted = report.options.session_items
        items = [i for c in s.categories for i in c.items if wanted == "all" or (wanted == "key" and i.key_point)]
        for item in items:
            self.item(item)
        if not _given(s.summary) and not items:  # nothing written yet: at least who spoke
            for line in (f"{s.chair_label}: {s.chair}" if _given(s.chair) else "",
                         f"{s.speakers_label}: {'; '.join(s.speakers)}" if s.speakers else ""):
                if line:
                    self.par("Session Details", line)

    def workshops_chapter(self, report: Report, rounds: list[ReportSession]) -> None:
        """The workshop rounds' texts, the disclaimer, then every workshop's summaries and outcomes (rounds
        merged), grouped as the secretariat chose."""
        self.heading(1, rounds[0].title if len(rounds) == 1 and rounds[0].title else WORKSHOPS_TITLE)
        for s in rounds:
            self.text(s.summary)
        grouping = report.options.grouping
        workshops = [ws for ws in report.workshops if self._has_outcomes(ws)]
        if grouping == "all":  # the rooms' narratives lead into the one list, after the disclaimer
            for summary in (summary for ws in workshops for summary in ws.summaries):
                self.text(summary.text)
        self.text(report.disclaimer or DEFAULT_DISCLAIMER, "Disclaimer")
        for ws in workshops:
            if grouping != "all":
                title = clean(ws.title).strip()
                self.heading(2, f"Workshop {ws.number}: {title}" if title else f"Workshop {ws.number}")
                for summary in ws.summaries:
                    self.text(summary.text)
            if grouping == "category":
                for category in ws.categories:
                    self.par("Heading 3", category.name)
                    for item in category.items:
                        self.item(item)
            elif grouping == "workshop":
                for item in _as_captured(ws):
                    self.item(item)
        if grouping == "all":
            for item in (item for ws in workshops for item in _as_captured(ws)):
                self.item(item)

    def item(self, item: ReportItem) -> None:
        """An item in its room's words; merged or not, it is where it was said."""
        add_par(self.body, self.s["List Bullet"], (item.text, self.s["Key Point"] if item.key_point else None))

    def conclusions_chapter(self, report: Report, s: ReportSession | None) -> None:
        """The plenary feedback's narrative, the secretariat's text, and the statements, section by section."""
        self.heading(1, s.title if s and s.title else CONCLUSIONS_TITLE)
        if s:
            self.text(s.summary)
        self.text(report.conclusions)
        sections = [section for section in report.sections if section.statements]
        for section in sections:
            if len(sections) > 1:
                self.heading(2, section.name)
            for st in section.statements:
                votes = []
                if st.votes is not None:
                    votes = [(f" ({st.votes} vote{'' if st.votes == 1 else 's'})", self.s["Detail"])]
                if report.options.numbered_conclusions:
                    self.par("Statement", f"{st.number} " if st.number else "", st.text, *votes)
                else:
                    self.par("List Bullet", st.text, *votes)
                self.text(st.details)

    def participants(self, report: Report) -> None:
        lines = [line.strip() for line in clean(report.front.participants).split("\n") if line.strip()]
        if lines:
            self.heading(1, "List of participants", numbered=False)
            for line in lines:
                self.par("Programme Entry", line)

    def back_matter(self, report: Report) -> None:
        """The back cover (see report._back_cover): the publisher's address lines, then catalogue number •
    ISBN • DOI."""
        front = report.front
        numbers = [f"{label}: {clean(value).strip()}" for label, value in (
            ("Catalogue number", front.catalogue_number), ("ISBN", front.isbn), ("DOI", front.doi)) if _given(value)]
        lines = [line.strip() for line in clean(front.address).split("\n") if line.strip()]
        if not lines and not numbers:
            return
        self.cover = add_par(self.body, self.s["Normal"])  # build_report ends the content's section here
        add_par(self.body, self.s["Normal"])  # the back cover's page; its footer holds the lines
        self.cover_lines = [*lines, " \u2022 ".join(numbers)] if numbers else lines

    @staticmethod
    def _has_outcomes(ws: ReportWorkshop) -> bool:
        return bool(ws.categories) or any(_given(s.text) for s in ws.summaries)
