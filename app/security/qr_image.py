"""Reading a QR code's text from an image file (a photo or a scan of a card or receipt).

Pillow opens the file and zxing-cpp finds and decodes the code; both work offline. The text
is then verified like one typed by a 2D barcode reader.
"""

from __future__ import annotations

from pathlib import Path

from app.errors import ValidationError
from app.i18n import _
from app.security.qr_codec import QrKind


def read_qr_text(path: Path) -> str:
    """The text of the QR code in the image at ``path``; with several codes, ours first.

    Raises `ValidationError` with a message for the clerk when the file is no readable image
    or holds no QR code.
    """
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            # Grey levels are all the decoder looks at; converting also loads the pixels, so a
            # truncated file fails here and not inside the decoder.
            image = opened.convert("L")
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("The file {name} cannot be opened as an image.").format(name=path.name),
            detail=repr(error),
        ) from error
    found = [
        barcode.text
        for barcode in zxingcpp.read_barcodes(
            image, formats=zxingcpp.barcode_formats_from_str("QRCode")
        )
        if barcode.text
    ]
    if not found:
        raise ValidationError(
            _(
                "No QR code was found in {name}. Use a sharper, well-lit picture with the "
                "whole code in it."
            ).format(name=path.name)
        )
    ours = [text for text in found if any(text.startswith(kind.prefix) for kind in QrKind)]
    return (ours or found)[0]
