"""Program: every figure by program and by organizer, the outcome mix per program, and the cost per person."""

from pages.edge.figures import show_figure
from pages.edge.layouts import Program
from pages.edge.page import NEEDS_ANY, start

view = start("page_program", needs=NEEDS_ANY)
for figure in Program.FIGURES:
    show_figure(view, figure)
