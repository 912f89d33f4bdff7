"""Set-up pages of the workshops and the rounds they run in (each workshop has a room in each of its rounds)."""

from flask import g, redirect, render_template, request, url_for
from wtforms import SelectChoice

from ..models import PersonRole, ProgrammeSession, Round, SessionKind, Workshop
from ..services import events
from . import bp
from .common import fill_people, form_fields, owned, save, save_form, typed_people
from .forms import RoundForm, WorkshopForm


def _workshop_form(workshop: Workshop | None = None) -> WorkshopForm:
    form = WorkshopForm(obj=workshop)
    form.rounds.choices = [SelectChoice(r.id, r.label) for r in g.event.rounds]
    if request.method == "GET":
        if workshop is None:
            form.number.data = max((w.number for w in g.event.workshops), default=0) + 1
            form.rounds.data = [r.id for r in g.event.rounds]  # by default a workshop runs in every round
        else:
            form.rounds.data = [room.round_id for room in workshop.rooms]
            form.location.data = events.workshop_location(workshop)
    fill_people(form.people_rows, workshop.people if workshop else [], PersonRole.PANELLIST)
    return form


def _save_workshop(workshop: Workshop | None, form: WorkshopForm) -> Workshop:
    """Add or update a workshop with its panellists, the rounds it runs in and where its rooms are."""
    fields = form_fields(form, WorkshopForm.FIELDS)
    rounds = None  # without the round boxes (no rounds yet, or a script): every round, or as it was
    if form.rounds_shown.data == "1":
        rounds = [r for r in g.event.rounds if r.id in set(form.rounds.data or [])]
    people = typed_people(form.people_rows)
    if workshop is None:
        workshop = events.add_workshop(g.event, rounds=rounds, location=form.location.data or "", **fields)
    else:
        events.update_workshop(workshop, **fields)
        if rounds is not None:
            events.set_workshop_rounds(workshop, rounds)
        events.set_workshop_location(workshop, form.location.data or "")
    events.set_people(workshop, people)
    return workshop


@bp.route("/events/<int:event_id>/workshops", methods=["GET", "POST"])
def workshops(event_id: int):
    """List the workshops and add one (it gets a room in each round it runs in)."""
    form = _workshop_form()
    if response := save_form(form, lambda: _save_workshop(None, form), "Workshop added.",
                             url_for("setup.workshops", event_id=event_id)):
        return response
    return render_template("setup/workshops.html", form=form, event=g.event)


@bp.route("/events/<int:event_id>/workshops/<int:workshop_id>", methods=["GET", "POST"])
def edit_workshop(event_id: int, workshop_id: int):
    """Edit a workshop: number, title, description, questions, panellists, rounds and location."""
    workshop = owned(Workshop, workshop_id)
    form = _workshop_form(workshop)
    if response := save_form(form, lambda: _save_workshop(workshop, form), "Workshop saved.",
                             url_for("setup.workshops", event_id=event_id)):
        return response
    return render_template("setup/workshop_form.html", form=form, event=g.event, workshop=workshop)


@bp.route("/events/<int:event_id>/workshops/<int:workshop_id>/delete", methods=["POST"])
def delete_workshop(event_id: int, workshop_id: int):
    """Delete a workshop and its rooms, unless they hold items."""
    workshop = owned(Workshop, workshop_id)
    target = url_for("setup.workshops", event_id=event_id)
    return save(lambda: events.delete_workshop(workshop), "Workshop deleted.", target) or redirect(target)


# Rounds ---------------------------------------------------------------------------------------------


def _round_form(round_: Round | None = None) -> RoundForm:
    if request.method == "GET" and round_ is not None:
        form = RoundForm(data={"number": round_.number, "title": round_.title,
                               "programme_session": round_.programme_session_id or 0})
    elif request.method == "GET":
        form = RoundForm(data={"number": max((r.number for r in g.event.rounds), default=0) + 1})
    else:
        form = RoundForm()
    slots = [s for s in g.event.programme_sessions if s.kind is SessionKind.WORKSHOP_ROUND]
    form.programme_session.choices = [SelectChoice(0, "(none)")] + [SelectChoice(s.id, s.title) for s in slots]
    return form


def _slot(form: RoundForm) -> ProgrammeSession | None:
    """The programme slot a round is tied to, if any (one of this event's)."""
    return owned(ProgrammeSession, form.programme_session.data) if form.programme_session.data else None


@bp.route("/events/<int:event_id>/rounds", methods=["GET", "POST"])
def rounds(event_id: int):
    """List the rounds and add one (it opens a room for every workshop)."""
    form = _round_form()
    if response := save_form(
        form,
        lambda: events.add_round(g.event, form.number.data, form.title.data, programme_session=_slot(form)),
        "Round added.",
        url_for("setup.rounds", event_id=event_id),
    ):
        return response
    return render_template("setup/rounds.html", form=form, event=g.event)


@bp.route("/events/<int:event_id>/rounds/<int:round_id>", methods=["GET", "POST"])
def edit_round(event_id: int, round_id: int):
    """Rename or renumber a round, or tie it to a programme slot."""
    round_ = owned(Round, round_id)
    form = _round_form(round_)
    if response := save_form(form, lambda: events.update_round(round_, form.number.data, form.title.data, _slot(form)),
                             "Round saved.", url_for("setup.rounds", event_id=event_id)):
        return response
    return render_template("setup/round_form.html", form=form, event=g.event, round=round_)


@bp.route("/events/<int:event_id>/rounds/<int:round_id>/delete", methods=["POST"])
def delete_round(event_id: int, round_id: int):
    """Delete a round and its rooms, unless they hold items."""
    round_ = owned(Round, round_id)
    target = url_for("setup.rounds", event_id=event_id)
    return save(lambda: events.delete_round(round_), "Round deleted.", target) or redirect(target)
