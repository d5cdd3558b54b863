"""An export of a past day holds what was known that evening, nothing later (issue 16, item 2)."""

import pandas as pd
import pytest
from openpyxl import load_workbook

from geodata.export import export_layer
from geodata.sample.bundled import bundled_sample_path
from geodata.schema import SCHEMAS
from geodata.stores import GeoPackageStore
from layers.day_records import records_on_day
from tests.later_dates import later_dates

DAY = "2020-02-14"


@pytest.fixture(scope="module")
def sample():
    return GeoPackageStore(bundled_sample_path()).read_all()


@pytest.fixture(scope="module")
def past(sample):
    return records_on_day(sample, f"{DAY} 23:59")


@pytest.mark.parametrize("form, lang", [("import", "zh"), ("people", "zh"), ("people", "en")])
@pytest.mark.parametrize("layer", list(SCHEMAS))
def test_no_layer_of_a_past_day_holds_a_later_date(sample, past, tmp_path, layer, form, lang):
    # Planned release dates are no field of a record: an export has no date to except.
    path = tmp_path / f"{layer}.csv"
    export_layer(past, layer, path, audience="internal", form=form, lang=lang)
    text = path.read_text(encoding="utf-8-sig")
    assert later_dates(text, DAY) == []
    if layer in ("households", "disinfection_points", *(n for n in SCHEMAS if n.endswith(("_changes", "_rounds")))):
        whole = tmp_path / f"{layer}-today.csv"
        export_layer(sample, layer, whole, audience="internal", form=form, lang=lang)
        assert later_dates(whole.read_text(encoding="utf-8-sig"), DAY), "the test would see no later date"


def test_the_xlsx_of_a_past_day_has_no_later_date_cell(past, tmp_path):
    path = tmp_path / "households.xlsx"
    export_layer(past, "households", path, audience="internal", form="people")
    cells = [c.value for row in load_workbook(path).active.iter_rows(min_row=2) for c in row]
    days = [pd.Timestamp(v) for v in cells if hasattr(v, "year")]
    assert days and max(days) <= pd.Timestamp(f"{DAY} 23:59")


def test_households_of_a_past_day_stand_as_they_did(sample, past):
    later = sample.households[sample.households["observation_start"] > pd.Timestamp(DAY)]
    assert len(later) and not past.households["id"].isin(later["id"]).any()
    released_later = sample.households[
        (sample.households["status_date"] > pd.Timestamp(DAY))
        & (sample.households["observation_start"] <= pd.Timestamp(DAY))
    ]
    assert len(released_later)
    then = past.households.set_index("id").loc[released_later["id"]]
    assert set(then["status"]) == {"observing"} and then["status_date"].isna().all()
    assert (past.disinfection_points["last_disinfected"] <= pd.Timestamp(f"{DAY} 23:59")).all()
    assert past["followups"]["time"].max() <= pd.Timestamp(f"{DAY} 23:59")
    assert past.metadata["as_of"] == f"{DAY}T23:59"


def test_checkpoint_staff_is_the_last_count_reported_by_the_evening(sample, past):
    changes = sample["checkpoint_changes"]
    known = changes[(changes["time"] <= pd.Timestamp(f"{DAY} 23:59")) & changes["staff_on_shift"].notna()]
    last = known.sort_values("time", kind="stable").groupby("checkpoint")["staff_on_shift"].last()
    then = past.checkpoints.set_index("id")["staff_on_shift"]
    assert then.loc[last.index].tolist() == last.tolist()
    assert (then.loc[last.index] != sample.checkpoints.set_index("id")["staff_on_shift"].loc[last.index]).any()


def test_the_day_the_data_reports_exports_the_records_as_they_are(sample):
    same = records_on_day(sample, "2020-02-19 23:59")
    for layer in SCHEMAS:
        pd.testing.assert_frame_equal(
            pd.DataFrame(same[layer]).reset_index(drop=True), pd.DataFrame(sample[layer]).reset_index(drop=True)
        )
