"""The details of the selected feature: its attributes, its situation on the as-of day, and
the everyday edits a desk makes to it (close a checkpoint, release a household, ...).

Everything shown comes from the data, so every label is plain text: a note holding markup is
shown as the characters it is, never rendered (docs/architecture.md, Privacy). Personal fields
(a household head's name, phone and note) are shown to the internal audience only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.window.feature_dialog import FeatureDialog
from desktop.window.session import Session
from geodata.editing import FEATURE_LAYERS, QUICK_ACTIONS, Edit, EditError, delete_feature, record_of
from geodata.schema import LAYERS, OBSERVATION_DAYS, Field, LayerSchema, choice_label
from layers.features import edit_text, without_personal_values
from layers.i18n import _, language
from layers.messages import error_text
from layers.situation import checkpoint_situation, disinfection_situation, household_situation
from layers.styles import DISINFECTION_STYLE, HOUSEHOLD_STYLE

EMPTY = "—"  # shown for a missing value


class DetailsPanel(QWidget):
    """The selected feature's attributes, its situation on the as-of day, and its edits.

    Parameters
    ----------
    session : Session
        The session whose selection is shown and through which edits are saved.
    parent : QWidget, optional

    Attributes
    ----------
    confirm : callable
        ``confirm(question) -> bool``, asked before a delete; a message box by default.
        Tests replace it to answer without a dialog.
    show_error : callable
        ``show_error(message)``, told when an edit cannot be made; a message box by default.
    dialog : FeatureDialog or None
        The edit dialog opened last by "Edit…".

    Notes
    -----
    "Disinfected now" records the as-of time (``session.as_of``), not the computer's clock:
    the panel shows the situation at that moment, and the recorded time must agree with it.
    Looking back at a past day would otherwise write a time after that day, which the
    situation rules read as "done" whatever happened. A desk working live keeps the as-of
    at the present, where the two are the same.
    """

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.confirm: Callable[[str], bool] = self._ask
        self.show_error: Callable[[str], None] = self._warn
        self.dialog: FeatureDialog | None = None
        self._value_labels: dict[str, QLabel] = {}

        self.title = _plain_label()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = _plain_label()
        self.confidential = QLabel(_("Internal — confidential"))
        self.confidential.setTextFormat(Qt.TextFormat.PlainText)
        self.confidential.setStyleSheet("color: #b2182b; font-weight: bold;")
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.close_checkpoint_button = self._button(_("Close checkpoint"), self.close_checkpoint)
        self.release_button = self._button(_("Release"), self.release)
        self.escalate_button = self._button(_("Escalate"), self.escalate)
        self.disinfect_button = self._button(_("Disinfected now"), self.mark_disinfected)
        self.edit_button = self._button(_("Edit…"), self.edit_feature)
        self.delete_button = self._button(_("Delete"), self.delete_feature)
        self._button_grid = QGridLayout()

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.confidential)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(self._button_grid)

        session.selection_changed.connect(lambda _layer, _id: self.refresh())
        session.dataset_changed.connect(lambda _changed: self.refresh())
        session.state_changed.connect(self._on_state_changed)
        self._shown_for = self._what_matters(session.state)
        self.refresh()

    @staticmethod
    def _what_matters(state):
        # The details depend on the day and the audience only: a filter click, which the
        # map must answer fast, leaves this panel as it is.
        return (state.as_of, state.audience)

    def _on_state_changed(self, state) -> None:
        if self._what_matters(state) != self._shown_for:
            self._shown_for = self._what_matters(state)
            self.refresh()

    # -- what is shown ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the session's selection as it is now (it may have been edited or deleted)."""
        layer, feature_id = self.session.selection
        self._value_labels = {}
        record = self._selected_record()
        if record is None:
            hint = _("Select a feature on the map to see its details.")
            if feature_id:
                hint = _("{id} no longer exists.").format(id=feature_id)
            self._show_hint(hint)
            return
        schema = LAYERS[layer]
        title = _title_of(schema, record)
        layer_name = schema.label(language())
        self.title.setText(title)
        self.subtitle.setText(layer_name if title == feature_id else f"{layer_name} · {feature_id}")
        shows_personal = self._shows_personal(schema)
        self.confidential.setVisible(shows_personal)

        # One form for attributes and facts, so that their values line up.
        content = QWidget()
        form = QFormLayout(content)
        for field in schema.fields:
            if field.personal and not shows_personal:
                continue
            text = self._shown_value(schema, field, record.get(field.name))
            form.addRow(_field_name(field), self._value_label("field", field.name, text))
        if "Point" in schema.geometry_types:  # villages and roads are shapes, not places
            form.addRow(_("Location"), self._value_label("field", "geometry", _location(record)))
        facts = self._facts(layer, feature_id)
        if facts:
            heading = _plain_label(_("On {time}").format(time=_time_text(self.session.as_of)))
            heading.setStyleSheet("font-weight: bold; margin-top: 10px;")
            form.addRow(heading)
            for name, (caption, text) in facts.items():
                form.addRow(caption, self._value_label("fact", name, text))
        self.scroll.setWidget(content)
        self._enable_actions(layer, record)

    def value_label(self, name: str) -> QLabel | None:
        """The label showing field or fact ``name`` (e.g. ``"note"``, ``"observation_day"``),
        ``None`` when it is not shown."""
        return self._value_labels.get(name)

    def value_text(self, name: str) -> str | None:
        """The text shown for field or fact ``name``, ``None`` when it is not shown."""
        label = self.value_label(name)
        return None if label is None else label.text()

    def shown_texts(self) -> list[str]:
        """Every text the panel shows: titles and values (for tests of what is visible)."""
        texts = [self.title.text(), self.subtitle.text()]
        return texts + [label.text() for label in self._value_labels.values()]

    def text(self) -> str:
        """What the panel shows, one text a line: titles, then the values."""
        return "\n".join(self.shown_texts())

    def _show_hint(self, hint: str) -> None:
        self.title.setText(_("Details"))
        self.subtitle.setText("")
        self.confidential.hide()
        message = _plain_label(hint)
        message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.scroll.setWidget(message)
        for button in self._buttons():
            button.hide()

    def _selected_record(self) -> dict | None:
        layer, feature_id = self.session.selection
        if not feature_id or layer not in LAYERS:
            return None
        try:
            return record_of(self.session.dataset, layer, feature_id)
        except EditError:  # deleted, or an imported id that repeats
            return None

    def _shows_personal(self, schema: LayerSchema) -> bool:
        return bool(schema.personal_fields) and self.session.state.audience == "internal"

    def _value_label(self, kind: str, name: str, text: str) -> QLabel:
        label = _plain_label(text)
        label.setObjectName(f"{kind}-{name}")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._value_labels[name] = label
        return label

    def _shown_value(self, schema: LayerSchema, field: Field, value) -> str:
        value = _plain_value(value)
        if value is None:
            return EMPTY
        if field.choices:
            return choice_label(schema.name, field.name, value, language())
        if field.name == schema.village_field:
            return self._village_name(value)
        if schema.name == "disinfection_points" and field.name == "checkpoint":
            return self._checkpoint_name(value)
        return _value_text(value)

    def _village_name(self, code: str) -> str:
        villages = self.session.dataset.villages
        names = villages.loc[villages["code"] == code, "name"]
        return f"{names.iloc[0]} ({code})" if len(names) else code

    def _checkpoint_name(self, checkpoint_id: str) -> str:
        checkpoints = self.session.dataset.checkpoints
        names = checkpoints.loc[checkpoints["id"] == checkpoint_id, "name"]
        return f"{checkpoint_id} {names.iloc[0]}" if len(names) else checkpoint_id

    def _facts(self, layer: str, feature_id: str) -> dict[str, tuple[str, str]]:
        """The day-dependent facts, name -> (caption, text), from layers.situation's rules."""
        dataset, as_of = self.session.dataset, self.session.as_of
        frame = dataset[layer]
        if layer == "villages":
            households = dataset.households[dataset.households["village"] == feature_id]
            observed = household_situation(households, as_of, dataset)["under_observation"].to_numpy()
            persons = pd.to_numeric(households["persons"], errors="coerce").fillna(0)[observed].sum()
            return {
                "households_under_observation": (_("Households under observation"), str(observed.sum())),
                "persons_under_observation": (_("Persons under observation"), str(int(persons))),
            }
        row = frame[frame[LAYERS[layer].id_field] == feature_id]
        if layer == "households":
            return _household_facts(row, household_situation(row, as_of, dataset).iloc[0])
        if layer == "checkpoints":
            status = checkpoint_situation(row, as_of, dataset).iloc[0]["status_on_day"]
            text = _("not yet opened") if pd.isna(status) else choice_label(layer, "status", status, language())
            return {"status_on_day": (_("Status on the day"), text)}
        if layer == "disinfection_points":
            return _disinfection_facts(disinfection_situation(row, as_of, dataset).iloc[0])
        return {}

    # -- actions ---------------------------------------------------------------------------

    def close_checkpoint(self) -> bool:
        """Record that the selected checkpoint closed on the as-of day; True when saved."""
        return self._quick_action("close_checkpoint")

    def release(self) -> bool:
        """Release the selected household from observation on the as-of day; True when saved."""
        return self._quick_action("release_household")

    def escalate(self) -> bool:
        """Record that the selected household was referred on the as-of day; True when saved."""
        return self._quick_action("escalate_household")

    def mark_disinfected(self) -> bool:
        """Record the selected point as disinfected at the as-of time; True when saved."""
        return self._quick_action("mark_disinfected")

    def _quick_action(self, name: str) -> bool:
        """The record's change and the event it appends (by this desk, at the as-of time),
        saved together and undone as one step."""
        _layer, feature_id = self.session.selection
        when = self.session.as_of.to_pydatetime()
        return self._save(
            lambda: QUICK_ACTIONS[name].edits(self.session.dataset, feature_id, when, reported_by=self.session.who),
        )

    def edit_feature(self) -> FeatureDialog:
        """Open the form of the selected feature (window-modal, so the call returns)."""
        layer, feature_id = self.session.selection
        self.dialog = FeatureDialog(self.session, layer, feature_id, parent=self)
        self.dialog.open()
        return self.dialog

    def delete_feature(self) -> bool:
        """Delete the selected feature after confirmation; True when deleted."""
        layer, feature_id = self.session.selection
        if not self.confirm(_("Delete {id}? The deletion can be undone.").format(id=feature_id)):
            return False
        deleted = self._save(
            lambda: delete_feature(self.session.dataset, layer, feature_id), edit_text("delete", layer, feature_id)
        )
        if deleted:
            self.session.select("", "")
        return deleted

    def _save(self, build: Callable[[], Edit | list[Edit]], text: str | None = None) -> bool:
        """Build the edit (or the edits saved together) and save it; the user is told why when
        it cannot be made. The undo menu names it by ``text``, else by the edit's own description.

        A failed save is told by the session's ``error`` signal, so only a refused edit is
        shown here.
        """
        record = self._selected_record() or {}
        try:
            edit = build()
        except EditError as err:
            reason = without_personal_values(error_text(err), record, LAYERS[self.session.selection[0]])
            self.show_error(_("This change cannot be made: {reason}").format(reason=reason))
            return False
        return self.session.edit(edit, text)

    def _day(self) -> dt.date:
        return self.session.as_of.date()

    def _enable_actions(self, layer: str, record: dict) -> None:
        day, as_of = self._day(), self.session.as_of.to_pydatetime()
        started = record.get("observation_start") is not None and record["observation_start"] <= day
        opened = record.get("opened") is not None and record["opened"] <= day
        last = record.get("last_disinfected")
        applicable = {
            self.close_checkpoint_button: (layer == "checkpoints", record.get("status") == "active" and opened),
            self.release_button: (layer == "households", record.get("status") == "observing" and started),
            self.escalate_button: (layer == "households", record.get("status") == "observing" and started),
            # A time after the as-of one would be moved back: that is no disinfection "now".
            self.disinfect_button: (layer == "disinfection_points", last is None or last < as_of),
            self.edit_button: (layer in FEATURE_LAYERS, True),
            self.delete_button: (layer in FEATURE_LAYERS, True),
        }
        # Two to a row, without gaps where another layer's buttons would be.
        for index, button in enumerate(b for b in self._buttons() if applicable[b][0]):
            self._button_grid.addWidget(button, index // 2, index % 2)
        for button, (shown, enabled) in applicable.items():
            button.setVisible(shown)
            button.setEnabled(shown and bool(enabled))
        day_text = day.isoformat()
        self.close_checkpoint_button.setToolTip(_("Record that it closed on {day}").format(day=day_text))
        self.release_button.setToolTip(_("Record that observation ended on {day}").format(day=day_text))
        self.escalate_button.setToolTip(_("Record that it was referred for care on {day}").format(day=day_text))
        self.disinfect_button.setToolTip(_("Record a disinfection at {time}").format(time=_time_text(as_of)))

    def _buttons(self) -> list[QPushButton]:
        return [
            self.close_checkpoint_button,
            self.release_button,
            self.escalate_button,
            self.disinfect_button,
            self.edit_button,
            self.delete_button,
        ]

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _ask(self, question: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Delete"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # the question names the feature
        return box.exec() == QMessageBox.StandardButton.Yes

    def _warn(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, _("Details"), message, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the message may quote data
        box.exec()


def _household_facts(row: pd.DataFrame, situation: pd.Series) -> dict[str, tuple[str, str]]:
    status, day = situation["status_on_day"], situation["observation_day"]
    days = row["observation_days"].iloc[0]
    days = OBSERVATION_DAYS if pd.isna(days) else int(days)
    stage = situation["stage"]
    return {
        "status_on_day": (
            _("Status on the day"),
            _("not yet started") if pd.isna(status) else choice_label("households", "status", status, language()),
        ),
        "observation_day": (_("Day of observation"), EMPTY if pd.isna(day) else f"{int(day)} / {days}"),
        "release_date": (
            _("Observation ends"),
            EMPTY if pd.isna(situation["release_date"]) else situation["release_date"].date().isoformat(),
        ),
        "stage": (_("Stage"), EMPTY if pd.isna(stage) else HOUSEHOLD_STYLE.symbol(stage).label(language())),
    }


def _disinfection_facts(situation: pd.Series) -> dict[str, tuple[str, str]]:
    due_at, hours = situation["due_at"], situation["hours_overdue"]
    if not situation["overdue"]:
        overdue_text = "0"
    elif math.isnan(hours):  # never disinfected, or no interval: due since ever
        overdue_text = _("unknown")
    else:
        overdue_text = f"{hours:.1f}"
    return {
        "due_at": (_("Next disinfection due"), _("unknown") if pd.isna(due_at) else _time_text(due_at)),
        "freshness": (_("Disinfection"), DISINFECTION_STYLE.symbol(situation["freshness"]).label(language())),
        "hours_overdue": (_("Hours overdue"), overdue_text),
    }


def _title_of(schema: LayerSchema, record: dict) -> str:
    # Households have no name field: their id is their title (never the head's name).
    name = record.get("name") if "name" in schema.field_names else None
    return name or str(record[schema.id_field])


def _field_name(field: Field) -> str:
    return field.label(language())


def _plain_value(value):
    """A record's cell as a plain Python value, None when missing: numpy's booleans and
    numbers are no ``bool``/``float`` to isinstance, and NaN, NaT and pd.NA are "missing"."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (np.ndim(value) == 0 and not isinstance(value, str) and pd.isna(value)):
        return None
    return value


def _value_text(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return _time_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _time_text(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def _location(record: dict) -> str:
    point = record.get("geometry")
    if point is None or point.is_empty:
        return EMPTY
    return f"{point.x:.6f}°E, {point.y:.6f}°N"


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # data is text, never markup
    label.setWordWrap(True)
    return label
