"""Every catalogue compiles, is complete, and keeps every placeholder and mnemonic; no text a
person reads is left outside ``_()``."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.i18n import LANGUAGES, translations_dir

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _catalogue(language: str):  # type: ignore[no-untyped-def]
    path = translations_dir() / language / "LC_MESSAGES" / "reception.po"
    with path.open("rb") as stream:
        return read_po(stream, locale=language)


def _source_messages() -> set[str]:
    with (translations_dir() / "reception.pot").open("rb") as stream:
        # A plural entry's id is (singular, plural): the singular names it.
        return {
            message.id if isinstance(message.id, str) else message.id[0]
            for message in read_po(stream)
            if message.id
        }


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_compiles(language: str) -> None:
    catalogue = _catalogue(language)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    assert buffer.getvalue()
    errors = [(message.id, problem) for message, problem in catalogue.check()]
    assert errors == []


@pytest.mark.parametrize("language", ["az", "ru"])
def test_catalogue_is_complete(language: str) -> None:
    catalogue = _catalogue(language)
    forms = lambda m: m.string if isinstance(m.string, tuple) else (m.string,)  # noqa: E731
    missing = [m.id for m in catalogue if m.id and not all(forms(m))]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    assert missing == []
    assert fuzzy == []
    assert ids >= _source_messages()


@pytest.mark.parametrize("language", ["az", "ru"])
def test_placeholders_and_mnemonics_are_kept(language: str) -> None:
    for message in _catalogue(language):
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        for target in targets:
            assert sorted(PLACEHOLDER.findall(target)) == sorted(PLACEHOLDER.findall(source)), (
                source,
                target,
            )
            assert target.count("&") == source.count("&"), (source, target)


def test_the_template_knows_every_marked_string() -> None:
    """The .pot is current: `make extract-messages` was run after strings changed."""
    from babel.messages.extract import extract_from_dir

    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    found: set[str] = set()
    for folder in ("app", "ui", "printing"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    assert found - _source_messages() == set()


# Calls that put text in front of a person; their literal arguments must go through _().
SHOWN = {
    "setText",
    "setWindowTitle",
    "setToolTip",
    "setPlaceholderText",
    "setStatusTip",
    "showMessage",
    "addItem",
    "setTitle",
    "QLabel",
    "QPushButton",
    "QCheckBox",
    "QGroupBox",
    "QAction",
    "setAccessibleDescription",
}


def test_no_literal_text_shown_outside_gettext() -> None:
    offenders: list[str] = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else (node.func.id if isinstance(node.func, ast.Name) else "")
            )
            if name not in SHOWN:
                continue
            for argument in node.args[:1]:
                if (
                    isinstance(argument, ast.Constant)
                    and isinstance(argument.value, str)
                    and re.search(r"[A-Za-zА-яƏə]{2,}", argument.value)
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {argument.value!r}")
                if isinstance(argument, ast.JoinedStr):
                    literal = "".join(
                        v.value
                        for v in argument.values
                        if isinstance(v, ast.Constant) and isinstance(v.value, str)
                    )
                    if re.search(r"[A-Za-z]{2,}", literal):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} f-string")
    assert offenders == []
