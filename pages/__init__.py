"""The dashboard's pages (run by ``dashboard.py``) and the edge they share (``pages.edge``)."""
