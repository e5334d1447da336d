"""Daerah Asal: where participants come from, local vs migrant per site, outcomes by origin, and a map."""

from pages.edge.figures import show_figure
from pages.edge.layouts import DaerahAsal
from pages.edge.page import NEEDS_PARTICIPANTS, start

view = start("page_asal", needs=NEEDS_PARTICIPANTS)
for figure in DaerahAsal.FIGURES:
    show_figure(view, figure)
