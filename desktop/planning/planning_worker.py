"""A siting run on a worker thread, for the planning panel: the window never waits on it."""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal

from geodata.feedback import Cancelled, Feedback
from layers.map_state import Planning
from layers.messages import error_text
from layers.planning import PlanningError, suggest_sites
from layers.planning.overlay import context_for


class SitingWorker(QObject):
    """Runs one siting on a worker thread; reports progress, a result, an error or a cancel."""

    progress = pyqtSignal(float, str)
    succeeded = pyqtSignal(object)  # SitingResult
    failed = pyqtSignal(str)
    cancelled = pyqtSignal()
    done = pyqtSignal()

    def __init__(self, dataset, planning: Planning, as_of, k: int, lscp: bool, user_sites):
        super().__init__()
        self._inputs = (dataset, planning, as_of, k, lscp, tuple(user_sites))
        self._feedback = Feedback(self.progress.emit)

    def cancel(self) -> None:
        self._feedback.cancel()

    def run(self) -> None:
        dataset, planning, as_of, k, lscp, user_sites = self._inputs
        try:
            self.progress.emit(0.0, "coverage before")
            context = context_for(dataset, planning, as_of)
            result = suggest_sites(
                context,
                k,
                lscp=lscp,
                user_sites=user_sites,
                feedback=self._feedback,
            )
        except Cancelled:
            self.cancelled.emit()
        except (PlanningError, RuntimeError) as exc:  # RuntimeError: the solver found no answer
            self.failed.emit(error_text(exc))
        else:
            self.succeeded.emit(result)
        finally:
            self.done.emit()
