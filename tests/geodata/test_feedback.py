"""One Feedback for every long job: progress in order, parts of a whole, cancel from any thread."""

import threading

import pytest

from geodata.feedback import Cancelled, Feedback, as_feedback


def test_reports_reach_the_listener_clamped_and_keep_the_last_message():
    heard = []
    feedback = Feedback(lambda fraction, message: heard.append((fraction, message)))
    feedback.report(0.25, "reading the file")
    feedback.report(1.5)
    assert heard == [(0.25, "reading the file"), (1.0, "reading the file")]
    assert (feedback.fraction, feedback.message) == (1.0, "reading the file")


def test_a_part_moves_its_share_of_the_whole():
    heard = []
    whole = Feedback(lambda fraction, message: heard.append(round(fraction, 3)))
    reading, checking = whole.part(0.0, 0.4), whole.part(0.4, 1.0)
    reading.report(0.5, "reading")
    reading.report(1.0, "read")
    checking.report(0.5, "checking")
    assert heard == [0.2, 0.4, 0.7]


def test_a_cancel_from_another_thread_stops_the_job_at_its_next_report():
    feedback = Feedback()
    part = feedback.part(0.5, 1.0)
    steps = []
    canceller = threading.Thread(target=feedback.cancel)
    with pytest.raises(Cancelled):
        for step in range(100):
            part.report(step / 100, "working")
            steps.append(step)
            if step == 3:
                canceller.start()
                canceller.join()
    assert steps == [0, 1, 2, 3]
    assert feedback.is_cancelled and part.is_cancelled


def test_callers_may_pass_a_bare_progress_function_or_nothing():
    heard = []
    as_feedback(lambda fraction, message: heard.append(message)).report(0.1, "one")
    as_feedback(None).report(0.2, "nobody listens")
    same = Feedback()
    assert as_feedback(same) is same
    assert heard == ["one"]
