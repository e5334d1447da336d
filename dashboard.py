"""Entry point: ``streamlit run dashboard.py``. Language, login, navigation and the shared sidebar filters.

Each page draws itself.
"""

import streamlit as st

from lib.texts import text
from pages import auth, server
from pages.edge import navigation, sidebar, turns, warm
from pages.edge import page as edge
from pages.edge.view import hand_over

# (file in pages/, interface string of the title, URL path, icon); the URL paths stay the same in every language.
PAGES = (
    ("ringkasan.py", "page_ringkasan", server.HOME_PATH, ":material/dashboard:"),
    ("desa.py", "page_desa", "desa", ":material/holiday_village:"),
    ("program.py", "page_program", "program", ":material/school:"),
    ("daerah_asal.py", "page_asal", "daerah-asal", ":material/map:"),
    ("anggaran.py", "page_anggaran", "anggaran", ":material/payments:"),
    ("hasil.py", "page_hasil", "hasil", ":material/trending_up:"),
    ("laporan.py", "page_laporan", "laporan", ":material/picture_as_pdf:"),
    ("panduan.py", "page_panduan", "panduan", ":material/menu_book:"),
)
# Analysis pages whose run can take seconds (the report makes its PDF): they go ahead without waiting their turn.
WITHOUT_TURN = ("laporan",)

if __name__ != "__main__":
    # `streamlit run dashboard.py` first imports this file to find the web application to serve: this same
    # script with the dashboard's own routes and middleware (pages/server/). Streamlit runs it as __main__.
    # As it starts, the server computes every page's single filter choices in the background (pages/edge/warm.py).
    app = st.App(__file__, routes=server.routes(), middleware=server.middleware(), lifespan=warm.at_start)
else:
    # An analysis page's run takes its turn: one at a time in this process, each waiting a second at most.
    with turns.Turn() as turn:
        held = sidebar.asked()  # what this session's link asks: read once, handed down
        lang, unknown_language = sidebar.language(held)
        st.set_page_config(page_title=text("app_title", lang), page_icon="📊", layout="wide")
        menu = st.sidebar.container()  # the page links go first in the sidebar; drawn once the pages are known
        sidebar.language_switch(lang, held)
        if unknown_language:
            st.sidebar.warning(text("link_language", lang, asked=unknown_language))
        # Who is looking decides which pages exist: a visitor not logged in gets only "Masuk".
        account = auth.sync_session()
        mode = auth.login_mode()
        analysis = auth.made_pages(PAGES, lang, first_is_default=True)
        allowed = auth.allowed_pages(account, mode, analysis, [path for _, _, path, _ in PAGES], lang)
        # Streamlit's own menu writes its sections inside its list (pages/edge/navigation.py): the dashboard
        # draws its own.
        page = st.navigation(allowed, position="hidden")
        navigation.show_navigation(menu, allowed, held, filtered=analysis)
        # The document's title names this page, in the reader's language (a title set above would stay on every page).
        st.set_page_config(page_title=f"{page.title} · {text('app_title', lang)}")
        auth.account_sidebar(account, mode, lang)
        if mode == auth.DEMO:
            auth.demo_banner(lang)
        analysing = any(page is p for p in analysis)
        if analysing:  # the filters and the view belong to the analysis pages only
            view = edge.read_view(account, lang, held, page.title)
            # Once per data, rules, scope and language: every page's single choices, in the background.
            warm.begin(view)
            hand_over(view)
        if not analysing or page.url_path in WITHOUT_TURN:
            turn.leave()  # a login, the Data page's import, the report's PDF: at once, whoever else is running
        page.run()
