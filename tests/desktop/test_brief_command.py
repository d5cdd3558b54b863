"""``situation-map brief``: the PDF itself is read back (pdftotext, pdfinfo, pdffonts)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from desktop.cli import main
from desktop.commands.common import EXIT_FAILED, EXIT_OK
from geodata.stores import open_store

DAY = "2020-02-19"
SUMMARY_PAGES_MIN = 2
PROJECT = Path(__file__).resolve().parents[2]


def pdf_text(path: Path, page: int | None = None, layout: bool = False) -> str:
    command = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        command.append("-layout")
    if page is not None:
        command += ["-f", str(page), "-l", str(page)]
    return subprocess.run(command + [str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def page_count(path: Path) -> int:
    return int(pdf_info(path)["Pages"])


@pytest.fixture(scope="module")
def sample(sample_file):
    return open_store(sample_file).read_all()


@pytest.fixture(scope="module")
def briefings(sample_file, tmp_path_factory, qapp):
    """The briefings the tests read, each made once through the command."""
    folder = tmp_path_factory.mktemp("briefings")
    made = {}
    for name, extra in {
        "public": [],
        "internal": ["--audience", "internal"],
        "internal_atlas": ["--audience", "internal", "--atlas"],
        "a3_landscape": [
            "--atlas",
            "--villages",
            "411771360206,关王庙村",
            "--paper",
            "A3",
            "--landscape",
            "--lang",
            "en",
        ],
    }.items():
        out = folder / f"{name}.pdf"
        assert main(["brief", "--data", str(sample_file), "--out", str(out), "--date", DAY, *extra]) == EXIT_OK
        made[name] = out
    return made


def test_public_briefing_names_every_village_and_no_household(briefings, sample):
    text = pdf_text(briefings["public"])
    for name in sample.villages["name"]:
        assert name in text
    households = sample.households
    for value in [*households["head_name"].dropna(), *households["phone"].dropna(), *households["note"].dropna()]:
        assert value not in text, value
    assert "内部资料" not in text


def test_internal_briefing_lists_households_and_is_marked_on_every_page(briefings, sample):
    path = briefings["internal"]
    text = pdf_text(path)
    listed = households_listed(sample)
    assert len(listed) > 0
    for _, household in listed.iterrows():
        assert household["head_name"] in text and household["phone"] in text
    assert "示例记录" in text  # the households' notes
    for page in range(1, page_count(path) + 1):
        assert "内部资料 注意保密" in pdf_text(path, page)


def test_every_page_is_numbered_and_dated(briefings):
    path = briefings["public"]
    pages = page_count(path)
    assert pages >= SUMMARY_PAGES_MIN
    for page in range(1, pages + 1):
        text = pdf_text(path, page)
        assert re.search(rf"第\s*{page}\s*页\s*/\s*共\s*{pages}\s*页", text), text[-300:]
        assert re.search(r"生成时间 \d{4}-\d\d-\d\d \d\d:\d\d", text)


def test_figures_per_village_equal_those_counted_from_the_records(briefings, sample):
    text = pdf_text(briefings["public"], layout=True)
    day = pd.Timestamp(DAY)
    households = sample.households
    start = pd.to_datetime(households["observation_start"])
    last = start + pd.to_timedelta(households["observation_days"] - 1, unit="D")
    ended = households["status"].isin(["released", "escalated"]) & (pd.to_datetime(households["status_date"]) <= day)
    observing = households[(start <= day) & (day <= last) & ~ended]
    checkpoints = sample.checkpoints
    active = checkpoints[(checkpoints["status"] == "active") & (pd.to_datetime(checkpoints["opened"]) <= day)]
    for code, name in zip(sample.villages["code"], sample.villages["name"], strict=False):
        # 13 figures: the checkpoints by tier and in all, observation, disinfection, and
        # the village's party branches and volunteers (issue 13 added these two).
        row = re.search(rf"^\s*{name}((?:\s+\d+){{13}})\s*$", text, re.MULTILINE)
        assert row, f"no figures row for {name}"
        numbers = [int(n) for n in row.group(1).split()]
        here = active[active["village"] == code]
        tiers = [int((here["tier"] == t).sum()) for t in ("district", "village", "natural_village", "compound")]
        assert numbers[:4] == tiers, name
        assert numbers[4] == len(here)
        assert numbers[5] == int((observing["village"] == code).sum()), name
        assert numbers[6] == int(observing.loc[observing["village"] == code, "persons"].sum()), name
        assert numbers[9] == int((sample.disinfection_points["village"] == code).sum())
        village = sample.villages[sample.villages["code"] == code].iloc[0]
        assert numbers[11:] == [int(village["party_branches"]), int(village["volunteers"])], name


def test_fonts_are_embedded(briefings):
    out = subprocess.run(
        ["pdffonts", str(briefings["internal_atlas"])], check=True, capture_output=True, text=True
    ).stdout
    fonts = out.splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), out  # the "emb" column


def test_map_symbols_print_as_drawings_not_pictures(briefings, sample):
    """The only pictures on the map page are the village names' halos (a canvas each): a marker's
    glow was a CSS filter, which printed every marker as an image (and slowly)."""
    import pymupdf

    with pymupdf.open(briefings["public"]) as document:
        pictures = document[0].get_image_info()
    assert len(pictures) <= len(sample.villages), [pymupdf.Rect(p["bbox"]) for p in pictures]


def test_atlas_adds_one_page_per_village_after_the_summary(briefings, sample):
    path = briefings["internal_atlas"]
    summary_pages = page_count(briefings["internal"])
    codes = list(sample.villages["code"])
    assert page_count(path) == summary_pages + len(codes)
    for number, (code, name) in enumerate(zip(codes, sample.villages["name"], strict=False), start=summary_pages + 1):
        text = pdf_text(path, number)
        assert code in text and name in text
        assert not [other for other in codes if other != code and other in text]


def test_a3_landscape_atlas_of_chosen_villages_in_english(briefings):
    path = briefings["a3_landscape"]
    width, height = (float(v) for v in re.findall(r"[\d.]+", pdf_info(path)["Page size"])[:2])
    assert (round(width), round(height)) == (1191, 842)  # A3 landscape, in points
    pages = page_count(path)
    assert "411771360200" in pdf_text(path, pages - 1) and "411771360206" in pdf_text(path, pages)
    first = pdf_text(path, 1)
    assert "Guanwangmiao Township epidemic-prevention situation briefing" in first
    assert re.search(rf"Page\s*1\s*of\s*{pages}", first)


def households_listed(sample) -> pd.DataFrame:
    day = pd.Timestamp(DAY)
    households = sample.households
    start = pd.to_datetime(households["observation_start"])
    last = start + pd.to_timedelta(households["observation_days"] - 1, unit="D")
    settled = pd.to_datetime(households["status_date"]) <= day
    escalated = (households["status"] == "escalated") & settled & (start <= day)
    observing = (start <= day) & (day <= last) & ~(households["status"].isin(["released", "escalated"]) & settled)
    return households[escalated | observing]


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--state", "missing-state.json"], "missing-state.json"),
        (["--atlas", "--villages", "411771360299"], "unknown village '411771360299'"),
        (["--villages", "411771360200"], "give --atlas too"),
        (["--date", "19/02/2020"], "YYYY-MM-DD"),
    ],
)
def test_bad_requests_fail_with_one_clear_line_and_no_file(sample_file, tmp_path, capsys, qapp, arguments, message):
    out = tmp_path / "brief.pdf"
    assert main(["brief", "--data", str(sample_file), "--out", str(out), *arguments, "--lang", "en"]) == EXIT_FAILED
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error
    assert not out.exists() and not list(tmp_path.glob(".*partial"))


def test_an_unwritable_output_is_refused(sample_file, tmp_path, capsys):
    assert (
        main(["brief", "--lang", "en", "--data", str(sample_file), "--out", str(tmp_path / "no-such-folder" / "b.pdf")])
        == EXIT_FAILED
    )
    assert "does not exist" in capsys.readouterr().err
    assert main(["brief", "--data", str(sample_file), "--out", str(tmp_path / "brief.txt")]) == EXIT_FAILED


def test_the_command_needs_no_display_and_reports_atlas_progress(sample_file, tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = tmp_path / "atlas.pdf"
    with open(tmp_path / "stdout", "w") as stdout, open(tmp_path / "stderr", "w") as stderr:
        # Files, not pipes: Chromium's helpers may keep a pipe open after the command ends.
        status = subprocess.run(
            [
                sys.executable,
                "-m",
                "desktop",
                "brief",
                "--data",
                str(sample_file),
                "--out",
                str(out),
                "--atlas",
                "--villages",
                "411771360200",
            ],
            cwd=PROJECT,
            env=environment,
            stdout=stdout,
            stderr=stderr,
            timeout=180,
        ).returncode
    errors = (tmp_path / "stderr").read_text()
    assert status == EXIT_OK, errors
    assert str(out) in (tmp_path / "stdout").read_text()  # said before the process ends at once
    assert "2/2" in errors  # the township map and the one village map drawn
    assert page_count(out) >= SUMMARY_PAGES_MIN + 1
