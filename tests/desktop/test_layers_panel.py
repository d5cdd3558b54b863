"""The layer tree: ticking boxes gives the state a user means, and a state shows in the boxes."""

import itertools
import re

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel

from desktop.window.layers_panel import LayersPanel
from geodata.schema import CHECKPOINT_TIERS, CHOICE_LABELS, HOUSEHOLD_REASONS
from layers.map_state import MapState

CHECKED, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def panel(session, qtbot):
    widget = LayersPanel(session)
    qtbot.addWidget(widget)
    return widget


def untick(item):
    item.setCheckState(0, UNCHECKED)


def tick(item):
    item.setCheckState(0, CHECKED)


def all_items(tree):
    pending = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while pending:
        item = pending.pop(0)
        yield item
        pending.extend(item.child(i) for i in range(item.childCount()))


def test_layers_are_listed_top_most_first(panel):
    tree = panel.tree
    keys = [tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)[1] for i in range(tree.topLevelItemCount())]
    assert keys == ["checkpoints", "households", "disinfection_points", "roads", "villages"]


def test_unticking_a_layer_hides_it_in_one_change_and_reticking_restores_it(panel, session, emitted):
    before = session.state
    untick(panel.layer_item("households"))
    assert len(emitted) == 1
    assert "households" not in session.state.visible_layers
    assert set(session.state.visible_layers) == set(before.visible_layers) - {"households"}

    tick(panel.layer_item("households"))
    assert len(emitted) == 2
    assert session.state == before


def test_set_layer_checked_is_a_user_tick(panel, session, emitted):
    panel.set_layer_checked("roads", False)
    assert "roads" not in session.state.visible_layers and len(emitted) == 1
    panel.set_layer_checked("roads", True)
    assert "roads" in session.state.visible_layers and len(emitted) == 2


def test_unticking_a_tier_keeps_the_other_three_and_unticking_all_keeps_none(panel, session, emitted):
    untick(panel.filter_item("checkpoint_tiers", "compound"))
    assert session.state.filters.checkpoint_tiers == ("district", "village", "natural_village")
    for tier in CHECKPOINT_TIERS:
        untick(panel.filter_item("checkpoint_tiers", tier))
    assert session.state.filters.checkpoint_tiers == ()
    assert len(emitted) == len(CHECKPOINT_TIERS)  # compound's second untick changed nothing
    for tier in CHECKPOINT_TIERS:
        tick(panel.filter_item("checkpoint_tiers", tier))
    assert session.state.filters.checkpoint_tiers is None


def test_checkpoint_status_group_ticks_and_unticks_every_status_at_once(panel, session, emitted):
    untick(panel.group_item("checkpoint_statuses"))
    assert session.state.filters.checkpoint_statuses == ()
    assert len(emitted) == 1
    tick(panel.filter_item("checkpoint_statuses", "proposed"))
    assert session.state.filters.checkpoint_statuses == ("proposed",)
    assert panel.group_item("checkpoint_statuses").checkState(0) == Qt.CheckState.PartiallyChecked
    tick(panel.group_item("checkpoint_statuses"))
    assert session.state.filters.checkpoint_statuses is None


def test_household_reason_and_status_boxes_filter_households(panel, session):
    untick(panel.filter_item("household_reasons", "fever"))
    assert session.state.filters.household_reasons == tuple(r for r in HOUSEHOLD_REASONS if r != "fever")
    untick(panel.group_item("household_reasons"))
    assert session.state.filters.household_reasons == ()

    untick(panel.filter_item("household_statuses", "released"))
    assert session.state.filters.household_statuses == ("observing", "escalated")


def test_observation_day_range_filters_and_full_range_means_no_filter(panel, session, emitted):
    days = panel.observation_range
    days.last_box.setValue(7)
    assert session.state.filters.observation_days == (1, 7)
    days.first_box.setValue(3)
    assert session.state.filters.observation_days == (3, 7)
    assert days.first_box.maximum() == 7  # the first day cannot pass the last
    days.first_box.setValue(1)
    days.last_box.setValue(14)
    assert session.state.filters.observation_days is None
    assert len(emitted) == 4


def test_overdue_only_box(panel, session):
    tick(panel.overdue_item)
    assert session.state.filters.overdue_only is True
    untick(panel.overdue_item)
    assert session.state.filters.overdue_only is False


def test_village_checklist_lists_every_village_and_filters_by_code(panel, session):
    codes = list(session.dataset.villages["code"])
    group = panel.group_item("villages")
    assert [group.child(i).text(0) for i in range(group.childCount())] == list(session.dataset.villages["name"])
    untick(panel.filter_item("villages", codes[0]))
    assert session.state.filters.villages == tuple(codes[1:])
    untick(group)
    assert session.state.filters.villages == ()
    tick(group)
    assert session.state.filters.villages is None


def test_a_state_set_elsewhere_shows_in_the_boxes_without_a_new_state(panel, session, emitted):
    preset = MapState(
        audience="internal",
        visible_layers=("villages", "checkpoints"),
    ).with_filters(
        checkpoint_tiers=("district",),
        household_reasons=(),
        overdue_only=True,
        observation_days=(2, 5),
        villages=(session.dataset.villages["code"].iloc[1],),
    )
    session.set_state(preset)
    assert emitted == [preset] and session.state == preset

    assert panel.layer_item("households").checkState(0) == UNCHECKED
    assert panel.layer_item("checkpoints").checkState(0) == CHECKED
    assert panel.filter_item("checkpoint_tiers", "district").checkState(0) == CHECKED
    assert panel.filter_item("checkpoint_tiers", "village").checkState(0) == UNCHECKED
    assert panel.group_item("household_reasons").checkState(0) == UNCHECKED
    assert panel.overdue_item.checkState(0) == CHECKED
    assert (panel.observation_range.first_box.value(), panel.observation_range.last_box.value()) == (2, 5)
    assert panel.group_item("villages").checkState(0) == Qt.CheckState.PartiallyChecked


def test_village_list_follows_a_renamed_village(panel, session):
    villages = session.dataset.villages.copy()
    villages.loc[villages.index[0], "name"] = "新村"
    session.dataset["villages"] = villages
    session.dataset_changed.emit({"villages": [villages["code"].iloc[0]]})
    assert panel.filter_item("villages", villages["code"].iloc[0]).text(0) == "新村"


def test_tier_swatches_are_drawn_and_differ(panel):
    images = [panel.filter_item("checkpoint_tiers", tier).icon(0).pixmap(20, 20).toImage() for tier in CHECKPOINT_TIERS]
    assert not any(image.isNull() for image in images)
    assert all(a != b for a, b in itertools.combinations(images, 2))


def test_every_label_is_in_the_language_in_use(session, qtbot, language):
    panel = LayersPanel(session)
    qtbot.addWidget(panel)
    village_names = set(session.dataset.villages["name"])
    texts = [item.text(0) for item in all_items(panel.tree) if item.text(0) not in village_names]
    texts += [label.text() for label in panel.observation_range.findChildren(QLabel)]
    texts = [text for text in texts if text.strip()]
    if language == "zh":
        assert all(CJK.search(text) for text in texts), texts
        assert panel.filter_item("checkpoint_tiers", "natural_village").text(0) == "自然村"
    else:
        assert not any(CJK.search(text) for text in texts), texts
        tier_names = CHOICE_LABELS[("checkpoints", "tier")]
        assert panel.filter_item("checkpoint_tiers", "district").text(0) == tier_names["district"][1]


def test_village_legend_follows_the_fill(panel, session):
    villages = panel.layer_item("villages")
    assert villages.child(0).childCount() == 4  # the classes of households under observation
    session.update_state(village_fill="none")
    assert villages.child(0).childCount() == 0 and villages.child(0).text(0) in ("行政村", "Village")
    session.update_state(village_fill="households_under_observation")
    assert villages.child(0).childCount() == 4 and villages.childCount() == 2
