"""Make the waiting-room display's voice clips with espeak-ng, and its chime.

    python -m ui.display.make_voice_clips [--out resources/voice] [--languages az ru en]

Each word of :func:`ui.display.voice.vocabulary` is spoken by espeak-ng into a WAV, resampled
from espeak's 22 050 Hz to 16 kHz (band-limited, through the FFT), trimmed of its silence and
brought to one loudness, so joined words sound like one sentence. The chime is two soft bell
tones, synthesised. A recorded voice replaces a clip by putting a 16 kHz mono 16-bit WAV of the
same name in its place: nothing else changes.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

from ui.display.voice import CHIME, LANGUAGES, SAMPLE_RATE, vocabulary, voice_dir

ESPEAK_VOICES = {"az": "az", "ru": "ru", "en": "en"}
# espeak-ng reads a lone Russian vowel as an unstressed particle ("и" = "and") and all but
# swallows it: these are given as stressed, long phonemes instead.
ESPEAK_PHONEMES = {
    ("ru", "letter_a"): "[['a:]]",
    ("ru", "letter_i"): "[['i:]]",
    ("ru", "letter_o"): "[['o:]]",
    ("ru", "letter_u"): "[['u:]]",
}
SPEED_WPM = 150  # a little slower than espeak's 175: a hall echoes
PEAK = 0.6  # every clip peaks here, so no word is louder than its neighbours
SILENCE = 0.03  # below this share of a clip's peak is silence, trimmed at both ends
EDGE_MS = 15  # kept of the silence at each end, so a word does not start with a click


def _read(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as clip:
        if clip.getnchannels() != 1 or clip.getsampwidth() != 2:
            raise ValueError(f"{path}: espeak-ng should write mono 16-bit")
        samples = np.frombuffer(clip.readframes(clip.getnframes()), dtype="<i2")
        return samples.astype(np.float64) / 32768.0, clip.getframerate()


def _write(path: Path, samples: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(SAMPLE_RATE)
        clip.writeframes(pcm.tobytes())


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """To 16 kHz, keeping only what 16 kHz can carry (no aliasing from espeak's highs)."""
    if rate == SAMPLE_RATE:
        return samples
    count = round(len(samples) * SAMPLE_RATE / rate)
    spectrum = np.fft.rfft(samples)[: count // 2 + 1]
    return np.fft.irfft(spectrum, count) * (count / len(samples))


def tidy(samples: np.ndarray) -> np.ndarray:
    """Trim the silence around a word and bring its peak to :data:`PEAK`."""
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if peak == 0.0:
        return samples
    loud = np.nonzero(np.abs(samples) > SILENCE * peak)[0]
    edge = SAMPLE_RATE * EDGE_MS // 1000
    start, end = max(0, int(loud[0]) - edge), min(len(samples), int(loud[-1]) + edge)
    return samples[start:end] * (PEAK / peak)


def speak(text: str, language: str, folder: Path) -> np.ndarray:
    raw = folder / "word.wav"
    subprocess.run(
        ["espeak-ng", "-v", ESPEAK_VOICES[language], "-s", str(SPEED_WPM), "-w", str(raw), text],
        check=True,
        capture_output=True,
    )
    samples, rate = _read(raw)
    return tidy(resample(samples, rate))


def chime() -> np.ndarray:
    """Two bell tones, high then low (E5, C5), each fading out: the call's "ding-dong"."""
    tones = []
    for frequency, seconds in ((659.25, 0.45), (523.25, 0.7)):
        t = np.arange(int(SAMPLE_RATE * seconds)) / SAMPLE_RATE
        bell = sum(
            weight * np.sin(2 * np.pi * frequency * harmonic * t)
            for harmonic, weight in ((1, 1.0), (2, 0.35), (3, 0.12))
        )
        attack = np.minimum(1.0, t / 0.01)
        tones.append(bell * attack * np.exp(-t * 4.0))
    joined = np.concatenate(tones)
    return joined * (PEAK / float(np.max(np.abs(joined))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=voice_dir(), help="the voice folder")
    parser.add_argument("--languages", nargs="+", choices=LANGUAGES, default=list(LANGUAGES))
    args = parser.parse_args(argv)
    if shutil.which("espeak-ng") is None:
        print("espeak-ng is not installed (Debian: apt-get install espeak-ng)", file=sys.stderr)
        return 2
    _write(args.out / f"{CHIME}.wav", chime())
    with tempfile.TemporaryDirectory() as scratch:
        for language in args.languages:
            for name, text in vocabulary(language).items():
                said = ESPEAK_PHONEMES.get((language, name), text)
                _write(args.out / language / f"{name}.wav", speak(said, language, Path(scratch)))
            print(f"{language}: {len(vocabulary(language))} clips")
    return 0


if __name__ == "__main__":
    sys.exit(main())
