"""The ``sample`` verb: write the illustrative Guanwangmiao sample dataset to a new GeoPackage."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.commands.common import EXIT_FAILED, EXIT_OK, language_option, use_language, writable_output


def register(verbs, data_option) -> None:
    from layers.i18n import _

    sample = verbs.add_parser(
        "sample",
        help=_("write the illustrative Guanwangmiao sample dataset"),
        description=_("Write the illustrative Guanwangmiao sample dataset to a new GeoPackage."),
    )
    sample.add_argument("--out", required=True, metavar="PATH.gpkg", help=_("file to create"))
    sample.add_argument("--force", action="store_true", help=_("replace the file if it exists"))
    language_option(sample, _("language of the messages"))
    sample.set_defaults(run=run_sample)


def run_sample(args) -> int:
    from geodata.sample import write_sample
    from geodata.stores import lock_path_of
    from layers.i18n import _

    use_language(args)
    out = Path(args.out)
    if out.exists() and not args.force:
        print("situation-map: " + _("{file} exists; give --force to replace it").format(file=out), file=sys.stderr)
        return EXIT_FAILED
    if out.suffix.lower() != ".gpkg":
        print(
            "situation-map: " + _("{path}: the sample is a GeoPackage, name it *.gpkg").format(path=out),
            file=sys.stderr,
        )
        return EXIT_FAILED
    writable_output(out)
    # Written beside the target and renamed over it: --force never leaves half a file.
    staging = out.with_name(f".{out.name}.new.gpkg")
    staging.unlink(missing_ok=True)
    write_sample(staging)
    staging.replace(out)
    lock_path_of(staging).unlink(missing_ok=True)
    print(_("Wrote the illustrative Guanwangmiao sample to {path}").format(path=out))
    return EXIT_OK
