"""The national-scale benchmark: ``python -m bench`` (see docs/performance.md).

Generated data goes to a temporary folder, never into the repository. Each
size runs in its own processes, so one size's memory does not pollute
another's figures.
"""
