"""What the waiting room hears for a call, as a list of short clips.

"Ticket A 12, counter 3" is said from words recorded once per language: the phrases "ticket"
and "counter", the letters A–Z, and enough numbers to say any number up to 999 (1–19, the
tens, and the hundreds or the word for "hundred"). A call is a chime, then the sentence in each
of the office's announcement languages. The clips live in ``resources/voice/<language>/``
(the chime in ``resources/voice/``), 16 kHz mono 16-bit WAV; ``make_voice_clips`` makes them
with espeak-ng, and recorded voices can replace them file by file.

This module knows no Qt: it names clips and joins them into one WAV, so what would be played
can be checked anywhere.
"""

from __future__ import annotations

import io
import re
import wave
from collections.abc import Iterable, Sequence
from pathlib import Path

from app.resources import resources_dir

CHIME = "chime"
SAMPLE_RATE = 16_000
WORD_GAP_MS = 70  # between the words of a sentence
SENTENCE_GAP_MS = 350  # after the chime, and between two languages


def _named(names: Iterable[str], words: str) -> dict[str, str]:
    """Clip names paired with the words they say (given as one space-separated string)."""
    return dict(zip(names, words.split(), strict=True))


# The phrases, as the announcer says them. Recorded voices may say more ("please come to
# counter"): only the file names matter.
PHRASES: dict[str, dict[str, str]] = {
    "az": {"ticket": "Bilet", "counter": "pəncərə"},
    "ru": {"ticket": "Талон", "counter": "окно"},
    "en": {"ticket": "Ticket", "counter": "counter"},
}

# Ticket prefixes are Latin letters; each language names them as its speakers read them.
_ABC = [f"letter_{letter}" for letter in "abcdefghijklmnopqrstuvwxyz"]
LETTERS: dict[str, dict[str, str]] = {
    "az": _named(
        _ABC, "a be ce de e fe ge he ı je ke el em en o pe qe er se te u ve dubl-ve xe ye ze"
    ),
    "ru": _named(
        _ABC,
        "а бэ цэ дэ е эф гэ аш и йот ка эль эм эн о пэ ку эр эс тэ у вэ дубль-вэ икс игрек зэт",
    ),
    "en": _named(
        _ABC,
        "ay bee see dee ee eff gee aitch eye jay kay el em en oh pee cue ar ess tee you vee"
        " double-you ex why zed",
    ),
}

_UNITS = [f"n{n}" for n in range(20)]  # 0 to 19 (Azerbaijani needs 0 to 9 only)
_TENS = [f"n{n}" for n in range(20, 100, 10)]
NUMBERS: dict[str, dict[str, str]] = {
    "en": {
        **_named(
            _UNITS,
            "zero one two three four five six seven eight nine ten eleven twelve thirteen"
            " fourteen fifteen sixteen seventeen eighteen nineteen",
        ),
        **_named(_TENS, "twenty thirty forty fifty sixty seventy eighty ninety"),
        "hundred": "hundred",
    },
    "ru": {
        **_named(
            _UNITS,
            "ноль один два три четыре пять шесть семь восемь девять десять одиннадцать"
            " двенадцать тринадцать четырнадцать пятнадцать шестнадцать семнадцать"
            " восемнадцать девятнадцать",
        ),
        **_named(
            _TENS, "двадцать тридцать сорок пятьдесят шестьдесят семьдесят восемьдесят девяносто"
        ),
        **_named(
            [f"n{n}" for n in range(100, 1000, 100)],
            "сто двести триста четыреста пятьсот шестьсот семьсот восемьсот девятьсот",
        ),
    },
    "az": {
        **_named(_UNITS[:10], "sıfır bir iki üç dörd beş altı yeddi səkkiz doqquz"),
        **_named(["n10", *_TENS], "on iyirmi otuz qırx əlli altmış yetmiş səksən doxsan"),
        "n100": "yüz",
    },
}

LANGUAGES: tuple[str, ...] = tuple(PHRASES)
_TICKET = re.compile(r"^([A-Za-z]*)0*(\d+)$")


def voice_dir() -> Path:
    return resources_dir() / "voice"


def vocabulary(language: str) -> dict[str, str]:
    """Every clip of a language, by file name (without ``.wav``), with the text it says."""
    return {**PHRASES[language], **LETTERS[language], **NUMBERS[language]}


def number_words(number: int, language: str) -> list[str]:
    """The clips that say ``number`` (1–999); digit by digit beyond, which tickets never reach
    in a day but should still be said rather than skipped."""
    if not 0 < number < 1000:
        return [f"n{digit}" for digit in str(abs(number))]
    words: list[str] = []
    hundreds, rest = divmod(number, 100)
    if hundreds and language == "ru":
        words.append(f"n{hundreds * 100}")  # сто, двести, ...: one word each
    elif hundreds and language == "az":
        words += ([f"n{hundreds}"] if hundreds > 1 else []) + ["n100"]  # yüz, iki yüz
    elif hundreds:
        words += [f"n{hundreds}", "hundred"]
    if rest and (rest < 10 or (rest < 20 and language != "az")):
        words.append(f"n{rest}")
    elif rest:
        tens, units = divmod(rest, 10)
        words.append(f"n{tens * 10}")  # Azerbaijani says 12 as "on iki"
        if units:
            words.append(f"n{units}")
    return words


def sentence(ticket: str, counter: int, language: str) -> list[str]:
    """The clips of "ticket A 12, counter 3" in one language: ``<language>/<clip>`` each."""
    found = _TICKET.match(ticket.strip())
    if found is None:
        raise ValueError(f"not a ticket number: {ticket!r}")
    letters, digits = found.groups()
    words = ["ticket"]
    words += [f"letter_{letter.lower()}" for letter in letters]
    words += number_words(int(digits), language)
    words += ["counter", *number_words(counter, language)]
    return [f"{language}/{word}" for word in words]


def call_clips(ticket: str, counter: int, languages: Sequence[str]) -> tuple[str, ...]:
    """The whole announcement of a call: the chime, then the sentence in each language."""
    clips = [CHIME]
    for language in languages:
        clips += sentence(ticket, counter, language)
    return tuple(clips)


def clip_path(clip: str, folder: Path | None = None) -> Path:
    return (folder or voice_dir()) / f"{clip}.wav"


def _frames(path: Path) -> bytes:
    with wave.open(str(path), "rb") as clip:
        if (clip.getnchannels(), clip.getsampwidth(), clip.getframerate()) != (1, 2, SAMPLE_RATE):
            raise ValueError(f"{path.name}: not a 16 kHz mono 16-bit WAV")
        return clip.readframes(clip.getnframes())


def _silence(milliseconds: int) -> bytes:
    return b"\x00\x00" * (SAMPLE_RATE * milliseconds // 1000)


def _language(clip: str) -> str:
    return clip.partition("/")[0] if "/" in clip else ""


def join_clips(clips: Iterable[str], folder: Path | None = None) -> tuple[bytes, int]:
    """The clips as one WAV, with short pauses between words and longer ones between
    sentences; and how long it plays, in milliseconds."""
    frames = bytearray()
    previous: str | None = None
    for clip in clips:
        if previous is not None:
            same = _language(previous) == _language(clip) != ""
            frames += _silence(WORD_GAP_MS if same else SENTENCE_GAP_MS)
        frames += _frames(clip_path(clip, folder))
        previous = clip
    out = io.BytesIO()
    with wave.open(out, "wb") as joined:
        joined.setnchannels(1)
        joined.setsampwidth(2)
        joined.setframerate(SAMPLE_RATE)
        joined.writeframes(bytes(frames))
    return out.getvalue(), len(frames) // 2 * 1000 // SAMPLE_RATE
