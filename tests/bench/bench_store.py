"""Store and validation speed on the sample and on 10,000 synthetic households."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from geodata.editing import update_feature
from geodata.sample.bundled import bundled_sample_path
from geodata.stores import GeoPackageStore
from geodata.validation import validate
from layers.dataset_diff import changed_features
from tests.bench.harness import Result, median_seconds
from tests.bench.synthetic import with_households


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sample.gpkg"
        shutil.copyfile(bundled_sample_path(), path)
        store = GeoPackageStore(path)
        sample = store.read_all()
        big = with_households(sample, 10_000)
        results = [
            Result("store", "read whole sample", median_seconds(store.read_all), "s", 1.0),
            Result("validation", "validate sample", median_seconds(lambda: validate(sample)), "s", 1.0),
            Result("validation", "validate 10,000 households", median_seconds(lambda: validate(big), 3), "s", 2.0),
        ]
        write = lambda: store.write({"households": big.households})  # noqa: E731
        results.append(Result("store", "write 10,000 households (one transaction)", median_seconds(write, 3), "s", 2.0))
        read = lambda: store.read("households")  # noqa: E731
        results.append(Result("store", "read 10,000 households", median_seconds(read, 3), "s", 1.0))
        edited = big.copy()
        edited.households.loc[5000, "persons"] = 99
        diff = lambda: changed_features(big, edited)  # noqa: E731
        results.append(
            Result("wall", "find what changed among 10,000 households", median_seconds(diff) * 1000, "ms", 100)
        )
        results.append(_one_edit_among(Path(folder) / "big.gpkg", sample, 100_000))
    from tests.bench.bench_import import run as import_run

    return results + import_run()[:1]


def _one_edit_among(path: Path, sample, count: int) -> Result:
    """Saving one edit in a file of ``count`` households (the desk's everyday write)."""
    store = GeoPackageStore(path, create=True)
    store.write_dataset(with_households(sample, count))
    state = {"dataset": store.read_all()}
    feature = state["dataset"].households["id"].iloc[count // 2]

    def save_one() -> None:
        dataset = state["dataset"]
        persons = int(dataset.households.set_index("id").loc[feature, "persons"])
        edit = update_feature(dataset, "households", feature, persons=persons % 5 + 1)
        state["dataset"] = store.apply_edits([edit], who="bench")

    return Result("store", f"save one edit among {count:,} households", median_seconds(save_one, 3), "s")
