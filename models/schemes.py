"""Stance schemes as data: labels, descriptions, prototypes, hypotheses, thresholds.

A scheme is a TOML file a user can edit; the classifier reads everything label-specific from
it. ``load_scheme()`` gives the default scheme shipped in ``models/data/scheme_default.toml``.

>>> s = load_scheme()
>>> s.label_names
('us_critical', 'china_neutral', 'russia_aligned', 'none')
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import get_args

from models.records import Affiliation
from models.scheme_model import (
    _PALETTE,
    ABSTAIN_COLOR,
    DATA_DIR,
    DEFAULT_SCHEME,
    PARAMS,
    THRESHOLD_FIELDS,
    Label,
    Scheme,
    SchemeError,
    Thresholds,
    content_hash,
)

__all__ = [
    "ABSTAIN_COLOR", "DATA_DIR", "DEFAULT_SCHEME", "PARAMS", "THRESHOLD_FIELDS", "Label", "Scheme",
    "SchemeError", "Thresholds", "content_hash", "load_scheme", "parse_scheme",
]  # fmt: skip


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
