"""The export's one error."""

from geodata.errors import GeodataError


class ExportError(GeodataError):
    """A layer cannot be written to the file asked for."""
