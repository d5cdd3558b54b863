"""The terminal of a command holds the program's own lines only: what Chromium and Qt say
about themselves (dbus, GPUInfo, QRhi, Vulkan, the zygote, the page's console) goes to the
log folder, so a cron job running `situation-map brief` mails nothing when all is well."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

PROGRESS = re.compile(r"^  \[\s*\d+ %\] \S")


def run(arguments, tmp_path, timeout=180):
    """The command as cron runs it, its output in files (Chromium's helpers may keep a pipe
    open after the command ends); returns (status, stdout, stderr)."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "LANGUAGE", "LC_ALL")},
        "SITUATION_MAP_HOME": str(tmp_path / "home"),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
    }
    env.pop("QTWEBENGINE_CHROMIUM_FLAGS", None)  # the command sets what it needs
    with open(tmp_path / "stdout", "w") as stdout, open(tmp_path / "stderr", "w") as stderr:
        status = subprocess.run(
            [sys.executable, "-m", "desktop", *arguments], env=env, stdout=stdout, stderr=stderr, timeout=timeout
        ).returncode
    return status, (tmp_path / "stdout").read_text(), (tmp_path / "stderr").read_text()


def test_a_briefing_run_prints_one_line_and_logs_the_browsers_messages(sample_file, tmp_path):
    out = tmp_path / "brief.pdf"
    status, stdout, stderr = run(["brief", "--data", str(sample_file), "--out", str(out), "--lang", "en"], tmp_path)
    assert status == 0, stderr
    assert stderr == ""
    assert stdout.splitlines() == [f"Wrote {out}"]
    assert out.read_bytes().startswith(b"%PDF")
    logs = tmp_path / "home" / "logs"
    assert (logs / "situation-map.log").exists() and (logs / "native.log").exists()
    assert "qt: " in (logs / "situation-map.log").read_text()  # Qt said something, and it is here


def test_an_atlas_run_prints_its_progress_and_nothing_else(sample_file, tmp_path):
    out = tmp_path / "atlas.pdf"
    arguments = ["brief", "--data", str(sample_file), "--out", str(out), "--atlas", "--villages", "411771360200"]
    status, stdout, stderr = run([*arguments, "--lang", "zh"], tmp_path)
    assert status == 0, stderr
    assert stdout.splitlines() == [f"已写入 {out}"]
    lines = stderr.splitlines()
    assert lines and all(line.startswith(("正在绘制地图", "正在输出 PDF")) for line in lines), stderr


def test_a_failing_briefing_still_says_its_one_line(sample_file, tmp_path):
    out = tmp_path / "brief.pdf"
    # The village is looked up after the browser has started: the error crosses the redirect.
    arguments = ["brief", "--data", str(sample_file), "--out", str(out), "--atlas", "--villages", "411771360299"]
    status, stdout, stderr = run([*arguments, "--lang", "en"], tmp_path)
    assert status == 2
    assert stdout == ""
    assert stderr.splitlines() == ["situation-map: unknown village '411771360299'"] or (
        len(stderr.splitlines()) == 1 and "411771360299" in stderr and stderr.startswith("situation-map: ")
    ), stderr


def test_map_and_trend_chart_runs_print_only_their_own_lines(sample_file, tmp_path):
    page = tmp_path / "page" / "map.html"
    status, stdout, stderr = run(["map", "--data", str(sample_file), "--out", str(page), "--lang", "en"], tmp_path)
    assert status == 0 and stderr == ""
    assert len(stdout.splitlines()) == 1 and stdout.startswith(f"Wrote {page}")
    chart = tmp_path / "trend.png"  # drawn by Qt: Qt WebEngine is loaded for it
    status, stdout, stderr = run(["trend", "--data", str(sample_file), "--out", str(chart), "--lang", "en"], tmp_path)
    assert status == 0 and stderr == ""
    assert stdout.splitlines() == [f"Wrote 14 days to {chart}"]


def test_a_plan_run_prints_its_report_and_progress_only(sample_file, tmp_path):
    out = tmp_path / "plan.geojson"
    status, stdout, stderr = run(["plan", "--data", str(sample_file), "--out", str(out), "--lang", "en"], tmp_path)
    assert status == 0, stderr
    assert stderr and all(PROGRESS.match(line) for line in stderr.splitlines()), stderr
    assert stdout.splitlines()[0].startswith("Guanwangmiao") or "road entries" in stdout.splitlines()[0]
    assert stdout.splitlines()[-1] == f"Wrote 3 proposed sites to {out}"


@pytest.mark.skipif(sys.platform != "linux", reason="signals and offscreen Qt as on the desks' Linux")
def test_the_window_prints_nothing(sample_file, tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "QTWEBENGINE_CHROMIUM_FLAGS")},
        "SITUATION_MAP_HOME": str(tmp_path / "home"),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
    }
    log = tmp_path / "home" / "logs" / "situation-map.log"
    with open(tmp_path / "stdout", "w") as stdout, open(tmp_path / "stderr", "w") as stderr:
        window = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data", str(sample_file)], env=env, stdout=stdout, stderr=stderr
        )
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and "opened a dataset" not in (log.read_text() if log.exists() else ""):
                time.sleep(0.5)
            time.sleep(3)  # the page loads and draws: when Chromium says most
            assert window.poll() is None
        finally:
            window.send_signal(signal.SIGTERM)
            window.wait(timeout=30)
    assert "opened a dataset" in log.read_text()
    assert (tmp_path / "stderr").read_text() == ""
    assert (tmp_path / "stdout").read_text() == ""
