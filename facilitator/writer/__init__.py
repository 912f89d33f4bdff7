"""The outcome report's writer: its content (model.py), the Word file (report.py: build_report and
check_template), the checks a house template's zip must pass (package.py) and the PDF conversion (pdf.py).
A library below the services, like models.py: it imports no Flask and no database."""
