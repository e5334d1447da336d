"""Plain helpers the test modules share, one module per subject; shared fixtures live in ``conftest.py``."""
