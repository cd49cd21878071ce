"""reception-admin report daily, as a script runs it: a real process on the desk's data folder,
its JSON and its PDF telling the same figures."""

from __future__ import annotations

import json
from pathlib import Path

from app.config import Config
from tests.app.reports import scenario
from tests.app.reports.conftest import Office
from tests.app.reports.reading import csv_sections, figure, pdf_text, row, xlsx_sheets
from tests.app.test_cli import _run

DATE = scenario.DAY.isoformat()


def test_the_json_and_the_pdf_agree(day: Office, config: Config, tmp_path: Path) -> None:
    data = config.data_dir
    answer = _run("report", "daily", "--date", DATE, "--json", data_dir=data)
    assert answer.returncode == 0, answer.stderr
    summary = json.loads(answer.stdout)
    out = tmp_path / "summary.pdf"
    written = _run("report", "daily", "--date", DATE, "--out", str(out), data_dir=data)
    assert written.returncode == 0, written.stderr
    assert str(out) in written.stdout
    text = pdf_text(out.read_bytes())

    assert summary["period"] == {"first_day": DATE, "last_day": DATE}
    assert summary["office"] == {"code": "AGS", "name": "Aghsu Regional Migration Department"}
    assert summary["visitors"] == scenario.DAY_FIGURES.visitors
    tickets = summary["tickets"]
    assert figure(text, "Visitors (tickets issued)") == str(summary["visitors"])
    assert figure(text, "Tickets called") == str(tickets["called"])
    assert figure(text, "Tickets served") == str(tickets["served"])
    assert figure(text, "Did not come (no-shows)") == str(tickets["no_shows"])
    assert figure(text, "Not called by the end") == str(tickets["waiting"])
    assert figure(text, "Service level (%)") == f"{tickets['service_level'] * 100:.1f}%"
    median = summary["waiting_time"]["median_seconds"]
    assert figure(text, "Median wait (min)") == f"{median / 60:.1f}"
    assert figure(text, "Longest wait (min)") == f"{tickets['longest_wait_seconds'] / 60:.1f}"
    assert figure(text, "Applications submitted") == str(summary["applications"]["submitted"])
    assert figure(text, "Fees (AZN)") == summary["fees"]["total"] == "880.00"
    for line in summary["services"]:
        cells = row(text, line["name"], after="Tickets by service")
        assert cells[:4] == [str(line[key]) for key in ("issued", "called", "served", "no_shows")]
    for line in summary["fees"]["by_method"]:
        label = {"asanpay": "ASANPAY", "bank": "bank transfer", None: "no fee due"}
        cells = row(text, label[line["method"]], after="Fees by payment method")
        assert cells == [str(line["applications"]), line["amount"]]
    for line in summary["clerks"]:
        cells = row(text, line["name"], after="Work of each clerk")
        assert cells[:3] == [str(line[key]) for key in ("called", "served", "no_shows")]
        assert cells[-2:] == [str(line["applications_submitted"]), line["fees"]]
    assert summary["applications"]["by_state"] == scenario.DAY_FIGURES.states
    buckets = summary["waiting_time"]["buckets"]
    assert sum(bucket["count"] for bucket in buckets) == tickets["called"]


def test_a_week_as_csv_and_workbook(day: Office, config: Config, tmp_path: Path) -> None:
    scenario.script_next_day(day.core, day.clock, day.people)
    period = ("--date", "2026-11-23", "--to", "2026-11-29")
    data = config.data_dir
    summary = json.loads(_run("report", "daily", *period, "--json", data_dir=data).stdout)
    csv_file, xlsx_file = tmp_path / "week.csv", tmp_path / "week.xlsx"
    for option, path in (("--csv", csv_file), ("--xlsx", xlsx_file)):
        result = _run("report", "daily", *period, option, str(path), data_dir=data)
        assert result.returncode == 0, result.stderr

    assert len(summary["days"]) == 7
    assert summary["fees"]["total"] == "940.00"
    assert sum(day["visitors"] for day in summary["days"]) == summary["visitors"] == 10
    days = csv_sections(csv_file.read_bytes())["Day by day"]
    assert days[-1][0] == "Total" and days[-1][1] == "10" and days[-1][-1] == "940.00"
    sheets = xlsx_sheets(xlsx_file.read_bytes())
    assert "Day by day" in sheets
    assert "940" in sheets["Day by day"].values()


def test_wrong_days_and_a_desk_not_set_up(tmp_path: Path) -> None:
    bad = _run("report", "daily", "--date", "24.11.2026", "--json", data_dir=tmp_path / "d")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    neither = _run("report", "daily", "--date", DATE, data_dir=tmp_path / "d")
    assert neither.returncode == 2 and "--out" in neither.stderr
    backwards = _run(
        "report", "daily", "--date", DATE, "--to", "2026-11-01", "--json", data_dir=tmp_path / "d"
    )
    assert backwards.returncode == 2
    assert _run("init", "--demo", data_dir=tmp_path / "d").returncode == 0
    backwards = _run(
        "report", "daily", "--date", DATE, "--to", "2026-11-01", "--json", data_dir=tmp_path / "d"
    )
    assert backwards.returncode == 2 and "before it starts" in backwards.stderr
    assert "Traceback" not in backwards.stderr
    fresh = tmp_path / "fresh"
    result = _run("report", "daily", "--date", DATE, "--json", data_dir=fresh)
    assert result.returncode == 2 and "reception-admin init" in result.stderr
