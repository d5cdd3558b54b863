"""The system check run by `make run` / `make test` before the virtual environment exists."""

import pytest

from desktop import system_check


@pytest.fixture
def debian(monkeypatch):
    """A Debian machine where only the packages in `present` are installed."""
    present = set()
    monkeypatch.setattr(system_check.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(system_check, "installed", lambda package: package in present)
    monkeypatch.setattr(system_check, "available", lambda package: package != "libasound2t64")
    monkeypatch.setattr(system_check, "venv_package", lambda: None)
    return present


def every_package(groups):
    return {group.split("|")[0] for group in groups}


def test_nothing_to_do_when_everything_is_installed(debian, monkeypatch, capsys):
    debian.update(every_package(system_check.OFFSCREEN_PACKAGES + system_check.CJK_FONT_PACKAGES))
    monkeypatch.setattr(system_check.subprocess, "run", lambda *a, **k: pytest.fail("must not run apt-get"))
    assert system_check.main([]) == 0
    assert capsys.readouterr().out == ""


def test_a_user_who_is_not_root_gets_the_exact_command(debian, monkeypatch, capsys):
    debian.update(every_package(system_check.OFFSCREEN_PACKAGES))
    monkeypatch.setattr(system_check.os, "geteuid", lambda: 1000)
    assert system_check.main(["--screen"]) == 1
    out = capsys.readouterr().out
    command = next(line for line in out.splitlines() if "apt-get install" in line)
    assert "sudo apt-get install -y --no-install-recommends" in command
    assert "fonts-wqy-zenhei" in command and "libxcb-cursor0" in command
    assert "libgl1" not in command  # only what is missing


def test_root_installs_what_is_missing_with_apt_get(debian, monkeypatch):
    debian.update(every_package(system_check.OFFSCREEN_PACKAGES))
    monkeypatch.setattr(system_check.os, "geteuid", lambda: 0)
    ran = []
    monkeypatch.setattr(
        system_check.subprocess,
        "run",
        lambda command, **kwargs: ran.append(command) or type("R", (), {"returncode": 0})(),
    )
    assert system_check.main([]) == 0
    assert ran[0][:2] == ["apt-get", "update"]
    assert ran[1][:2] == ["apt-get", "install"] and ran[1][-1] == "fonts-wqy-zenhei"


def test_an_alternative_package_name_counts_as_installed(debian):
    debian.add("libasound2t64")
    assert "libasound2" not in system_check.missing_packages(["libasound2|libasound2t64"])


def test_tests_bring_postgresql_with_postgis(debian, monkeypatch):
    debian.update(
        every_package(
            system_check.OFFSCREEN_PACKAGES + system_check.CJK_FONT_PACKAGES + system_check.TEST_TOOL_PACKAGES
        )
    )
    monkeypatch.setattr(system_check.os, "geteuid", lambda: 0)
    ran = []
    monkeypatch.setattr(
        system_check.subprocess,
        "run",
        lambda command, **kwargs: ran.append(command) or type("R", (), {"returncode": 0})(),
    )
    assert system_check.main(["--tests"]) == 0
    assert ran[1][:2] == ["apt-get", "install"] and ran[1][-1] == "postgresql-15-postgis-3"


def test_an_installed_postgis_of_another_release_is_enough(debian, monkeypatch):
    debian.update(
        every_package(
            system_check.OFFSCREEN_PACKAGES + system_check.CJK_FONT_PACKAGES + system_check.TEST_TOOL_PACKAGES
        )
        | {"postgresql-17-postgis-3"}
    )
    monkeypatch.setattr(system_check.subprocess, "run", lambda *a, **k: pytest.fail("must not run apt-get"))
    assert system_check.main(["--tests"]) == 0
