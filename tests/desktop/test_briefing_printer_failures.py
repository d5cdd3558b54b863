"""The briefing printer never waits forever: a renderer that dies mid-way (out of memory on a
huge internal list, killed) ends the run with one message, and nothing is written."""

from __future__ import annotations

import os
import signal

from desktop.briefing.briefing_printer import BriefingPrinter
from geodata.stores import open_store
from layers.briefing.document import write_briefing_document
from layers.briefing.options import BriefingOptions
from layers.map_state import MapState


def test_a_renderer_killed_while_drawing_fails_the_run_in_words(qtbot, sample_file, tmp_path):
    options = BriefingOptions(lang="en", atlas=True)
    document = write_briefing_document(open_store(sample_file).read_all(), MapState(), options, tmp_path / "doc")
    printer = BriefingPrinter()
    killed = []

    def kill_renderer(done, _total, _message):
        pid = printer._view.page().renderProcessPid() if printer._view is not None else 0
        if pid > 0 and not killed and done >= 1:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    printer.progress.connect(kill_renderer)
    with qtbot.waitSignal(printer.failed, timeout=60_000) as failure:
        printer.start(document.path, tmp_path / "out.pdf", options, document.map_count)
    assert killed, "the renderer was never seen drawing: the test killed nothing"
    assert "stopped" in failure.args[0]
    assert not (tmp_path / "out.pdf").exists()
    printer.close()
