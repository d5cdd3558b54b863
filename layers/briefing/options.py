"""What a briefing is made of, besides the MapState: paper, orientation, atlas, language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # kept light: the command starts Qt before the data libraries load
    from geodata.dataset import Dataset

# Paper sizes in millimetres (width, height) when portrait.
PAPER_SIZES = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
# Margins in millimetres: top and bottom hold the running header and footer (page numbers,
# generation time, the confidentiality mark), so they are wider than the sides.
MARGIN_SIDE_MM = 14.0
MARGIN_TOP_MM = 16.0
MARGIN_BOTTOM_MM = 16.0
CSS_PX_PER_MM = 96 / 25.4

# The briefing page says how far it is through its title: the printer waits for READY_TITLE.
READY_TITLE = "briefing-ready"
PROGRESS_TITLE_PREFIX = "briefing-drawn "  # followed by "n/m": maps drawn so far


class BriefingError(ValueError):
    """A briefing that cannot be made as asked (unknown village, paper, ...)."""


@dataclass(frozen=True)
class BriefingOptions:
    """How the briefing is laid out. The audience, day and map come from the MapState.

    Attributes
    ----------
    atlas : bool
        Add one page per village (or per village of ``villages``) after the summary.
    villages : tuple of str or None
        Division codes of the villages that get an atlas page; None: every village.
    paper : str
        "A4" or "A3".
    landscape : bool
        Landscape instead of portrait.
    lang : str
        "zh" (default) or "en".
    gcj02 : bool
        A plan briefing's proposed sites also in GCJ-02 coordinates (as Chinese map apps
        show them), beside WGS-84.
    list_rows_per_document : int
        An internal household list longer than this is printed in parts of this many rows
        after the rest of the briefing, each part a document of its own: a city's list of
        hundreds of thousands never sits in one page at once.
    """

    atlas: bool = False
    villages: tuple[str, ...] | None = None
    paper: str = "A4"
    landscape: bool = False
    lang: str = "zh"
    gcj02: bool = False
    list_rows_per_document: int = 2_000

    def __post_init__(self):
        if self.paper not in PAPER_SIZES:
            raise BriefingError(f"paper {self.paper!r}: choose one of {', '.join(PAPER_SIZES)}")
        if self.lang not in ("zh", "en"):
            raise BriefingError(f"language {self.lang!r}: choose zh or en")
        if self.villages is not None:
            object.__setattr__(self, "villages", tuple(self.villages))

    @property
    def page_size_mm(self) -> tuple[float, float]:
        width, height = PAPER_SIZES[self.paper]
        return (height, width) if self.landscape else (width, height)

    @property
    def content_size_mm(self) -> tuple[float, float]:
        """Width and height inside the margins."""
        width, height = self.page_size_mm
        return width - 2 * MARGIN_SIDE_MM, height - MARGIN_TOP_MM - MARGIN_BOTTOM_MM

    @property
    def content_width_px(self) -> int:
        """The width the page is laid out at on screen, so print and screen layout agree."""
        return round(self.content_size_mm[0] * CSS_PX_PER_MM)


def atlas_village_codes(dataset: Dataset, options: BriefingOptions) -> list[str]:
    """The codes of the villages that get an atlas page, in the villages layer's order.

    ``options.villages`` may name villages by code or by name.

    Raises
    ------
    BriefingError
        For a village that is not in the dataset (the message lists the known codes).
    """
    if not options.atlas:
        return []
    villages = dataset.villages
    codes = [str(c) for c in villages["code"]]
    if options.villages is None:
        return codes
    by_name = {str(n): str(c) for c, n in zip(villages["code"], villages["name"], strict=False) if isinstance(n, str)}
    wanted = []
    for given in options.villages:
        code = given if given in codes else by_name.get(given)
        if code is None:
            known = ", ".join(f"{c} {n}" for c, n in zip(codes, villages["name"], strict=False))
            from layers.i18n import _

            raise BriefingError(
                _("unknown village {village}; the dataset has: {known}").format(village=repr(given), known=known)
            )
        wanted.append(code)
    return [c for c in codes if c in wanted]
