"""Modules a library imports for a feature we never use, loaded on first use instead.

Folium imports ``requests`` to fetch GeoJSON given as a URL; our pages never give one, and
``requests`` (with urllib3 and charset_normalizer) was 30-60 ms of a cold ``map`` command.
:func:`defer` puts a stand-in in its place: ``import requests`` returns the stand-in, and the
first attribute asked of it imports the real module, which the stand-in then mirrors.
(:class:`importlib.util.LazyLoader` cannot do this on Python 3.11: the import statement
itself reads the module's ``__spec__``, which loads it.)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types


class _StandIn(types.ModuleType):
    """A module not imported yet: asked for anything, it imports the real one."""

    def __getattr__(self, attribute: str):
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        self.__dict__.update(real.__dict__)
        return getattr(real, attribute)


def defer(name: str) -> None:
    """Make the next ``import name`` return a stand-in that imports the module on first use.
    Nothing changes when it is imported already or is not installed."""
    if name in sys.modules or importlib.util.find_spec(name) is None:
        return
    sys.modules[name] = _StandIn(name)
