"""reception-admin persons: import a JSON Lines file, refuse a bad one, search as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tests.app.test_cli import _run

GOOD = [
    {
        "surname": "ALIYEV",
        "given_names": "ELCHIN",
        "birth_date": "1985-03-12",
        "sex": "M",
        "nationality": "AZE",
        "document_number": "C01234567",
        "fin": "5ZX9K2L",
        "other_spellings": ["Əliyev Elçin", "Алиев Эльчин"],
    },
    {
        "surname": "MAMMADOV",
        "given_names": "ANAR",
        "birth_date": "1985-11-30",
        "sex": "M",
        "nationality": "AZE",
        "other_spellings": ["Мамедов Анар"],
    },
    {
        "surname": "ALIYEVA",
        "given_names": "AYSEL",
        "birth_date": "1990-07-01",
        "sex": "F",
        "nationality": "AZE",
    },
]


def _write(path: Path, records: list[dict[str, object]], extra: str = "") -> Path:
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n" + extra,
        encoding="utf-8",
    )
    return path


def test_import_then_search(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _run("init", "--demo", data_dir=data).returncode == 0

    bad = _write(
        tmp_path / "bad.jsonl",
        GOOD,
        json.dumps({"surname": "X", "sex": "M", "nationality": "AZE", "birth_date": "2999-01-01"})
        + "\n",
    )
    refused = _run("persons", "import", str(bad), data_dir=data)
    assert refused.returncode == 2
    assert "line 4" in refused.stderr and "birth_date" in refused.stderr
    wrong_sex = _write(tmp_path / "sex.jsonl", [{**GOOD[0], "sex": "male"}])
    refused = _run("persons", "import", str(wrong_sex), data_dir=data)
    assert refused.returncode == 2 and "line 1" in refused.stderr and "'sex'" in refused.stderr
    nothing = _run("persons", "search", "Aliyev", "--json", data_dir=data)
    assert nothing.returncode == 0 and json.loads(nothing.stdout) == []

    good = _write(tmp_path / "persons.jsonl", GOOD)
    loaded = _run("persons", "import", str(good), data_dir=data)
    assert loaded.returncode == 0, loaded.stderr
    assert "3 persons and 1 documents imported" in loaded.stdout

    found = _run("persons", "search", "Алиев", "--json", data_dir=data)
    assert found.returncode == 0, found.stderr
    listed = json.loads(found.stdout)
    assert [(p["surname"], p["given_names"], p["birth_date"]) for p in listed] == [
        ("ALIYEV", "ELCHIN", "1985-03-12"),
        ("ALIYEVA", "AYSEL", "1990-07-01"),
    ]
    assert listed[0]["id"] and listed[0]["document_number"] == "C01234567"
    by_year = json.loads(_run("persons", "search", "mamedov 1985", "--json", data_dir=data).stdout)
    assert [p["surname"] for p in by_year] == ["MAMMADOV"]

    # The same file again: its documents and FIN belong to registered persons now.
    again = _run("persons", "import", str(good), data_dir=data)
    assert again.returncode == 2 and "registered already" in again.stderr
    verified = _run("audit", "verify", "--json", data_dir=data)
    assert json.loads(verified.stdout)["intact"] is True
