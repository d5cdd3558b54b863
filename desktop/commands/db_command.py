"""``situation-map db``: create, upgrade, fill and copy a shared PostGIS database.

    situation-map db init --url URL [--roles]      schema (and the reader/writer roles)
    situation-map db upgrade --url URL             apply the migrations the database lacks
    situation-map db push --from FILE.gpkg --url URL [--replace]
    situation-map db pull --url URL --out FILE.gpkg [--force]

URLs are ``postgresql://user@host/db`` or libpq strings (``service=NAME``); passwords come
from libpq (~/.pgpass, the service file, PGPASSWORD). What is printed names the database
without any password.
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.commands.common import (
    EXIT_DATA_ERRORS,
    EXIT_FAILED,
    EXIT_OK,
    language_option,
    use_language,
    writable_output,
)
from geodata.messages import N_
from layers.i18n import _

URL_HELP = N_("the database: postgresql://user@host/db or service=NAME (password from ~/.pgpass)")


def register(verbs, data_option) -> None:
    db = verbs.add_parser(
        "db",
        help=_("create, upgrade, fill and copy a shared PostGIS database"),
        description=_("Work with a shared PostgreSQL/PostGIS database that several desks use."),
    )
    actions = db.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init",
        help=_("create the schema in an empty database"),
        description=_("Create PostGIS (if allowed) and the situation-map schema."),
    )
    init.add_argument("--url", required=True, help=_(URL_HELP))
    init.add_argument(
        "--roles",
        action="store_true",
        help=_(
            "also create the group roles situation_map_reader (wall displays) and "
            "situation_map_writer (desks that edit)"
        ),
    )
    language_option(init, _("language of the messages"))
    init.set_defaults(run=run_init)
    upgrade = actions.add_parser("upgrade", help=_("apply the schema migrations the database lacks"))
    upgrade.add_argument("--url", required=True, help=_(URL_HELP))
    language_option(upgrade, _("language of the messages"))
    upgrade.set_defaults(run=run_upgrade)
    push = actions.add_parser(
        "push",
        help=_("copy a GeoPackage dataset into the database"),
        description=_(
            "Copy every layer, table and the metadata of a GeoPackage into the database, in one transaction."
        ),
    )
    push.add_argument("--from", dest="source", required=True, metavar="FILE.gpkg", help=_("the dataset to copy"))
    push.add_argument("--url", required=True, help=_(URL_HELP))
    push.add_argument("--replace", action="store_true", help=_("replace the data a database holds already"))
    language_option(push, _("language of the messages"))
    push.set_defaults(run=run_push)
    pull = actions.add_parser("pull", help=_("copy the database's dataset into a new GeoPackage"))
    pull.add_argument("--url", required=True, help=_(URL_HELP))
    pull.add_argument("--out", required=True, metavar="FILE.gpkg", help=_("the file to write"))
    pull.add_argument("--force", action="store_true", help=_("replace the file if it exists"))
    language_option(pull, _("language of the messages"))
    pull.set_defaults(run=run_pull)


def _admin_connection(url: str):
    import psycopg

    from geodata.errors import StoreError
    from geodata.stores.postgis.location import without_password

    try:
        return psycopg.connect(url, autocommit=True, application_name="situation-map db")
    except psycopg.Error as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StoreError(f"{without_password(url)}: cannot connect: {reason}") from None


def run_init(args) -> int:
    use_language(args)
    from geodata.stores.postgis import migrations
    from geodata.stores.postgis.location import without_password

    with _admin_connection(args.url) as conn:
        applied = migrations.init(conn)
        for migration in applied:
            print(
                _("  migration {number}: {description}").format(
                    number=migration.version, description=migration.description
                )
            )
        print(
            _("Created the situation-map schema (version {version}) in {location}").format(
                version=migrations.LATEST, location=without_password(args.url)
            )
        )
        if args.roles:
            created = migrations.create_roles(conn)
            for role in (migrations.READER_ROLE, migrations.WRITER_ROLE):
                state = _("created") if role in created else _("existed already")
                print(_("Role {role}: {state}").format(role=role, state=state))
            print(
                _("Give each desk a login role in one of them, e.g.") + "\n"
                f"  CREATE ROLE wall LOGIN PASSWORD '…' IN ROLE {migrations.READER_ROLE};"
            )
    return EXIT_OK


def run_upgrade(args) -> int:
    use_language(args)
    from geodata.stores.postgis import migrations
    from geodata.stores.postgis.location import without_password

    with _admin_connection(args.url) as conn:
        before = migrations.current_version(conn)
        applied = migrations.upgrade(
            conn,
            progress=lambda m: print(
                _("  migration {number}: {description}").format(number=m.version, description=m.description), flush=True
            ),
        )
    if applied:
        print(
            _("Upgraded {location} from version {old} to {new}").format(
                location=without_password(args.url), old=before, new=applied[-1].version
            )
        )
    else:
        print(
            _("{location} is up to date (version {version})").format(
                location=without_password(args.url), version=before
            )
        )
    return EXIT_OK


def run_push(args) -> int:
    use_language(args)
    from geodata.stores import GeoPackageStore, open_store
    from geodata.validation import ERROR, validate

    source = GeoPackageStore(Path(args.source))
    dataset = source.read_all()
    errors = [problem for problem in validate(dataset) if problem.severity == ERROR]
    if errors:
        print(
            "situation-map: "
            + _("{file}: {count} error(s) in the data, nothing copied; see `situation-map check --data FILE`").format(
                file=args.source, count=len(errors)
            ),
            file=sys.stderr,
        )
        return EXIT_DATA_ERRORS
    target = open_store(args.url)
    if not args.replace and any(len(target.read(name)) for name in ("villages", "checkpoints", "households")):
        print(
            "situation-map: "
            + _("{location} holds a dataset already; give --replace to replace it").format(location=target.path),
            file=sys.stderr,
        )
        return EXIT_FAILED
    for name, frame in dataset.frames.items():
        print(f"  {name}: {len(frame)}", flush=True)
    journal = source.journal()
    print(f"  journal: {len(journal)}", flush=True)
    target.write_dataset(dataset, journal=journal)
    print(_("Copied {source} into {target}").format(source=args.source, target=target.path))
    return EXIT_OK


def run_pull(args) -> int:
    use_language(args)
    from geodata.stores import GeoPackageStore, lock_path_of, open_store

    out = Path(args.out)
    if out.suffix.lower() != ".gpkg":
        print("situation-map: " + _("{file}: name the file *.gpkg").format(file=out), file=sys.stderr)
        return EXIT_FAILED
    if out.exists() and not args.force:
        print("situation-map: " + _("{file} exists; give --force to replace it").format(file=out), file=sys.stderr)
        return EXIT_FAILED
    writable_output(out)
    source = open_store(args.url, read_only=True)
    dataset = source.read_all()
    for name, frame in dataset.frames.items():
        print(f"  {name}: {len(frame)}", flush=True)
    # Written beside the target and renamed over it: an interrupted pull leaves no half file.
    staging = out.with_name(f".{out.name}.pull.gpkg")
    staging.unlink(missing_ok=True)
    journal = source.journal()
    print(f"  journal: {len(journal)}", flush=True)
    GeoPackageStore(staging, create=True).write_dataset(dataset, journal=journal)
    staging.replace(out)
    lock_path_of(staging).unlink(missing_ok=True)
    print(_("Copied {source} into {target}").format(source=source.path, target=out))
    return EXIT_OK
