"""Daerah Asal: where participants come from, local vs migrant per site, outcomes by origin, and a map."""

from lib.figures import Chart, FigureSpec
from lib.names import Dim, Measure, Table
from pages.edge.figures import show_figure
from pages.edge.page import NEEDS_PARTICIPANTS, start

COUNTS = (Measure.ENROLLMENTS, Measure.PARTICIPANTS)
FIGURES = (
    FigureSpec("asal_peta", "origin_map", Table.PARTICIPATION, (Dim.ORIGIN_REGENCY,), (Measure.ENROLLMENTS,),
               Chart("map"), caption="map_caption"),
    FigureSpec("asal_provinsi", "by_province", Table.PARTICIPATION, (Dim.ORIGIN_PROVINCE,), COUNTS,
               Chart(largest_first=True), pick_measure=True),
    FigureSpec("asal_kabupaten", "by_regency", Table.PARTICIPATION, (Dim.ORIGIN_REGENCY,), COUNTS,
               Chart(largest_first=True), pick_measure=True),
    FigureSpec("asal_lokasi", "local_migrant", Table.ORIGIN_SPLIT, (Dim.VILLAGE,), (Measure.ENROLLMENTS,),
               Chart("stacked", part=Dim.ORIGIN_TYPE)),
    FigureSpec("asal_hasil", "outcomes_by_origin", Table.OUTCOMES, (Dim.ORIGIN_TYPE,),
               (Measure.RETURNED_HOME, Measure.WORKING_RATE, Measure.RELAPSE_RATE, Measure.FOLLOWED_UP),
               Chart(colour_by=Dim.ORIGIN_TYPE), pick_measure=True),
    FigureSpec("asal_pulang", "returned_by_province", Table.OUTCOMES, (Dim.ORIGIN_PROVINCE,),
               (Measure.RETURNED_HOME, Measure.FOLLOWED_UP)),
)

view = start("page_asal", needs=NEEDS_PARTICIPANTS)
for figure in FIGURES:
    show_figure(view, figure)
