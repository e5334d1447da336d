"""What each analysis page shows: its tiles and figures, by page, in the order drawn.

The page scripts (``pages/*.py``) draw these; ``pages.edge.warm`` computes
them ahead of the first visitor. Keys name each figure's container and widgets
(``.st-key-<key>``, ``<key>_csv``) and stay the same in every language.
"""

from lib.figures import Chart, FigureSpec, TilesSpec
from lib.names import Dim, Measure, Table


class Ringkasan:
    """Ringkasan: the headline figures with their change from the period before and the trend by year (the
    targets that apply are drawn on both, ``pages.edge.targets``)."""

    HEADLINE = TilesSpec("ringkasan_kpi", (
        Measure.PARTICIPANTS, Measure.COMPLETION_RATE, Measure.WORKING_RATE, Measure.RELAPSE_RATE,
        Measure.MIGRANT_SHARE,
        Measure.ALLOCATED, Measure.REALIZED, Measure.ABSORPTION_RATE, Measure.COST_PER_PARTICIPANT,
    ))
    TREND = FigureSpec(
        "ringkasan_tren", "trend", Table.SUMMARY, (Dim.YEAR,),
        (Measure.PARTICIPANTS, Measure.ENROLLMENTS, Measure.COMPLETION_RATE, Measure.WORKING_RATE, Measure.RELAPSE_RATE,
         Measure.MIGRANT_SHARE, Measure.ALLOCATED, Measure.REALIZED, Measure.ABSORPTION_RATE,
         Measure.COST_PER_PARTICIPANT),
        Chart(horizontal=False), pick_measure=True,
    )


class Desa:
    """Desa: every figure by village, and one village's profile when one is chosen."""

    KEY_PROFILE = "profil_desa"
    PEOPLE = (Measure.PARTICIPANTS, Measure.ENROLLMENTS, Measure.COMPLETION_RATE, Measure.MIGRANT_SHARE,
              Measure.WORKING_RATE, Measure.RELAPSE_RATE, Measure.RETURNED_HOME)
    MONEY = (Measure.ALLOCATED, Measure.REALIZED)
    COST = (Measure.COST_PER_PARTICIPANT, Measure.COST_PER_WORKING)
    BY_VILLAGE = (
        FigureSpec("desa_semua", "by_village", Table.SUMMARY, (Dim.VILLAGE,), PEOPLE, pick_measure=True),
        # Each village's direct and shared parts, and the unattributed part as a row of its own.
        FigureSpec("desa_anggaran", "budget_parts_by_village", Table.BUDGET, (Dim.VILLAGE, Dim.BUDGET_SHARE), MONEY,
                   Chart("stacked", part=Dim.BUDGET_SHARE), pick_measure=True, caption="village_budget_caption"),
        FigureSpec("desa_biaya", "cost_by_village", Table.COST, (Dim.VILLAGE,), COST, pick_measure=True,
                   caption="attribution_caption"),
    )
    PROFILE_TILES = TilesSpec("profil_kpi", (
        Measure.PARTICIPANTS, Measure.COMPLETION_RATE, Measure.WORKING_RATE, Measure.RELAPSE_RATE,
        Measure.MIGRANT_SHARE,
        Measure.ALLOCATED, Measure.REALIZED, Measure.COST_PER_PARTICIPANT,
    ))
    ONE_VILLAGE = (
        FigureSpec("profil_program", "profile_programs", Table.PARTICIPATION, (Dim.PROGRAM,),
                   (Measure.PARTICIPANTS, Measure.COMPLETION_RATE), Chart(colour_by=Dim.PROGRAM)),
        FigureSpec("profil_peran", "profile_roles", Table.PARTICIPATION, (Dim.ROLE,),
                   (Measure.PARTICIPANTS, Measure.COMPLETION_RATE)),
        FigureSpec("profil_asal", "profile_origins", Table.ORIGIN_SPLIT, (), (Measure.ENROLLMENTS,),
                   Chart(x=Dim.ORIGIN_TYPE, colour_by=Dim.ORIGIN_TYPE)),
        FigureSpec("profil_hasil", "profile_outcomes", Table.OUTCOME_MIX, (),
                   (Measure.OUTCOME_COUNT, Measure.OUTCOME_SHARE),
                   Chart(x=Dim.OUTCOME, colour_by=Dim.OUTCOME)),
    )
    PROFILE_BUDGET = FigureSpec("profil_anggaran", "profile_budget", Table.BUDGET, (Dim.BUDGET_SHARE,),
                                (Measure.ALLOCATED, Measure.REALIZED, Measure.ABSORPTION_RATE), Chart("grouped"),
                                caption="profile_budget_caption")


class Program:
    """Program: every figure by program and by organizer, the outcome mix per program, and the cost per person."""

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


class DaerahAsal:
    """Daerah Asal: where participants come from, local vs migrant per site, outcomes by origin, and a map."""

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


class Anggaran:
    """Anggaran: allocated vs realised by year, program, organizer, category and funding source; equipment;
    attribution."""

    MONEY = (Measure.ALLOCATED, Measure.REALIZED, Measure.ABSORPTION_RATE)
    TOTAL = TilesSpec("anggaran_kpi", MONEY, table=Table.BUDGET, columns=3)
    FIGURES = (
        FigureSpec("anggaran_tahun", "budget_by_year", Table.BUDGET, (Dim.YEAR,), MONEY,
                   Chart("grouped", horizontal=False)),
        FigureSpec("anggaran_serapan", "absorption_by_year", Table.BUDGET, (Dim.YEAR,), (Measure.ABSORPTION_RATE,),
                   Chart(horizontal=False)),
        FigureSpec("anggaran_program", "budget_by_program", Table.BUDGET, (Dim.PROGRAM,), MONEY, Chart("grouped")),
        FigureSpec("anggaran_penyelenggara", "budget_by_organizer", Table.BUDGET, (Dim.ORGANIZER,), MONEY,
                   Chart("grouped")),
        FigureSpec("anggaran_kategori", "budget_by_category", Table.BUDGET, (Dim.CATEGORY,), MONEY, Chart("grouped")),
        FigureSpec("anggaran_sumber", "budget_by_source", Table.BUDGET, (Dim.FUNDING_SOURCE,), MONEY, Chart("grouped")),
        FigureSpec("anggaran_atribusi", "attribution", Table.BUDGET, (Dim.BUDGET_SHARE,), MONEY, Chart("grouped"),
                   caption="attribution_caption"),
        FigureSpec("anggaran_peralatan", "equipment", Table.EQUIPMENT, (), (), Chart("table"),
                   caption="equipment_caption"),
    )


class Hasil:
    """Hasil: the funnel from enrollment to work, the outcome mix by cohort year, and income of those working."""

    HEADLINE = TilesSpec("hasil_kpi", (Measure.FOLLOWED_UP, Measure.WORKING_RATE, Measure.RELAPSE_RATE,
                                       Measure.RETURNED_HOME, Measure.MEDIAN_INCOME), table=Table.OUTCOMES)
    FIGURES = (
        FigureSpec("hasil_corong", "funnel", Table.FUNNEL, (), (Measure.ENROLLMENTS,), Chart("funnel", x=Dim.STAGE),
                   caption="funnel_caption"),
        FigureSpec("hasil_angkatan", "mix_by_year", Table.OUTCOME_MIX, (Dim.YEAR,),
                   (Measure.OUTCOME_SHARE, Measure.OUTCOME_COUNT),
                   Chart("stacked", part=Dim.OUTCOME, horizontal=False)),
        FigureSpec("hasil_penghasilan", "income_bands", Table.INCOME_BANDS, (), (Measure.INCOME_REPORTED,),
                   Chart(x=Dim.BAND, horizontal=False), caption="income_caption"),
    )
