"""Importing real files: CSV, XLSX, GeoJSON, Shapefile, GeoPackage into a layer of a store.

Three steps, each usable alone: :func:`read_source` reads a file as it is, :func:`plan_import`
works out what it becomes and every problem with file, row and field (writing nothing), and
:func:`apply_plan` writes the layer in one transaction of the store.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from geodata.feedback import Cancelled, Feedback, as_feedback
from geodata.importing.mode_names import MODES
from geodata.importing.problems import (
    ERROR,
    NOTE,
    WARNING,
    ImportCancelled,
    ImportFailure,
    ImportProblem,
)

if TYPE_CHECKING:
    from geodata.importing.plan import ImportPlan, apply_plan, plan_import
    from geodata.importing.readers import KINDS, read_source
    from geodata.importing.source import Source

# The pipeline (GeoPandas, the readers) is imported when first asked for: a command that only
# lists the modes in its help, or never imports, does not pay for it.
_LAZY = {
    "ImportPlan": "geodata.importing.plan",
    "apply_plan": "geodata.importing.plan",
    "plan_import": "geodata.importing.plan",
    "KINDS": "geodata.importing.readers",
    "read_source": "geodata.importing.readers",
    "Source": "geodata.importing.source",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ERROR",
    "NOTE",
    "WARNING",
    "KINDS",
    "MODES",
    "Cancelled",
    "ImportCancelled",
    "ImportFailure",
    "ImportPlan",
    "ImportProblem",
    "Source",
    "apply_plan",
    "import_file",
    "plan_import",
    "read_source",
]


def import_file(
    store,
    path,
    layer: str,
    *,
    crs=None,
    mode="append",
    encoding=None,
    sheet=None,
    dry_run=False,
    accept_warnings=False,
    allow_removal=False,
    feedback: Feedback | None = None,
) -> ImportPlan:
    """Read, check and (unless ``dry_run`` or there are problems) write ``path`` into ``layer``.

    Returns the plan; ``plan.problems`` says what is wrong. Raises :class:`ImportFailure`
    when the file cannot be read or the plan cannot be written, and
    :class:`~geodata.feedback.Cancelled` when ``feedback`` is cancelled; nothing is written then.
    """
    from geodata.importing.plan import apply_plan, plan_import
    from geodata.importing.readers import read_source

    whole = as_feedback(feedback)
    source = read_source(path, encoding=encoding, sheet=sheet, layer_hint=layer, feedback=whole.part(0.0, 0.3))
    plan = plan_import(source, store.read_all(), layer, crs=crs, mode=mode, feedback=whole.part(0.3, 1.0))
    whole.raise_if_cancelled()
    if not dry_run:
        apply_plan(store, plan, accept_warnings=accept_warnings, allow_removal=allow_removal)
    return plan
