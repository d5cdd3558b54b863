"""An MBTiles basemap in the outputs made without the window (issue 18, item 1): ``map --out``
copies the tiles it can show beside the page, which reads them from disk; ``brief`` draws them
and prints their attribution under the map; a missing file is one line naming it, in the
chosen language."""

from __future__ import annotations

import subprocess

import numpy as np
import pymupdf
import pytest

from desktop.cli import main
from desktop.commands.common import EXIT_FAILED, EXIT_OK
from layers import basemap_tiles
from tests.desktop.basemap_pages import grid_basemap, solid_basemap
from tests.desktop.briefing_pdf import join_text, words
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, evaluate
from tests.desktop.test_map_command import load_page
from tests.mbtiles_files import tile_of

SHOTS = "/work/notes/shots"


def test_map_out_writes_the_tiles_beside_the_page_which_reads_them_from_disk(qtbot, tmp_path, sample_copy):
    # The tile under the township's centre is missing at every level: blank, not broken.
    holes = {(z, *tile_of(113.975, 33.0, z)) for z in range(10, 15)}
    basemap = solid_basemap(tmp_path / "township.mbtiles", zooms=range(10, 15), leave_out=holes)
    out = tmp_path / "page" / "index.html"
    assert main(["map", "--data", str(sample_copy), "--out", str(out), "--basemap", str(basemap)]) == EXIT_OK
    written = sorted(p.relative_to(out.parent).as_posix() for p in (out.parent / "tiles").rglob("*.png"))
    assert written and all(p.count("/") == 3 for p in written)  # tiles/z/x/y.png
    assert {p.split("/")[1] for p in written} == {"10", "11", "12", "13", "14"}
    data = (out.parent / "index.data.js").read_text(encoding="utf-8")
    assert '"url":"tiles/{z}/{x}/{y}.png"' in data and str(basemap) not in data

    view, guard = load_page(qtbot, out)
    qtbot.waitUntil(
        lambda: evaluate(qtbot, view, "!!(window.SituationMap && SituationMap.drawn)"), timeout=PAGE_TIMEOUT_MS
    )
    qtbot.waitUntil(
        lambda: evaluate(qtbot, view, "document.querySelectorAll('img.leaflet-tile-loaded').length") > 0,
        timeout=PAGE_TIMEOUT_MS,
    )
    tiles = [u for u in guard.requested if "/tiles/" in u]
    assert tiles and all(u.startswith(out.parent.as_uri() + "/tiles/") for u in tiles)
    assert [u for u in guard.requested if not u.startswith(("file:", "data:"))] == []
    tiles_shown = "Array.from(document.querySelectorAll('img.leaflet-tile'))"
    qtbot.waitUntil(
        lambda: evaluate(qtbot, view, tiles_shown + ".filter(i => i.src.startsWith('data:')).length") > 0,
        timeout=PAGE_TIMEOUT_MS,
    )
    assert evaluate(qtbot, view, tiles_shown + ".filter(i => i.complete && !i.naturalWidth).length") == 0


def test_a_copy_that_would_pass_the_limit_stops_at_a_zoom_level_and_says_so(tmp_path, sample_copy, capsys, monkeypatch):
    basemap = solid_basemap(tmp_path / "deep.mbtiles", zooms=range(10, 16))
    monkeypatch.setattr(basemap_tiles, "COPY_LIMIT", 60)
    monkeypatch.setattr(basemap_tiles.copy_tiles, "__defaults__", (60,))
    out = tmp_path / "page" / "index.html"
    assert main(["map", "--lang", "en", "--data", str(sample_copy), "--out", str(out), "--basemap", str(basemap)]) == 0
    levels = {p.name for p in (out.parent / "tiles").iterdir()}
    count = sum(1 for _ in (out.parent / "tiles").rglob("*.png"))
    assert count <= 60 and "10" in levels and "15" not in levels
    deepest = max(int(level) for level in levels)
    assert f"copied down to zoom {deepest}" in capsys.readouterr().err
    data = (out.parent / "index.data.js").read_text(encoding="utf-8")
    assert f'"maxNativeZoom":{deepest}' in data


@pytest.mark.parametrize("lang, words_expected", [("en", "no such basemap file"), ("zh", "找不到此底图文件")])
def test_a_missing_basemap_file_is_one_line_naming_it_in_the_chosen_language(
    tmp_path, sample_copy, capsys, lang, words_expected
):
    missing = tmp_path / "U盘" / "nope.mbtiles"
    out = tmp_path / "page" / "index.html"
    code = main(["map", "--lang", lang, "--data", str(sample_copy), "--out", str(out), "--basemap", str(missing)])
    assert code == EXIT_FAILED
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and str(missing) in error and words_expected in error
    assert "Traceback" not in error and not out.exists()
    if lang == "zh":
        assert "no such" not in error


def test_a_file_that_is_not_mbtiles_is_refused_naming_it(tmp_path, sample_copy, capsys):
    bogus = tmp_path / "photo.mbtiles"
    bogus.write_bytes(b"not sqlite at all" * 100)
    out = tmp_path / "page" / "index.html"
    assert main(["map", "--lang", "en", "--data", str(sample_copy), "--out", str(out), "--basemap", str(bogus)]) == 2
    assert f"{bogus}: not an MBTiles file" in capsys.readouterr().err


def test_brief_prints_the_basemap_under_the_map_with_its_attribution(tmp_path, sample_copy, qapp):
    basemap = grid_basemap(tmp_path / "grid.mbtiles", zooms=range(10, 16))
    out = tmp_path / "brief.pdf"
    arguments = ["brief", "--data", str(sample_copy), "--out", str(out), "--date", "2020-02-19", "--basemap"]
    assert main([*arguments, str(basemap)]) == EXIT_OK
    with pymupdf.open(out) as pdf:
        page = pdf[0]
        text = join_text([w.text for w in words(page)])
        assert "底图：©Testgridbasemap测试底图" in text.replace(" ", "")
        # The map draws the tiles: the grid's pale colours fill the frame, not white.
        pixmap = page.get_pixmap(dpi=50)
    image = np.frombuffer(pixmap.samples, np.uint8).reshape(pixmap.height, pixmap.width, pixmap.n)[:, :, :3]
    tinted = (image.max(axis=2) - image.min(axis=2) > 8) & (image.min(axis=2) > 180)
    assert tinted.mean() > 0.1
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(out), f"{SHOTS}/briefing-mbtiles"], check=True
    )


def test_tiles_are_copied_only_over_the_page_with_a_margin(tmp_path):
    path = solid_basemap(tmp_path / "wide.mbtiles", zooms=range(12, 14))
    tiles = basemap_tiles.open_mbtiles(path)
    copied = basemap_tiles.copy_tiles(tiles, tmp_path / "page", (113.96, 32.99, 113.98, 33.01))
    assert not copied.capped and copied.max_zoom == 13
    everything = basemap_tiles.copy_tiles(tiles, tmp_path / "all", None)
    assert 0 < copied.count < everything.count
