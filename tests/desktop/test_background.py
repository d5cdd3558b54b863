"""One way to run long work off the window's thread: progress, result, failure and cancel arrive
on the window's thread, in order."""

import threading

import pytest
from PyQt6 import sip
from PyQt6.QtCore import QThread

from desktop import background
from desktop.background import BackgroundJob
from geodata.feedback import Cancelled

TIMEOUT_MS = 10_000


def record(job):
    """Every signal of ``job`` as (name, arguments, whether it came on the window's thread)."""
    heard = []
    main = QThread.currentThread()

    def on(name):
        return lambda *args: heard.append((name, args, QThread.currentThread() is main))

    for name in ("progress", "finished", "failed", "ended"):
        getattr(job, name).connect(on(name))
    return heard


def test_progress_arrives_in_order_on_the_window_thread_then_the_result(qtbot):
    workers = []

    def work(feedback):
        workers.append(threading.current_thread())
        for step in range(5):
            feedback.report(step / 4, f"step {step}")
        return "answer"

    job = BackgroundJob(work, name="test-job")
    heard = record(job)
    with qtbot.waitSignal(job.ended, timeout=TIMEOUT_MS):
        job.start()
    assert workers and workers[0] is not threading.main_thread()
    assert [args for name, args, _main in heard if name == "progress"] == [
        (step / 4, f"step {step}") for step in range(5)
    ]
    assert [name for name, _args, _main in heard[-2:]] == ["finished", "ended"]
    assert heard[-2][1] == ("answer",)
    assert all(on_main for _name, _args, on_main in heard)
    assert not job.is_running() and job not in background._running
    # Its Qt side is deleted once it ended (the slots it holds would keep it forever), and
    # asking about it afterwards is still safe.
    qtbot.waitUntil(lambda: sip.isdeleted(job), timeout=TIMEOUT_MS)
    assert not job.is_running() and job.wait() and not job.is_cancelled


def test_cancel_stops_the_job_at_its_next_report_and_it_fails_with_cancelled(qtbot):
    started, steps = threading.Event(), []

    def work(feedback):
        for step in range(10_000):
            feedback.report(step / 10_000, "working")
            steps.append(step)
            started.set()
            threading.Event().wait(0.001)
        return "never"

    job = BackgroundJob(work)
    heard = record(job)
    job.start()
    assert started.wait(TIMEOUT_MS / 1000)
    with qtbot.waitSignal(job.ended, timeout=TIMEOUT_MS):
        job.cancel()
    assert job.is_cancelled and len(steps) < 10_000
    (failure,) = [args[0] for name, args, _main in heard if name == "failed"]
    assert isinstance(failure, Cancelled)
    assert not [name for name, _args, _main in heard if name == "finished"]


def test_an_exception_in_the_job_arrives_as_failed_and_the_job_still_ends(qtbot):
    def work(feedback):
        feedback.report(0.5, "half")
        raise ValueError("the file is broken")

    job = BackgroundJob(work)
    heard = record(job)
    with qtbot.waitSignal(job.ended, timeout=TIMEOUT_MS):
        job.start()
    names = [name for name, _args, _main in heard]
    assert names == ["progress", "failed", "ended"]
    failure = heard[1][1][0]
    assert isinstance(failure, ValueError) and str(failure) == "the file is broken"


def test_a_started_job_keeps_itself_alive_until_it_ends(qtbot):
    release = threading.Event()
    ended = []

    def start():
        job = BackgroundJob(lambda feedback: release.wait(TIMEOUT_MS / 1000))
        job.ended.connect(lambda: ended.append(True))
        job.start()  # the caller keeps no reference

    start()
    assert len(background._running) == 1
    release.set()
    qtbot.waitUntil(lambda: bool(ended), timeout=TIMEOUT_MS)
    assert not background._running


@pytest.mark.parametrize("milliseconds", [None, 5_000])
def test_wait_blocks_until_the_thread_has_stopped(qtbot, milliseconds):
    job = BackgroundJob(lambda feedback: threading.Event().wait(0.05))
    job.start()
    assert job.wait(milliseconds) and not job.is_running()
    qtbot.waitSignal(job.ended, timeout=TIMEOUT_MS).wait()


def test_when_its_owner_is_destroyed_the_job_is_cancelled_and_says_nothing_more(qtbot):
    from PyQt6.QtCore import QObject

    owner = QObject()
    started = threading.Event()

    def work(feedback):
        started.set()
        while True:
            feedback.report(0.5, "waiting")
            threading.Event().wait(0.001)

    job = BackgroundJob(work, owner=owner)
    heard = record(job)
    job.start()
    assert started.wait(TIMEOUT_MS / 1000)
    owner.deleteLater()
    qtbot.waitUntil(lambda: job.is_cancelled, timeout=TIMEOUT_MS)
    heard.clear()
    assert job.wait(TIMEOUT_MS)
    qtbot.waitUntil(lambda: job not in background._running, timeout=TIMEOUT_MS)
    assert heard == []
