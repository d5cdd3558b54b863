"""Problems, where they sit, and how a value is shown in a message."""

from __future__ import annotations

from dataclasses import dataclass

from geodata.messages import N_, Message
from geodata.schema import SCHEMAS, Field

ERROR = "error"
WARNING = "warning"

# Values are quoted so the user can find them in the file, but cut short so that one bad
# cell full of text does not flood the list.
_QUOTE_LIMIT = 40
# Control characters written out, so a message stays on one line and never carries a NUL.
_VISIBLE_CONTROLS = str.maketrans(
    {
        **{chr(code): f"\\x{code:02x}" for code in range(32)},
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
        "\x7f": "\\x7f",
    }
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, said for the person at the desk.

    Attributes
    ----------
    severity
        ``"error"`` (the data cannot be used as it is) or ``"warning"`` (it can, but
        something looks wrong).
    layer
        The layer or table name, e.g. ``"checkpoints"``.
    feature
        The feature's id when known, else ``"row N"`` (1-based row of the frame), or
        ``None`` for a problem of the whole layer.
    field
        The field concerned, ``"geometry"`` for a shape or location, ``None`` when the
        problem concerns the whole layer.
    message
        What is wrong and what to do, in plain English: a ``geodata.messages.Message``
        (a ``str``) that layers.messages shows in the window's language.
    """

    severity: str
    layer: str
    feature: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        # e.g. "error   checkpoints  CP07  tier: 'county' is not one of ..."
        head = f"{self.severity:<{len(WARNING)}} {self.layer}"
        if self.feature is not None:
            head += f"  {self.feature}"
        text = f"{self.field}: {self.message}" if self.field is not None else self.message
        return f"{head}  {text}"


@dataclass(frozen=True)
class Finding:
    """A problem and the row it sits on (``None`` for the whole layer), for sorting."""

    problem: Problem
    row: int | None


def sort_problems(findings: list[Finding]) -> list[Problem]:
    """Problems by layer in schema order, then row, then field in schema order.

    Layer-wide problems come first in their layer. The sort is stable, so problems that tie
    keep the order in which the checks found them.
    """
    layer_ranks = {name: rank for rank, name in enumerate(SCHEMAS)}
    field_ranks = {name: _field_ranks(schema) for name, schema in SCHEMAS.items()}

    def key(finding: Finding):
        problem = finding.problem
        layer_rank = layer_ranks.get(problem.layer, len(layer_ranks))
        row = -1 if finding.row is None else finding.row
        ranks = field_ranks.get(problem.layer, {})
        # Layer-wide first, then the schema's order, geometry, and unknown columns last.
        field_rank = -1 if problem.field is None else ranks.get(problem.field, len(ranks))
        return (layer_rank, problem.layer, row, field_rank)

    return [finding.problem for finding in sorted(findings, key=key)]


def _field_ranks(schema) -> dict[str, int]:
    ranks = {name: rank for rank, name in enumerate(schema.field_names)}
    ranks["geometry"] = len(ranks)
    return ranks


def shown(field: Field | None, value) -> str:
    """``value`` as it appears in a message: quoted and cut short.

    A personal field's value (household head's name, phone, notes) is never shown, whatever
    the check: the message says "the value" instead (docs/architecture.md, Privacy).
    """
    if field is not None and field.personal:
        return Message(N_("the value"))
    return quote(value)


def quote(value) -> str:
    """Text in single quotes, other values as written, either cut to about 40 characters."""
    text = shorten(str(value))
    return f"'{text}'" if isinstance(value, str) else text


def shorten(text: str) -> str:
    """``text`` on one line and cut to about 40 characters."""
    text = text.translate(_VISIBLE_CONTROLS)
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + "…"


def listed(names) -> str:
    """``a, b, c`` for a message."""
    return ", ".join(str(name) for name in names)
