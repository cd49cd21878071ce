from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.config import load_config, save_setting
from app.datafolder import prepare_data_dir
from app.errors import ConfigError


def test_file_then_environment_then_argument(tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    settings.write_text('data_dir = "/from/file"\nlanguage = "ru"\nidle_lock_minutes = 7\n')
    from_file = load_config(config_file=settings, environ={})
    assert (from_file.data_dir, from_file.language, from_file.idle_lock_minutes) == (
        Path("/from/file"),
        "ru",
        7,
    )

    env = {"RECEPTION_DATA_DIR": "/from/env", "RECEPTION_IDLE_LOCK_MINUTES": "3"}
    from_env = load_config(config_file=settings, environ=env)
    assert from_env.data_dir == Path("/from/env")
    assert from_env.idle_lock_minutes == 3
    assert from_env.language == "ru"

    from_argument = load_config(config_file=settings, environ=env, data_dir=tmp_path / "arg")
    assert from_argument.data_dir == tmp_path / "arg"


def test_broken_file_names_the_file_and_line(tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    settings.write_text('language = "az"\nidle_lock_minutes = = 5\n')
    with pytest.raises(ConfigError) as caught:
        load_config(config_file=settings, environ={})
    message = str(caught.value)
    assert str(settings) in message
    assert "line 2" in message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('colour = "blue"\n', "Unknown setting 'colour'"),
        ('language = "fr"\n', "is not one of: az, ru, en"),
        ('idle_lock_minutes = "soon"\n', "'idle_lock_minutes'"),
        ("idle_lock_minutes = 0\n", "at least 1"),
        ('[scanner]\nresolution = "high"\n', "'scanner.resolution'"),
    ],
)
def test_wrong_values_are_named(tmp_path: Path, content: str, words: str) -> None:
    settings = tmp_path / "config.toml"
    settings.write_text(content)
    with pytest.raises(ConfigError, match=words):
        load_config(config_file=settings, environ={})


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(config_file=tmp_path / "absent.toml", environ={})
    assert config.language == "az"
    assert config.database_url is None
    assert config.effective_database_url.startswith("sqlite:///")


def test_save_setting_keeps_the_others(tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    settings.write_text('language = "ru"\n')
    config = load_config(config_file=settings, environ={})
    changed = save_setting(config, "idle_lock_minutes", 4)
    assert changed.idle_lock_minutes == 4
    again = load_config(config_file=settings, environ={})
    assert (again.language, again.idle_lock_minutes) == ("ru", 4)


def test_scan_folder_and_scanner_choices_are_kept(tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    config = load_config(config_file=settings, environ={})
    assert (config.scan_folder, config.scanner) == ("", {})
    choices = {"device": "test:0", "source": "feeder", "resolution": 150, "color_mode": "color"}
    save_setting(config, "scanner", choices)
    save_setting(config, "scan_folder", str(tmp_path / "share"))
    again = load_config(config_file=settings, environ={})
    assert again.scanner == choices
    assert again.scan_folder == str(tmp_path / "share")


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_data_folder_is_private(tmp_path: Path) -> None:
    config = load_config(config_file=tmp_path / "none.toml", environ={}, data_dir=tmp_path / "data")
    prepare_data_dir(config)
    for folder in (
        config.data_dir,
        config.logs_dir,
        config.backups_dir,
        config.scans_dir,
        config.keys_dir,
    ):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    created = config.data_dir / "probe"
    created.write_text("x")
    assert stat.S_IMODE(created.stat().st_mode) == 0o600
