"""Where a database is, and how to name it without its password.

Desks connect with libpq's own mechanisms (a ``~/.pgpass`` file, a service in
``~/.pg_service.conf``, the ``PG*`` environment), so a location shown, logged or kept in the
settings never needs a password. A password typed into a URL is still accepted for the
connection, but every text made from a location leaves it out.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

_URL_SCHEMES = ("postgresql://", "postgres://")
# A libpq keyword/value string starts with a keyword and "=", e.g. "service=command_centre".
_CONNINFO = re.compile(r"^\s*[a-z_]+\s*=", re.IGNORECASE)
_SECRET_KEYS = ("password", "sslpassword")


def is_database_location(location) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a file."""
    if isinstance(location, DatabaseLocation):
        return True
    if not isinstance(location, str):
        return False
    return location.strip().lower().startswith(_URL_SCHEMES) or bool(_CONNINFO.match(location))


class DatabaseLocation(str):
    """A connection string as it may be shown: the text of the location without a password.

    It is a ``str`` (the safe text), so it can go into a title, a log line or the settings.
    ``name`` is the database (or service) name, for titles; ``parent`` is the home folder, so
    a file dialog started from it opens somewhere sensible.
    """

    def __new__(cls, location: str):
        return super().__new__(cls, without_password(location))

    @property
    def name(self) -> str:
        from psycopg.conninfo import conninfo_to_dict

        try:
            parts = conninfo_to_dict(str(self))
        except Exception:  # a malformed string still needs a title
            return str(self)
        return str(parts.get("dbname") or parts.get("service") or str(self))

    @property
    def parent(self):
        from pathlib import Path

        return Path.home()


def without_password(location: str) -> str:
    """``location`` with any password removed, in the form it was given (URL or key=value)."""
    text = str(location).strip()
    if text.lower().startswith(_URL_SCHEMES):
        parts = urlsplit(text)
        netloc = parts.netloc
        if "@" in netloc:
            credentials, host = netloc.rsplit("@", 1)
            user = credentials.split(":", 1)[0]
            netloc = f"{user}@{host}" if user else host
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _SECRET_KEYS]
        # Built by hand: urlunsplit drops the "//" of an empty host (postgresql:///?service=…).
        text = f"{parts.scheme}://{netloc}{parts.path}"
        if query:
            text += "?" + urlencode(query, safe="/")
        return text + (f"#{parts.fragment}" if parts.fragment else "")
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        keywords = conninfo_to_dict(text)
    except Exception:
        # Unreadable: show only the keywords, never a value that might be a password.
        return " ".join(f"{word.split('=')[0]}=…" for word in text.split() if "=" in word)
    return make_conninfo("", **{k: v for k, v in keywords.items() if k not in _SECRET_KEYS})
