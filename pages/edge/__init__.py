"""The page edge: everything between a page's description of its figures and the screen.

- ``view``: the one frozen View of a run (data, account, scope, language, filters, privacy rules);
- ``page``: reading that View once in the entry point, and the head of every analysis page;
- ``sidebar``: the language switch, the filters and the link that carries them;
- ``navigation``: the sidebar's page links, in place of Streamlit's menu;
- ``cache``: the data in use and every table computed from it, cached by what they depend on;
- ``figures``, ``tiles``: a figure (chart, table, downloads) and a row of headline tiles;
- ``downloads``: the one audited download button;
- ``turns``: one analysis page's run at a time in the process, each waiting a second at most.

Pure steps (what is shown and how it is computed) live in ``lib``; nothing here
does its own arithmetic on the data.
"""
