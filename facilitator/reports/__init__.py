"""The secretariat's report page (routes.py). The report's content is gathered in services/report/ and
written by facilitator/writer/, which imports no Flask."""
