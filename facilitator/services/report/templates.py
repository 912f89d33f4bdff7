"""The event's house template, accepted only once a test report built with it opens again."""

from __future__ import annotations

import sqlalchemy as sa

from ...extensions import db
from ...models import Event, ReportTemplate
from ...writer.report import check_template


def house_template(event: Event) -> ReportTemplate | None:
    """The .docx whose styles, headers and footers the event's report uses, if one was uploaded."""
    return db.session.scalar(sa.select(ReportTemplate).where(ReportTemplate.event_id == event.id))


def replace_house_template(event: Event, filename: str, data: bytes) -> ReportTemplate:
    """Use `data` as the event's house template once it passed check_template; flushes, never commits.

    Raises TemplateError (nothing changed, the previous template stays in force) when the file is refused.
    """
    check_template(data)
    template = house_template(event)
    if template is None:
        template = ReportTemplate(event_id=event.id)
        db.session.add(template)
    template.filename, template.data = (filename or "template.docx")[:255], data
    db.session.flush()
    return template


def remove_house_template(event: Event) -> None:
    """Go back to facilitator's own report styles; flushes, never commits."""
    db.session.execute(sa.delete(ReportTemplate).where(ReportTemplate.event_id == event.id))
