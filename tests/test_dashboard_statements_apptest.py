"""AppTest of the Statements page on the real seed analysis (set-up of tests/test_apptest.py):
the list, a button drilling down to the carrying paragraphs, a shared ``stmt`` link, a bad one."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests import test_apptest as base
from tests.test_apptest import plain

app_env = base.app_env  # the same module-scoped fixtures
PAGE = "views/statements.py"


def _open(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(base.APP, default_timeout=base.TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def test_statements_page_lists_drills_down_and_shares(app_env) -> None:
    at = _open()
    heads = [plain(m.value) for m in at.markdown if plain(m.value).startswith("**#")]
    assert heads and all("2 outlet(s)" in h for h in heads)  # the default minimum: 2 outlets
    assert any("Antony Blinken" in h and "China will take responsibility" in h for h in heads)
    carried = [plain(c.value) for c in at.caption if plain(c.value).startswith("Carried by ")]
    assert any("The Wall Street Journal: quoted" in c and "CNN" in c for c in carried)
    assert any(": paraphrased" in c for c in carried)
    stances = [plain(c.value) for c in at.caption if plain(c.value).startswith("Stances: ")]
    assert stances and not any("us_critical" in s for s in stances)  # titles, not ids
    assert not at.text  # nothing opened yet

    head = next(h for h in heads if "China will take responsibility" in h)
    sid = head.split()[0].strip("*#")  # "**#3 · Antony Blinken** · ..."
    at.button(key=f"stmt-open-{sid}").click().run()
    assert not at.exception
    assert at.query_params["stmt"] == sid
    opened = _texts(at)
    assert len(opened) >= 2 and all("China" in t for t in opened)  # the whole paragraphs

    shared = _open({"stmt": sid})  # the link, in a new session
    assert _texts(shared) == opened
    link = next(c.value for c in shared.sidebar.code)
    assert link.endswith(f"/statements?stmt={sid}")

    shared.button(key="stmt-clear").click().run()
    assert "stmt" not in shared.query_params and not shared.text


def test_minimum_outlets_and_a_bad_statement_in_the_url(app_env) -> None:
    at = _open({"stmt": "9999", "stmt_min": "1"})
    notices = [plain(w.value) for w in at.warning]
    assert any('"stmt": this corpus has no statement 9999' in n for n in notices)
    assert "stmt" not in at.query_params and at.query_params["stmt_min"] == "1"
    assert at.number_input(key="stmt-min-pick").value == 1
    many = sum(plain(m.value).startswith("**#") for m in at.markdown)
    at.number_input(key="stmt-min-pick").set_value(3).run()
    assert at.query_params["stmt_min"] == "3"
    assert not any(plain(m.value).startswith("**#") for m in at.markdown) and many > 7
    assert any("No statement is carried by 3 or more" in i.value for i in at.info)
    bad = _open({"stmt": "abc"})
    assert any('"stmt": not a whole number' in plain(w.value) for w in bad.warning)
    assert "stmt" not in bad.query_params
