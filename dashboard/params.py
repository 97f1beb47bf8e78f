"""The view's parameters, declared once: every URL parameter (name, field, meaning), the
ViewState they fill, the chart Selection and the Vocab of values a URL may name. Pure data;
dashboard.state parses and builds URLs from them (and re-exports every name here).
"""

from __future__ import annotations

from dataclasses import dataclass, field

GROUPINGS = ("source", "speaker", "affiliation")  # the columns a chart can be clicked by
TIME_GROUPINGS = ("source", "speaker")  # the columns drawn over time
PAGES = {
    "overview": "",
    "reader": "reader",
    "upload": "upload",
    "scheme": "scheme",
    "statements": "statements",  # the Statements page (issue 17)
}  # page name -> URL path (overview is the root)
MAX_VALUES = 100  # repeated values kept per parameter
MAX_CHARS = 300  # longest value kept
MAX_PARAGRAPH = 1_000_000
NARRATION = " (narration)"  # suffix of the speaker shown for an outlet's own voice
DEFAULT_CORPUS = "seeds"  # the built-in corpus (the repo's seeds/ or $STANCEMAP_CORPUS)
STMT_MIN = 2  # the Statements page lists statements carried by this many outlets by default
MAX_STMT = 1_000_000  # the largest statement id or minimum a URL may name


@dataclass(frozen=True)
class Param:
    """One URL parameter, declared once: its name, the ViewState field, and what it means."""

    name: str
    field: str
    help: str
    bound: bool = False  # a sidebar widget with bind="query-params" and key == name
    repeated: bool = False


PARAMS: tuple[Param, ...] = (
    Param("corpus", "corpus", "Corpus id (the built-in corpus is seeds)"),
    Param("source", "sources", "Sources (outlets) to show", bound=True, repeated=True),
    Param("speaker", "speakers", "Speakers to show", bound=True, repeated=True),
    Param("aff", "affiliations", "Speaker affiliations to show", bound=True, repeated=True),
    Param("stance", "stances", "Stance labels to show (ids)", repeated=True),
    Param("conf", "min_conf", "Minimum stance score, 0 to 1", bound=True),
    Param("narration", "narration", "Include the outlets' own narration (true/false)", bound=True),
    Param("q", "query", "Free-text search in paragraph, speaker and quote", bound=True),
    Param("model", "model", "Backend/model that analysed the corpus", bound=True),
    Param("scheme", "scheme", "Stance scheme id (shipped or uploaded; see the Scheme page)"),
    Param("min_n", "min_count", "Minimum paragraphs for a bar's group to be charted", bound=True),
    Param("t_by", "time_by", "Stance over time per: source (default) or speaker"),
    Param("t_group", "time_group", "The source or speaker drawn over time"),
    Param("from", "date_from", "Only paragraphs dated on or after this day (YYYY-MM-DD)"),
    Param("to", "date_to", "Only paragraphs dated on or before this day (YYYY-MM-DD)"),
    Param("sel_by", "sel", "Clicked chart: source, speaker or affiliation"),
    Param("sel", "sel", "Clicked bar (a source, speaker or affiliation)"),
    Param("sel_stance", "sel", "Clicked stance segment"),
    Param("doc", "doc", "Article opened in the reader (file name)"),
    Param("p", "paragraph", "Paragraph opened in the reader (0-based, as the table's column)"),
    # -- the Statements page (issue 17; parsed by state._statement_scalar) --------------------
    Param("stmt", "stmt", "Statement opened on the Statements page (its id, from 1)"),
    Param("stmt_min", "stmt_min", "Minimum outlets carrying a statement listed (default 2)"),
)

# -- issue 18, corrections that teach: the Review page and the model version ----------------
PAGES["review"] = "review"
PARAMS += (Param("head", "head", "Model version: a retrained head's id (see the Review page)"),)
# -- end of issue 18's block ------------------------------------------------------------------

PARAM_NAMES = tuple(p.name for p in PARAMS)
BOUND = tuple(p.name for p in PARAMS if p.bound)


@dataclass(frozen=True)
class Selection:
    """A clicked bar segment: the rows where column ``by`` == ``group`` and stance == ``stance``."""

    by: str
    group: str
    stance: str


@dataclass(frozen=True)
class ViewState:
    """Everything a view shows; empty tuples mean "no restriction"."""

    corpus: str = DEFAULT_CORPUS
    sources: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    stances: tuple[str, ...] = ()
    min_conf: float = 0.0
    narration: bool = True
    query: str = ""
    model: str = ""  # "" = the default model
    scheme: str = ""  # "" = the default scheme
    min_count: int = 1
    time_by: str = "source"  # the grouping drawn over time (dated corpora only)
    time_group: str = ""  # "" = the largest group
    date_from: str = ""  # ISO day or ""
    date_to: str = ""
    sel: Selection | None = None
    doc: str = ""
    paragraph: int | None = None
    # -- the Statements page (issue 17) --
    stmt: int | None = None  # the statement opened (its statement_id)
    stmt_min: int = STMT_MIN  # statements carried by fewer outlets are not listed
    head: str = ""  # issue 18 (Review page): a retrained model version, "" = the scheme's head


@dataclass(frozen=True)
class Vocab:
    """The values that exist in the data; parse_query drops others with a notice."""

    sources: frozenset[str] = field(default_factory=frozenset)
    speakers: frozenset[str] = field(default_factory=frozenset)
    affiliations: frozenset[str] = field(default_factory=frozenset)
    stances: frozenset[str] = field(default_factory=frozenset)
    models: frozenset[str] = field(default_factory=frozenset)
    docs: frozenset[str] = field(default_factory=frozenset)
    corpora: frozenset[str] = field(default_factory=lambda: frozenset({DEFAULT_CORPUS}))
    schemes: frozenset[str] = field(default_factory=frozenset)

    def allowed(self, name: str) -> frozenset[str]:
        plural = {"aff": "affiliations", "speaker": "speakers", "corpus": "corpora"}
        return getattr(self, plural.get(name, name + "s"))
