"""The desk's configuration: one frozen object read from a TOML file, then the environment,
then the command line, each overriding the one before.

The file lives in the user's config folder (platformdirs); ``RECEPTION_CONFIG`` names another.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from platformdirs import user_config_path, user_data_path

from app.errors import ConfigError
from app.i18n import LANGUAGES, _

APP_NAME = "reception-desk"
ENV_PREFIX = "RECEPTION_"


@dataclass(frozen=True, slots=True)
class Config:
    data_dir: Path
    database_url: str | None = None  # None: the embedded SQLite file in the data folder
    language: str = "az"
    idle_lock_minutes: int = 10
    log_level: str = "INFO"
    backups_kept: int = 14
    # This computer's printers, by the paper they take ("a4", "roll", "card"): their names are
    # the computer's own, so they live here rather than in the office's shared settings.
    printers: Mapping[str, str] = field(default_factory=dict, hash=False)
    # A card printer's calibration, by printer name: [x, y] in millimetres.
    card_offsets: Mapping[str, list[float]] = field(default_factory=dict, hash=False)
    # Thermal roll printers reached straight over the network, not through the print service:
    # name (as the clerk sees it) -> address, "tcp://HOST:PORT" (PORT 9100 when left out).
    escpos_printers: Mapping[str, str] = field(default_factory=dict, hash=False)
    # The queue on this computer: the counter its clerk works at (None until chosen), and for
    # the waiting-room display, the screen it fills (0 = the first), the running text along
    # its foot and the languages calls are announced in, in order ("az,ru"; "" = the desk's).
    queue_counter: int | None = None
    display_screen: int = 0
    display_text: str = ""
    voice_languages: str = ""
    # The folder this computer's network scanners save into ("" = none), and the Scan screen's
    # last choices (device, source, resolution, colour), so a restart keeps the clerk's setup.
    scan_folder: str = ""
    scanner: Mapping[str, str | int] = field(default_factory=dict, hash=False)
    config_file: Path | None = field(default=None, compare=False)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "desk.sqlite3"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.database_path}"

    @property
    def uses_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def scans_dir(self) -> Path:
        return self.data_dir / "scans"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"


def default_config_file() -> Path:
    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def default_data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            _(
                "The settings file {path} cannot be read: {problem}. Correct it or delete it "
                "to go back to the defaults."
            ).format(path=path, problem=error),
            detail=str(error),
        ) from error
    except OSError as error:
        raise ConfigError(
            _("The settings file {path} cannot be opened: {problem}.").format(
                path=path, problem=error.strerror or error
            ),
            detail=repr(error),
        ) from error


def _coerce(key: str, value: Any, source: str) -> Any:
    """Check one setting's type, naming the setting and where it came from when it is wrong."""
    expected: dict[str, type] = {
        "data_dir": str,
        "database_url": str,
        "language": str,
        "idle_lock_minutes": int,
        "log_level": str,
        "backups_kept": int,
        "printers": dict,
        "card_offsets": dict,
        "escpos_printers": dict,
        "queue_counter": int,
        "display_screen": int,
        "display_text": str,
        "voice_languages": str,
        "scan_folder": str,
        "scanner": dict,
    }
    wanted = expected.get(key)
    if wanted is None:
        raise ConfigError(_("Unknown setting '{key}' in {source}.").format(key=key, source=source))
    if wanted is int and isinstance(value, str):
        with contextlib.suppress(ValueError):  # left as text, the type check below names it
            value = int(value)
    if not isinstance(value, wanted) or isinstance(value, bool):
        raise ConfigError(
            _("The setting '{key}' in {source} has a wrong value: {value!r}.").format(
                key=key, source=source, value=value
            )
        )
    if key == "language" and value not in LANGUAGES:
        raise ConfigError(
            _("The language '{value}' in {source} is not one of: {choices}.").format(
                value=value, source=source, choices=", ".join(LANGUAGES)
            )
        )
    if key in ("printers", "card_offsets", "scanner") and isinstance(value, dict):
        return _coerce_table(key, value, source)
    if key == "escpos_printers" and isinstance(value, dict):
        return _escpos_printers(value, source)
    if key == "voice_languages" and isinstance(value, str):
        unknown = [code for code in _language_list(value) if code not in LANGUAGES]
        if unknown:
            raise ConfigError(
                _("The language '{value}' in {source} is not one of: {choices}.").format(
                    value=", ".join(unknown), source=source, choices=", ".join(LANGUAGES)
                )
            )
    if key == "display_screen" and isinstance(value, int) and value < 0:
        raise ConfigError(
            _("The setting '{key}' in {source} has a wrong value: {value!r}.").format(
                key=key, source=source, value=value
            )
        )
    if (
        key in ("idle_lock_minutes", "backups_kept", "queue_counter")
        and isinstance(value, int)
        and value < 1
    ):
        raise ConfigError(
            _("The setting '{key}' in {source} must be at least 1.").format(key=key, source=source)
        )
    return value


def _language_list(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


def voice_languages(config: Config) -> tuple[str, ...]:
    """The languages the waiting-room display announces calls in, in order."""
    return tuple(_language_list(config.voice_languages)) or (config.language,)


_SCANNER_FIELDS: dict[str, type] = {
    "device": str,
    "source": str,
    "resolution": int,
    "color_mode": str,
}


def _coerce_table(key: str, value: dict[str, Any], source: str) -> dict[str, Any]:
    """``printers``: names by paper; ``card_offsets``: [x, y] millimetres by printer;
    ``scanner``: the Scan screen's choices, each of its own type."""
    table: dict[str, Any] = {}
    for name, entry in value.items():
        if (key == "printers" and isinstance(entry, str)) or (
            key == "scanner" and _SCANNER_FIELDS.get(name) is type(entry)
        ):
            table[str(name)] = entry
        elif (
            key == "card_offsets"
            and isinstance(entry, list)
            and len(entry) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in entry)
        ):
            table[str(name)] = [float(v) for v in entry]
        else:
            raise ConfigError(
                _("The setting '{key}' in {source} has a wrong value: {value!r}.").format(
                    key=f"{key}.{name}", source=source, value=entry
                )
            )
    return table


ESCPOS_DEFAULT_PORT = 9100  # the raw TCP port receipt printers listen on


def escpos_address(address: str) -> tuple[str, int] | None:
    """(host, port) of an ESC/POS printer's ``tcp://HOST[:PORT]`` address; None if malformed."""
    try:
        parts = urlsplit(address.strip())
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return None
    if parts.scheme != "tcp" or not parts.hostname or parts.username or parts.password:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or port == 0:
        return None
    return parts.hostname, ESCPOS_DEFAULT_PORT if port is None else port


def _escpos_printers(value: dict[str, Any], source: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for name, address in value.items():
        if not str(name).strip() or not isinstance(address, str) or not escpos_address(address):
            raise ConfigError(
                _(
                    "The address of the ESC/POS printer “{printer}” in {source} is not usable: "
                    "{value!r}. Write it as tcp://HOST:PORT, for example "
                    "tcp://192.168.1.50:9100."
                ).format(printer=name, source=source, value=address)
            )
        table[str(name)] = address.strip()
    return table


def load_config(
    *,
    data_dir: str | Path | None = None,
    config_file: str | Path | None = None,
    environ: dict[str, str] | None = None,
) -> Config:
    """Read the settings: file, then ``RECEPTION_*`` variables, then the arguments given here."""
    env = dict(os.environ if environ is None else environ)
    path = Path(config_file or env.get(ENV_PREFIX + "CONFIG") or default_config_file())
    values: dict[str, Any] = {}
    if path.is_file():
        for key, value in _read_toml(path).items():
            values[key] = _coerce(key, value, str(path))
    for key in (
        "data_dir",
        "database_url",
        "language",
        "idle_lock_minutes",
        "log_level",
        "backups_kept",
    ):
        env_value = env.get(ENV_PREFIX + key.upper())
        if env_value:
            values[key] = _coerce(key, env_value, ENV_PREFIX + key.upper())
    if data_dir is not None:
        values["data_dir"] = str(data_dir)
    folder = Path(values.pop("data_dir", None) or default_data_dir()).expanduser()
    return Config(data_dir=folder, config_file=path, **values)


def save_setting(config: Config, key: str, value: Any) -> Config:
    """Write one setting into the config file (keeping the others) and return the new config."""
    import tomli_w

    # Where load_config would read it: a config built in code still honours RECEPTION_CONFIG.
    path = config.config_file or Path(
        os.environ.get(ENV_PREFIX + "CONFIG") or default_config_file()
    )
    current = _read_toml(path) if path.is_file() else {}
    current[key] = _coerce(key, value, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(tomli_w.dumps(current).encode("utf-8"))
    temporary.replace(path)
    return replace(config, **{key: current[key]})
