"""The compiled catalog kept between processes (layers.i18n): it translates as the ``.po``
text does, an edited ``.po`` file is compiled again, and a folder others could write is not used."""

from __future__ import annotations

import gettext
import io
import os
import shutil
import tempfile

import pytest

from layers import i18n


@pytest.fixture
def catalogs(tmp_path, monkeypatch):
    """Copies of the Chinese ``.po`` files, and a temporary directory of the test's own."""
    folder = tmp_path / "po"
    folder.mkdir()
    for path in i18n.catalog_paths("zh"):
        shutil.copyfile(path, folder / path.name)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(temporary))
    monkeypatch.setattr(i18n, "catalog_paths", lambda lang: sorted(folder.glob("*.po")))
    return sorted(folder.glob("*.po")), temporary


def compiled(paths) -> gettext.GNUTranslations:
    return gettext.GNUTranslations(io.BytesIO(i18n._compiled_catalog("zh", paths)))


def test_a_kept_catalog_translates_as_the_po_files_and_follows_an_edit(catalogs):
    paths, temporary = catalogs
    assert compiled(paths).gettext("Layers") == "图层"
    kept = list(temporary.glob("*/*.mo"))
    assert len(kept) == 1
    assert compiled(paths).gettext("Layers") == "图层"  # read from the kept file
    holder = next(p for p in paths if 'msgid "Layers"' in p.read_text(encoding="utf-8"))
    text = holder.read_text(encoding="utf-8").replace(
        'msgid "Layers"\nmsgstr "图层"', 'msgid "Layers"\nmsgstr "图层（新）"'
    )
    holder.write_text(text, encoding="utf-8")
    assert compiled(paths).gettext("Layers") == "图层（新）"
    assert list(temporary.glob("*/*.mo")) != kept and len(list(temporary.glob("*/*.mo"))) == 1


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_a_folder_others_may_write_is_not_used(catalogs):
    paths, temporary = catalogs
    folder = temporary / f"situation-map-catalogs-{os.getuid()}"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    assert compiled(paths).gettext("Layers") == "图层"
    assert not list(folder.iterdir())
