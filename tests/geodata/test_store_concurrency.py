"""The GeoPackage store among other programs: a file held open in WAL mode, an external commit
during a write, two writers at once. Nothing committed may be lost or damaged."""

import contextlib
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from geodata.stores import GeoPackageStore

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as db:
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        return result if result != "ok" else db.execute("SELECT rtreecheck('rtree_households_geom')").fetchone()[0]


def with_new_households(households, prefix: str, count: int):
    new = households.iloc[[0] * count].copy()
    new["id"] = [f"{prefix}{i:04d}" for i in range(count)]
    new["geometry"] = [Point(113.95 + i * 1e-5, 33.0) for i in range(count)]
    return pd.concat([households, new], ignore_index=True)


def township_name(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT value FROM metadata WHERE key = 'township_name'").fetchone()[0]


def test_a_file_held_open_in_wal_mode_keeps_the_other_programs_edit_and_stays_whole(sample_copy):
    qgis = sqlite3.connect(sample_copy)
    try:
        assert qgis.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
        qgis.execute("UPDATE metadata SET value = '外部程序改名' WHERE key = 'township_name'")
        qgis.commit()
        store = GeoPackageStore(sample_copy)
        households = store.read("households")
        store.write({"households": with_new_households(households, "NEW", 50)})

        assert integrity(sample_copy) == "ok"
        assert township_name(sample_copy) == "外部程序改名"
        back = GeoPackageStore(sample_copy).read("households")
        assert len(back) == len(households) + 50
        assert qgis.execute("SELECT count(*) FROM households WHERE id LIKE 'NEW%'").fetchone()[0] == 50
    finally:
        qgis.close()
    assert integrity(sample_copy) == "ok"
    assert township_name(sample_copy) == "外部程序改名"


def external_commit(path: Path, done: threading.Event) -> None:
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as db:
        db.execute("UPDATE metadata SET value = '写入时外部提交' WHERE key = 'township_name'")
        db.commit()
    done.set()


def test_an_external_commit_made_while_the_store_writes_is_kept(sample_copy, monkeypatch):
    """The other program commits while the store is writing layers (old code: into the file
    about to be replaced by the staged copy)."""
    store = GeoPackageStore(sample_copy)
    households = store.read("households")
    done = threading.Event()
    real_write = pyogrio.write_dataframe

    def write_then_let_the_other_program_commit(*args, **kwargs):
        result = real_write(*args, **kwargs)
        if not done.is_set():
            external_commit(sample_copy, done)
        return result

    monkeypatch.setattr(pyogrio, "write_dataframe", write_then_let_the_other_program_commit)
    store.write({"households": with_new_households(households, "NEW", 10)})
    assert done.is_set()
    assert township_name(sample_copy) == "写入时外部提交"
    assert len(GeoPackageStore(sample_copy).read("households")) == len(households) + 10
    assert integrity(sample_copy) == "ok"


def test_an_external_commit_during_the_write_transaction_waits_and_lands_after(sample_copy, monkeypatch):
    from geodata.stores import gpkg_write

    store = GeoPackageStore(sample_copy)
    households = store.read("households")
    done = threading.Event()
    other = threading.Thread(target=external_commit, args=(sample_copy, done))

    def start_the_other_program_inside_the_transaction(phase):
        if phase == "checked":
            other.start()
            time.sleep(0.5)
            assert not done.is_set()  # it waits for the store's transaction

    monkeypatch.setattr(gpkg_write, "phase_hook", start_the_other_program_inside_the_transaction)
    store.write({"households": with_new_households(households, "NEW", 10)})
    other.join(30)
    assert done.is_set()
    assert township_name(sample_copy) == "写入时外部提交"
    assert len(GeoPackageStore(sample_copy).read("households")) == len(households) + 10
    assert integrity(sample_copy) == "ok"


def test_a_writer_that_cannot_get_the_file_is_told_who_holds_it(sample_copy, monkeypatch):
    from geodata.errors import StoreError
    from geodata.stores import gpkg_write

    monkeypatch.setattr(gpkg_write, "BUSY_TIMEOUT_S", 0.3)
    store = GeoPackageStore(sample_copy)
    households = store.read("households")
    with contextlib.closing(sqlite3.connect(sample_copy, isolation_level=None)) as qgis:
        qgis.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError, match=r"locked for over 0 s.*nothing was written"):
            store.write({"households": with_new_households(households, "NEW", 1)})
        qgis.execute("ROLLBACK")
    assert len(GeoPackageStore(sample_copy).read("households")) == len(households)


# An import as the command does it: read the layer, check it is still as planned, write.
_IMPORTER = """
import sys
from geodata.stores import GeoPackageStore
from tests.geodata.test_store_concurrency import with_new_households
path, prefix = sys.argv[1], sys.argv[2]
store = GeoPackageStore(path)
base = store.read("households")
print("planned", flush=True)
sys.stdin.readline()
now = store.read("households")
if len(now) != len(base) or not now["id"].equals(base["id"]):
    print("refused: changed since checked", flush=True)
    sys.exit(3)
try:
    store.write({"households": with_new_households(base, prefix, 2000)})
except Exception as exc:
    print(f"refused: {exc}", flush=True)
    sys.exit(3)
print("imported", flush=True)
"""


def test_two_imports_at_once_keep_every_row_once_or_tell_the_loser(sample_copy):
    before = GeoPackageStore(sample_copy).read("households")
    importers = {
        prefix: subprocess.Popen(
            [sys.executable, "-c", _IMPORTER, str(sample_copy), prefix],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("DESKA", "DESKB")
    }
    for importer in importers.values():
        assert importer.stdout.readline().strip() == "planned", importer.stderr.read()
    for importer in importers.values():
        importer.stdin.write("go\n")
        importer.stdin.flush()
    outcomes = {}
    for prefix, importer in importers.items():
        out, err = importer.communicate(timeout=120)
        outcomes[prefix] = (importer.returncode, out.strip())
        assert importer.returncode in (0, 3), err
    after = GeoPackageStore(sample_copy).read("households")
    assert integrity(sample_copy) == "ok"
    assert not after["id"].duplicated().any()
    imported = [prefix for prefix, (code, _out) in outcomes.items() if code == 0]
    assert imported, outcomes
    for prefix, (code, out) in outcomes.items():
        rows = after["id"].str.startswith(prefix).sum()
        if code == 0:
            assert out == "imported" and rows == 2000, (prefix, outcomes)
        else:
            assert out.startswith("refused:") and rows == 0, (prefix, outcomes)
    assert len(after) == len(before) + 2000 * len(imported)


_EDITOR = """
import sys, time
from geodata.editing import update_feature
from geodata.errors import GeodataError
from geodata.stores import open_store
store = open_store(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
for n in range(8):
    data = store.read_all()
    try:
        store.apply_edits([update_feature(data, "checkpoints", "CP01", name=f"编辑第{n}次")], who="三号台")
        print(f"saved 编辑第{n}次", flush=True)
    except GeodataError as told:
        print(f"told {type(told).__name__}", flush=True)
    time.sleep(0.05)
"""


def _import_file(folder: Path, prefix: str, count: int) -> Path:
    rows = [
        f"{prefix}{i:04d},关王庙村,湖北返乡,2,2020-02-19,观察中,{113.96639 + i * 1e-6:.6f},33.00064"
        for i in range(count)
    ]
    path = folder / f"{prefix}.csv"
    path.write_text("编号,所属村,观察原因,人数,观察开始,状态,经度,纬度\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_two_imports_an_editor_and_a_wal_holder_at_once_lose_nothing(sample_copy, tmp_path):
    """The issue's four desks on one file: two `situation-map import`s of disjoint rows, a desk
    saving edits, and a program (QGIS) holding the file open in WAL mode and committing its
    own change. Afterwards every committed row is there exactly once or its writer was told,
    and `check` passes."""
    qgis = sqlite3.connect(sample_copy, timeout=30)
    assert qgis.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    env = {**__import__("os").environ, "SITUATION_MAP_HOME": str(tmp_path / "home")}
    importers = start_imports({prefix: str(sample_copy) for prefix in ("DESKA", "DESKB")}, tmp_path, env)
    editor = start_editor(str(sample_copy), env)
    try:
        qgis.execute("UPDATE metadata SET value = 'QGIS 改的名' WHERE key = 'issuing_body'")
        qgis.commit()
        qgis.execute("BEGIN")  # a read held open while the others write
        qgis.execute("SELECT count(*) FROM households").fetchone()
        outcomes = {prefix: (p.wait(timeout=180), p.stdout.read(), p.stderr.read()) for prefix, p in importers.items()}
        edits, edit_err = editor.communicate(timeout=180)
    finally:
        qgis.rollback()
        qgis.close()
    assert editor.returncode == 0, edit_err
    assert integrity(sample_copy) == "ok"
    after = GeoPackageStore(sample_copy).read_all()
    assert_every_row_once_or_its_desk_told(after.households, outcomes)
    assert_the_last_saved_edit_is_kept(after, edits)
    with contextlib.closing(sqlite3.connect(sample_copy)) as db:
        assert db.execute("SELECT value FROM metadata WHERE key = 'issuing_body'").fetchone()[0] == "QGIS 改的名"
    check = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "check", "--data", str(sample_copy)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout[-800:] + check.stderr[-400:]


def _another_process_can_start_writing(path: Path) -> bool:
    probe = (
        "import sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)\n"
        "try:\n    db.execute('BEGIN IMMEDIATE')\nexcept sqlite3.OperationalError:\n    sys.exit(1)\n"
    )
    return subprocess.run([sys.executable, "-c", probe, str(path)], timeout=60).returncode == 0


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_reading_the_store_inside_a_write_keeps_the_write_lock(sample_copy, journal_mode):
    """GDAL carries its own SQLite; when its copy closed the file it dropped this process's
    locks, and a second desk could write during an edit. Reads use one SQLite only."""
    with contextlib.closing(sqlite3.connect(sample_copy)) as db:
        db.execute(f"PRAGMA journal_mode={journal_mode}")
    store = GeoPackageStore(sample_copy)
    from geodata.stores import gpkg_write

    with gpkg_write.transaction(sample_copy):
        assert not _another_process_can_start_writing(sample_copy)
        store.read_all()
        store.journal()
        store.layer_names()
        assert not _another_process_can_start_writing(sample_copy)
    assert _another_process_can_start_writing(sample_copy)


def test_the_live_file_is_never_opened_by_gdal(sample_copy, monkeypatch):
    from geodata.editing import update_feature

    opened = []
    for name in ("read_dataframe", "read_arrow", "list_layers", "read_info", "write_dataframe"):
        original = getattr(pyogrio, name)

        def spy(*args, _original=original, **kwargs):
            opened.extend(Path(a).resolve() for a in args if isinstance(a, (str, Path)))
            return _original(*args, **kwargs)

        monkeypatch.setattr(pyogrio, name, spy)
    store = GeoPackageStore(sample_copy)
    data = store.read_all()
    store.apply_edits([update_feature(data, "checkpoints", "CP01", name="改名")], who="一号台")
    store.write(
        {"households": with_new_households(store.read("households"), "NEW", 3)}, metadata={"issuing_body": "关王庙乡"}
    )
    store.metadata()
    store.journal()
    assert opened, "the spy saw no GDAL call: the test no longer measures anything"
    assert sample_copy.resolve() not in opened


# -- the four desks, shared with the PostGIS version in tests/postgis ---------------------------

ROWS_PER_DESK = 1500


def start_imports(locations: dict[str, str], folder: Path, env: dict) -> dict[str, subprocess.Popen]:
    """`situation-map import` of ROWS_PER_DESK new households, one process per desk prefix."""
    return {
        prefix: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "desktop.cli",
                "import",
                "--layer",
                "households",
                "--data",
                location,
                "--from",
                str(_import_file(folder, prefix, ROWS_PER_DESK)),
                "--accept-warnings",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for prefix, location in locations.items()
    }


def start_editor(location: str, env: dict) -> subprocess.Popen:
    """A desk saving eight edits of CP01's name, started and told to go."""
    editor = subprocess.Popen(
        [sys.executable, "-c", _EDITOR, location],
        cwd=PROJECT_ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert editor.stdout.readline().strip() == "ready", editor.stderr.read()
    editor.stdin.write("go\n")
    editor.stdin.flush()
    return editor


def assert_every_row_once_or_its_desk_told(households, outcomes: dict[str, tuple[int, str, str]]) -> None:
    """Each import's rows are there exactly once (it said Imported) or not at all (it said why,
    in one line, without a traceback); at least one import landed."""
    assert not households["id"].duplicated().any()
    for prefix, (code, out, err) in outcomes.items():
        rows = int(households["id"].str.startswith(prefix).sum())
        if code == 0:
            assert rows == ROWS_PER_DESK and "Imported" in out, (prefix, out, err)
        else:
            assert rows == 0, (prefix, rows)
            assert err.strip() and "Traceback" not in err and len(err.strip().splitlines()) <= 2, err
    assert any(code == 0 for code, _out, _err in outcomes.values()), outcomes


def assert_the_last_saved_edit_is_kept(dataset, edits: str) -> None:
    saved = [line.split(" ", 1)[1] for line in edits.splitlines() if line.startswith("saved ")]
    if saved:  # the last edit saved is what the store holds
        assert dataset.checkpoints.set_index("id").loc["CP01", "name"] == saved[-1]
