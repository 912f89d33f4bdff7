"""The outcome report: its content (model.py), the Word writer (docx_report.py), the checks a house
template's zip must pass (docx_package.py), and the secretariat's page (routes.py). Only routes.py imports
Flask, so the writer can run and be tested on its own."""
