"""Long work off the window's thread: the one way every dialog and panel runs it.

A job is a callable taking a :class:`geodata.feedback.Feedback` and returning its result: the
same call the command line makes in the foreground (reading and checking an import, a siting
run, writing a briefing document). :class:`BackgroundJob` runs it on a thread of its own and
brings what happens back to the window's thread as signals, so a slot may touch widgets:

* ``progress(fraction, message)`` at each report of the job, in order;
* then exactly one of ``finished(result)`` or ``failed(exception)``; a cancelled job fails with
  :class:`~geodata.feedback.Cancelled`;
* then ``ended()``, when the thread has stopped.

``cancel()`` cancels the job's Feedback: the job raises Cancelled at its next report. A step that
reports nothing (a solver, a database write) cannot be stopped; its result still arrives as
``finished``, so the owner decides whether to drop it. When the job's ``owner`` (the dialog or
panel that started it) is destroyed, the job is cancelled and says nothing more: no slot runs on
a widget that is gone.

    job = BackgroundJob(lambda feedback: suggest_sites(context, 3, feedback=feedback))
    job.progress.connect(show_progress)
    job.finished.connect(show_result)
    job.failed.connect(show_error)
    job.start()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QObject, QThread, pyqtSignal, pyqtSlot

from geodata.feedback import Feedback

# Started jobs are kept here until their thread has stopped: a QThread destroyed while it runs
# aborts the process, and a job's owner (a dialog being closed) may go before its job ends.
_running: set[BackgroundJob] = set()


class BackgroundJob(QObject):
    """One run of ``work(feedback)`` on a thread of its own; see the module's documentation.

    A job has no Qt parent, so closing its owner never destroys a running thread; it keeps
    itself alive until its thread stops. Run it once.
    """

    progress = pyqtSignal(float, str)
    finished = pyqtSignal(object)
    failed = pyqtSignal(object)
    ended = pyqtSignal()
    # Emitted on the job's thread and queued to the job's own slots on the window's thread,
    # which emit the public signals there: every receiver runs on the window's thread,
    # whatever kind of connection it made.
    _progressed = pyqtSignal(float, str)
    _returned = pyqtSignal(object)
    _raised = pyqtSignal(object)

    def __init__(self, work: Callable[[Feedback], Any], name: str = "", owner: QObject | None = None):
        super().__init__()
        if name:
            self.setObjectName(name)
        self._work = work
        self._heard = True  # False once the owner is gone
        self._ended = False
        self.feedback = Feedback(self._progressed.emit)
        self._progressed.connect(self._relay_progress)
        self._returned.connect(self._relay_result)
        self._raised.connect(self._relay_failure)
        self._thread = _Thread(self._run, self)
        self._thread.finished.connect(self._thread_finished)
        self._owner = owner
        if owner is not None:
            owner.destroyed.connect(self._owner_destroyed)

    def start(self) -> None:
        _running.add(self)
        self._thread.start()

    def cancel(self) -> None:
        """Ask the job to stop at its next report (from the window's thread or any other)."""
        self.feedback.cancel()

    @property
    def is_cancelled(self) -> bool:
        return self.feedback.is_cancelled

    def is_running(self) -> bool:
        return not self._ended and self._thread.isRunning()

    def wait(self, milliseconds: int | None = None) -> bool:
        """Block until the job's thread has stopped (or ``milliseconds`` passed): whether it
        has. Its signals are still delivered afterwards, by the event loop."""
        if self._ended:
            return True
        if milliseconds is None:
            return self._thread.wait()
        return self._thread.wait(milliseconds)

    def _run(self) -> None:  # on the job's thread
        try:
            result = self._work(self.feedback)
        except Exception as exc:  # every failure reaches the owner: a job must never die silently
            self._raised.emit(exc)
        else:
            self._returned.emit(result)

    # On the window's thread:

    @pyqtSlot(float, str)
    def _relay_progress(self, fraction: float, message: str) -> None:
        if self._heard:
            self.progress.emit(fraction, message)

    @pyqtSlot(object)
    def _relay_result(self, result: object) -> None:
        if self._heard:
            self.finished.emit(result)

    @pyqtSlot(object)
    def _relay_failure(self, exc: object) -> None:
        if self._heard:
            self.failed.emit(exc)

    @pyqtSlot()
    def _thread_finished(self) -> None:  # after the result or the failure
        self._thread.wait()  # "finished" comes just before the thread really stops
        _running.discard(self)
        self._ended = True
        if self._heard:
            if self._owner is not None:
                self._owner.destroyed.disconnect(self._owner_destroyed)
            self.ended.emit()
        self._owner = None
        # The slots connected to the job (lambdas that name it, often) are held on its Qt side,
        # which Python's collector cannot see: deleting the Qt object lets the job go.
        self.deleteLater()

    @pyqtSlot()
    def _owner_destroyed(self) -> None:
        self._heard = False
        self.cancel()


class _Thread(QThread):
    def __init__(self, run: Callable[[], None], parent: QObject):
        super().__init__(parent)
        self._target = run

    def run(self) -> None:
        self._target()
