"""reception-admin as an administrator or a script uses it: a real process, a real folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ADMIN = [sys.executable, "-m", "app.cli"]


def _run(
    *args: str, stdin: str = "", data_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    command = [*ADMIN, *args]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return subprocess.run(
        command,
        input=stdin,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "RECEPTION_LANGUAGE": "en"},
    )


def test_help_lists_the_commands() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for command in ("init", "users", "masterdata", "audit", "backup", "restore"):
        assert command in result.stdout


def test_demo_setup_users_audit_backup_restore(tmp_path: Path) -> None:
    data = tmp_path / "data"
    init = _run("init", "--demo", data_dir=data)
    assert init.returncode == 0, init.stderr
    assert "Passwords, shown only this once" in init.stdout
    lines = [line.split() for line in init.stdout.splitlines() if line.startswith("  ")]
    assert [line[0] for line in lines] == ["clerk", "supervisor", "admin"]

    again = _run("init", "--demo", data_dir=data)
    assert again.returncode == 0 and "set up already" in again.stdout

    added = _run(
        "users",
        "add",
        "leyla",
        "--full-name",
        "Leyla Həsənova",
        "--role",
        "supervisor",
        "--password-stdin",
        stdin="a long password\n",
        data_dir=data,
    )
    assert added.returncode == 0, added.stderr
    listed = json.loads(_run("users", "list", "--json", data_dir=data).stdout)
    assert {
        "username": "leyla",
        "full_name": "Leyla Həsənova",
        "role": "supervisor",
        "active": True,
    } in listed

    short = _run(
        "users", "add", "x1", "--full-name", "X", "--password-stdin", stdin="abc\n", data_dir=data
    )
    assert short.returncode == 2
    assert "at least 8 characters" in short.stderr
    assert "Traceback" not in short.stderr

    verify = _run("audit", "verify", data_dir=data)
    assert verify.returncode == 0 and "intact" in verify.stdout

    backup = _run("backup", data_dir=data)
    assert backup.returncode == 0 and "Backup written" in backup.stdout
    _run("users", "disable", "leyla", data_dir=data)
    restore = _run("restore", "--latest", data_dir=data)
    assert restore.returncode == 0, restore.stderr
    listed = json.loads(_run("users", "list", "--json", data_dir=data).stdout)
    assert next(u for u in listed if u["username"] == "leyla")["active"] is True


def test_init_for_an_office_with_its_administrator(tmp_path: Path) -> None:
    data = tmp_path / "data"
    unknown = _run(
        "init",
        "--office",
        "ZZZ",
        "--admin",
        "boss",
        "--password-stdin",
        stdin="a long password\n",
        data_dir=data,
    )
    assert unknown.returncode == 2 and "no office with the code ZZZ" in unknown.stderr
    made = _run(
        "init",
        "--office",
        "lnk",
        "--admin",
        "boss",
        "--full-name",
        "Orxan Bağırov",
        "--password-stdin",
        stdin="a long password\n",
        data_dir=data,
    )
    assert made.returncode == 0, made.stderr
    assert "(LNK)" in made.stdout
    status = json.loads(_run("status", data_dir=data).stdout)
    assert status["office"] == "LNK" and status["database"] == "sqlite"


def test_masterdata_import_refuses_a_bad_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run("init", "--demo", data_dir=data)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"kind": "header", "format": 1, "version": "x", "revision": 9}\n'
        '{"kind": "office", "code": "lower", "name": {"az":"a","ru":"b","en":"c"}}\n'
    )
    result = _run("masterdata", "import", str(bad), data_dir=data)
    assert result.returncode == 2
    assert "bad.jsonl, line 2, field 'code'" in result.stderr
    assert "Traceback" not in result.stderr


def test_corrupt_database_is_explained_with_the_backup(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run("init", "--demo", data_dir=data)
    _run("backup", data_dir=data)
    (data / "desk.sqlite3").write_bytes(b"garbage" * 1000)
    result = _run("users", "list", data_dir=data)
    assert result.returncode == 2
    assert "damaged" in result.stderr and "restore --latest" in result.stderr
    assert "Traceback" not in result.stderr


def test_tampered_audit_log_is_reported(tmp_path: Path) -> None:
    import sqlite3

    data = tmp_path / "data"
    _run("init", "--demo", data_dir=data)
    with sqlite3.connect(data / "desk.sqlite3") as connection:
        connection.execute("UPDATE audit_log SET action = 'nothing' WHERE seq = 2")
    result = _run("audit", "verify", data_dir=data)
    assert result.returncode == 3
    assert "broken at row 2" in result.stdout


def test_broken_config_file_is_named(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("language = \n")
    result = subprocess.run(
        [*ADMIN, "status", "--data-dir", str(tmp_path / "d")],
        check=False,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "RECEPTION_CONFIG": str(config)},
    )
    assert result.returncode == 2
    assert str(config) in result.stderr and "cannot be read" in result.stderr


def test_mrz_parse_reads_standard_input() -> None:
    specimen = (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10\n"
    )
    result = _run("mrz", "parse", stdin=specimen)
    assert result.returncode == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert (parsed["surname"], parsed["given_names"], parsed["birth_date"]) == (
        "ERIKSSON",
        "ANNA MARIA",
        "1974-08-12",
    )
    assert parsed["valid"] is True and parsed["failed_checks"] == []

    wrong = _run("mrz", "parse", stdin=specimen.replace("L898902C36", "L898902C46"))
    assert wrong.returncode == 3
    assert json.loads(wrong.stdout)["failed_checks"] == ["document_number", "composite"]
    assert "document number check digit" in wrong.stderr

    short = _run("mrz", "parse", stdin="P<UTOERIKSSON\n")
    assert short.returncode == 2
    assert json.loads(short.stdout)["valid"] is False
