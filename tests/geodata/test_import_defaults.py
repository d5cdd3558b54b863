"""What an import assumes when a household list leaves something out, and says so.

A household list without a status column is a list of households under observation; a
household without observation days is observed for the usual 14 days. Each default is named
in the import's problems (the summary the command line and the import dialog show); a missing
observation start stays an error naming file, row and field.
"""

import pandas as pd
import pytest

from desktop.cli import main
from geodata.importing import NOTE, WARNING, apply_plan, plan_import, read_source
from geodata.stores import GeoPackageStore
from layers.i18n import set_language
from layers.messages import problem_line
from tests.geodata.import_helpers import assert_same_layers, household_row, layers_of, write_csv


@pytest.fixture
def store(sample_copy):
    return GeoPackageStore(sample_copy)


def without(row: dict, *columns: str) -> dict:
    return {key: value for key, value in row.items() if key not in columns}


def plan_for(store, path, mode="append"):
    return plan_import(read_source(path), store.read_all(), "households", mode=mode)


def test_a_list_without_status_is_of_households_under_observation_with_a_warning(store, tmp_path):
    path = write_csv(tmp_path / "名单.csv", [without(household_row(n), "状态") for n in (1, 2, 3)])
    plan = plan_for(store, path)
    assert not plan.errors
    [warning] = plan.warnings
    assert warning.field == "status" and warning.where is None and warning.file == "名单.csv"
    assert "under observation" in warning.message and "3" in warning.message
    apply_plan(store, plan, accept_warnings=True)
    households = store.read("households").set_index("id")
    assert set(households.loc[["IMP0001", "IMP0002", "IMP0003"], "status"]) == {"observing"}


def test_empty_status_cells_are_under_observation_and_the_rows_are_named(store, tmp_path):
    rows = [household_row(1), household_row(2, 状态=""), household_row(3, 状态=" ")]
    plan = plan_for(store, write_csv(tmp_path / "a.csv", rows))
    assert not plan.errors
    [warning] = plan.warnings
    assert warning.field == "status" and "rows 3, 4" in warning.message
    assert list(plan.rows["status"]) == ["observing"] * 3


def test_observation_days_default_to_14_and_the_summary_says_so(store, tmp_path):
    rows = [household_row(1), household_row(2, 观察天数="21"), household_row(3, 观察天数="")]
    plan = plan_for(store, write_csv(tmp_path / "a.csv", rows, header=list(rows[1])))
    assert not plan.errors and not plan.warnings
    notes = [p for p in plan.problems if p.severity == NOTE and p.field == "observation_days"]
    assert len(notes) == 1 and "14" in notes[0].message and "rows 2, 4" in notes[0].message
    assert plan.defaults == {"observation_days": (14, 2)}
    apply_plan(store, plan)
    days = store.read("households").set_index("id")["observation_days"]
    assert list(days.loc[["IMP0001", "IMP0002", "IMP0003"]]) == [14, 21, 14]


def test_a_list_without_observation_days_column_is_observed_for_14_days(store, tmp_path):
    plan = plan_for(store, write_csv(tmp_path / "a.csv", [household_row(1), household_row(2)]))
    [note] = [p for p in plan.problems if p.field == "observation_days"]
    assert note.severity == NOTE and note.where is None and "14" in note.message
    assert list(plan.rows["observation_days"]) == [14, 14]


def test_an_update_keeps_what_the_feature_has(store, tmp_path):
    before = store.read("households").set_index("id").loc["HH001"]
    path = write_csv(tmp_path / "u.csv", [{"编号": "HH001", "人数": "4"}])
    plan = plan_for(store, path, mode="update")
    assert not [p for p in plan.problems if p.field in ("status", "observation_days")]
    assert plan.defaults == {}
    apply_plan(store, plan)
    after = store.read("households").set_index("id").loc["HH001"]
    assert after["status"] == before["status"] and after["observation_days"] == before["observation_days"]


def test_a_missing_observation_start_is_an_error_naming_file_row_and_field(store, sample_copy, tmp_path):
    before = layers_of(sample_copy)
    rows = [without(household_row(1), "状态"), without(household_row(2, 观察开始=""), "状态")]
    plan = plan_for(store, write_csv(tmp_path / "名单.csv", rows))
    [error] = plan.errors
    assert (error.file, error.where, error.field) == ("名单.csv", "row 3", "observation_start")
    assert "2020-02-19" in error.message  # how to write the day
    set_language("zh")
    try:
        line = problem_line(error, layer="households")
    finally:
        set_language("en")
    assert "名单.csv" in line and "第 3 行" in line and "日期" in line
    plan = plan_for(store, write_csv(tmp_path / "b.csv", [without(household_row(1), "观察开始")]))
    [missing] = [p for p in plan.errors if p.field == "observation_start"]
    assert missing.where is None and "观察开始" in missing.message
    assert_same_layers(before, layers_of(sample_copy))


def test_the_command_line_imports_a_status_less_list_with_a_warning(sample_copy, tmp_path, capsys):
    """The sample's own household list, exported and stripped of its status column, as a
    village would send it."""
    households = GeoPackageStore(sample_copy).read("households")
    exported = households[households["status"] == "observing"].head(3)
    rows = [
        without(household_row(n, 编号=f"NEW{n}", 观察开始=str(start.date()), 人数=str(persons)), "状态")
        for n, (start, persons) in enumerate(zip(exported["observation_start"], exported["persons"], strict=True))
    ]
    path = write_csv(tmp_path / "无状态名单.csv", rows, encoding="gbk")
    args = ["import", "--data", str(sample_copy), "--layer", "households", "--from", str(path)]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert "warning  无状态名单.csv  status:" in captured.out and "under observation" in captured.out
    assert "observation_days:" in captured.out and "14" in captured.out
    assert "--accept-warnings" in captured.err
    assert main(args + ["--accept-warnings"]) == 0
    stored = GeoPackageStore(sample_copy).read("households").set_index("id")
    assert list(stored.loc[["NEW0", "NEW1", "NEW2"], "status"]) == ["observing"] * 3
    assert list(stored.loc[["NEW0", "NEW1", "NEW2"], "observation_days"]) == [14] * 3
    assert main(args[:1] + ["--lang", "zh"] + args[1:] + ["--dry-run"]) == 0  # already there: skipped, said in zh
    assert "无状态名单.csv" in capsys.readouterr().out


def test_the_warning_is_said_in_chinese(store, tmp_path):
    plan = plan_for(store, write_csv(tmp_path / "a.csv", [without(household_row(1), "状态")]))
    [warning] = plan.warnings
    assert warning.severity == WARNING
    set_language("zh")
    try:
        line = problem_line(warning, layer="households")
    finally:
        set_language("en")
    assert "“观察中”" in line and "导入" in line and "taken as" not in line


def test_rows_with_the_default_are_stored_like_rows_that_say_it(store, tmp_path):
    said = plan_for(store, write_csv(tmp_path / "a.csv", [household_row(1, 观察天数="14")]))
    assumed = plan_for(store, write_csv(tmp_path / "b.csv", [without(household_row(1), "状态")]))
    columns = ["status", "observation_days"]
    pd.testing.assert_frame_equal(
        said.result[columns].tail(1).reset_index(drop=True), assumed.result[columns].tail(1).reset_index(drop=True)
    )


def test_an_event_without_village_takes_its_feature_village_with_a_note(store, tmp_path):
    households = store.read("households").set_index("id")
    rows = [
        {"编号": "FU-T-1", "观察户": "HH001", "随访时间": "2020-02-19 09:00", "结果": "正常"},
        {"编号": "FU-T-2", "观察户": "HH002", "随访时间": "2020-02-19 09:30", "结果": "正常", "所属村": ""},
    ]
    path = write_csv(tmp_path / "随访.csv", rows, header=list(rows[1]))
    plan = plan_import(read_source(path), store.read_all(), "followups")
    assert not plan.errors and not plan.warnings
    [note] = [p for p in plan.problems if p.field == "village"]
    assert note.severity == NOTE and "rows 2, 3" in note.message
    assert list(plan.rows["village"]) == [households.loc["HH001", "village"], households.loc["HH002", "village"]]
    unknown = write_csv(tmp_path / "b.csv", [{**rows[0], "观察户": "NOPE"}])
    plan = plan_import(read_source(unknown), store.read_all(), "followups")
    [error] = plan.errors
    assert error.field == "village" and error.where == "row 2" and "feature the row names" in error.message
