"""Plain-text reports for the command line."""

from __future__ import annotations

from pathlib import Path

from geodata.dataset import Dataset
from layers.i18n import _
from layers.messages import problem_line
from layers.statistics import layer_counts


def format_check_report(path: Path, dataset: Dataset, problems) -> str:
    """The ``check`` verb's output: a header, the count table, then every problem."""
    meta = dataset.metadata
    lines = [f"{meta.get('township_name', '?')} ({meta.get('township_code', '?')})  {path}"]
    if meta.get("as_of"):
        lines.append(f"as of {meta['as_of']}")
    if meta.get("illustrative", "").lower() == "true":
        lines.append(meta.get("disclaimer") or "Illustrative sample data.")
    lines += ["", f"{'layer':<24}{'features':>9}"]
    for row in layer_counts(dataset).itertuples():
        name = f"  {row.layer.split('.', 1)[1]}" if "." in row.layer else row.layer
        lines.append(f"{name:<24}{row.count:>9}")
    lines.append("")
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not problems:
        lines.append(_("No problems found."))
    else:
        lines.append(_("{errors} error(s), {warnings} warning(s):").format(errors=errors, warnings=warnings))
        lines += [problem_line(p) for p in problems]
    return "\n".join(lines)
