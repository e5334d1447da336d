"""Program: every figure by program and by organizer, the outcome mix per program, and the cost per person."""

from lib.figures import Chart, FigureSpec
from lib.names import Dim, Measure, Table
from pages.edge.figures import show_figure
from pages.edge.page import NEEDS_ANY, start

EVERY_FIGURE = (
    Measure.PARTICIPANTS, Measure.ENROLLMENTS, Measure.COMPLETION_RATE, Measure.MIGRANT_SHARE, Measure.WORKING_RATE,
    Measure.RELAPSE_RATE, Measure.RETURNED_HOME, Measure.MEDIAN_INCOME, Measure.ALLOCATED, Measure.REALIZED,
    Measure.ABSORPTION_RATE,
)
FIGURES = (
    FigureSpec("program_semua", "by_program", Table.SUMMARY, (Dim.PROGRAM,), EVERY_FIGURE,
               Chart(colour_by=Dim.PROGRAM), pick_measure=True),
    FigureSpec("program_hasil", "mix_by_program", Table.OUTCOME_MIX, (Dim.PROGRAM,),
               (Measure.OUTCOME_SHARE, Measure.OUTCOME_COUNT), Chart("stacked", part=Dim.OUTCOME)),
    FigureSpec("program_biaya", "cost_by_program", Table.COST, (Dim.PROGRAM,),
               (Measure.COST_PER_PARTICIPANT, Measure.COST_PER_WORKING), Chart("grouped")),
    FigureSpec("program_penyelenggara", "by_organizer", Table.SUMMARY, (Dim.ORGANIZER,), EVERY_FIGURE,
               pick_measure=True),
)

view = start("page_program", needs=NEEDS_ANY)
for figure in FIGURES:
    show_figure(view, figure)
