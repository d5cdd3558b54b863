"""The form to add or edit a checkpoint, household or disinfection point.

The form is built from the schema, one editor per field, each allowing only what the field
holds: choices from a list, villages and checkpoints from the dataset, numbers from the
schema's minimum. What the editors cannot rule out (a status that disagrees with its date,
an end before its start) is checked by :mod:`geodata.editing` when the edit is made; its
problems are shown under the fields they name, and nothing is saved until they are fixed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtCore import QDate, QDateTime, Qt, QTime
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shapely.geometry import Point

from desktop.window.session import Session
from geodata.editing import FEATURE_LAYERS, Edit, EditError, add_feature, record_of, update_feature
from geodata.schema import GEOMETRY, LAYERS, OBSERVATION_DAYS, Field, choice_label
from geodata.validation import ERROR, Problem
from layers.features import edit_text, next_free_id, without_personal_values
from layers.i18n import _, format_names, language
from layers.messages import error_text, problem_text

EMPTY = "—"  # what an empty optional value shows
_NUMBER_LIMIT = 1_000_000

# Where a layer's ids start when it has none yet: prefix and digits (as in the sample).
_ID_PATTERNS = {"checkpoints": ("CP", 2), "households": ("HH", 3), "disinfection_points": ("DP", 2)}

# What a new feature starts with besides its id, place and the as-of day for its dates: the
# usual case at the desk (a checkpoint is set up staffed, a household is observed 14 days).
_NEW_RECORD_DEFAULTS = {
    "checkpoints": {"status": "active", "staffed_24h": True},
    "households": {"status": "observing", "persons": 1, "observation_days": OBSERVATION_DAYS},
    "disinfection_points": {"interval_hours": 12.0},
}


class FeatureDialog(QDialog):
    """A form to add a feature to, or edit one of, the three editable point layers.

    Parameters
    ----------
    session : Session
        Where the dataset is read and the edit saved (with undo).
    layer : str
        ``"checkpoints"``, ``"households"`` or ``"disinfection_points"``.
    feature_id : str, optional
        The feature to edit; ``None`` to add a new one (its id is proposed).
    position : tuple of float, optional
        ``(longitude, latitude)`` the form starts at, e.g. where the map was clicked.
    parent : QWidget, optional

    Notes
    -----
    Personal fields are on the form for the internal audience only; for the public audience
    they are left out and kept as they are.
    """

    def __init__(
        self,
        session: Session,
        layer: str,
        feature_id: str | None = None,
        position: tuple[float, float] | None = None,
        parent=None,
    ):
        super().__init__(parent)
        if layer not in FEATURE_LAYERS:
            raise ValueError(f"layer: features can be added to {', '.join(FEATURE_LAYERS)}, not {layer!r}")
        self.session = session
        self.schema = LAYERS[layer]
        self.is_new = feature_id is None
        self._record = self._initial_record(feature_id, position)
        self.feature_id = str(self._record[self.schema.id_field])
        self._editors: dict[str, _Editor] = {}
        self._errors: dict[str, QLabel] = {}

        self.setWindowTitle(edit_text("new" if self.is_new else "edit", layer, self.feature_id))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field in self.schema.fields:
            if field.personal and session.state.audience != "internal":
                continue
            self._editors[field.name] = self._editor_for(field)
            name = field.label(language())
            form.addRow(f"{name} *" if field.required else name, self._with_error_label(field.name))
        self.longitude, self.latitude = _coordinate_box(-180, 180), _coordinate_box(-90, 90)
        form.addRow(_("Location (longitude, latitude) *"), self._with_error_label(GEOMETRY))
        self.general_error = _error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        if any(self.schema.field(name).personal for name in self._editors):
            confidential = QLabel(_("Internal — confidential"))
            confidential.setStyleSheet("color: #b2182b; font-weight: bold;")
            layout.addWidget(confidential)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("* required")))
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

        for name, editor in self._editors.items():
            editor.set(self._record.get(name))
        self.set_value(GEOMETRY, self._record[GEOMETRY])
        if not self.is_new:
            id_edit = self._editors[self.schema.id_field].widget
            id_edit.setReadOnly(True)
            id_edit.setStyleSheet("background: palette(window);")  # looks as fixed as it is
            id_edit.setToolTip(_("An id cannot be changed"))
        # The form as first shown: what "changed" is measured against.
        self._shown = {name: self.value(name) for name in (*self._editors, GEOMETRY)}

    # -- values ----------------------------------------------------------------------------

    def value(self, field: str):
        """The value the form holds for ``field`` (or ``"geometry"``, a Point), as a plain
        value: str, int, float, bool, date, datetime, or None where empty. A field not on the
        form (a personal one, for the public audience) holds its value unchanged."""
        if field == GEOMETRY:
            return Point(round(self.longitude.value(), 6), round(self.latitude.value(), 6))
        if field in self._editors:
            return self._editors[field].get()
        self.schema.field(field)  # an unknown name is an error, not None
        return self._record.get(field)

    def set_value(self, field: str, value) -> None:
        """Put ``value`` in the editor of ``field``; ``"geometry"`` takes a Point or a
        ``(longitude, latitude)`` pair."""
        if field == GEOMETRY:
            longitude, latitude = (value.x, value.y) if isinstance(value, Point) else value
            self.longitude.setValue(longitude)
            self.latitude.setValue(latitude)
        elif field in self._editors:
            self._editors[field].set(value)
        else:
            raise KeyError(f"{field} is not on this form")

    def editor(self, field: str) -> QWidget | None:
        """The widget editing ``field`` (a QComboBox for choices, ...), None if not on the form."""
        editor = self._editors.get(field)
        return None if editor is None else editor.widget

    def error_text(self, field: str) -> str:
        """The error shown under ``field`` (``"geometry"`` for the location), "" if none."""
        label = self._errors.get(field)
        return label.text() if label is not None and not label.isHidden() else ""

    def changes(self) -> dict:
        """Field -> new value, for every field changed since the form was shown."""
        return {name: self.value(name) for name, shown in self._shown.items() if self.value(name) != shown}

    # -- saving ----------------------------------------------------------------------------

    def edit_to_save(self) -> Edit:
        """The edit the form describes, checked but not saved.

        Returns
        -------
        Edit
            An add of the whole record, or an update of the changed fields only.

        Raises
        ------
        EditError
            When the record is refused; ``problems`` name the fields concerned.
        """
        dataset, layer = self.session.dataset, self.schema.name
        if not self.is_new:
            return update_feature(dataset, layer, self.feature_id, **self.changes())
        record = {name: self.value(name) for name in self.schema.field_names}
        record[GEOMETRY] = self.value(GEOMETRY)
        self._check_new_id(record[self.schema.id_field])
        return add_feature(dataset, layer, record)

    def accept(self) -> None:
        """Save the edit and close; on a problem, show it and stay open."""
        self._clear_errors()
        if not self.is_new and not self.changes():
            super().accept()  # nothing to save
            return
        try:
            edit = self.edit_to_save()
        except EditError as err:
            self._show_refusal(err)
            return
        failures: list[str] = []
        self.session.error.connect(failures.append)
        try:
            saved = self.session.edit(edit, self._edit_text(edit))
        finally:
            self.session.error.disconnect(failures.append)
        if not saved:
            self._show_general(failures[-1] if failures else _("The change was not saved."))
            return
        if self.is_new:
            self.session.select(self.schema.name, self.feature_id)
        super().accept()

    def _edit_text(self, edit: Edit) -> str:
        action = "move" if edit.changed_fields() == (GEOMETRY,) else "edit"
        return edit_text("add" if edit.kind == "add" else action, self.schema.name, self.feature_id)

    def _check_new_id(self, feature_id: str | None) -> None:
        id_field, layer = self.schema.id_field, self.schema.name
        if feature_id is None:
            message = _("Give the new feature an id")
        elif (self.session.dataset[layer][id_field] == feature_id).any():
            message = _("This id is taken; choose another")
        else:
            return
        raise EditError(message, [Problem(ERROR, layer, feature_id, id_field, message)])

    def _show_refusal(self, err: EditError) -> None:
        named = []
        for problem in err.problems:
            label = self._errors.get(problem.field)
            if label is None:  # a field not on the form, or the whole record
                self._show_general(problem_text(problem))
                continue
            label.setText("\n".join(filter(None, [self.error_text(problem.field), problem_text(problem)])))
            _show_wrapped(label)
            named.append(_field_caption(self.schema, problem.field))
        if named:
            fields = format_names(dict.fromkeys(named), language())
            self._show_general(_("Not saved. Please correct: {fields}").format(fields=fields))
        elif not err.problems:
            self._show_general(without_personal_values(error_text(err), self._record, self.schema))

    def _show_general(self, message: str) -> None:
        text = self.general_error.text()
        self.general_error.setText(f"{text}\n{message}" if text else message)
        _show_wrapped(self.general_error)

    def _clear_errors(self) -> None:
        for label in (*self._errors.values(), self.general_error):
            label.clear()
            label.setMinimumHeight(0)
            label.hide()

    # -- building the form -----------------------------------------------------------------

    def _initial_record(self, feature_id: str | None, position) -> dict:
        dataset, layer = self.session.dataset, self.schema.name
        if feature_id is not None:
            record = record_of(dataset, layer, feature_id)
            if position is not None:
                record[GEOMETRY] = Point(*position)
            return record
        day = self.session.as_of.date()
        record = {f.name: day for f in self.schema.fields if f.type == "date" and f.required}
        record.update(_NEW_RECORD_DEFAULTS[layer])
        prefix, width = _ID_PATTERNS[layer]
        record[self.schema.id_field] = next_free_id(dataset[layer][self.schema.id_field], prefix, width)
        place = Point(*position) if position is not None else _centre_of(dataset)
        record[GEOMETRY] = place
        villages = dataset.villages
        around = villages[villages.contains(place)] if len(villages) else villages
        if len(around):  # a point placed on the map belongs to the village it lies in
            record[self.schema.village_field] = around["code"].iloc[0]
        return record

    def _editor_for(self, field: Field) -> _Editor:
        if field.choices:
            layer = self.schema.name
            items = [(choice_label(layer, field.name, code, language()), code) for code in field.choices]
            return _combo_editor(items)
        if field.name == self.schema.village_field:
            villages = self.session.dataset.villages
            return _combo_editor(list(zip(villages["name"], villages["code"], strict=False)))
        if self.schema.name == "disinfection_points" and field.name == "checkpoint":
            checkpoints = self.session.dataset.checkpoints
            items = [(f"{cid} {name}", cid) for cid, name in zip(checkpoints["id"], checkpoints["name"], strict=False)]
            return _combo_editor([(EMPTY, None), *items])
        day = self.session.as_of.to_pydatetime()
        builders = {
            "str": _text_editor,
            "bool": _bool_editor,
            "int": _int_editor,
            "float": _float_editor,
            "date": lambda f: _date_editor(f, day.date()),
            "datetime": lambda f: _date_editor(f, day),
        }
        return builders[field.type](field)

    def _with_error_label(self, name: str) -> QWidget:
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if name == GEOMETRY:
            row = QHBoxLayout()
            row.addWidget(self.longitude)
            row.addWidget(self.latitude)
            column.addLayout(row)
        else:
            column.addWidget(self._editors[name].widget)
        self._errors[name] = _error_label()
        column.addWidget(self._errors[name])
        return cell


# --- editors: one widget per field type, each reading and writing plain values ---------------


@dataclass
class _Editor:
    widget: QWidget
    get: Callable[[], object]
    set: Callable[[object], None]


def _text_editor(_field: Field) -> _Editor:
    edit = QLineEdit()
    return _Editor(
        edit,
        lambda: edit.text() if edit.text().strip() else None,
        lambda value: edit.setText("" if value is None else str(value)),
    )


def _combo_editor(items: list[tuple[str, object]]) -> _Editor:
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)

    def select(value) -> None:
        index = combo.findData(value)
        if index < 0 and value is None:  # nothing chosen yet: the first item
            index = 0
        elif index < 0:  # an imported value outside the list: kept as it is, not replaced
            combo.addItem(str(value), value)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    return _Editor(combo, combo.currentData, select)


def _bool_editor(_field: Field) -> _Editor:
    box = QCheckBox()
    return _Editor(box, box.isChecked, lambda value: box.setChecked(bool(value)))


def _int_editor(field: Field) -> _Editor:
    return _number_editor(QSpinBox(), field, int, step=1)


def _float_editor(field: Field) -> _Editor:
    box = QDoubleSpinBox()
    box.setDecimals(2)
    return _number_editor(box, field, float, step=0.5)


def _number_editor(box, field: Field, kind: type, step) -> _Editor:
    lowest = kind(field.minimum) if field.minimum is not None else -_NUMBER_LIMIT
    # An optional number is empty at one step below its minimum, shown as a dash (Qt's way).
    empty_at = None if field.required else lowest - step
    box.setRange(lowest if empty_at is None else empty_at, _NUMBER_LIMIT)
    box.setSingleStep(step)
    if empty_at is not None:
        box.setSpecialValueText(EMPTY)

    def read():
        return None if empty_at is not None and box.value() == empty_at else kind(box.value())

    return _Editor(box, read, lambda value: box.setValue(empty_at if value is None else value))


def _date_editor(field: Field, default: dt.date | dt.datetime) -> _Editor:
    """A date (or date-and-time) with a calendar; an optional one has a tick box for "set"."""
    with_time = isinstance(default, dt.datetime)
    edit = QDateTimeEdit() if with_time else QDateEdit()
    edit.setDisplayFormat("yyyy-MM-dd HH:mm" if with_time else "yyyy-MM-dd")
    edit.setCalendarPopup(True)
    to_qt = _qt_datetime if with_time else _qt_date

    def read():
        return edit.dateTime().toPyDateTime() if with_time else edit.date().toPyDate()

    def show(value) -> None:
        qt_value = to_qt(default if value is None else value)
        edit.setDateTime(qt_value) if with_time else edit.setDate(qt_value)

    if field.required:
        return _Editor(edit, read, show)
    given = QCheckBox()
    given.setToolTip(_("Untick to leave the date empty"))
    given.toggled.connect(edit.setEnabled)
    cell = QWidget()
    row = QHBoxLayout(cell)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(given)
    row.addWidget(edit, 1)

    def write(value) -> None:
        given.setChecked(value is not None)
        edit.setEnabled(value is not None)
        show(value)

    return _Editor(cell, lambda: read() if given.isChecked() else None, write)


def _qt_date(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _qt_datetime(value: dt.datetime) -> QDateTime:
    time = QTime(value.hour, value.minute, value.second, value.microsecond // 1000)
    return QDateTime(_qt_date(value), time)


def _coordinate_box(lowest: float, highest: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(6)  # about 0.1 m: finer than any position taken in the field
    box.setRange(lowest, highest)
    box.setSingleStep(0.0001)
    box.setSuffix("°")
    return box


def _error_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # messages quote data
    label.setWordWrap(True)
    label.setStyleSheet("color: #c62828;")
    label.hide()
    return label


def _show_wrapped(label: QLabel) -> None:
    """Show a word-wrapped label whole.

    A form row does not ask a nested label how tall its wrapped text is, so the label is
    given that height, at the width its cell has, and the dialog grows to fit.
    """
    label.show()
    width = label.parentWidget().contentsRect().width()
    label.setMinimumHeight(label.heightForWidth(width))
    window = label.window()
    window.resize(window.width(), max(window.height(), window.sizeHint().height()))


def _centre_of(dataset) -> Point:
    """The middle of the villages (of any layer when there are none)."""
    for frame in (dataset.villages, *(dataset[layer] for layer in FEATURE_LAYERS)):
        if len(frame) and not frame.geometry.is_empty.all():
            west, south, east, north = frame.total_bounds
            return Point((west + east) / 2, (south + north) / 2)
    return Point(0.0, 0.0)


def _field_caption(schema, name: str) -> str:
    if name == GEOMETRY:
        return _("Location")
    field = schema.field(name)
    return field.label(language())
