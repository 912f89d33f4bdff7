"""Make docs/screenshots/report-page-N.png: the demo event's outcome report, with sample outcomes, as pages.

Needs LibreOffice (soffice) and poppler (pdftoppm): `apt-get install libreoffice-writer-nogui poppler-utils`.
Run from the repository root: `python docs/tools/report_pictures.py`.
"""

import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

OUTCOMES = {  # (workshop, round, category, text, key point) in the style of the Eurojust 2023 outcomes
    (1, 1, "challenge", "Information held by border guards rarely reaches prosecutors in time", True),
    (1, 2, "challenge", "Intelligence from hotspots is not shared systematically with Europol", False),
    (1, 1, "recommendation", "Set up a single national contact point on migrant smuggling in each Member State", True),
    (1, 2, "recommendation", "Every Member State should designate one national contact point for smuggling", False),
    (2, 1, "best_practice", "Parallel financial investigations from the first day of a case", True),
    (2, 2, "challenge", "Hawala payments leave almost no paper trail", False),
    (2, 1, "recommendation", "Use joint investigation teams with Eurojust support for cross-border cases", False),
    (3, 1, "best_practice", "Monitoring of smugglers' adverts on social media by a dedicated unit", False),
    (4, 2, "best_practice", "Truck drivers trained to check their trailers before crossing", False),
    (5, 1, "challenge", "Information campaigns do not reach people already in transit", False),
    (6, 2, "recommendation", "Strengthen cooperation with countries of origin on readmission", False),
}


def main() -> None:
    from flask_migrate import upgrade

    from facilitator import create_app
    from facilitator.config import TestConfig
    from facilitator.demo import load_demo
    from facilitator.extensions import db
    from facilitator.models import User
    from facilitator.reports.docx_report import build_report
    from facilitator.services.capture import perform_mutation
    from facilitator.services.events import event_rooms
    from facilitator.services.plenary import perform_statement_mutation
    from facilitator.services.report import report_data

    work = Path(tempfile.mkdtemp())
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{work}/demo.db", INSTANCE_PATH=str(work))
    with app.app_context():
        upgrade()
        event = load_demo()
        moderator = db.session.scalar(db.select(User).where(User.username == "moderator"))
        rooms = {(r.workshop.number, r.round.number): r for r in event_rooms(event)}
        ids = {}
        for workshop, round_, category, text, key_point in sorted(OUTCOMES):
            ids[text] = str(uuid.uuid4())
            perform_mutation(moderator, rooms[(workshop, round_)], {
                "op": "create", "mutation_id": str(uuid.uuid4()), "item": ids[text], "category": category,
                "text": text, "key_point": key_point})
        contact = [t for t in ids if "contact point" in t]
        perform_statement_mutation(moderator, event, {
            "op": "create", "mutation_id": str(uuid.uuid4()), "statement": str(uuid.uuid4()),
            "section": "recommendation", "items": [ids[t] for t in contact],
            "text": "Designate a single national contact point on migrant smuggling in every Member State"})
        event.conclusions = "The conference agreed on the following points to take forward."
        db.session.commit()
        docx_path = work / "report.docx"
        docx_path.write_bytes(build_report(report_data(event)))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(docx_path)],
                   check=True, capture_output=True)
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "4", str(work / "report.pdf"),
                    str(out / "report-page")], check=True)
    print("\n".join(sorted(str(p.relative_to(ROOT)) for p in out.glob("report-page*.png"))))


if __name__ == "__main__":
    main()
