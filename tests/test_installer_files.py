"""installer/: the PyInstaller spec, the Inno Setup script and the Linux files say what they
must (they cannot all be built here: the .iss needs Windows, the bundle takes a minute and is
built and self-tested by .ci/run)."""

from __future__ import annotations

import ast
import configparser
import os
import re
from pathlib import Path

import pytest

from retention_desk import paths

INSTALLER = Path(__file__).resolve().parents[1] / "installer"
ISS = INSTALLER / "retention-desk.iss"
SPEC = INSTALLER / "retention_desk.spec"


def iss_sections() -> dict[str, list[str]]:
    """Section name (lower case) -> its lines, comments and blanks left out."""
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in ISS.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or line.startswith("#"):
            continue
        found = re.fullmatch(r"\[(\w+)\]", line)
        if found:
            current = found.group(1).lower()
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    return sections


def setup_directives() -> dict[str, str]:
    return {
        k.strip().lower(): v.strip()
        for k, _, v in (line.partition("=") for line in iss_sections()["setup"])
    }


def entry(line: str) -> dict[str, str]:
    """An Inno Setup entry line ('Name: "x"; Flags: y') as a dict (keys lower case)."""
    parts = re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line)
    return {k.lower(): v.strip().strip('"') for k, v in parts}


# ------------------------------------------------------------------------------ Windows
def test_per_user_install_with_an_all_users_option() -> None:
    setup = setup_directives()
    assert setup["privilegesrequired"] == "lowest"
    assert {"dialog", "commandline"} <= set(setup["privilegesrequiredoverridesallowed"].split())
    assert setup["defaultdirname"].startswith("{autopf}")  # follows the mode chosen
    assert setup["changesassociations"] == "yes"
    for key in ("appid", "appname", "appversion", "apppublisher", "versioninfoversion"):
        assert setup.get(key), key


def test_rdesk_opens_the_archive_through_the_mode_s_registry_root() -> None:
    entries = [entry(line) for line in iss_sections()["registry"]]
    assert entries and all(e["root"] == "HKA" for e in entries)  # never HKCR/HKLM by hand
    assert any(e["subkey"] == r"Software\Classes\.rdesk\OpenWithProgids" for e in entries)
    commands = [e["valuedata"] for e in entries if e["subkey"].endswith(r"shell\open\command")]
    assert len(commands) == 1
    assert '--archive ""%1"" gui' in commands[0]
    # the extension key itself is shared with other programs: only our value is removed
    rdesk = [e for e in entries if e["subkey"].startswith(r"Software\Classes\.rdesk")]
    assert all("uninsdeletekey" not in e.get("flags", "") for e in rdesk)


def test_the_uninstaller_never_deletes_archives_or_user_data() -> None:
    sections = iss_sections()
    for name in ("uninstalldelete", "installdelete"):
        for line in sections.get(name, []):
            target = entry(line)["name"].lower()
            assert target.startswith("{app}"), line  # only the program's own folder
            for forbidden in (".rdesk", "*", "retention-desk", "appdata", "{user", "{local"):
                assert forbidden not in target.replace("{app}", ""), line
    assert not any(line.lower().startswith("[code]") for line in ISS.read_text().splitlines())


def test_windows_files_and_shortcuts_come_from_the_one_folder_build() -> None:
    sections = iss_sections()
    files = [entry(line) for line in sections["files"]]
    assert [f["source"] for f in files] == [r"dist\retention-desk\*"]
    assert "recursesubdirs" in files[0]["flags"]
    icons = [entry(line) for line in sections["icons"]]
    assert any(i["name"].startswith("{autoprograms}") for i in icons)  # Start menu
    assert (INSTALLER / "retention-desk.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


# ------------------------------------------------------------------------------- spec
def test_spec_collects_whole_packages_and_folders() -> None:
    source = SPEC.read_text("utf-8")
    ast.parse(source)  # a spec is Python
    assert 'collect_submodules("retention_desk")' in source  # commands imported by name
    for folder in (
        '"resources"',
        '"schedules"',
        '"retention_desk" / "archive" / "migrations"',
        '"retention_desk" / "selftest_data"',
    ):
        assert folder in source, folder
    # the fonts, letters and policies travel inside resources/, collected whole
    assert (paths.resources_dir() / "fonts" / "DejaVuSans.ttf").is_file()
    assert "entry.py" in source and (INSTALLER / "entry.py").is_file()
    assert 'name="retention-desk"' in source


def test_the_bundle_layout_matches_where_modules_look() -> None:
    # the spec puts resources/ and schedules/ beside the package, as in the source tree
    package = Path(paths.__file__).resolve().parent
    assert paths.resources_dir() == package.parent / "resources"
    assert paths.schedules_dir() == package.parent / "schedules"
    assert (paths.package_data_dir("selftest_data") / "x-archive" / "data").is_dir()


# ------------------------------------------------------------------------------- Linux
def test_linux_desktop_entry_and_scripts() -> None:
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]
    desktop.read(INSTALLER / "retention-desk.desktop", encoding="utf-8")
    section = desktop["Desktop Entry"]
    assert section["Type"] == "Application"
    assert "--archive %f gui" in section["Exec"]
    assert "application/x-retention-desk-archive" in section["MimeType"]
    assert (INSTALLER / "retention-desk.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for script in ("build_linux.sh", "install-desktop-entry.sh"):
        assert os.access(INSTALLER / script, os.X_OK), script
    assert "*.rdesk" in (INSTALLER / "install-desktop-entry.sh").read_text("utf-8")


@pytest.mark.parametrize("name", ["README.md", "version_info.txt", "make_icon.py"])
def test_installer_documents_exist(name: str) -> None:
    assert (INSTALLER / name).read_text("utf-8").strip()
