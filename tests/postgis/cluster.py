"""A throw-away PostgreSQL + PostGIS server in a temporary folder, for tests and benchmarks.

PostgreSQL refuses to run as root, and CI runs as root without a guaranteed ``postgres``
account: as root, the server runs as ``nobody`` (uid and gid from the password database),
with the folder given to that user. It listens on a free loopback port (password logins,
as desks on other machines use) and on a Unix socket in the folder (trusted, for the
administrator's setup). Missing server binaries or PostGIS raise: tests must fail loudly.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

INSTALL_HINT = (
    "install them with `make test` (as root it installs postgresql-15 and "
    "postgresql-15-postgis-3) or apt-get install postgresql-15 postgresql-15-postgis-3"
)


class ClusterError(RuntimeError):
    pass


def server_bindir() -> Path:
    """The folder with initdb, pg_ctl and postgres (newest PostgreSQL installed)."""
    found = shutil.which("pg_ctl")
    candidates = [Path(os.path.realpath(found)).parent] if found else []
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(re.sub(r"\D", "", p.parent.name) or 0),
        reverse=True,
    )
    for folder in candidates + versions:
        if all((folder / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise ClusterError(f"PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: {INSTALL_HINT}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TemporaryCluster:
    """``start()`` a server, ``stop()`` it and delete its folder."""

    def __init__(self):
        self.bindir = server_bindir()
        self.folder = Path(tempfile.mkdtemp(prefix="situation-map-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._as_user: dict = {}
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            self._as_user = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
            os.chown(self.folder, nobody.pw_uid, nobody.pw_gid)

    def _run(self, *command: str) -> None:
        log = self.folder / "command.log"
        with open(log, "ab") as out:
            done = subprocess.run(
                [str(self.bindir / command[0]), *command[1:]],
                stdout=out,
                stderr=out,
                cwd=self.folder,
                timeout=120,
                check=False,
                **self._as_user,
            )
        if done.returncode != 0:
            raise ClusterError(f"{command[0]} failed ({done.returncode}): {log.read_text()[-2000:]}")

    def start(self) -> TemporaryCluster:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.folder}'\nfsync = off\n"
                "synchronous_commit = off\nfull_page_writes = off\n"
            )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "start")
        return self

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def admin_url(self, database: str = "postgres") -> str:
        """The superuser over the Unix socket (trusted: no password)."""
        return f"postgresql://postgres@/{database}?host={self.folder}&port={self.port}"

    def tcp_url(self, user: str, database: str) -> str:
        """``user`` over loopback TCP; the password comes from libpq (PGPASSFILE, .pgpass)."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def admin(self, statement: str, database: str = "postgres", params=None) -> None:
        import psycopg

        with psycopg.connect(self.admin_url(database), autocommit=True) as conn:
            conn.execute(statement, params)


def init_as_of_version(conn, version: int) -> None:
    """Create the schema on ``conn`` as a program that knew migrations up to ``version`` did."""
    from geodata.stores.postgis import migrations

    everything = migrations.MIGRATIONS
    try:
        migrations.MIGRATIONS = tuple(m for m in everything if m.version <= version)
        migrations.init(conn)
    finally:
        migrations.MIGRATIONS = everything
