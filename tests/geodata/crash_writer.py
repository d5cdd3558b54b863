"""A writer to be killed: rewrites two layers and the metadata of a store, forever.

Generation g sets every checkpoint's staff to g, every household's persons to g and the
metadata's as_of to day g, in one write; a reader can therefore tell whether the file holds
one whole generation or a mixture. Run: python -m tests.geodata.crash_writer PATH

At every observed point of a write (see :func:`geodata.stores.gpkg_write.report_phase`) the writer
prints ``phase NAME`` and waits for a line on stdin before going on, so a test can kill it at
exactly that point, whatever the machine's speed.
"""

import sys

import pandas as pd

from geodata.stores import GeoPackageStore, gpkg_write


def generation_of(dataset) -> int:
    """The generation last written (0 before the first write)."""
    source = dataset.metadata.get("source", "")
    return int(source.split()[-1]) if source.startswith("generation ") else 0


def pause_at(phase: str) -> None:
    print(f"phase {phase}", flush=True)
    if not sys.stdin.readline():
        sys.exit(0)  # the test closed our stdin: stop


def main(path: str) -> None:
    store = GeoPackageStore(path)
    dataset = store.read_all()
    generation = generation_of(dataset)
    gpkg_write.phase_hook = pause_at
    print("ready", flush=True)
    while True:
        generation += 1
        dataset.checkpoints["staff_on_shift"] = generation
        dataset.households["persons"] = generation
        as_of = pd.Timestamp("2020-01-01") + pd.Timedelta(days=generation)
        store.write(
            {"checkpoints": dataset.checkpoints, "households": dataset.households},
            metadata={"source": f"generation {generation}", "as_of": as_of.isoformat()},
        )


if __name__ == "__main__":
    main(sys.argv[1])
