"""Which features the page marks as alerts, and the page update when an alert appears."""

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geodata.dataset import Dataset
from geodata.schema import conform, schema_for
from layers.map_state import MapState
from layers.page_model import checkpoint_alerts, page_model, page_update
from layers.situation import checkpoint_situation

DAY = pd.Timestamp("2020-02-19 18:00")


def checkpoints(*rows) -> pd.DataFrame:
    columns = ["id", "name", "tier", "village", "status", "staffed_24h", "staff_on_shift", "opened", "closed"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["geometry"] = [Point(114.0, 33.0)] * len(frame)
    return conform(schema_for("checkpoints"), gpd.GeoDataFrame(frame, crs="EPSG:4326"))


RECORDS = checkpoints(
    ("C1", "甲", "village", "1", "active", True, 3, "2020-02-01", None),  # staffed: no alert
    ("C2", "乙", "village", "1", "active", True, 0, "2020-02-01", None),  # nobody on shift
    ("C3", "丙", "village", "1", "active", False, 2, "2020-02-01", None),  # not round the clock
    ("C4", "丁", "village", "1", "closed", True, 2, "2020-02-01", "2020-02-10"),  # closed
    ("C5", "戊", "village", "1", "active", True, None, "2020-02-01", None),  # count unknown: no alarm
    ("C6", "己", "village", "1", "proposed", True, 0, "2020-02-01", None),  # proposed: not staffed yet
)


def test_closed_and_unstaffed_checkpoints_are_alerts_and_an_unknown_count_is_not():
    alerts = checkpoint_alerts(RECORDS, checkpoint_situation(RECORDS, DAY))
    assert dict(zip(RECORDS["id"], alerts.tolist(), strict=False)) == {
        "C1": False,
        "C2": True,
        "C3": True,
        "C4": True,
        "C5": False,
        "C6": False,
    }


def test_a_checkpoint_added_without_a_staff_count_updates_the_page():
    # A site accepted from the planning panel has no staff count yet (pd.NA in an Int64 column).
    before = Dataset({"checkpoints": RECORDS.iloc[:1]})
    after = Dataset({"checkpoints": RECORDS})
    state = MapState().replace(as_of=DAY.to_pydatetime())
    update = page_update(page_model(before, state), page_model(after, state))
    assert "checkpoints" in update["layers"]


def test_each_village_counts_its_households_under_observation_and_an_edit_recounts(sample_copy):
    # The villages are numbered once per households frame: an edit (a new frame) is numbered again.
    from geodata.stores import GeoPackageStore
    from layers.page_model import dynamic_properties
    from layers.situation import household_situation, resolve_as_of

    dataset = GeoPackageStore(sample_copy).read_all()
    as_of = resolve_as_of(MapState(), dataset)

    def counted(data: Dataset) -> dict:
        people = data.households
        observing = household_situation(people, as_of, data)["under_observation"].to_numpy()
        by_code = people["village"][observing].astype(object).value_counts().to_dict()
        return {code: by_code.get(code, 0) for code in data.villages["code"]}

    def shown(data: Dataset) -> dict:
        counts = dynamic_properties(data, as_of, "observing_households")["villages"]["observing_households"]
        return dict(zip(data.villages["code"], counts.tolist(), strict=True))

    assert shown(dataset) == counted(dataset) and sum(shown(dataset).values()) > 0
    moved = dataset.copy()
    households = dataset.households.copy()
    first = dataset.villages["code"].iloc[0]
    households["village"] = [first] * (len(households) - 2) + [None, "999999999999"]  # none, and no such village
    moved["households"] = households
    assert shown(moved) == counted(moved) and shown(moved) != shown(dataset)
