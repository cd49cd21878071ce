"""What the waiting room hears: the clips of each call in each language, the clips themselves
(all there, 16 kHz mono), and the announcer's queue, which never cuts a call short.

There is no sound device on the test machines: the announcer then lets each announcement run
for the time its clips last (shortened here by ``pace``), which is what these tests watch."""

from __future__ import annotations

import sys
import time
import wave
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.display.announcer import Announcement, Announcer
from ui.display.voice import (
    CHIME,
    LANGUAGES,
    SAMPLE_RATE,
    call_clips,
    clip_path,
    join_clips,
    number_words,
    sentence,
    vocabulary,
    voice_dir,
)

A001_COUNTER_1 = {
    "az": ["az/ticket", "az/letter_a", "az/n1", "az/counter", "az/n1"],
    "ru": ["ru/ticket", "ru/letter_a", "ru/n1", "ru/counter", "ru/n1"],
    "en": ["en/ticket", "en/letter_a", "en/n1", "en/counter", "en/n1"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a001_counter_1_in_each_language(language: str) -> None:
    assert call_clips("A001", 1, [language]) == (CHIME, *A001_COUNTER_1[language])


def test_a_call_in_several_languages_has_one_chime_then_each_sentence() -> None:
    clips = call_clips("A001", 1, ["az", "ru", "en"])
    assert clips == (CHIME, *A001_COUNTER_1["az"], *A001_COUNTER_1["ru"], *A001_COUNTER_1["en"])


def test_numbers_are_said_as_each_language_says_them() -> None:
    assert sentence("A012", 3, "en")[2:] == ["en/n12", "en/counter", "en/n3"]
    assert sentence("A012", 3, "az")[2:] == ["az/n10", "az/n2", "az/counter", "az/n3"]
    assert sentence("B105", 12, "en")[2:5] == ["en/n1", "en/hundred", "en/n5"]
    assert sentence("Z999", 99, "ru") == [
        "ru/ticket", "ru/letter_z", "ru/n900", "ru/n90", "ru/n9", "ru/counter", "ru/n90", "ru/n9",
    ]  # fmt: skip
    assert number_words(100, "az") == ["n100"]  # "yüz", not "bir yüz"
    assert number_words(215, "az") == ["n2", "n100", "n10", "n5"]
    assert number_words(1000, "en") == ["n1", "n0", "n0", "n0"]  # said digit by digit


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_ticket_and_counter_can_be_said_from_the_clips(language: str) -> None:
    known = {f"{language}/{name}" for name in vocabulary(language)}
    needed = {
        clip
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for number in range(1, 1000)
        for clip in sentence(f"{letter}{number:03d}", 1 + number % 99, language)
    }
    assert needed <= known
    # Every clip of the vocabulary is in the resources, as a 16 kHz mono 16-bit WAV.
    for clip in sorted(known | {CHIME}):
        path = clip_path(clip)
        assert path.is_file(), clip
        with wave.open(str(path), "rb") as sound:
            assert (sound.getnchannels(), sound.getsampwidth(), sound.getframerate()) == (
                1,
                2,
                SAMPLE_RATE,
            ), clip
            assert 0.1 < sound.getnframes() / SAMPLE_RATE < 2.0, clip


def test_the_clips_stay_small() -> None:
    total = sum(path.stat().st_size for path in voice_dir().rglob("*.wav"))
    assert total < 4 * 1024 * 1024


def test_joined_clips_last_as_long_as_their_parts_and_pauses() -> None:
    clips = call_clips("A001", 1, ["en"])
    wav, duration_ms = join_clips(clips)
    parts = 0
    for clip in clips:
        with wave.open(str(clip_path(clip)), "rb") as sound:
            parts += sound.getnframes()
    # Four pauses between words (70 ms) and one after the chime (350 ms).
    expected = (parts + SAMPLE_RATE * (4 * 70 + 350) // 1000) * 1000 // SAMPLE_RATE
    assert abs(duration_ms - expected) <= 1
    assert wav[:4] == b"RIFF" and len(wav) > parts * 2


def _timed(announcer: Announcer) -> list[tuple[str, str, float]]:
    events: list[tuple[str, str, float]] = []
    announcer.sig_started.connect(lambda a: events.append(("start", a.ticket, time.monotonic())))
    announcer.sig_finished.connect(lambda a: events.append(("end", a.ticket, time.monotonic())))
    return events


def test_two_calls_in_a_row_are_both_heard_in_full(qtbot: QtBot) -> None:
    pace = 0.25
    announcer = Announcer(("en",), audio=False, pace=pace)
    events = _timed(announcer)
    first = announcer.announce("A001", 1)
    second = announcer.announce("B002", 2)
    assert isinstance(first, Announcement) and isinstance(second, Announcement)
    assert announcer.current == first and announcer.pending == (second,)
    assert second.clips == (CHIME, "en/ticket", "en/letter_b", "en/n2", "en/counter", "en/n2")

    with qtbot.waitSignal(
        announcer.sig_finished, timeout=20_000, check_params_cb=lambda a: a == second
    ):
        pass
    assert [(kind, ticket) for kind, ticket, _at in events] == [
        ("start", "A001"),
        ("end", "A001"),
        ("start", "B002"),
        ("end", "B002"),
    ]
    first_started, first_ended, second_started = (at for _kind, _ticket, at in events[:3])
    # The first ran its whole length before the second began.
    assert first_ended - first_started >= first.duration_ms * pace / 1000 * 0.9
    assert second_started >= first_ended
    assert announcer.played == [first, second] and announcer.current is None


def test_a_call_made_again_while_one_plays_waits_its_turn(qtbot: QtBot) -> None:
    announcer = Announcer(("az", "ru", "en"), audio=False, pace=0.05)
    calls = [announcer.announce(number, 1) for number in ("A001", "A002", "A001")]
    assert [a.ticket for a in announcer.pending] == ["A002", "A001"]
    assert calls[0] is not None
    assert calls[0].clips == call_clips("A001", 1, ["az", "ru", "en"])
    qtbot.waitUntil(lambda: len(announcer.played) == 3 and not announcer.busy, timeout=20_000)
    assert [a.ticket for a in announcer.played] == ["A001", "A002", "A001"]


def test_without_qt_multimedia_calls_still_run_their_course(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)  # as if not installed
    announcer = Announcer(("en",), pace=0.05)
    with qtbot.waitSignal(announcer.sig_finished, timeout=10_000):
        announcer.announce("A001", 1)
    assert not announcer.audible


def test_without_a_sound_device_calls_still_run_their_course(qtbot: QtBot) -> None:
    # Qt Multimedia loads here (with libpulse) but finds no device: the display stays silent.
    announcer = Announcer(("en",), pace=0.05)
    with qtbot.waitSignal(announcer.sig_finished, timeout=10_000):
        announcer.announce("A001", 1)
    assert not announcer.audible
    assert announcer.played[0].clips == (CHIME, *A001_COUNTER_1["en"])


def test_a_missing_clip_costs_the_announcement_not_the_display(tmp_path: Path) -> None:
    announcer = Announcer(("en",), voice_folder=tmp_path, audio=False)
    assert announcer.announce("A001", 1) is None
    assert announcer.played == [] and not announcer.busy
