"""Daerah Asal: where participants come from, local vs migrant per site, outcomes by origin, and a map."""

from pages import common

common.start("page_asal", needs="participants")

common.show_figure(common.tr("origin_map"), "participation", ["origin_regency"], ["enrollments"],
                   key="asal_peta", chart="map", caption=common.tr("map_caption"))
common.show_figure(common.tr("by_province"), "participation", ["origin_province"],
                   ["enrollments", "participants"], key="asal_provinsi", pick_measure=True, largest_first=True)
common.show_figure(common.tr("by_regency"), "participation", ["origin_regency"],
                   ["enrollments", "participants"], key="asal_kabupaten", pick_measure=True, largest_first=True)
common.show_figure(common.tr("local_migrant"), "origin_split", ["village"], ["enrollments"],
                   key="asal_lokasi", chart="stacked", part="origin_type")
common.show_figure(common.tr("outcomes_by_origin"), "outcomes", ["origin_type"],
                   ["returned_home", "working_rate", "relapse_rate", "followed_up"], key="asal_hasil",
                   pick_measure=True, colour_by="origin_type")
common.show_figure(common.tr("returned_by_province"), "outcomes", ["origin_province"],
                   ["returned_home", "followed_up"], key="asal_pulang")
