"""The outcome report's rules: its content from the database (data.py), the item exports (exports.py),
the house template (templates.py), the report page's options (settings.py) and its texts (texts.py).
The Word and PDF files are written by facilitator/writer/, a library below the services."""
