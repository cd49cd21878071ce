"""QR codes: the symbol qrcode itself would make, and a clear refusal when the text is too long."""

from __future__ import annotations

import random
import string

import pytest
import qrcode

from printing.qr import ErrorCorrection, QrTooLargeError, qr_matrix


def _qrcode_symbol(text: str, level: ErrorCorrection) -> tuple[tuple[bool, ...], ...]:
    code = qrcode.QRCode(error_correction=level.value, border=0)
    code.add_data(text)
    code.make(fit=True)
    return tuple(tuple(bool(module) for module in row) for row in code.modules)


def test_the_mask_chosen_is_the_one_qrcode_chooses() -> None:
    """The fast mask choice scores masks by qrcode's own rules: the symbols are identical."""
    chance = random.Random(20261124)
    alphabet = string.ascii_uppercase + string.digits + " $%*+-./:"
    for _ in range(25):
        text = "".join(chance.choice(alphabet) for _ in range(chance.randint(1, 700)))
        level = chance.choice(list(ErrorCorrection))
        matrix = qr_matrix(text, error_correction=level)
        assert matrix.dark == _qrcode_symbol(text, level), (len(text), level)
        assert matrix.side == 4 * matrix.version + 17
        assert matrix.side_with_quiet_zone == matrix.side + 8


def test_non_ascii_text_is_encoded_too() -> None:
    text = "Məmmədova Гусейнова"
    assert qr_matrix(text).dark == _qrcode_symbol(text, ErrorCorrection.M)


def test_a_text_above_the_version_limit_is_refused_clearly() -> None:
    fits = qr_matrix("A" * 200, max_version=13)
    assert fits.version <= 13
    with pytest.raises(QrTooLargeError) as refused:
        qr_matrix("A" * 1000, max_version=13)
    assert "too long (1000 characters)" in str(refused.value)
    assert "version 13 at most" in str(refused.value)
    with pytest.raises(QrTooLargeError):
        qr_matrix("A" * 5000)  # beyond what any QR code holds
