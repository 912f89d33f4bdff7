"""The `facilitator` command: the README's run command serves the demo; users and files from the shell."""

import re
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from facilitator.cli import main
from facilitator.extensions import db
from facilitator.models import Event, User

from .conftest import running_server

PROJECT = Path(__file__).resolve().parent.parent


@pytest.mark.own_server
def test_run_demo_migrates_loads_the_demo_and_serves(tmp_path):
    """What a new user gets from the README's first command: a server with the demo and its logins."""
    with running_server(tmp_path) as (base, output):
        assert re.search(r"running at http://127\.0\.0\.1:\d+/", output), output
        assert re.search(r"secretariat\s+/\s+secretariat-demo", output), output
        for role in ("moderator", "rapporteur", "viewer"):
            assert re.search(rf"{role}\s+/\s+{role}-demo", output), output
        with urllib.request.urlopen(base + "/login", timeout=5) as response:
            assert response.status == 200
    assert (tmp_path / "facilitator.db").exists()
    assert (tmp_path / "secret_key").exists()


def test_create_user_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["create-user", "chair", "--name", "The Chair", "--admin",
                                  "--password", "a long secret"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "chair"))
    assert user.is_admin and user.check_password("a long secret")

    result = runner.invoke(main, ["create-user", "chair", "--password", "a long secret"])
    assert result.exit_code != 0 and "already taken" in result.output


def test_import_command_reports_errors_by_place(app, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("event: {title: X}\nworkshops: [{number: 1}]\n")
    result = app.test_cli_runner().invoke(main, ["import-programme", str(broken)])
    assert result.exit_code != 0
    assert "workshops[0].title: Field required" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_import_and_export_commands(app, tmp_path):
    runner = app.test_cli_runner()
    demo = PROJECT / "facilitator" / "demo" / "emn-2016.yaml"
    result = runner.invoke(main, ["import-programme", str(demo)])
    assert result.exit_code == 0 and "12 rooms" in result.output
    event_id = db.session.scalar(sa.select(Event.id))
    out = tmp_path / "out.yaml"
    assert runner.invoke(main, ["export-programme", str(event_id), str(out)]).exit_code == 0
    assert "European Conference 2016" in out.read_text()
