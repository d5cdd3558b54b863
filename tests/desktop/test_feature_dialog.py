"""The feature form: adds and edits reach the store file; what cannot be saved is said next
to its field and saves nothing; only the schema's values can be chosen."""

import datetime as dt
import re

import pytest
from PyQt6.QtWidgets import QComboBox, QDialog

from desktop.window.feature_dialog import FeatureDialog
from geodata.schema import LAYERS, choice_label
from geodata.stores import GeoPackageStore

EDITABLE = ("checkpoints", "households", "disinfection_points")


def stored(session, layer):
    return GeoPackageStore(session.store.path).read(layer).set_index("id")


def choose(combo: QComboBox, data) -> None:
    """Pick an item as a user does: by its place in the list."""
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


@pytest.fixture
def open_dialog(session, qtbot):
    def make(layer, feature_id=None, position=None):
        dialog = FeatureDialog(session, layer, feature_id, position)
        qtbot.addWidget(dialog)
        dialog.open()
        return dialog

    return make


def test_a_new_checkpoint_is_added_to_the_store(session, open_dialog):
    dialog = open_dialog("checkpoints", position=(113.9712, 33.0105))
    assert dialog.feature_id == "CP30"
    dialog.set_value("name", "新村口卡点")
    choose(dialog.editor("tier"), "compound")
    village = session.dataset.villages["code"].iloc[4]
    choose(dialog.editor("village"), village)

    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    row = stored(session, "checkpoints").loc["CP30"]
    assert (row["name"], row["tier"], row["village"], row["status"]) == ("新村口卡点", "compound", village, "active")
    assert (row.geometry.x, row.geometry.y) == pytest.approx((113.9712, 33.0105))
    assert row["opened"].date() == session.as_of.date()
    assert session.undo_stack.text(0) == "Add checkpoint CP30"
    assert session.selection == ("checkpoints", "CP30")


def test_a_new_feature_starts_in_the_village_it_was_placed_in(session, open_dialog):
    village = session.dataset.villages.iloc[2]
    inside = village.geometry.representative_point()
    dialog = open_dialog("households", position=(inside.x, inside.y))
    assert dialog.feature_id == "HH051"
    assert dialog.value("village") == village["code"]
    assert open_dialog("disinfection_points").feature_id == "DP45"


def test_editing_changes_tier_and_moves_the_checkpoint(session, open_dialog):
    before = stored(session, "checkpoints").loc["CP05"]
    dialog = open_dialog("checkpoints", "CP05")
    assert dialog.editor("id").isReadOnly()
    choose(dialog.editor("tier"), "natural_village")
    dialog.longitude.setValue(before.geometry.x + 0.001)
    dialog.latitude.setValue(before.geometry.y - 0.002)
    assert set(dialog.changes()) == {"tier", "geometry"}

    dialog.accept()
    after = stored(session, "checkpoints").loc["CP05"]
    assert after["tier"] == "natural_village"
    assert after.geometry.x == pytest.approx(before.geometry.x + 0.001, abs=1e-6)
    assert after.geometry.y == pytest.approx(before.geometry.y - 0.002, abs=1e-6)
    assert after.drop(["tier", "geometry"]).equals(before.drop(["tier", "geometry"]))
    assert session.undo_stack.text(0) == "Edit checkpoint CP05"


def test_a_change_of_coordinates_alone_is_a_move(session, open_dialog):
    dialog = open_dialog("disinfection_points", "DP02")
    dialog.latitude.setValue(dialog.latitude.value() + 0.0005)
    dialog.accept()
    assert session.undo_stack.text(0) == "Move disinfection point DP02"
    assert list(session.undo_stack.command(0).edit.changed_fields()) == ["geometry"]


def test_ok_without_changes_saves_nothing(session, open_dialog):
    before = session.store.path.read_bytes()
    dialog = open_dialog("households", "HH010")
    assert dialog.changes() == {}  # shown values (rounded coordinates too) count as unchanged
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert session.store.path.read_bytes() == before and session.undo_stack.count() == 0


def test_an_invalid_combination_is_shown_at_its_field_and_saves_nothing(session, open_dialog, language):
    household = stored(session, "households").loc["HH040"]
    before = session.store.path.read_bytes()
    dialog = open_dialog("households", "HH040")
    choose(dialog.editor("status"), "released")
    dialog.set_value("status_date", household["observation_start"].date() - dt.timedelta(days=3))

    dialog.accept()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert "status_date" in dialog.error_text("status_date")
    assert ("早于" if language == "zh" else "is before") in dialog.error_text("status_date")  # window's language
    field = LAYERS["households"].field("status_date")
    assert (field.label_zh if language == "zh" else field.label_en) in dialog.general_error.text()
    assert session.store.path.read_bytes() == before and session.undo_stack.count() == 0

    dialog.set_value("status_date", household["observation_start"].date() + dt.timedelta(days=3))
    dialog.accept()  # corrected: saved, and the old message is gone
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert stored(session, "households").loc["HH040", "status"] == "released"


def test_required_name_and_a_taken_id_are_refused_at_their_fields(session, open_dialog):
    dialog = open_dialog("checkpoints")
    dialog.accept()
    assert dialog.error_text("name")
    dialog.set_value("name", "卡点")
    dialog.set_value("id", "CP01")
    dialog.accept()
    assert dialog.error_text("id") and not dialog.error_text("name")
    assert len(stored(session, "checkpoints")) == 29


def test_combo_boxes_offer_only_the_schemas_choices(session, open_dialog, language):
    for layer in EDITABLE:
        dialog = open_dialog(layer)
        for field in LAYERS[layer].fields:
            if not field.choices:
                continue
            combo = dialog.editor(field.name)
            codes = [combo.itemData(i) for i in range(combo.count())]
            labels = [combo.itemText(i) for i in range(combo.count())]
            assert codes == list(field.choices)
            assert labels == [choice_label(layer, field.name, code, language) for code in codes]
            if language == "zh":
                assert all(re.search(r"[\u4e00-\u9fff]", label) for label in labels)


def test_village_and_checkpoint_lists_come_from_the_dataset(session, open_dialog):
    dialog = open_dialog("disinfection_points")
    villages = dialog.editor("village")
    assert [villages.itemData(i) for i in range(villages.count())] == list(session.dataset.villages["code"])
    assert villages.itemText(0) == session.dataset.villages["name"].iloc[0]
    checkpoints = dialog.editor("checkpoint")
    assert checkpoints.itemData(0) is None and dialog.value("checkpoint") is None
    assert [checkpoints.itemData(i) for i in range(1, checkpoints.count())] == list(session.dataset.checkpoints["id"])


def test_editors_allow_only_valid_values(session, open_dialog):
    dialog = open_dialog("households")
    persons = dialog.editor("persons")
    assert persons.minimum() == 1
    dialog.set_value("villager_group", None)
    assert dialog.value("villager_group") is None  # an optional number can be left empty
    assert dialog.value("status_date") is None and dialog.value("last_check") is None
    dialog.set_value("last_check", dt.datetime(2020, 2, 19, 9, 30))
    assert dialog.value("last_check") == dt.datetime(2020, 2, 19, 9, 30)
    assert dialog.longitude.decimals() == 6 and dialog.latitude.decimals() == 6


def test_a_household_added_internally_keeps_its_personal_fields(session, open_dialog):
    dialog = open_dialog("households", position=(113.97, 33.0))
    dialog.set_value("head_name", "示例新户主")
    dialog.set_value("persons", 3)
    dialog.accept()
    row = stored(session, "households").loc["HH051"]
    assert (row["head_name"], row["persons"], row["status"]) == ("示例新户主", 3, "observing")
    assert "示例新户主" not in session.undo_stack.text(0)


def test_personal_fields_are_not_on_the_public_form_and_are_kept(session, open_dialog):
    session.update_state(audience="public")
    before = stored(session, "households").loc["HH010"]
    dialog = open_dialog("households", "HH010")
    assert dialog.editor("head_name") is None and dialog.editor("phone") is None
    dialog.set_value("persons", int(before["persons"]) + 1)
    dialog.accept()
    after = stored(session, "households").loc["HH010"]
    assert after["persons"] == before["persons"] + 1
    assert (after["head_name"], after["phone"], after["note"]) == (before["head_name"], before["phone"], before["note"])


def test_undo_of_a_form_edit_restores_the_store(session, open_dialog):
    before = GeoPackageStore(session.store.path).read("checkpoints")
    dialog = open_dialog("checkpoints", "CP07")
    dialog.set_value("staff_on_shift", 11)
    dialog.set_value("note", "夜间加岗")
    dialog.accept()
    session.undo_stack.undo()
    restored = GeoPackageStore(session.store.path).read("checkpoints")
    assert restored.drop(columns="geometry").equals(before.drop(columns="geometry"))
    assert restored.geometry.equals(before.geometry)
