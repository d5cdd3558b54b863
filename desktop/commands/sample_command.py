"""The ``sample`` verb: write the illustrative Guanwangmiao sample dataset to a new GeoPackage."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.commands.common import EXIT_FAILED, EXIT_OK


def register(verbs, data_option) -> None:
    sample = verbs.add_parser(
        "sample",
        help="write the illustrative Guanwangmiao sample dataset",
        description="Write the illustrative Guanwangmiao sample dataset to a new GeoPackage.",
    )
    sample.add_argument("--out", required=True, metavar="PATH.gpkg", help="file to create")
    sample.add_argument("--force", action="store_true", help="replace the file if it exists")
    sample.set_defaults(run=run_sample)


def run_sample(args) -> int:
    from geodata.sample import write_sample
    from geodata.stores import lock_path_of

    out = Path(args.out)
    if out.exists() and not args.force:
        print(f"situation-map: {out} exists; give --force to replace it", file=sys.stderr)
        return EXIT_FAILED
    if out.suffix.lower() != ".gpkg":
        print(f"situation-map: {out}: the sample is a GeoPackage, name it *.gpkg", file=sys.stderr)
        return EXIT_FAILED
    # Written beside the target and renamed over it: --force never leaves half a file.
    staging = out.with_name(f".{out.name}.new.gpkg")
    staging.unlink(missing_ok=True)
    write_sample(staging)
    staging.replace(out)
    lock_path_of(staging).unlink(missing_ok=True)
    print(f"Wrote the illustrative Guanwangmiao sample to {out}")
    return EXIT_OK
