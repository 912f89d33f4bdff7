"""The plenary's pages (plenary/routes.py): what a GET shows is what is kept."""

from facilitator.extensions import db
from facilitator.models import Event


def test_the_join_link_a_page_shows_is_the_one_kept(app, client, login, demo_event):
    """The first page to show the join link makes the event's code; the QR code and voting use that same code."""
    assert demo_event.join_code is None
    login(client, "secretariat", "secretariat-demo")
    page = client.get(f"/events/{demo_event.id}/plenary/projector").get_data(as_text=True)
    db.session.expire_all()
    code = db.session.get(Event, demo_event.id).join_code
    assert code is not None and f"/j/{code}" in page
    qr = client.get(f"/events/{demo_event.id}/plenary/qr.svg")
    assert qr.status_code == 200
    db.session.expire_all()
    assert db.session.get(Event, demo_event.id).join_code == code
