"""The data model: the vocabulary of DESIGN.md as typed SQLAlchemy models."""

from __future__ import annotations

import enum
from datetime import date, datetime, time, timezone
from typing import Optional

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_app_context
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(sa.TypeDecorator):
    """A timestamp that always comes back timezone-aware (UTC), also from SQLite, which drops the offset."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Role(str, enum.Enum):
    """What a user may do in one event (see DESIGN.md, Roles); ordered from most to least power."""

    SECRETARIAT = "secretariat"
    MODERATOR = "moderator"
    RAPPORTEUR = "rapporteur"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SessionKind(str, enum.Enum):
    """Kinds of programme entries; a workshop round is where rooms capture items."""

    PLENARY = "plenary"
    PANEL = "panel"
    WORKSHOP_ROUND = "workshop_round"
    PLENARY_FEEDBACK = "plenary_feedback"
    BREAK = "break"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class PersonRole(str, enum.Enum):
    """What a person does on a session or workshop; the report groups people by it."""

    CHAIR = "chair"
    MODERATOR = "moderator"
    SPEAKER = "speaker"
    PANELLIST = "panellist"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def plural(self) -> str:
        return self.label + "s"


class ItemState(str, enum.Enum):
    ACTIVE = "active"
    DELETED = "deleted"


def _enum(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    # Stored as plain strings with a CHECK, so adding a value is a small migration on every database.
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


class User(UserMixin, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    email: so.Mapped[Optional[str]] = so.mapped_column(sa.String(254))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    is_admin: so.Mapped[bool] = so.mapped_column(default=False)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    assignments: so.Mapped[list[Assignment]] = so.relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def display_name(self) -> str:
        return self.name or self.username

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Event(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    subtitle: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    venue: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    start_date: so.Mapped[Optional[date]]
    end_date: so.Mapped[Optional[date]]
    organisers: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    language: so.Mapped[str] = so.mapped_column(sa.String(16), default="en")
    introduction: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    disclaimer: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    # The plenary's change sequence (statements), like Room.last_seq for a room's items.
    plenary_seq: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # Participants join the plenary vote with this short code; made when voting first opens.
    join_code: so.Mapped[Optional[str]] = so.mapped_column(sa.String(16), unique=True)
    voting_open: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    dots_per_ballot: so.Mapped[int] = so.mapped_column(default=5, server_default="5")
    # The report's "conclusions and way forward" text, written by the secretariat before the statements.
    conclusions: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    # Statements numbered (a), (b)... within each conclusion section, or on across sections (no two share "(a)").
    continuous_numbering: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    programme_sessions: so.Mapped[list[ProgrammeSession]] = so.relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="ProgrammeSession.position",
    )
    workshops: so.Mapped[list[Workshop]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Workshop.number"
    )
    rounds: so.Mapped[list[Round]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Round.number"
    )
    categories: so.Mapped[list[Category]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Category.position"
    )
    assignments: so.Mapped[list[Assignment]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan"
    )
    conclusion_sections: so.Mapped[list[ConclusionSection]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="ConclusionSection.position"
    )
    report_settings: so.Mapped[Optional[ReportSettings]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class ProgrammeSession(db.Model):
    """One entry of the programme; never called plain `session` (Flask and SQLAlchemy have one)."""

    __tablename__ = "programme_session"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    kind: so.Mapped[SessionKind] = so.mapped_column(_enum(SessionKind, "session_kind"))
    title: so.Mapped[str] = so.mapped_column(sa.String(500))
    day: so.Mapped[Optional[date]]
    start_time: so.Mapped[Optional[time]]
    end_time: so.Mapped[Optional[time]]
    questions: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")  # for the report
    # Breaks and dinners stay in the programme but out of the report (contents, chapters, annex).
    in_report: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())

    event: so.Mapped[Event] = so.relationship(back_populates="programme_sessions")
    round: so.Mapped[Optional[Round]] = so.relationship(back_populates="programme_session")
    people: so.Mapped[list[SessionPerson]] = so.relationship(
        back_populates="programme_session", cascade="all, delete-orphan", order_by="SessionPerson.position"
    )
    # A panel, keynote or the plenary feedback captured by rapporteurs of its own.
    capture_room: so.Mapped[Optional[Room]] = so.relationship(
        back_populates="programme_session", cascade="all, delete-orphan"
    )


def default_in_report(kind: SessionKind) -> bool:
    """Breaks (coffee, lunch, dinner and drinks) are left out of the report unless the secretariat says so."""
    return kind is not SessionKind.BREAK


class Workshop(db.Model):
    __table_args__ = (sa.UniqueConstraint("event_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    number: so.Mapped[int]
    title: so.Mapped[str] = so.mapped_column(sa.String(500))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    questions: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)

    event: so.Mapped[Event] = so.relationship(back_populates="workshops")
    rooms: so.Mapped[list[Room]] = so.relationship(back_populates="workshop", cascade="all, delete-orphan")
    people: so.Mapped[list[SessionPerson]] = so.relationship(
        back_populates="workshop", cascade="all, delete-orphan", order_by="SessionPerson.position"
    )


class Round(db.Model):
    __table_args__ = (sa.UniqueConstraint("event_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    number: so.Mapped[int]
    title: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    programme_session_id: so.Mapped[Optional[int]] = so.mapped_column(
        sa.ForeignKey("programme_session.id", ondelete="SET NULL"), unique=True
    )

    event: so.Mapped[Event] = so.relationship(back_populates="rounds")
    programme_session: so.Mapped[Optional[ProgrammeSession]] = so.relationship(back_populates="round")
    rooms: so.Mapped[list[Room]] = so.relationship(back_populates="round", cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        return self.title or f"Round {self.number}"


class Room(db.Model):
    """Where rapporteurs capture items: one workshop in one round, or one programme session (a plenary panel,
    a keynote, the plenary feedback) that has a capture room of its own."""

    __table_args__ = (
        sa.UniqueConstraint("workshop_id", "round_id"),
        sa.CheckConstraint(
            "(workshop_id IS NOT NULL AND round_id IS NOT NULL AND programme_session_id IS NULL)"
            " OR (workshop_id IS NULL AND round_id IS NULL AND programme_session_id IS NOT NULL)",
            name="workshop_or_session",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    workshop_id: so.Mapped[Optional[int]] = so.mapped_column(
        sa.ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    round_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"), index=True)
    programme_session_id: so.Mapped[Optional[int]] = so.mapped_column(
        sa.ForeignKey("programme_session.id", ondelete="CASCADE"), unique=True
    )
    location: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")  # "Room A, 2nd floor"
    # The room's change sequence: bumped in the same transaction as every change, so it never skips or repeats.
    last_seq: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # Secret part of the board's short link for participants without an account; made when first shown.
    board_token: so.Mapped[Optional[str]] = so.mapped_column(sa.String(32), unique=True)
    # The running narrative the rapporteurs write beside the items: the session's text in the report.
    # Markdown-like: paragraphs split by blank lines, "- " bullets, footnotes "[^1]" defined as "[^1]: text".
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    summary_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # The moderator's choice: the room's board shows the summary beside the items.
    show_summary: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    event: so.Mapped[Event] = so.relationship()
    workshop: so.Mapped[Optional[Workshop]] = so.relationship(back_populates="rooms")
    round: so.Mapped[Optional[Round]] = so.relationship(back_populates="rooms")
    programme_session: so.Mapped[Optional[ProgrammeSession]] = so.relationship(back_populates="capture_room")
    items: so.Mapped[list[Item]] = so.relationship(back_populates="room", cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        """Short, to tell rooms apart: "Workshop 3, Round 2", or the session's title."""
        if self.programme_session is not None:
            return self.programme_session.title
        return f"Workshop {self.workshop.number}, {self.round.label}"

    @property
    def title(self) -> str:
        """The heading of the room's pages: "Workshop 3: Finance", or the session's title."""
        if self.programme_session is not None:
            return self.programme_session.title
        return f"Workshop {self.workshop.number}: {self.workshop.title}"

    @property
    def subtitle(self) -> str:
        """Shown after the title: the round ("Round 2"), or the session's kind ("Panel")."""
        return self.programme_session.kind.label if self.programme_session is not None else self.round.label

    @property
    def questions(self) -> list[str]:
        """The guiding questions items can answer: the workshop's, or the session's main questions."""
        source = self.programme_session if self.programme_session is not None else self.workshop
        return list(source.questions or [])


class Category(db.Model):
    """A heading items go under; per event, ordered and renameable (the key stays stable)."""

    __table_args__ = (sa.UniqueConstraint("event_id", "key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(64))
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    position: so.Mapped[int] = so.mapped_column(default=0)

    event: so.Mapped[Event] = so.relationship(back_populates="categories")


class ConclusionSection(db.Model):
    """A heading of the conclusions, named and ordered by the secretariat; statements name it by `key`."""

    __tablename__ = "conclusion_section"
    __table_args__ = (sa.UniqueConstraint("event_id", "key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(64))
    heading: so.Mapped[str] = so.mapped_column(sa.String(300))
    position: so.Mapped[int] = so.mapped_column(default=0)

    event: so.Mapped[Event] = so.relationship(back_populates="conclusion_sections")


class Item(db.Model):
    """One captured point in a room; every change bumps `version` and leaves an ItemRevision."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    room_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("room.id", ondelete="CASCADE"), index=True)
    category_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("category.id", ondelete="RESTRICT"), index=True)
    client_id: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True)
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    position: so.Mapped[int] = so.mapped_column(default=0)
    is_key_point: so.Mapped[bool] = so.mapped_column(default=False)
    question_index: so.Mapped[Optional[int]]  # which of the workshop's guiding questions it answers
    # The plenary statement this item was merged into; an item is merged into one statement at most.
    statement_id: so.Mapped[Optional[int]] = so.mapped_column(
        sa.ForeignKey("statement.id", ondelete="SET NULL"), index=True
    )
    state: so.Mapped[ItemState] = so.mapped_column(_enum(ItemState, "item_state"), default=ItemState.ACTIVE)
    version: so.Mapped[int] = so.mapped_column(default=1)
    author_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    room: so.Mapped[Room] = so.relationship(back_populates="items")
    category: so.Mapped[Category] = so.relationship()
    statement: so.Mapped[Optional[Statement]] = so.relationship(back_populates="items")
    author: so.Mapped[Optional[User]] = so.relationship()
    revisions: so.Mapped[list[ItemRevision]] = so.relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ItemRevision.version"
    )


class ItemRevision(db.Model):
    """The state of an item after one change: nothing a rapporteur typed is ever overwritten.

    A rejected edit (stale base version) is kept too, as kind "conflict" with the version it was based on.
    """

    __tablename__ = "item_revision"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("item.id", ondelete="CASCADE"), index=True)
    version: so.Mapped[int]
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), default="change", server_default="change")
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    category_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("category.id", ondelete="RESTRICT"))
    position: so.Mapped[int]
    is_key_point: so.Mapped[bool]
    state: so.Mapped[ItemState] = so.mapped_column(_enum(ItemState, "item_state"))
    mutation_id: so.Mapped[Optional[str]] = so.mapped_column(sa.String(36))
    author_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    item: so.Mapped[Item] = so.relationship(back_populates="revisions")


class RoomSummaryRevision(db.Model):
    """A room's summary after one change: what the rapporteurs wrote is never overwritten unseen.

    A rejected save (stale base version) is kept too, as kind "conflict" with the version it was based on.
    """

    __tablename__ = "room_summary_revision"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    room_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("room.id", ondelete="CASCADE"), index=True)
    version: so.Mapped[int]
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), default="change", server_default="change")
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    mutation_id: so.Mapped[Optional[str]] = so.mapped_column(sa.String(36))
    author_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    author: so.Mapped[Optional[User]] = so.relationship()


class SessionPerson(db.Model):
    """A chair, moderator, speaker or panellist of a programme session or of a workshop, in order.

    `name` may be empty when the programme names only a function ("a representative of the national police").
    """

    __tablename__ = "session_person"
    __table_args__ = (
        sa.CheckConstraint("(programme_session_id IS NULL) <> (workshop_id IS NULL)", name="one_owner"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    programme_session_id: so.Mapped[Optional[int]] = so.mapped_column(
        sa.ForeignKey("programme_session.id", ondelete="CASCADE"), index=True
    )
    workshop_id: so.Mapped[Optional[int]] = so.mapped_column(
        sa.ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    role: so.Mapped[PersonRole] = so.mapped_column(_enum(PersonRole, "person_role"))
    name: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    title: so.Mapped[str] = so.mapped_column(sa.String(300), default="")  # "Head of Unit"
    organisation: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    user_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    programme_session: so.Mapped[Optional[ProgrammeSession]] = so.relationship(back_populates="people")
    workshop: so.Mapped[Optional[Workshop]] = so.relationship(back_populates="people")
    user: so.Mapped[Optional[User]] = so.relationship()

    @property
    def display(self) -> str:
        """"Dana Spinant, Head of Unit, European Commission": the parts the programme gives."""
        return ", ".join(part for part in (self.name, self.title, self.organisation) if part)


class Assignment(db.Model):
    """A user's role in one event, optionally limited to one room (rapporteurs, room moderators)."""

    __table_args__ = (sa.UniqueConstraint("user_id", "event_id", "role", "room_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    role: so.Mapped[Role] = so.mapped_column(_enum(Role, "role"))
    room_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("room.id", ondelete="CASCADE"))

    user: so.Mapped[User] = so.relationship(back_populates="assignments")
    event: so.Mapped[Event] = so.relationship(back_populates="assignments")
    room: so.Mapped[Optional[Room]] = so.relationship()


class Mutation(db.Model):
    """A client mutation the server has answered: replaying its UUID returns the same answer, never a second change."""

    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)
    stream: so.Mapped[str] = so.mapped_column(sa.String(32))  # where it was applied: "room:<id>", "event:<id>"
    user_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    answer: so.Mapped[dict] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)


class Change(db.Model):
    """One entry of a change stream (a room's, or an event's plenary): what a client that missed it must apply."""

    __table_args__ = (sa.UniqueConstraint("stream", "seq"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    stream: so.Mapped[str] = so.mapped_column(sa.String(32))  # "room:<id>" or "event:<id>"
    seq: so.Mapped[int]
    payload: so.Mapped[dict] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)


class Statement(db.Model):
    """A plenary outcome: a headline (and optional explanatory text), merging items from any rooms or none.

    `client_id` is its stable identifier: it survives reordering, so a later draft can say what changed.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    client_id: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True)
    section: so.Mapped[str] = so.mapped_column(sa.String(64))  # the key of one of the event's ConclusionSections
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    details: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")  # paragraphs below `text`
    position: so.Mapped[int] = so.mapped_column(default=0)
    state: so.Mapped[ItemState] = so.mapped_column(_enum(ItemState, "statement_state"), default=ItemState.ACTIVE)
    version: so.Mapped[int] = so.mapped_column(default=0)
    author_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    items: so.Mapped[list[Item]] = so.relationship(back_populates="statement", order_by="Item.id")
    revisions: so.Mapped[list[StatementRevision]] = so.relationship(
        cascade="all, delete-orphan", order_by="StatementRevision.id"
    )


class StatementRevision(db.Model):
    """A statement after one change, with the items it merged then; rejected edits are kept as conflicts."""

    __tablename__ = "statement_revision"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    statement_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("statement.id", ondelete="CASCADE"), index=True)
    version: so.Mapped[int]
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), default="change")
    op: so.Mapped[str] = so.mapped_column(sa.String(16))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    details: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    section: so.Mapped[str] = so.mapped_column(sa.String(64))
    position: so.Mapped[int]
    state: so.Mapped[ItemState] = so.mapped_column(_enum(ItemState, "statement_state"))
    sources: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)  # merged items' client ids
    mutation_id: so.Mapped[Optional[str]] = so.mapped_column(sa.String(36))
    author_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)


class Vote(db.Model):
    """One dot a participant put on a statement; `client_id` makes a resent vote count once."""

    __table_args__ = (sa.Index("ix_vote_event_id_ballot", "event_id", "ballot"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    statement_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("statement.id", ondelete="CASCADE"), index=True)
    ballot: so.Mapped[str] = so.mapped_column(sa.String(64))  # one per device, from a signed cookie
    client_id: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)


class DismissedSuggestion(db.Model):
    """A similar-items suggestion the moderator dismissed: it is not proposed again."""

    __tablename__ = "dismissed_suggestion"
    __table_args__ = (sa.UniqueConstraint("event_id", "key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    key: so.Mapped[str] = so.mapped_column(sa.String(64))  # sha256 of the sorted item ids
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)


class ReportTemplate(db.Model):
    """A house .docx whose styles, headers and footers the event's report uses."""

    __tablename__ = "report_template"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    uploaded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)


class LoginSession(db.Model):
    """One login of one browser: revoked at logout and expired after a working day.

    Checked on every request and socket event, so logging out in one tab also stops a capture page's
    socket (which keeps its own copy of the session cookie) from writing.
    """

    __tablename__ = "login_session"

    id: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)  # random token kept in the session
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    revoked_at: so.Mapped[Optional[datetime]] = so.mapped_column(UTCDateTime())

    user: so.Mapped[User] = so.relationship()


class ReportTextRevision(db.Model):
    """One save of a report text (introduction, disclaimer, conclusions, a session summary).

    The text itself lives on its event or programme session; these rows give it a version (the highest
    `version` saved) and keep every change. A save refused because it was based on an older version is kept
    too, with `version` empty: two people writing the same text never lose either one's words.
    """

    __tablename__ = "report_text_revision"
    __table_args__ = (sa.UniqueConstraint("event_id", "field", "version"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # No index of its own on event_id: the unique constraint's index starts with it.
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    field: so.Mapped[str] = so.mapped_column(sa.String(64))  # "introduction", ..., "summary-<session id>"
    version: so.Mapped[Optional[int]]
    base_version: so.Mapped[int]
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    author_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    saved_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    author: so.Mapped[Optional[User]] = so.relationship()


class ReportSettings(db.Model):
    """How the event's report is written: draft or final, its layout choices, and the front and back matter
    (title page, imprint, the publisher's address) a published report carries. One row per event, made on
    the first change; until then `defaults()` stands in."""

    __tablename__ = "report_settings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    mode: so.Mapped[str] = so.mapped_column(sa.String(16), default="draft")  # draft | final
    grouping: so.Mapped[str] = so.mapped_column(sa.String(16), default="category")  # category | workshop | all
    heading_numbers: so.Mapped[bool] = so.mapped_column(default=False)
    annex: so.Mapped[str] = so.mapped_column(sa.String(16), default="table")  # table | compact | none
    session_items: so.Mapped[str] = so.mapped_column(sa.String(16), default="key")  # none | key | all
    numbered_conclusions: so.Mapped[bool] = so.mapped_column(default=True)
    # Front and back matter, each saved by itself as a report text (services/report/texts.py).
    report_title: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # instead of the event's title
    place: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # "The Hague", beside the dates
    authors: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    publisher: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    copyright: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    isbn: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    doi: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    catalogue_number: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    address: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # the publisher's address, one line each
    participants: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # one per line, until issue 15

    event: so.Mapped[Event] = so.relationship(back_populates="report_settings")

    @classmethod
    def defaults(cls) -> ReportSettings:
        """Settings as an event has them before anyone changed one (not added to the session)."""
        return cls(**{column.key: column.default.arg for column in cls.__table__.columns
                      if column.default is not None})
