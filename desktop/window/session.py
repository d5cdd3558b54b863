"""The open dataset and what the window shows of it: one object every panel talks to.

Panels never talk to each other. They read ``session.dataset`` and ``session.state``, change
the state with :meth:`Session.set_state`, select with :meth:`Session.select`, and edit through
:meth:`Session.edit` (which puts the edit on the undo stack); the session's signals tell every
panel and the map what changed.
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Sequence

import pandas as pd
from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtGui import QUndoCommand, QUndoStack

from desktop.os_errors import error_text
from geodata.dataset import Dataset
from geodata.editing import ConflictError, Edit, EditError
from geodata.errors import GeodataError
from layers.filters import resolve_as_of
from layers.i18n import _
from layers.map_state import MapState
from layers.messages import message_text

log = logging.getLogger(__name__)


class Session(QObject):
    """A store, its dataset in memory, the MapState shown and the edits made."""

    state_changed = pyqtSignal(object)  # the new MapState
    dataset_changed = pyqtSignal(object)  # {layer: [ids]} changed by an edit, undo or redo
    selection_changed = pyqtSignal(str, str)  # layer, id ("" and "" when nothing is selected)
    fly_requested = pyqtSignal(str, str)  # layer, id: bring this feature into view
    bounds_requested = pyqtSignal(object)  # (west, south, east, north): show this extent
    error = pyqtSignal(str)  # something the user must be told (a failed save, ...)
    conflict = pyqtSignal(object)  # a ConflictError: the feature changed elsewhere (reload/overwrite)

    def __init__(self, store, dataset: Dataset, state: MapState, who: str | None = None, parent=None):
        super().__init__(parent)
        self.store = store
        self.dataset = dataset
        self.state = state
        self.who = who or _desk_name()
        self.selection: tuple[str, str] = ("", "")
        self.undo_stack = QUndoStack(self)

    # -- what is shown ---------------------------------------------------------------------

    @property
    def as_of(self) -> pd.Timestamp:
        return resolve_as_of(self.state, self.dataset)

    def set_state(self, state: MapState) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def update_state(self, **changes) -> None:
        self.set_state(self.state.replace(**changes))

    def select(self, layer: str, feature_id: str, fly: bool = False) -> None:
        """Select a feature (empty strings: nothing); ``fly`` brings it into view."""
        if (layer, feature_id) != self.selection:
            self.selection = (layer, feature_id)
            self.selection_changed.emit(layer, feature_id)
        if fly and feature_id:
            self.fly_requested.emit(layer, feature_id)

    def show_bounds(self, bounds) -> None:
        self.bounds_requested.emit(tuple(float(b) for b in bounds))

    # -- editing ---------------------------------------------------------------------------

    def edit(self, edit: Edit | Sequence[Edit], text: str | None = None) -> bool:
        """Save ``edit`` (or several edits, together: a quick action's record and its event),
        then put it on the undo stack as one step; False (and ``error``) on failure.

        The save comes first so that a failed save leaves no command to undo.
        """
        edits = [edit] if isinstance(edit, Edit) else list(edit)
        if not edits or not self.save_edits(edits):
            return False
        self.undo_stack.push(EditCommand(self, edits, text or message_text(edits[0].description)))
        return True

    def save_edits(self, edits: list[Edit]) -> bool:
        """Write ``edits`` to the store in one transaction and take the new dataset."""
        try:
            # The journal says what was done in the language the desk works in.
            self.dataset = self.store.apply_edits(edits, who=self.who, describe=message_text)
        except ConflictError as exc:
            exc.batch = tuple(edits)  # an overwrite saves the others with it (a quick action's event)
            log.warning("save refused: %s %s changed elsewhere", exc.edit.layer, exc.edit.feature_id)
            if self.receivers(self.conflict):
                self.conflict.emit(exc)  # the window asks: reload or overwrite
            else:
                self.error.emit(_("The change was not saved: {reason}").format(reason=exc))
            return False
        except (EditError, GeodataError, OSError) as exc:
            log.warning("save failed: %s", type(exc).__name__)  # the message may name data
            self.error.emit(_("The change was not saved: {reason}").format(reason=error_text(exc)))
            return False
        changed: dict[str, list[str]] = {}
        for edit in edits:
            changed.setdefault(edit.layer, []).append(edit.feature_id)
        self.dataset_changed.emit(changed)
        return True

    def take_external(self, dataset: Dataset) -> dict[str, list[str]]:
        """Show ``dataset``, read after another desk or program changed the store; the
        features that differ from what was shown (announced with ``dataset_changed``)."""
        from layers.dataset_diff import changed_features

        changed = changed_features(self.dataset, dataset)
        metadata_changed = dataset.metadata != self.dataset.metadata
        self.dataset = dataset
        if changed or metadata_changed:
            self.dataset_changed.emit(changed)
        return changed

    def reload(self) -> bool:
        """Read the store afresh and show what it holds; False (and ``error``) on failure."""
        try:
            dataset = self.store.read_all()
        except (GeodataError, OSError) as exc:
            self.error.emit(_("Cannot read the data: {reason}").format(reason=error_text(exc)))
            return False
        self.take_external(dataset)
        return True


class EditCommand(QUndoCommand):
    """Edits saved together, as one step on the undo stack: redo saves them again, undo
    saves their inverses in reverse order (an event added last is removed first), each in
    one transaction.

    A command whose undo or redo cannot be saved is dropped from the stack (obsolete): the
    store and the window still agree, and the user has been told why.
    """

    def __init__(self, session: Session, edits: Edit | Sequence[Edit], text: str):
        super().__init__(text)
        self.session = session
        self.edits: tuple[Edit, ...] = (edits,) if isinstance(edits, Edit) else tuple(edits)
        self._saved_already = True  # pushed after Session.edit saved it

    @property
    def edit(self) -> Edit:
        """The first edit: the feature's own change (the rest are the events it appended)."""
        return self.edits[0]

    def redo(self) -> None:
        if self._saved_already:
            self._saved_already = False
            return
        if not self.session.save_edits(list(self.edits)):
            self.setObsolete(True)

    def undo(self) -> None:
        if not self.session.save_edits([edit.inverted() for edit in reversed(self.edits)]):
            self.setObsolete(True)


def _desk_name() -> str:
    """The name the journal records: the configured desk (SITUATION_MAP_DESK), else the user."""
    import os

    if os.environ.get("SITUATION_MAP_DESK", "").strip():
        return os.environ["SITUATION_MAP_DESK"].strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "desk"
