"""Tell the user their edit met another desk's change, and let them reload or overwrite.

Shown when the store refuses an edit with :class:`geodata.editing.ConflictError`. The text
names the feature, the version the edit was made on and the version stored now (who saved
it, when) and the fields that differ, with the user's and the stored value of each; values
of personal fields (household head, phone, note) are not shown, only that they differ.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QMessageBox

from geodata.editing import ConflictError, EditError, overwrite_edits
from geodata.schema import schema_for
from layers.features import layer_label
from layers.i18n import _, language

RELOAD, OVERWRITE, CANCEL = "reload", "overwrite", "cancel"


def conflict_text(conflict: ConflictError) -> str:
    """The dialog's main text: which feature, which versions, by whom."""
    edit = conflict.edit
    what = f"{layer_label(edit.layer)} {edit.feature_id}"
    if conflict.current is None:
        return _("{what} was deleted at another desk after you opened it.").format(what=what)
    lines = [_("{what} was changed at another desk after you opened it.").format(what=what)]
    if conflict.current_version is not None:
        mine = conflict.base_version if conflict.base_version is not None else "?"
        when = conflict.changed_at.astimezone().strftime("%H:%M:%S") if conflict.changed_at else "?"
        lines.append(
            _("You edited version {mine}; the database holds version {theirs}, saved by {who} at {when}.").format(
                mine=mine, theirs=conflict.current_version, who=conflict.changed_by, when=when
            )
        )
    lines.append(_("Reload to see the other change, or overwrite it with yours."))
    return "\n".join(lines)


def conflict_details(conflict: ConflictError) -> str:
    """Field by field: yours, then the stored value (personal values withheld)."""
    edit, current = conflict.edit, conflict.current
    if current is None or edit.after is None:
        return ""
    schema = schema_for(edit.layer)
    rows = []
    for name in schema.field_names + ("geometry",):
        mine, theirs = edit.after.get(name), current.get(name)
        if _same(mine, theirs) and name not in conflict.changed_fields:
            continue
        label = _("Location") if name == "geometry" else _field_label(schema, name)
        if name in schema.personal_fields:
            rows.append(_("{field}: differs (personal data, not shown)").format(field=label))
        else:
            rows.append(
                _("{field}: yours {mine} · stored {theirs}").format(field=label, mine=_show(mine), theirs=_show(theirs))
            )
    return "\n".join(rows)


def question_box(conflict: ConflictError, parent=None) -> QMessageBox:
    """The question, with buttons ``reload_button`` and ``overwrite_button`` (and Cancel)."""
    box = QMessageBox(QMessageBox.Icon.Warning, _("Changed at another desk"), conflict_text(conflict), parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # values are data: never markup
    details = conflict_details(conflict)
    if details:
        box.setDetailedText(details)
    box.reload_button = box.addButton(_("&Reload"), QMessageBox.ButtonRole.AcceptRole)
    box.overwrite_button = box.addButton(_("&Overwrite with my change"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(box.reload_button)
    return box


def ask(conflict: ConflictError, parent=None) -> str:
    """Show the question; RELOAD, OVERWRITE or CANCEL."""
    box = question_box(conflict, parent)
    box.exec()
    clicked = box.clickedButton()
    return RELOAD if clicked is box.reload_button else OVERWRITE if clicked is box.overwrite_button else CANCEL


def resolve(session, conflict: ConflictError, choice: str) -> bool:
    """Carry out the user's choice; True when the window shows the store's data afterwards."""
    if choice == RELOAD:
        return session.reload()
    if choice == OVERWRITE:
        shown = session.reload()  # show the stored record first, so the overwrite is what gets undone
        try:
            # The rest of the refused save goes with it: a quick action's event, under a free
            # id when another desk's same action in the same second took its id.
            edits = overwrite_edits(conflict, session.dataset)
        except EditError as exc:
            session.error.emit(_("The change was not saved: {reason}").format(reason=exc))
            return False
        return session.edit(edits) if edits else shown
    return False


def install(window) -> None:
    """Ask the window's user whenever a save meets another desk's change."""
    window.session.conflict.connect(lambda conflict: resolve(window.session, conflict, ask(conflict, window)))


def _field_label(schema, name: str) -> str:
    return schema.field(name).label(language())


def _same(first, second) -> bool:
    try:
        return bool(first == second) if not hasattr(first, "equals") else bool(first.equals(second))
    except (TypeError, ValueError):
        return False


def _show(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "x") and hasattr(value, "y"):
        return f"{value.x:.5f}, {value.y:.5f}"
    return str(value)
