"""The sidebar's widgets bound to the URL: the scheme picker and the filters.

Each widget's ``key`` is its URL parameter (``bind="query-params"``, see dashboard.state).
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.schemes import DEFAULT_ID, SchemeFile
from dashboard.state import write_url
from models.schemes import Scheme

PENDING_SCHEME = "_stancemap_pick_scheme"  # a scheme to pick on the next run (after upload)
MAX_MIN_COUNT = 100_000
SCHEME_KEY = "scheme-pick"
STANCE_KEY = "stance-pick"
LAST_STANCES = "_stancemap_stances"  # the stance filter, kept while other pages hide it


def pick_scheme(scheme_id: str) -> None:
    """Pick ``scheme_id`` on the next run (a bound widget's value cannot change after it is
    drawn in this run)."""
    st.session_state[PENDING_SCHEME] = scheme_id


def _to_url(param: str, key: str, default: object) -> None:
    """Callback of a widget kept in the URL by hand: its value (ids) becomes ``param``."""
    value = st.session_state[key]
    write_url({param: None if value == default else value})
    if param == "stance":
        st.session_state[LAST_STANCES] = list(value)


def keep_across_pages(params: dict[str, list[str]]) -> None:
    """The page links of st.navigation drop the URL parameters no widget is bound to: put this
    session's stance filter back when the URL has none (``params`` is updated too)."""
    last = st.session_state.get(LAST_STANCES) or []
    if "stance" not in params and last:
        params["stance"] = list(last)
        write_url({"stance": list(last)})


def remember(stances: tuple[str, ...]) -> None:
    st.session_state[LAST_STANCES] = list(stances)


def scheme_picker(
    cfg: data.Config, sb, params: dict[str, list[str]]
) -> tuple[str, SchemeFile, dict[str, SchemeFile]]:
    """The scheme selectbox. Not bound to the URL by Streamlit (a bound widget writes the
    formatted name, not the id): the URL's ``scheme`` id sets it, its callback writes it."""
    files = data.scheme_files(cfg)
    if "scheme" in params:
        asked = (params["scheme"] or [DEFAULT_ID])[-1]
    else:  # a page link of st.navigation dropped it: this session's pick stays
        last = st.session_state.get(SCHEME_KEY, DEFAULT_ID)
        asked = last if last in files else DEFAULT_ID
        if asked != DEFAULT_ID:
            write_url({"scheme": asked})
    pending = st.session_state.pop(PENDING_SCHEME, None)
    if pending in files:
        asked = pending
        write_url({"scheme": None if pending == DEFAULT_ID else pending})
    st.session_state[SCHEME_KEY] = asked if asked in files else DEFAULT_ID

    def name(sid: str) -> str:
        try:
            shown = data.scheme(files[sid].path).name
        except (ValueError, OSError):
            shown = "(unreadable)"
        return shown + (" (default)" if sid == DEFAULT_ID else "")

    sid = sb.selectbox(
        "Stance scheme",
        list(files),
        format_func=name,
        key=SCHEME_KEY,
        on_change=_to_url,
        args=("scheme", SCHEME_KEY, DEFAULT_ID),
        help="The labels the corpus is tagged with; see the Scheme page, or upload your own",
    )
    return sid, files[sid], files


def filters(sb, loaded: data.Loaded, sch: Scheme, stances: tuple[str, ...]) -> dict[str, object]:
    """The filter widgets; ``stances`` is the URL's (checked) value of that unbound one."""
    titles = sch.titles
    st.session_state[STANCE_KEY] = [s for s in stances if s in sch.label_names]
    return dict(
        sources=tuple(
            sb.multiselect("Sources", loaded.options["source"], key="source", bind="query-params")
        ),
        speakers=tuple(
            sb.multiselect(
                "Speakers", loaded.options["speaker"], key="speaker", bind="query-params"
            )
        ),
        affiliations=tuple(
            sb.multiselect(
                "Affiliations", loaded.options["affiliation"], key="aff", bind="query-params"
            )
        ),
        stances=tuple(
            sb.multiselect(
                "Stances",
                list(sch.label_names),
                format_func=lambda s: titles.get(s, s),
                key=STANCE_KEY,  # by hand, like the scheme: the URL keeps the ids
                on_change=_to_url,
                args=("stance", STANCE_KEY, []),
            )
        ),
        min_conf=sb.slider(
            "Minimum confidence", 0.0, 1.0, 0.0, 0.05, key="conf", bind="query-params"
        ),
        narration=sb.toggle(
            "Include narration",
            True,
            key="narration",
            bind="query-params",
            help="The outlets' own voice (paragraphs nobody is quoted in)",
        ),
        query=sb.text_input("Search", key="q", bind="query-params", max_chars=200),
        min_count=int(
            sb.number_input(
                "Minimum paragraphs per bar",
                min_value=1,
                max_value=MAX_MIN_COUNT,
                value=1,
                step=1,
                key="min_n",
                bind="query-params",
                help="Sources, speakers and affiliations with fewer paragraphs in view are "
                "left out of the charts (small samples have wide intervals)",
            )
        ),
    )
