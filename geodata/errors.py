"""Exceptions of the data package. Messages are written for the person at the desk."""


class GeodataError(Exception):
    """Base of every error raised by :mod:`geodata`."""


class SchemaError(GeodataError):
    """A layer, field or value does not fit the data model."""


class StoreError(GeodataError):
    """A store cannot be opened, read or written."""
