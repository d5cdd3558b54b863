"""The statistics panel: per-village figures on the as-of day, sortable, totals last.

Expected figures are counted here from the sample's frames with plain pandas, by the rules as
a user states them, not by calling layers.statistics.
"""

import datetime as dt

import pandas as pd
import pytest
from PyQt6.QtCore import Qt

import desktop.window.statistics_panel as statistics_panel
from desktop.window.statistics_panel import SHOWN_FIGURES, TOTALS, StatisticsPanel
from geodata.editing import release_household

AS_OF = pd.Timestamp("2020-02-19 18:00")
HOUSEHOLDS_COLUMN = 1 + SHOWN_FIGURES.index("households_under_observation")


def observing_on(households: pd.DataFrame, as_of) -> pd.Series:
    """Which households are under observation on the as-of day: observation started on or
    before the day, its 14 days (start .. start + 13) include the day, and the household was
    not released or escalated with a status date on or before the day."""
    day = pd.Timestamp(as_of).normalize()
    start = pd.to_datetime(households["observation_start"])
    ended_early = households["status"].isin(["released", "escalated"]) & (
        pd.to_datetime(households["status_date"]) <= day
    )
    return (start <= day) & (day <= start + pd.Timedelta(days=13)) & ~ended_early


def households_under_observation(households: pd.DataFrame, as_of) -> pd.Series:
    """Per village code, how many households are under observation on the as-of day."""
    return households.loc[observing_on(households, as_of)].groupby("village").size()


@pytest.fixture
def panel(session, qtbot):
    session.update_state(as_of=AS_OF.to_pydatetime())
    widget = StatisticsPanel(session)
    qtbot.addWidget(widget)
    return widget


def test_one_row_per_village_and_a_totals_row(panel, session):
    codes = list(session.dataset.villages["code"])
    assert len(codes) == 10
    assert panel.row_codes() == [*codes, TOTALS]


def test_households_under_observation_match_an_independent_count(panel, session):
    households = session.dataset.households
    assert (households["observation_days"] == 14).all()  # the rule above assumes 14 days
    expected = households_under_observation(households, AS_OF)
    assert expected.sum() > 0
    for code in session.dataset.villages["code"]:
        assert panel.figure(code, "households_under_observation") == expected.get(code, 0), code
    assert panel.figure(TOTALS, "households_under_observation") == expected.sum()


@pytest.mark.parametrize("order", [Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder])
def test_sorting_orders_villages_by_the_number_and_keeps_totals_last(panel, order):
    panel.table_view.sortByColumn(HOUSEHOLDS_COLUMN, order)
    codes = panel.row_codes()
    assert codes[-1] == TOTALS
    shown = [panel.figure(code, "households_under_observation") for code in codes[:-1]]
    assert shown == sorted(shown, reverse=order == Qt.SortOrder.DescendingOrder)
    assert len(set(shown)) > 2  # the sort had something to do


def test_changing_the_as_of_day_updates_the_figures(panel, session):
    earlier = pd.Timestamp("2020-02-05 18:00")
    expected = households_under_observation(session.dataset.households, earlier)
    assert expected.sum() != panel.figure(TOTALS, "households_under_observation")
    session.update_state(as_of=earlier.to_pydatetime())
    for code in session.dataset.villages["code"]:
        assert panel.figure(code, "households_under_observation") == expected.get(code, 0), code


def test_only_the_as_of_time_village_filter_or_dataset_trigger_a_recount(session, qtbot, monkeypatch):
    recounts = []

    def counting_village_table(*args, **kwargs):
        recounts.append(args[1])
        return village_table(*args, **kwargs)

    village_table = statistics_panel.village_table
    monkeypatch.setattr(statistics_panel, "village_table", counting_village_table)
    panel = StatisticsPanel(session)
    qtbot.addWidget(panel)
    assert len(recounts) == 1

    session.set_state(session.state.with_filters(checkpoint_tiers=("district",), overdue_only=True))
    session.update_state(audience="public", labels=False)
    assert len(recounts) == 1

    session.update_state(as_of=dt.datetime(2020, 2, 12, 9, 0))
    assert len(recounts) == 2

    first_village = session.dataset.villages["code"].iloc[0]
    session.set_state(session.state.with_filters(villages=(first_village,)))
    assert len(recounts) == 3
    assert panel.row_codes() == [first_village, TOTALS]


def test_an_edit_recounts(panel, session):
    households = session.dataset.households
    observing = households.loc[observing_on(households, AS_OF)].iloc[0]
    before = panel.figure(observing["village"], "households_under_observation")
    assert session.edit(release_household(session.dataset, observing["id"], AS_OF.date()))
    assert panel.figure(observing["village"], "households_under_observation") == before - 1


def test_clicking_a_village_selects_it_and_shows_its_bounds(panel, session, qtbot):
    panel.show()
    code = session.dataset.villages["code"].iloc[3]
    villages = session.dataset.villages
    expected_bounds = tuple(villages.loc[villages["code"] == code].geometry.iloc[0].bounds)
    row = panel.row_codes().index(code)
    cell = panel.table_view.visualRect(panel.table_view.model().index(row, 0)).center()
    with qtbot.waitSignals([session.selection_changed, session.bounds_requested]) as signals:
        qtbot.mouseClick(panel.table_view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    selection, bounds = signals.all_signals_and_args
    assert selection.args == ("villages", code)
    assert bounds.args[0] == pytest.approx(expected_bounds)


def test_enter_on_a_village_selects_it(panel, session, qtbot):
    code = session.dataset.villages["code"].iloc[5]
    row = panel.row_codes().index(code)
    panel.table_view.setCurrentIndex(panel.table_view.model().index(row, 2))
    with qtbot.waitSignal(session.selection_changed) as selected:
        qtbot.keyClick(panel.table_view, Qt.Key.Key_Return)
    assert selected.args == ["villages", code]


def test_clicking_the_totals_row_selects_nothing(panel, session, qtbot):
    panel.show()
    totals_row = panel.row_codes().index(TOTALS)
    cell = panel.table_view.visualRect(panel.table_view.model().index(totals_row, 0)).center()
    with qtbot.assertNotEmitted(session.selection_changed), qtbot.assertNotEmitted(session.bounds_requested):
        qtbot.mouseClick(panel.table_view.viewport(), Qt.MouseButton.LeftButton, pos=cell)


def test_alarming_figures_are_red_and_bold(panel):
    model = panel.table_view.model()
    column = 1 + SHOWN_FIGURES.index("disinfection_overdue")
    totals = model.index(panel.row_codes().index(TOTALS), column)
    assert int(totals.data()) > 0
    assert totals.data(Qt.ItemDataRole.ForegroundRole).name() == "#c62828"
    assert totals.data(Qt.ItemDataRole.FontRole).bold()
    quiet = next(code for code in panel.row_codes() if panel.figure(code, "disinfection_overdue") == 0)
    assert model.index(panel.row_codes().index(quiet), column).data(Qt.ItemDataRole.ForegroundRole) is None


def test_headers_are_in_the_language_in_use(session, qtbot, language):
    panel = StatisticsPanel(session)
    qtbot.addWidget(panel)
    model = panel.table_view.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    tooltip = model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    total_label = model.index(panel.row_codes().index(TOTALS), 0).data()
    if language == "zh":
        assert headers[:2] == ["行政村", "区级"]
        assert "居家观察户" in headers and "消毒超时" in headers
        assert tooltip.splitlines()[0] == "区级卡点"
        assert total_label == "合计"
    else:
        assert headers[:2] == ["Village", "District\nlevel"]
        assert "Households under\nobservation" in headers
        assert tooltip.splitlines()[0] == "District checkpoints"
        assert total_label == "Total"


def test_the_published_totals_are_in_the_totals_row(panel, session):
    # 29 checkpoints in all, 26 temporary party branches, 500+ volunteers (February 2020).
    villages = session.dataset.villages
    assert panel.figure(TOTALS, "checkpoints_active") == 29
    assert panel.figure(TOTALS, "party_branches") == int(villages["party_branches"].sum()) == 26
    assert panel.figure(TOTALS, "volunteers") == int(villages["volunteers"].sum()) > 500
    for code, volunteers in zip(villages["code"], villages["volunteers"], strict=False):
        assert panel.figure(code, "volunteers") == volunteers


def test_supplies_and_publicity_are_shown_under_the_table(panel, session):
    text = panel.resources.text()
    supplies = session.dataset["supplies"]
    masks = supplies.loc[supplies["item"] == "masks", "quantity"].iloc[-1]
    assert f"Masks {int(masks):,}" in text  # 22,284 in the sample
    assert "Leaflets 67,600" in text and "Disinfectant (litres) 6,116.5" in text
    assert panel.resources.textFormat() == Qt.TextFormat.PlainText


def test_supplies_recorded_after_the_day_are_not_shown(panel, session):
    first_record = pd.to_datetime(session.dataset["supplies"]["date"]).min()
    session.update_state(as_of=(first_record - pd.Timedelta(days=1)).to_pydatetime())
    assert "Masks" not in panel.resources.text()


def test_each_column_says_what_it_counts(panel):
    model = panel.table_view.model()
    column = 1 + SHOWN_FIGURES.index("households_under_observation")
    tooltip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "escalated" in tooltip and "released" in tooltip
