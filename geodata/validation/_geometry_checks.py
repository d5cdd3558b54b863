"""Checks of one spatial layer's shapes: present, valid, of the right kind, in degrees."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from geodata.messages import N_, Message
from geodata.schema import GEOMETRY, STORAGE_CRS
from geodata.validation._problem import ERROR, WARNING, Finding
from geodata.validation._view import FrameView


def check_geometry_column(view: FrameView) -> Iterator[Finding]:
    """A spatial layer without any geometry column cannot be put on the map."""
    if view.schema.is_spatial and view.geometry_name is None:
        message = Message(
            N_(
                "the layer has no geometry column; {layer} need locations (import the file with its coordinate columns)"
            ),
            layer=view.name,
        )
        yield view.finding(ERROR, None, GEOMETRY, message)


def check_crs(view: FrameView) -> Iterator[Finding]:
    """No coordinate system: the coordinates are taken as WGS-84, which may be wrong.

    Any other declared system is fine: the store converts to WGS-84 on writing.
    """
    if view.schema.is_spatial and view.geometry_name is not None and view.crs is None:
        message = Message(
            N_("the layer has no coordinate system; its coordinates are taken as WGS-84 longitude/latitude ({crs})"),
            crs=STORAGE_CRS,
        )
        yield view.finding(WARNING, None, GEOMETRY, message)


def check_geometry_present(view: FrameView) -> Iterator[Finding]:
    """Rows without a shape, with an empty one, or with something that is not a shape."""
    if not _has_geometry(view):
        return
    shapes, not_shape = view.geometries()
    absent = shapely.is_missing(shapes) & ~not_shape
    empty = shapely.is_empty(shapes)
    for row in np.flatnonzero(not_shape):
        message = Message(
            N_("the cell holds something that is not a shape; import the file with its coordinate columns")
        )
        yield view.finding(ERROR, int(row), GEOMETRY, message)
    for row in np.flatnonzero(absent):
        message = Message(N_("missing; the feature has no location (enter its coordinates or draw it)"))
        yield view.finding(ERROR, int(row), GEOMETRY, message)
    for row in np.flatnonzero(empty):
        message = Message(N_("empty; the shape has no coordinates (enter them or draw it)"))
        yield view.finding(ERROR, int(row), GEOMETRY, message)


def check_geometry_valid(view: FrameView) -> Iterator[Finding]:
    """Invalid shapes (a boundary crossing itself, a coordinate that is not a number),
    with GEOS's reason so the user can find the spot."""
    if not _has_geometry(view):
        return
    shapes = usable_shapes(view, valid_only=False)
    invalid = ~shapely.is_missing(shapes) & ~shapely.is_valid(shapes)
    for row in np.flatnonzero(invalid):
        reason = shapely.is_valid_reason(shapes[row])
        message = Message(
            N_("the shape is not valid ({reason}); correct it in the source file or redraw it"), reason=reason
        )
        yield view.finding(ERROR, int(row), GEOMETRY, message)


def check_geometry_type(view: FrameView) -> Iterator[Finding]:
    """Shapes of a kind the layer does not hold: a line among checkpoints, a point among
    villages."""
    if not _has_geometry(view):
        return
    shapes, _ = view.geometries()
    present = ~shapely.is_missing(shapes) & ~shapely.is_empty(shapes)
    wrong = present & ~np.isin(shapely.get_type_id(shapes), _type_ids(view.schema.geometry_types))
    expected = " or ".join(view.schema.geometry_types)
    for row in np.flatnonzero(wrong):
        message = Message(
            N_("the shape is a {kind}, but {layer} must be {expected}"),
            kind=shapes[row].geom_type,
            layer=view.name,
            expected=expected,
        )
        yield view.finding(ERROR, int(row), GEOMETRY, message)


def check_degrees(view: FrameView) -> Iterator[Finding]:
    """Coordinates outside longitude ±180 / latitude ±90 in a layer said (or assumed) to be
    in degrees: projected metres read as WGS-84, or longitude and latitude swapped."""
    if not _has_geometry(view) or not _in_degrees(view.crs):
        return
    shapes, _ = view.geometries()
    for row in np.flatnonzero(_outside_degrees(shapes)):
        # The coordinates themselves are not quoted: a household's location is sensitive.
        message = Message(
            N_(
                "the coordinates are not longitude/latitude in degrees (outside ±180/±90); "
                "import the file with its real coordinate system"
            )
        )
        yield view.finding(ERROR, int(row), GEOMETRY, message)


def usable_shapes(view: FrameView, *, valid_only: bool = True) -> np.ndarray:
    """The layer's shapes, ``None`` where a shape is missing, empty, of the wrong kind, not in
    degrees when it should be, or (``valid_only``) not valid: what cross-layer checks use."""
    shapes, _ = view.geometries()
    present = ~shapely.is_missing(shapes) & ~shapely.is_empty(shapes)
    usable = present & np.isin(shapely.get_type_id(shapes), _type_ids(view.schema.geometry_types))
    if _in_degrees(view.crs):
        usable &= ~_outside_degrees(shapes)
    if valid_only:
        usable &= shapely.is_valid(shapes)
    return np.where(usable, shapes, np.array(None, dtype=object))


def _has_geometry(view: FrameView) -> bool:
    return view.schema.is_spatial and view.geometry_name is not None


def _type_ids(geometry_types: tuple[str, ...]) -> list[int]:
    # Schema names ("MultiPolygon") map onto shapely's type enum ("MULTIPOLYGON").
    return [shapely.GeometryType[name.upper()].value for name in geometry_types]


def _in_degrees(crs) -> bool:
    if crs is None:
        return True  # assumed WGS-84
    try:
        return CRS.from_user_input(crs).is_geographic
    except (CRSError, TypeError):  # an unreadable CRS is no reason to stop checking
        return False


def _outside_degrees(shapes: np.ndarray) -> np.ndarray:
    bounds = shapely.bounds(shapes)  # NaN rows for missing shapes compare False below
    with np.errstate(invalid="ignore"):
        return (bounds[:, 0] < -180) | (bounds[:, 2] > 180) | (bounds[:, 1] < -90) | (bounds[:, 3] > 90)
