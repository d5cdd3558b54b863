"""Plain-text reports for the command line."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from geodata.dataset import Dataset
from layers.i18n import _, language
from layers.messages import problem_line
from layers.statistics import layer_counts


def format_check_report(path: Path, dataset: Dataset, problems) -> str:
    """The ``check`` verb's output: a header, the count table, then every problem."""
    meta = dataset.metadata
    lang = language()
    lines = [f"{meta.get('township_name', '?')} ({meta.get('township_code', '?')})  {path}"]
    if meta.get("as_of"):
        lines.append(_("as of {moment}").format(moment=meta["as_of"]))
    if meta.get("illustrative", "").lower() == "true":
        lines.append(meta.get("disclaimer") or _("Illustrative sample data."))
    lines += ["", _padded(_("Layer"), 24) + _padded_left(_("Features"), 9)]
    for row in layer_counts(dataset).itertuples():
        # English names the layers as the GeoPackage and --layer do; Chinese by their labels.
        label = row.label_zh if lang == "zh" else row.layer.split(".", 1)[-1]
        # A tier's row is indented under its layer.
        lines.append(_padded(f"  {label}" if "." in row.layer else label, 24) + _padded_left(str(row.count), 9))
    lines.append("")
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not problems:
        lines.append(_("No problems found."))
    else:
        lines.append(_("{errors} error(s), {warnings} warning(s):").format(errors=errors, warnings=warnings))
        lines += [problem_line(p) for p in problems]
    return "\n".join(lines)


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _padded(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    return text + " " * max(width - _columns(text), 0)


def _padded_left(text: str, width: int) -> str:
    return " " * max(width - _columns(text), 0) + text
