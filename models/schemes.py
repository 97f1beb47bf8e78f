"""Stance schemes as data: labels, descriptions, prototypes, hypotheses, thresholds.

A scheme is a TOML file a user can edit; the classifier reads everything label-specific from
it. ``load_scheme()`` gives the default scheme shipped in ``models/data/scheme_default.toml``.

>>> s = load_scheme()
>>> s.label_names
('us_critical', 'china_neutral', 'russia_aligned', 'none')
"""

from __future__ import annotations

import csv
import hashlib
import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import get_args

from models.records import Affiliation

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SCHEME = DATA_DIR / "scheme_default.toml"
_PALETTE = ("#d62728", "#1f77b4", "#9467bd", "#2ca02c", "#ff7f0e", "#8c564b", "#e377c2")
ABSTAIN_COLOR = "#b0b0b0"


class SchemeError(ValueError):
    """A scheme file is missing, unreadable or inconsistent; the message says what to fix."""


@dataclass(frozen=True)
class Label:
    name: str
    description: str = ""
    title: str = ""  # the name people read (charts, legends); the id `name` is for exports
    color: str = ""
    hypothesis: str = ""  # NLI hypothesis (filled into the template)
    prototypes: tuple[str, ...] = ()  # statements that carry the stance (embedding backend)
    contrasts: tuple[str, ...] = ()  # look-alikes that do NOT carry it (count for abstain)
    examples: tuple[str, ...] = ()  # labelled training texts (inline and the examples file)
    threshold: float | None = None  # per-label override of the scheme threshold
    targets: tuple[str, ...] = ()  # keys of the scheme's [targets] this label speaks about
    # speakers' sides (the `affiliation` column) whose words do not put this position forward:
    # quoted on it, they report or oppose it (models.voices)
    not_voiced_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Thresholds:
    abstain: float = 0.5  # top label score below this -> abstain label
    multi: float = 0.5  # every label scoring over this goes into `stances`
    temperature: float = 0.05  # softmax temperature over cosine similarities
    params: dict[str, float] = field(default_factory=dict)  # backend-specific extras


@dataclass(frozen=True)
class Scheme:
    name: str
    labels: tuple[Label, ...]  # stance labels, without the abstain label
    abstain: Label
    description: str = ""
    hypothesis_template: str = "This text {}."
    multi_label: bool = True
    thresholds: Thresholds = Thresholds()
    path: str = ""
    targets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # target -> its names
    # model name -> overrides of [thresholds] and of label thresholds, from [thresholds.<model>]
    model_thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    generic_none: bool = True  # the shipped topic-free `none` examples train the head too

    @property
    def label_names(self) -> tuple[str, ...]:
        return (*(lb.name for lb in self.labels), self.abstain.name)

    @property
    def titles(self) -> dict[str, str]:
        """Label id -> the name people read."""
        return {lb.name: lb.title or lb.name for lb in (*self.labels, self.abstain)}

    @property
    def colors(self) -> dict[str, str]:
        return {lb.name: lb.color for lb in (*self.labels, self.abstain)}

    def label(self, name: str) -> Label:
        for lb in (*self.labels, self.abstain):
            if lb.name == name:
                return lb
        raise KeyError(name)

    def threshold(self, name: str) -> float:
        lb = self.label(name)
        return self.thresholds.abstain if lb.threshold is None else lb.threshold

    def model_table(self, model: str) -> dict[str, float] | None:
        """The ``[thresholds.<model>]`` table of ``model`` (or of its name without ``-fp32``)."""
        return self.model_thresholds.get(model) or self.model_thresholds.get(
            model.removesuffix("-fp32")
        )

    def for_model(self, model: str) -> Scheme:
        """The scheme as ``model`` classifies with it: its ``[thresholds.<model>]`` table (looked
        up by the model's name, then by the name without ``-fp32``) over the general values.

        >>> s = parse_scheme({"name": "s", "labels": [{"name": "a", "hypothesis": "is a"}],
        ...                   "thresholds": {"temperature": 0.05, "big": {"a": 0.7}}})
        >>> s.for_model("big-fp32").threshold("a"), s.for_model("small").threshold("a")
        (0.7, 0.5)

        Only the keys the table lists change; the result has no tables left, so that editing
        one model's table leaves every other model's fingerprint (and cached results) alone.
        """
        over = self.model_table(model) or {}
        # the tables are settled here: another model's table is not part of this fingerprint
        labels = tuple(replace(lb, threshold=over.get(lb.name, lb.threshold)) for lb in self.labels)
        general = {k: v for k, v in over.items() if k in THRESHOLD_FIELDS}
        names = {lb.name for lb in self.labels}
        params = {k: v for k, v in over.items() if k not in names and k not in THRESHOLD_FIELDS}
        t = replace(self.thresholds, **general, params={**self.thresholds.params, **params})
        return replace(self, labels=labels, thresholds=t, model_thresholds={})

    @property
    def fingerprint(self) -> str:
        """A short hash of everything that changes classification output."""
        return content_hash(self, "classify")

    @property
    def table_fingerprint(self) -> str:
        """``fingerprint`` and the ``not_voiced_by`` sides, applied after classification (so
        editing them re-decides a table without reclassifying a paragraph)."""
        voices = [[lb.name, lb.not_voiced_by] for lb in self.labels if lb.not_voiced_by]
        if not voices:
            return self.fingerprint
        return hashlib.sha256(json.dumps([self.fingerprint, voices]).encode()).hexdigest()[:16]

    def label_fingerprint(self, name: str) -> str:
        """Hash of one label's classifier inputs, so a changed label recomputes only itself."""
        lb = self.label(name)
        names = {t: self.targets.get(t, ()) for t in lb.targets}
        payload = [lb.name, lb.hypothesis, lb.prototypes, lb.contrasts, sorted(names.items())]
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:16]


def content_hash(scheme: Scheme, purpose: str) -> str:
    labels = [
        [lb.name, lb.hypothesis, lb.prototypes, lb.contrasts, lb.threshold, lb.targets,
         lb.description, lb.examples]
        for lb in (*scheme.labels, scheme.abstain)
    ]  # fmt: skip
    t = scheme.thresholds
    payload = [purpose, scheme.hypothesis_template, scheme.multi_label, labels, scheme.generic_none]
    payload.append(sorted(scheme.targets.items()))
    payload += [t.abstain, t.multi, t.temperature, sorted(t.params.items())]
    if scheme.model_thresholds:  # absent from schemes without tables: their fingerprints stay
        payload.append(sorted((m, sorted(v.items())) for m, v in scheme.model_thresholds.items()))
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:16]


def load_scheme(path: str | Path | None = None) -> Scheme:
    """Load a scheme TOML file (default: the shipped US/China/Russia scheme)."""
    p = Path(path) if path else DEFAULT_SCHEME
    if not p.is_file():
        raise SchemeError(f"scheme file not found: {p}")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SchemeError(f"{p}: not valid TOML ({exc})") from exc
    return parse_scheme(data, source=str(p))


def _str_tuple(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SchemeError(f"{where} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def parse_scheme(data: dict, *, source: str = "<scheme>") -> Scheme:
    """Validate a parsed TOML mapping and build a Scheme; errors name the field to fix."""
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SchemeError(f"{source}: `name` (a string) is required")
    abstain_name = data.get("abstain", "none")
    raw_labels = data.get("labels")
    if not isinstance(raw_labels, list) or not raw_labels:
        raise SchemeError(f"{source}: at least one [[labels]] table is required")
    labels: list[Label] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_labels):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise SchemeError(f"{source}: labels[{i}] needs a `name`")
        lname = raw["name"].strip()
        if not lname.replace("_", "").replace("-", "").isalnum():
            raise SchemeError(f"{source}: label name {lname!r} must be letters, digits, _ or -")
        if lname in seen:
            raise SchemeError(f"{source}: label {lname!r} appears twice")
        seen.add(lname)
        thr = raw.get("threshold")
        if thr is not None and not isinstance(thr, int | float):
            raise SchemeError(f"{source}: labels[{i}].threshold must be a number")
        labels.append(
            Label(
                name=lname,
                description=str(raw.get("description", "")).strip(),
                title=str(raw.get("title", "")).strip() or _title(lname),
                color=str(raw.get("color", "")),
                hypothesis=str(raw.get("hypothesis", "")).strip(),
                prototypes=_str_tuple(raw.get("prototypes"), f"{source}: {lname}.prototypes"),
                contrasts=_str_tuple(raw.get("contrasts"), f"{source}: {lname}.contrasts"),
                examples=_str_tuple(raw.get("examples"), f"{source}: {lname}.examples"),
                threshold=None if thr is None else float(thr),
                targets=_str_tuple(raw.get("targets"), f"{source}: {lname}.targets"),
                not_voiced_by=_str_tuple(
                    raw.get("not_voiced_by"), f"{source}: {lname}.not_voiced_by"
                ),
            )
        )
    sides = get_args(Affiliation)
    for lb in labels:
        wrong = [v for v in lb.not_voiced_by if v not in sides]
        if wrong:
            raise SchemeError(
                f"{source}: {lb.name}.not_voiced_by: unknown sides {wrong}; "
                f"the sides are {', '.join(sides)}"
            )
        if lb.name == abstain_name and lb.not_voiced_by:
            raise SchemeError(f"{source}: the abstain label {lb.name!r} takes no not_voiced_by")
    stance = [lb for lb in labels if lb.name != abstain_name]
    if not stance:
        raise SchemeError(f"{source}: needs at least one label besides {abstain_name!r}")
    abstain = next((lb for lb in labels if lb.name == abstain_name), Label(name=abstain_name))
    *stance, abstain = _with_file_examples([*stance, abstain], data.get("examples_file"), source)
    stance = [
        lb if lb.color else _with(lb, color=_PALETTE[i % len(_PALETTE)])
        for i, lb in enumerate(stance)
    ]
    if not abstain.color:
        abstain = _with(abstain, color=ABSTAIN_COLOR)
    for lb in stance:
        if not (lb.examples or lb.prototypes or lb.hypothesis or lb.description):
            raise SchemeError(
                f"{source}: label {lb.name!r} needs a description, a hypothesis or examples"
            )
    raw_t = data.get("thresholds", {})
    if not isinstance(raw_t, dict):
        raise SchemeError(f"{source}: [thresholds] must be a table")
    general = _numbers(
        {k: v for k, v in raw_t.items() if not isinstance(v, dict)}, f"{source}: [thresholds]"
    )
    thresholds = Thresholds(
        **{k: v for k, v in general.items() if k in THRESHOLD_FIELDS},
        params={k: v for k, v in general.items() if k not in THRESHOLD_FIELDS},
    )
    model_thresholds = {
        str(m): _model_table(v, f"{source}: [thresholds.{m}]", stance, thresholds)
        for m, v in raw_t.items()
        if isinstance(v, dict)
    }
    raw_targets = data.get("targets", {})
    if not isinstance(raw_targets, dict):
        raise SchemeError(f"{source}: [targets] must be a table of name lists")
    targets = {str(k): _str_tuple(v, f"{source}: targets.{k}") for k, v in raw_targets.items()}
    for lb in stance:
        unknown = [t for t in lb.targets if t not in targets]
        if unknown:
            raise SchemeError(f"{source}: label {lb.name!r} names unknown targets {unknown}")
    template = str(data.get("hypothesis_template", "This text {}."))
    if "{}" not in template:
        raise SchemeError(f"{source}: hypothesis_template must contain {{}}")
    return Scheme(
        name=name.strip(),
        labels=tuple(stance),
        abstain=abstain,
        description=str(data.get("description", "")).strip(),
        hypothesis_template=template,
        multi_label=bool(data.get("multi_label", True)),
        thresholds=thresholds,
        path=source,
        targets=targets,
        model_thresholds=model_thresholds,
        generic_none=bool(data.get("generic_none", True)),
    )


def _with_file_examples(labels: list[Label], name: object, source: str) -> list[Label]:
    """Add the rows of the scheme's ``examples_file`` (a CSV with ``label`` and ``text``
    columns, path relative to the scheme file, else a shipped one of that name) to its labels'
    ``examples``."""
    if name is None:
        return labels
    if not isinstance(name, str) or not name.strip():
        raise SchemeError(f"{source}: examples_file must be a file name")
    path = Path(source).parent / name
    if not path.is_file() and (DATA_DIR / name).is_file():  # a copy of a shipped scheme, or
        path = DATA_DIR / name  # one parsed from text, keeps the shipped examples

    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SchemeError(f"{source}: cannot read examples_file {path}: {exc}") from exc
    if rows and not {"label", "text"} <= set(rows[0]):
        raise SchemeError(f"{source}: {path} needs `label` and `text` columns")
    known = {lb.name for lb in labels}
    unknown = sorted({r["label"] for r in rows} - known)
    if unknown:
        raise SchemeError(f"{source}: {path} has rows for unknown labels {unknown}")
    extra: dict[str, list[str]] = {}
    for r in rows:
        if (r.get("text") or "").strip():
            extra.setdefault(r["label"], []).append(r["text"].strip())
    return [replace(lb, examples=(*lb.examples, *extra.get(lb.name, ()))) for lb in labels]


THRESHOLD_FIELDS = ("abstain", "multi", "temperature")
# the embedding backend's knobs (models.prototypes) that a [thresholds.<model>] table may set
PARAMS = (
    "top_k",
    "own_contrasts",
    "target_miss_sentence",
    "target_miss_paragraph",
    "quote_units",
)


def _model_table(
    table: dict, where: str, labels: list[Label], general: Thresholds
) -> dict[str, float]:
    """A ``[thresholds.<model>]`` table: numbers for known keys only (a typo is an error)."""
    values = _numbers(table, where)
    names = [lb.name for lb in labels]
    known = {*names, *THRESHOLD_FIELDS, *PARAMS, *general.params}
    unknown = sorted(k for k in values if k not in known)
    if unknown:
        raise SchemeError(
            f"{where}: unknown keys {unknown}; a model's table takes the stance labels "
            f"({', '.join(names)}) and {', '.join((*THRESHOLD_FIELDS, *PARAMS))}"
        )
    return values


def _numbers(table: dict, where: str) -> dict[str, float]:
    bad = [k for k, v in table.items() if isinstance(v, bool) or not isinstance(v, int | float)]
    if bad:
        raise SchemeError(f"{where}: values must be numbers ({', '.join(map(str, bad))})")
    return {str(k): float(v) for k, v in table.items()}


def _title(name: str) -> str:
    """A readable default for a label id: ``us_critical`` -> ``Us critical``."""
    words = name.replace("-", " ").replace("_", " ").split()
    return " ".join(words).capitalize() if words else name


def _with(label: Label, **changes: object) -> Label:
    return replace(label, **changes)  # type: ignore[arg-type]
