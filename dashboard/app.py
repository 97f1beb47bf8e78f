"""Entry point: ``streamlit run dashboard/app.py`` (configuration: see dashboard/data.py).

Page config, the shared sidebar (filters bound to the URL), then the page from st.navigation.
The pages live in dashboard/views/: a folder named ``pages/`` beside the entry point makes
AppTest rerun the page alone, skipping this script.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

if __package__ in (None, ""):  # `streamlit run dashboard/app.py` without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import sidebar

# No page icons: the active page's Material icon becomes the favicon, which the browser
# fetches from fonts.gstatic.com (an error on an offline or air-gapped server).
st.set_page_config(page_title="stancemap", layout="wide")
page = st.navigation(
    [
        st.Page("views/overview.py", title="Overview", default=True),
        st.Page("views/reader.py", title="Article reader"),
        st.Page("views/upload.py", title="Upload"),
        st.Page("views/scheme.py", title="Scheme"),
        st.Page("views/statements.py", title="Statements"),
        st.Page("views/review.py", title="Review"),
    ]
)
sidebar.build_view(page.url_path or "overview")
page.run()
