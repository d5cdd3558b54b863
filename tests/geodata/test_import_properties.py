"""Malformed rows and files, generated: never a traceback, every problem names where it is,
and a failed import leaves the dataset file byte for byte as it was."""

import hashlib
import shutil
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from geodata.importing import ImportFailure, import_file
from geodata.sample.bundled import bundled_sample_path
from geodata.stores import GeoPackageStore
from tests.geodata.import_helpers import HEADER, household_row, write_csv

pytestmark = pytest.mark.slow

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

odd_text = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=string.digits + ".-,/年月日°'\" ", max_size=12),
    st.sampled_from(
        [
            "",
            " ",
            "NaN",
            "inf",
            "-1",
            "1e400",
            "2020-02-30",
            "2020年2月30日",
            "=1+1",
            "<script>alert(1)</script>",
            "\x00",
            "99999999999999999999",
            "是",
            "maybe",
            "湖北",
            "区级",
            "关王庙",
            "113.97,33.0",
            "33.0,113.97",
            "180.5",
            "-91",
        ]
    ),
)
row_strategy = st.dictionaries(st.sampled_from(HEADER), odd_text, max_size=len(HEADER))


@pytest.fixture
def dataset_file(tmp_path):
    path = tmp_path / "sample.gpkg"
    shutil.copyfile(bundled_sample_path(), path)
    return path


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_outcome(store, source_path, layer="households", **options) -> None:
    before = digest(store.path)
    try:
        plan = import_file(store, source_path, layer, **options)
    except ImportFailure as failure:
        assert digest(store.path) == before, "a failed import changed the dataset"
        problems = failure.problems
        for problem in problems:
            assert problem.file in (source_path.name, source_path.with_suffix(".cpg").name)
    else:
        problems = plan.problems
        assert not plan.errors
        shutil.copyfile(bundled_sample_path(), store.path)  # the next example starts afresh
        return
    for problem in problems:
        assert problem.message
        if problem.row is not None:
            assert problem.where.startswith("row ") and problem.field, problem
        assert "秘密" not in problem.message and "13912345678" not in problem.message


@SETTINGS
@given(rows=st.lists(row_strategy, min_size=1, max_size=6), encoding=st.sampled_from(["utf-8", "gbk", "utf-8-sig"]))
def test_malformed_csv_rows(dataset_file, tmp_path, rows, encoding):
    store = GeoPackageStore(dataset_file)
    good = [household_row(i + 1, 户主姓名="秘密户主", 联系电话="13912345678") for i in range(len(rows))]
    mixed = [{**base, **{k: v for k, v in bad.items()}} for base, bad in zip(good, rows, strict=False)]
    path = tmp_path / "rows.csv"
    try:
        write_csv(path, mixed, encoding=encoding, header=HEADER)
    except UnicodeEncodeError:
        write_csv(path, mixed, encoding="utf-8", header=HEADER)
    check_outcome(store, path)


@SETTINGS
@given(
    rows=st.lists(
        st.lists(
            st.one_of(odd_text, st.integers(-(10**6), 10**6), st.floats(allow_nan=True), st.none(), st.datetimes()),
            max_size=12,
        ),
        min_size=1,
        max_size=5,
    ),
    header=st.lists(st.sampled_from(HEADER + ["", "经纬度", "lat,lng", "x"]), max_size=12),
)
def test_malformed_xlsx_sheets(dataset_file, tmp_path, rows, header):
    store = GeoPackageStore(dataset_file)
    book = Workbook()
    book.active.append(header)
    for row in rows:
        # Characters XML cannot hold never reach a real workbook: Excel cannot write them.
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in row])
    path = tmp_path / "sheet.xlsx"
    book.save(path)
    check_outcome(store, path, mode="update")


@SETTINGS
@given(content=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx", ".json", ".geojson", ".gpkg", ".shp"]))
def test_garbage_files(dataset_file, tmp_path, content, suffix):
    store = GeoPackageStore(dataset_file)
    path = tmp_path / f"garbage{suffix}"
    path.write_bytes(content)
    check_outcome(store, path, layer="checkpoints", mode="replace")
