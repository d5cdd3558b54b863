"""Files and datasets the import tests build for themselves."""

from __future__ import annotations

import csv
from pathlib import Path

from geodata.stores import GeoPackageStore

# A point inside 关王庙村 of the sample (its household HH001), in WGS-84.
INSIDE = (113.96639, 33.00064)
GUANWANGMIAO = "411771360200"
HEADER = ["编号", "所属村", "观察原因", "人数", "观察开始", "状态", "经度", "纬度", "户主姓名", "联系电话"]


def household_row(number: int, **changes) -> dict:
    row = {
        "编号": f"IMP{number:04d}",
        "所属村": "关王庙村",
        "观察原因": "湖北返乡",
        "人数": "3",
        "观察开始": "2020-02-19",
        "状态": "观察中",
        "经度": f"{INSIDE[0]}",
        "纬度": f"{INSIDE[1]}",
        "户主姓名": "测试户主",
        "联系电话": "13800000000",
    }
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict], *, encoding: str = "utf-8", header=None) -> Path:
    header = header or (list(rows[0]) if rows else HEADER)
    with open(path, "w", newline="", encoding=encoding) as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def layers_of(path: Path) -> dict:
    """Every layer of the store at ``path``, for comparing before and after."""
    dataset = GeoPackageStore(path).read_all()
    return {name: frame.copy() for name, frame in dataset.frames.items()}


def assert_same_layers(before: dict, after: dict) -> None:
    from geodata.importing.plan import same_layer

    assert set(before) == set(after)
    for name in before:
        assert same_layer(before[name], after[name]), f"layer {name} changed"
