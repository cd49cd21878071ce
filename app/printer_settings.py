"""The printers this desk uses for each paper, its card printers' calibration, and the folder
its network scanners save into.

All belong to the computer, not the office: printer names are the names this computer's print
service gives its queues, a card printer's offset is a property of the one unit attached here,
and a folder path is this computer's. So they are kept in the desk's own settings file
(`app.config`), never in the office's settings table that every desk of the office shares.
"""

from __future__ import annotations

from pathlib import Path

from app.config import Config, save_setting
from app.domain.users import Actor, Permission
from app.errors import ConfigError, ValidationError
from app.i18n import _
from app.services.core import require
from printing.card import MAX_OFFSET_MM, NO_OFFSET, CardOffset
from printing.spool import PaperKind


def printer_for(config: Config, paper: PaperKind) -> str | None:
    """The printer last used for ``paper`` on this computer, if any."""
    return config.printers.get(paper.value) or None


def remember_printer(config: Config, paper: PaperKind, printer: str) -> Config:
    """Keep ``printer`` as this computer's printer for ``paper``; returns the new settings."""
    if printer_for(config, paper) == printer:
        return config
    return save_setting(config, "printers", {**config.printers, paper.value: printer})


def card_offset(config: Config, printer: str) -> CardOffset:
    """The calibration of the card printer ``printer``: no offset until it is measured."""
    entry = config.card_offsets.get(printer)
    if entry is None:
        return NO_OFFSET
    try:
        return CardOffset(*entry)
    except (TypeError, ValueError) as error:
        raise ConfigError(
            _(
                "The card printer offset saved for “{printer}” is not usable: calibrate the "
                "printer again."
            ).format(printer=printer),
            detail=repr(entry),
        ) from error


def checked_offset(x_mm: float, y_mm: float) -> CardOffset:
    """An offset as a person entered it, refused when it cannot be a printer's."""
    if abs(x_mm) > MAX_OFFSET_MM or abs(y_mm) > MAX_OFFSET_MM:
        raise ValidationError(
            _(
                "A card printer offset is at most {limit} mm each way: a larger error means "
                "the card is fed wrongly. Check the printer's card guide and print the test "
                "card again."
            ).format(limit=f"{MAX_OFFSET_MM:g}"),
            field="card_offset",
        )
    return CardOffset(x_mm, y_mm)


def save_card_offset(config: Config, printer: str, offset: CardOffset) -> Config:
    """Keep the calibration of the card printer ``printer``; returns the new settings."""
    offsets = {**config.card_offsets, printer: [offset.x_mm, offset.y_mm]}
    return save_setting(config, "card_offsets", offsets)


# --- Set by a supervisor ---------------------------------------------------------------------
# Which printer takes each paper and which screen the waiting-room display fills are set from
# the supervisor's screen, by those who run the office's queue (supervisors, administrators).
# A clerk's print preview still remembers the printer it last used (`remember_printer`).


def choose_printer(config: Config, actor: Actor, paper: PaperKind, printer: str) -> Config:
    """This computer's printer for ``paper`` (empty: none); returns the new settings."""
    require(actor, Permission.MANAGE_QUEUE)
    printers = {**config.printers, paper.value: printer.strip()}
    if not printer.strip():
        del printers[paper.value]
    return save_setting(config, "printers", printers)


def calibrate_card_printer(
    config: Config, actor: Actor, printer: str, x_mm: float, y_mm: float
) -> Config:
    """Keep the offset measured on the card printer's test card; returns the new settings."""
    require(actor, Permission.MANAGE_QUEUE)
    if not printer.strip():
        raise ValidationError(_("Choose the card printer first."), field="printer")
    return save_card_offset(config, printer.strip(), checked_offset(x_mm, y_mm))


def choose_display_screen(config: Config, actor: Actor, screen: int) -> Config:
    """The screen (0 = the first) the waiting-room display fills on this computer."""
    require(actor, Permission.MANAGE_QUEUE)
    if screen < 0:
        raise ValidationError(_("The value must be at least {low}.").format(low=0), field="screen")
    return save_setting(config, "display_screen", screen)


def choose_scan_folder(config: Config, actor: Actor, folder: str) -> Config:
    """The folder this computer's network scanners save into (empty: none)."""
    require(actor, Permission.MANAGE_QUEUE)
    chosen = folder.strip()
    if chosen:
        path = Path(chosen).expanduser()
        # Checked now, while the supervisor is there to correct a mistyped path.
        if not path.is_dir():
            raise ValidationError(
                _("The folder {path} does not exist or cannot be reached.").format(path=chosen),
                field="scan_folder",
            )
        chosen = str(path.absolute())
    if chosen == config.scan_folder:
        return config
    return save_setting(config, "scan_folder", chosen)
