"""Progress and cancelling for long work, without Qt.

Every long job (reading and checking an import, siting checkpoints, writing a briefing atlas)
takes one :class:`Feedback`, the way QGIS's processing algorithms take a
``QgsProcessingFeedback``: the job reports how far it is and asks whether to stop; whoever runs
it decides what a report looks like (a progress bar in the window, a line on the command line)
and when to cancel. The job's code is the same on screen, on the wall and on the command line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from geodata.errors import GeodataError

ProgressReport = Callable[[float, str], None]


class Cancelled(GeodataError):  # noqa: N818  (a cancel is not an error)
    """The user stopped the job; nothing was written."""


class Feedback:
    """How far a job is, and whether it should stop.

    Parameters
    ----------
    on_progress
        Called with (fraction done from 0 to 1, what is happening, in the user's words) at
        each report. It runs on the job's thread.

    The job calls :meth:`report` between steps; :meth:`report` raises :class:`Cancelled` once
    :meth:`cancel` has been called (from any thread), so a job stops at its next step without
    asking separately.
    """

    def __init__(self, on_progress: ProgressReport | None = None):
        self._on_progress = on_progress
        self._cancelled = threading.Event()
        self.fraction = 0.0
        self.message = ""

    def report(self, fraction: float, message: str = "") -> None:
        """Say how far the job is; raise :class:`Cancelled` if it has been cancelled."""
        self.raise_if_cancelled()
        self.fraction = min(1.0, max(0.0, float(fraction)))
        self.message = message or self.message
        if self._on_progress is not None:
            self._on_progress(self.fraction, self.message)

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancelled.is_set()

    def raise_if_cancelled(self) -> None:
        if self._cancelled.is_set():
            raise Cancelled("cancelled; nothing was written")

    def part(self, start: float, end: float) -> Feedback:
        """The feedback of one step of the job, which runs from ``start`` to ``end`` of the
        whole: the step reports 0 to 1 and the whole moves from ``start`` to ``end``. It is
        cancelled with the whole."""
        return _Part(self, start, end)


class _Part(Feedback):
    def __init__(self, whole: Feedback, start: float, end: float):
        super().__init__()
        self._whole, self._start, self._end = whole, start, end

    def report(self, fraction: float, message: str = "") -> None:
        self.fraction = min(1.0, max(0.0, float(fraction)))
        self._whole.report(self._start + (self._end - self._start) * self.fraction, message)

    def cancel(self) -> None:
        self._whole.cancel()

    @property
    def is_cancelled(self) -> bool:
        return self._whole.is_cancelled

    def raise_if_cancelled(self) -> None:
        self._whole.raise_if_cancelled()


def as_feedback(feedback: Feedback | ProgressReport | None) -> Feedback:
    """A :class:`Feedback` for what a caller passed: a Feedback, a bare progress function, or nothing."""
    if isinstance(feedback, Feedback):
        return feedback
    return Feedback(feedback)
