"""The outcome report: its content (model.py), the Word writer (docx_report.py), and the secretariat's page
(routes.py). Only routes.py imports Flask, so the writer can run and be tested on its own."""
