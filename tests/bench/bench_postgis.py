"""The shared PostGIS store against the GeoPackage: reading the sample and 100,000 households,
and the delay from a write on one desk to the change heard and painted on another.

Starts a throw-away PostgreSQL server (tests/postgis/cluster.py) and stops it at the end.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from geodata.editing import update_feature
from geodata.sample.bundled import bundled_sample_path
from geodata.stores import GeoPackageStore, open_store
from tests.bench.harness import Result, dispose, median_seconds, qt_application, wait_for_signal
from tests.bench.synthetic import with_households
from tests.postgis.cluster import TemporaryCluster

BIG = 100_000
CHANGES = 5


def run() -> list[Result]:
    import psycopg

    from geodata.stores.postgis import migrations

    cluster = TemporaryCluster().start()
    results: list[Result] = []
    try:
        for name in ("bench_sample", "bench_big"):
            cluster.admin(f"CREATE DATABASE {name}")
            with psycopg.connect(cluster.admin_url(name), autocommit=True) as conn:
                migrations.init(conn)
        with tempfile.TemporaryDirectory() as folder:
            results += _reading(cluster, Path(folder))
        results += _change_delays(cluster)
    finally:
        cluster.stop()
    return results


def _reading(cluster, folder: Path) -> list[Result]:
    results = []
    gpkg_path = folder / "sample.gpkg"
    shutil.copyfile(bundled_sample_path(), gpkg_path)
    gpkg = GeoPackageStore(gpkg_path)
    sample = gpkg.read_all()
    pg = open_store(cluster.admin_url("bench_sample"))
    pg.write_dataset(sample)
    file_s, pg_s = median_seconds(gpkg.read_all), median_seconds(pg.read_all)
    results += [
        Result("postgis", "read whole sample: PostGIS", pg_s, "s", 1.0),
        Result("postgis", "read whole sample: GeoPackage", file_s, "s"),
        Result("postgis", "read whole sample: PostGIS / GeoPackage", pg_s / file_s, "×"),
    ]
    big = with_households(sample, BIG)
    big_path = folder / "big.gpkg"
    big_file = GeoPackageStore(big_path, create=True)
    started = time.perf_counter()
    big_file.write_dataset(big)
    file_write = time.perf_counter() - started
    big_pg = open_store(cluster.admin_url("bench_big"))
    started = time.perf_counter()
    big_pg.write_dataset(big)
    pg_write = time.perf_counter() - started
    file_s, pg_s = median_seconds(big_file.read_all, 2), median_seconds(big_pg.read_all, 2)
    results += [
        Result("postgis", f"push {BIG:,} households: PostGIS", pg_write, "s", 20.0),
        Result("postgis", f"write {BIG:,} households: GeoPackage", file_write, "s"),
        Result("postgis", f"read {BIG:,} households dataset: PostGIS", pg_s, "s", 5.0),
        Result("postgis", f"read {BIG:,} households dataset: GeoPackage", file_s, "s"),
        Result("postgis", f"read {BIG:,} households: PostGIS / GeoPackage", pg_s / file_s, "×"),
    ]
    dataset = big_pg.read_all()
    household = dataset.households["id"].iloc[BIG // 2]
    edit = update_feature(
        dataset, "households", household, persons=int(dataset.households["persons"].iloc[BIG // 2]) % 5 + 1
    )
    started = time.perf_counter()
    big_pg.apply_edits([edit], who="bench")
    results.append(
        Result("postgis", f"save one edit among {BIG:,} households", time.perf_counter() - started, "s", 1.0)
    )
    pg.close()
    big_pg.close()
    return results


def _change_delays(cluster) -> list[Result]:
    """Desk A saves; desk B hears it (NOTIFY) and the wall paints it (page update API)."""
    from desktop.wall.wall import WallWindow

    url = cluster.admin_url("bench_sample")
    desk = open_store(url)
    heard = threading.Event()
    listener = desk.listener(on_change=lambda tables: tables and heard.set())
    listener.start()
    listener.wait_listening(10)
    heard_delays = []
    for number in range(CHANGES):
        dataset = desk.read_all()
        edit = update_feature(dataset, "checkpoints", dataset.checkpoints["id"].iloc[0], staff_on_shift=number + 10)
        heard.clear()
        started = time.perf_counter()
        desk.apply_edits([edit], who="bench")
        if not heard.wait(10):
            raise TimeoutError("no notification within 10 s")
        heard_delays.append(time.perf_counter() - started)
    listener.stop(wait=True)

    app = qt_application()
    wall_store = open_store(url, read_only=True)
    wall = WallWindow(url, wall_store.read_all(), refresh_s=60, dwell_s=3600)
    wall.start()
    if not wall.map_view.is_drawn:
        wait_for_signal(app, wall.map_view.drawn, 60)
    deadline = time.perf_counter() + 10
    while (
        wall.watcher._listener is None or not wall.watcher._listener.wait_listening(0)
    ) and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.005)
    painted_delays = []
    for number in range(CHANGES):
        dataset = desk.read_all()
        edit = update_feature(dataset, "checkpoints", dataset.checkpoints["id"].iloc[1], staff_on_shift=number + 20)
        started = time.perf_counter()
        desk.apply_edits([edit], who="bench")
        wait_for_signal(app, wall.map_view.applied, 10)
        painted_delays.append(time.perf_counter() - started)
    wall.watcher.close()
    dispose(app, wall)
    desk.close()
    wall_store.close()
    return [
        Result(
            "postgis",
            "write on one desk → heard on another (NOTIFY), median",
            statistics.median(heard_delays) * 1000,
            "ms",
            500,
        ),
        Result(
            "postgis",
            "write on one desk → painted on the wall, median",
            statistics.median(painted_delays) * 1000,
            "ms",
            2000,
        ),
    ]
