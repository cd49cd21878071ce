"""Announcing calls in the waiting room, one after another.

Each call becomes one :class:`Announcement`: its clips (see :mod:`ui.display.voice`) joined
into one WAV, played through Qt Multimedia. Announcements wait their turn: the next starts only
when the one playing has ended, so two calls made a second apart are both heard in full.

Qt Multimedia is imported only when the first call is played, and may be missing (a desk
installed without PySide6-Addons, or without libpulse on Linux), or find no sound device (a
display whose speakers are unplugged, or the test machines). Then nothing is played, but the
queue runs just the same, each announcement "ending" after the time it would have played, so
the display behaves alike with or without sound, and what would be heard can be checked.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QTimer, QUrl, Signal

from ui.display.voice import call_clips, join_clips

log = logging.getLogger(__name__)

# With a sound device, the player's own "end of media" ends an announcement; this much later
# than its length a stuck device (a sound server gone away) cannot hold up the queue.
STUCK_MARGIN_MS = 2000


@dataclass(frozen=True, slots=True)
class Announcement:
    ticket: str
    counter: int
    clips: tuple[str, ...]  # what is played, in order: "chime", "az/ticket", "az/letter_a"...
    duration_ms: int


class Announcer(QObject):
    sig_started = Signal(object)  # Announcement
    sig_finished = Signal(object)  # Announcement

    def __init__(
        self,
        languages: tuple[str, ...],
        *,
        voice_folder: Path | None = None,
        audio: bool = True,
        pace: float = 1.0,
        parent: QObject | None = None,
    ) -> None:
        """``audio=False`` never loads Qt Multimedia; ``pace`` shortens the time a silent
        announcement takes (tests), never a played one."""
        super().__init__(parent)
        self.languages = languages
        self._folder = voice_folder
        self._want_audio = audio
        self._pace = pace
        self._player: Any = None  # QMediaPlayer, once loaded and a device found
        self._output: Any = None
        self._buffer: QBuffer | None = None  # the WAV being played: kept while it plays
        self._pending: deque[tuple[Announcement, bytes]] = deque()
        self.current: Announcement | None = None
        self.played: list[Announcement] = []  # every announcement started, in order
        self._end = QTimer(self)
        self._end.setSingleShot(True)
        self._end.timeout.connect(self._on_ended)

    @property
    def pending(self) -> tuple[Announcement, ...]:
        return tuple(announcement for announcement, _wav in self._pending)

    @property
    def busy(self) -> bool:
        return self.current is not None

    @property
    def audible(self) -> bool:
        """Whether announcements reach a sound device (known once the first one played)."""
        return self._player is not None

    def announce(self, ticket: str, counter: int) -> Announcement | None:
        """Queue the call; it plays as soon as the announcements before it have ended."""
        try:
            clips = call_clips(ticket, counter, self.languages)
            wav, duration = join_clips(clips, self._folder)
        except (OSError, ValueError) as error:
            # A missing or damaged clip must not stop the display: the call is still shown.
            log.error("call %s to counter %s cannot be announced: %s", ticket, counter, error)
            return None
        announcement = Announcement(ticket, counter, clips, duration)
        self._pending.append((announcement, wav))
        if self.current is None:
            self._play_next()
        return announcement

    def _play_next(self) -> None:
        if not self._pending:
            self.current = None
            return
        announcement, wav = self._pending.popleft()
        self.current = announcement
        self.played.append(announcement)
        self.sig_started.emit(announcement)
        if self._load_player():
            self._play(wav)
            self._end.start(announcement.duration_ms + STUCK_MARGIN_MS)
        else:
            self._end.start(max(1, round(announcement.duration_ms * self._pace)))

    def _load_player(self) -> bool:
        if self._player is not None:
            return True
        if not self._want_audio:
            return False
        self._want_audio = False  # tried once: a display without sound stays silent
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
        except ImportError as error:
            log.warning("no Qt Multimedia, calls are shown but not spoken: %s", error)
            return False
        if not QMediaDevices.audioOutputs():
            log.warning("no sound device, calls are shown but not spoken")
            return False
        self._output = QAudioOutput(self)
        self._player = QMediaPlayer(self)
        self._player.setAudioOutput(self._output)
        self._player.mediaStatusChanged.connect(self._on_media_status)
        self._player.errorOccurred.connect(self._on_player_error)
        return True

    def _play(self, wav: bytes) -> None:
        buffer = QBuffer(self)
        buffer.setData(QByteArray(wav))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._player.setSourceDevice(buffer, QUrl("call.wav"))
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        self._player.play()

    def _on_media_status(self, status: Any) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._on_ended()

    def _on_player_error(self, _error: Any, message: str) -> None:
        log.error("an announcement could not be played: %s", message)
        self._on_ended()

    def _on_ended(self) -> None:
        finished = self.current
        if finished is None:
            return
        self._end.stop()
        self.current = None
        self.sig_finished.emit(finished)
        self._play_next()
