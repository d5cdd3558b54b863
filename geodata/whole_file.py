"""A file written whole or not at all: written beside its target under a hidden name, then
renamed over it, so a reader (Excel, a mail job) never sees half a file and a failed write
leaves none. For export files only: the dataset itself is written in SQLite transactions."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def written_whole(target: Path, prefix: str = ".situation-map-") -> Iterator[Path]:
    """A path beside ``target`` to write; renamed over ``target`` when the block ends without
    an error, removed otherwise."""
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=target.suffix, dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        mask = os.umask(0)
        os.umask(mask)
        temporary.chmod(0o666 & ~mask)  # mkstemp's private mode would hide the file from others
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)
