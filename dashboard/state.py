"""The dashboard's view state and its URL: the only place that reads or builds query strings.

Every filter, the clicked chart segment and the opened paragraph live in the URL, so a link
reproduces the view. Pure but for the last section (imported lazily), which reads and writes
``st.query_params``: no other module of the dashboard touches the URL.

>>> state, notices = parse_query({"source": ["CNN", "RT"], "conf": "0.4", "bogus": "1"})
>>> state.sources, state.min_conf, notices
(('CNN', 'RT'), 0.4, ('Ignored unknown URL parameter "bogus".',))
>>> link(state, "reader")
'/reader?source=CNN&source=RT&conf=0.4'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

from dashboard.params import (  # noqa: F401  (re-exported: the names every page imports)
    BOUND,
    DEFAULT_CORPUS,
    GROUPINGS,
    MAX_CHARS,
    MAX_PARAGRAPH,
    MAX_STMT,
    MAX_VALUES,
    NARRATION,
    PAGES,
    PARAM_NAMES,
    PARAMS,
    STMT_MIN,
    TIME_GROUPINGS,
    Param,
    Selection,
    ViewState,
    Vocab,
)

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CORPUS_ID = re.compile(r"[a-z0-9-]{1,40}")  # the workspace's id format


def _clip(text: str, n: int = 40) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _values(raw: str | Sequence[str]) -> list[str]:
    return [raw] if isinstance(raw, str) else [str(v) for v in raw]


def parse_query(
    params: Mapping[str, str | Sequence[str]], *, vocab: Vocab | None = None
) -> tuple[ViewState, tuple[str, ...]]:
    """URL parameters -> (ViewState, notices). Never raises: bad input becomes a notice.

    >>> parse_query({"conf": "1e999"})[1]
    ('Ignored parameter "conf": not a number between 0 and 1.',)
    """
    state, notices, _ = parse_query_dropped(params, vocab=vocab)
    return state, notices


def parse_query_dropped(
    params: Mapping[str, str | Sequence[str]], *, vocab: Vocab | None = None
) -> tuple[ViewState, tuple[str, ...], dict[str, list[str] | None]]:
    """As :func:`parse_query`, plus what to take out of the URL after the notices: parameter
    name -> the values to keep (``None``: remove the parameter).

    >>> parse_query_dropped({"min_n": "x", "q": "a"})[2]
    {'min_n': None}
    """
    notices: list[str] = []
    dropped: dict[str, list[str] | None] = {}
    kw: dict[str, object] = {}
    for name in params:
        if name not in PARAM_NAMES:
            notices.append(f'Ignored unknown URL parameter "{_clip(str(name))}".')
            dropped[str(name)] = None
    for p in PARAMS:
        if p.name not in params or p.field == "sel":
            continue
        vals = [v for v in _values(params[p.name]) if v != ""]
        if any(len(v) > MAX_CHARS for v in vals):
            notices.append(f'Ignored parameter "{p.name}": value too long.')
            dropped[p.name] = None
            continue
        if p.repeated:
            kept = list(dict.fromkeys(vals))[:MAX_VALUES]
            if vocab is not None:
                bad = [v for v in kept if v not in vocab.allowed(p.name)]
                kept = [v for v in kept if v not in bad]
                notices += [f'Ignored unknown {p.name} "{_clip(v)}".' for v in bad]
                if bad:
                    dropped[p.name] = kept or None
            kw[p.field] = tuple(kept)
            continue
        if not vals:
            continue
        value, note = _scalar(p.name, vals[-1], vocab)
        if note:
            notices.append(note)
            dropped[p.name] = None
        else:
            kw[p.field] = value
    sel, note = _selection(params, vocab)
    if note:
        notices.append(note)
        dropped |= {k: None for k in ("sel_by", "sel", "sel_stance") if k in params}
    kw["sel"] = sel
    return ViewState(**kw), tuple(notices), dropped  # type: ignore[arg-type]


def _scalar(name: str, v: str, vocab: Vocab | None) -> tuple[object, str]:
    if name in STATEMENT_KEYS:
        return _statement_scalar(name, v)
    if name == "conf":
        try:
            x = float(v)
        except ValueError:
            x = math.nan
        if math.isfinite(x) and 0.0 <= x <= 1.0:
            return round(x, 2), ""
        return None, f'Ignored parameter "{name}": not a number between 0 and 1.'
    if name == "narration":
        if v.lower() in ("true", "false"):
            return v.lower() == "true", ""
        return None, f'Ignored parameter "{name}": use true or false.'
    if name in ("p", "min_n"):
        low = 1 if name == "min_n" else 0
        if v.isascii() and v.isdigit() and low <= int(v) < MAX_PARAGRAPH:
            return int(v), ""
        what = "a paragraph number" if name == "p" else "a whole number of 1 or more"
        return None, f'Ignored parameter "{name}": not {what}.'
    if name == "corpus" and (
        not _CORPUS_ID.fullmatch(v) or (vocab is not None and v not in vocab.corpora)
    ):
        return None, f'Ignored unknown corpus "{_clip(v)}": showing the built-in corpus.'
    if name in ("from", "to"):
        if _ISO_DAY.fullmatch(v):
            try:
                date.fromisoformat(v)
                return v, ""
            except ValueError:
                pass
        return None, f'Ignored parameter "{name}": not a day as YYYY-MM-DD.'
    if name == "t_by" and v not in TIME_GROUPINGS:
        return None, f'Ignored parameter "t_by": use {" or ".join(TIME_GROUPINGS)}.'
    if name == "t_group" and vocab is not None and v not in vocab.sources | vocab.speakers:
        return None, f'Ignored unknown t_group "{_clip(v)}".'
    if name == "scheme" and vocab is not None and v not in vocab.schemes:
        return None, f'Ignored unknown scheme "{_clip(v)}": showing the default scheme.'
    if name in ("model", "doc") and vocab is not None and v not in vocab.allowed(name):
        return None, f'Ignored unknown {name} "{_clip(v)}".'
    return v, ""


def _selection(
    params: Mapping[str, str | Sequence[str]], vocab: Vocab | None
) -> tuple[Selection | None, str]:
    parts = [_values(params.get(k, ""))[-1:] for k in ("sel_by", "sel", "sel_stance")]
    by, group, stance = (p[0] if p else "" for p in parts)
    if not (by or group or stance):
        return None, ""
    if by not in GROUPINGS:
        return None, (
            f'Ignored the chart selection: "sel_by" is "{_clip(by)}", not one of '
            f"{', '.join(GROUPINGS)}."
        )
    if not group or not stance or len(group) > MAX_CHARS:
        return None, 'Ignored the chart selection ("sel_by", "sel", "sel_stance"): incomplete.'
    if vocab is not None and (group not in vocab.allowed(by) or stance not in vocab.stances):
        return None, f'Ignored the chart selection "{_clip(group)}": not in the data.'
    return Selection(by, group, stance), ""


def to_query(state: ViewState) -> dict[str, str | list[str]]:
    """ViewState -> query parameters, defaults left out (the inverse of parse_query).

    >>> to_query(ViewState(stances=("none",), narration=False))
    {'stance': ['none'], 'narration': 'false'}
    """
    default = ViewState()
    out: dict[str, str | list[str]] = {}
    for p in PARAMS:
        value = getattr(state, p.field)
        if p.field == "sel" or value == getattr(default, p.field):
            continue
        if p.repeated:
            out[p.name] = list(value)
        elif isinstance(value, bool):
            out[p.name] = "true" if value else "false"
        else:
            out[p.name] = str(value)
    if state.sel is not None:
        out |= {"sel_by": state.sel.by, "sel": state.sel.group, "sel_stance": state.sel.stance}
    return out


def link(state: ViewState, page: str = "overview", *, base: str = "") -> str:
    """The shareable URL of a view: ``base`` is the app's root URL ("" gives a relative link)."""
    query = urlencode(to_query(state), doseq=True)
    path = base.rstrip("/") + "/" + PAGES.get(page, "")
    return path + ("?" + query if query else "")


def with_selection(state: ViewState, sel: Selection | None) -> ViewState:
    """The state after a chart click (or after clearing it with ``None``)."""
    return replace(state, sel=sel)


def opened(state: ViewState, doc: str, paragraph: int | None) -> ViewState:
    """The state of the reader with ``doc`` open at ``paragraph``."""
    return replace(state, doc=doc, paragraph=paragraph)


def selection_from_points(by: str, points: Sequence[Mapping[str, object]]) -> Selection | None:
    """A chart's selected points (``event["selection"][param]``) -> Selection, or None.

    >>> selection_from_points("source", [{"source": "CNN", "stance": "none", "share": 0.5}])
    Selection(by='source', group='CNN', stance='none')
    """
    for point in points or ():
        group, stance = point.get(by), point.get("stance")
        if by in GROUPINGS and isinstance(group, str) and isinstance(stance, str) and group:
            return Selection(by, group, stance)
    return None


def speaker_label(actor: str, source: str) -> str:
    """The speaker shown in charts: the actor, or the outlet's own voice for narration."""
    return actor if actor else f"{source}{NARRATION}"


# -- the Statements page (issue 17): its URL keys ------------------------------------------

STATEMENT_KEYS = ("stmt", "stmt_min")


def _statement_scalar(name: str, v: str) -> tuple[object, str]:
    """``stmt`` (a statement id) and ``stmt_min`` (outlets): whole numbers from 1. Whether the
    statement exists is the page's to check (statements are grouped there, not here).

    >>> _statement_scalar("stmt", "3"), _statement_scalar("stmt_min", "0")[1]
    ((3, ''), 'Ignored parameter "stmt_min": not a whole number from 1 to 1000000.')
    """
    if v.isascii() and v.isdigit() and 1 <= int(v) <= MAX_STMT:
        return int(v), ""
    return None, f'Ignored parameter "{name}": not a whole number from 1 to {MAX_STMT}.'


def statement_view(state: ViewState, stmt: int | None, stmt_min: int | None = None) -> ViewState:
    """The state with statement ``stmt`` opened (None: none) and, if given, the minimum outlets.

    >>> link(statement_view(ViewState(), 3, 1), "statements")
    '/statements?stmt=3&stmt_min=1'
    """
    return replace(state, stmt=stmt, stmt_min=state.stmt_min if stmt_min is None else stmt_min)


def write_statement(state: ViewState) -> None:
    """Write the Statements page's keys of ``state`` into the URL (defaults leave it), through
    :func:`write_url` below."""
    write_url(
        {
            "stmt": None if state.stmt is None else str(state.stmt),
            "stmt_min": None if state.stmt_min == STMT_MIN else str(state.stmt_min),
        }
    )


# -- the URL of the running app: the only code that touches st.query_params -----------------


def read_url() -> dict[str, list[str]]:
    """The URL's query parameters, every value kept (repeated keys as lists)."""
    import streamlit as st

    qp = st.query_params
    return {key: qp.get_all(key) for key in qp}


def write_url(values: Mapping[str, str | Sequence[str] | None]) -> None:
    """Set (a string or a list) or remove (``None`` or empty) URL parameters; others stay."""
    import streamlit as st

    for key, value in values.items():
        if value:
            st.query_params[key] = value if isinstance(value, str) else list(value)
        elif key in st.query_params:
            del st.query_params[key]


def write_view(state: ViewState) -> None:
    """Write the non-widget parts of ``state`` (chart selection, opened paragraph, days)."""
    sel = state.sel
    write_url(
        {
            "sel_by": sel.by if sel else None,
            "sel": sel.group if sel else None,
            "sel_stance": sel.stance if sel else None,
            "doc": state.doc or None,
            "p": None if state.paragraph is None else str(state.paragraph),
            "from": state.date_from or None,
            "to": state.date_to or None,
        }
    )


def drop_bad(dropped: Mapping[str, Sequence[str] | None]) -> None:
    """Take the values a notice named out of the URL, so a shared link does not carry them.
    Parameters bound to widgets are left to Streamlit, which drops the values it rejects
    (and refuses writes to them through st.query_params)."""
    write_url({k: (list(v) if v else None) for k, v in dropped.items() if k not in BOUND})
