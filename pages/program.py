"""Program: every figure by program and by organizer, the outcome mix per program, and the cost per person."""

from pages import common

FIGURES = ["participants", "enrollments", "completion_rate", "migrant_share", "working_rate", "relapse_rate",
           "returned_home", "median_income", "allocated_idr", "realized_idr", "absorption_rate"]

common.start("page_program", needs="any")

common.show_figure(common.tr("by_program"), "summary", ["program"], FIGURES, key="program_semua",
                   pick_measure=True, colour_by="program")
common.show_figure(common.tr("mix_by_program"), "outcome_mix", ["program"], ["outcome_share", "outcome_count"],
                   key="program_hasil", chart="stacked", part="outcome")
common.show_figure(common.tr("cost_by_program"), "cost", ["program"], ["cost_per_participant", "cost_per_working"],
                   key="program_biaya", chart="grouped")
common.show_figure(common.tr("by_organizer"), "summary", ["organizer"], FIGURES, key="program_penyelenggara",
                   pick_measure=True)
