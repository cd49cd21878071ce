"""Realistic demo documents: for the tests, the benchmark and ``reception-admin print --demo``.

The names carry the letters that break careless printing (ə, ş, ğ, ı, İ and Cyrillic). The QR
texts are genuinely signed, with the test signer that no production desk trusts; printing
itself never signs anything.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Final

from PIL import Image, ImageDraw

from app.clock import office_zone
from app.mrz import generate_td1
from app.security.central_signer import PermitSigner, TestCentralSigner
from app.security.keys import SigningKey, generate_signing_key
from app.security.qr_codec import Claim, QrKind, compact_date_of, encode
from printing.card import CardData
from printing.receipt import ReceiptData
from printing.ticket import TicketData

_ISSUED_AT: Final = datetime(2026, 11, 24, 6, 42, tzinfo=UTC)  # 10:42 in Baku

_OFFICE: Final = {
    "az": "Sumqayıt regional şöbəsi",
    "ru": "Сумгайытский региональный отдел",
    "en": "Sumgayit regional office",
}
_SERVICE: Final = {
    "az": "Müvəqqəti yaşama icazəsinin verilməsi",
    "ru": "Выдача разрешения на временное проживание",
    "en": "Temporary residence permit",
}
_PERSON: Final = {
    "az": "Hüseynov Rəşad Ağa oğlu",
    "ru": "Гусейнов Рашад Ага оглы",
    "en": "Huseynov Rashad Aga oglu",
}
_DOCUMENTS: Final = {
    "az": ("Ərizə forması", "Pasportun surəti", "Tibbi arayış", "Dövlət rüsumunun ödənişi"),
    "ru": ("Заявление", "Копия паспорта", "Медицинская справка", "Квитанция об оплате пошлины"),
    "en": ("Application form", "Passport copy", "Medical certificate", "Proof of fee payment"),
}
_CLERK: Final = "Əliyeva Şəbnəm"


def demo_receipt(language: str = "az", *, signing_key: SigningKey | None = None) -> ReceiptData:
    """A receipt for an application handed in this morning, worded in ``language``."""
    key = signing_key if signing_key is not None else generate_signing_key()
    application_number = "SMQ-2026-004217"
    qr_text = encode(
        {
            Claim.DOCUMENT_NUMBER: application_number,
            Claim.DOCUMENT_TYPE: 1,
            Claim.SURNAME: "HÜSEYNOV",
            Claim.GIVEN_NAMES: "RƏŞAD",
            Claim.OFFICE: "SMQ01",
        },
        kind=QrKind.RECEIPT,
        signing_key=key,
        issued_at=_ISSUED_AT,
        expires_at=_ISSUED_AT + timedelta(days=90),
    )
    return ReceiptData(
        office_name=_OFFICE[language],
        desk="SMQ01-D2",
        clerk=_CLERK,
        application_number=application_number,
        person_name=_PERSON[language],
        person_birth_date=date(1988, 7, 19),
        service=_SERVICE[language],
        fee=Decimal("60.00"),
        currency="AZN",
        payment_reference="ASAN-7Q3K-22819-0045",
        documents_received=_DOCUMENTS[language],
        decision_due=date(2026, 12, 22),
        issued_at=_ISSUED_AT,
        qr_text=qr_text,
    )


def demo_ticket(language: str = "az") -> TicketData:
    return TicketData(
        number="A017",
        service=_SERVICE[language],
        office_name=_OFFICE[language],
        issued_at=_ISSUED_AT,
        people_ahead=6,
        estimated_wait_minutes=25,
        hall="B",
        counter="3–5",
    )


def demo_card(
    *, signer: PermitSigner | None = None, with_photo: bool = True, surname: str = "Şükürova"
) -> CardData:
    """A temporary residence permit for a Georgian citizen; ``surname`` lets a test try a long
    one (the MRZ and the QR are written from it too, as the card service would)."""
    given_names = "Gülnarə Ağasəf qızı"
    birth_date = date(1991, 3, 14)
    valid_from, valid_until = date(2026, 11, 24), date(2027, 11, 23)
    number = "AZR001234"
    mrz = generate_td1(
        document_type="IR",
        issuing_state="AZE",
        surname=surname,
        given_names=given_names,
        document_number=number,
        nationality="GEO",
        birth_date=birth_date,
        sex="F",
        expiry_date=valid_until,
    )
    zone = office_zone()
    permit_signer = signer if signer is not None else TestCentralSigner()
    qr_text = permit_signer.sign_permit(
        {
            Claim.DOCUMENT_NUMBER: number,
            Claim.DOCUMENT_TYPE: 2,
            Claim.SURNAME: surname.upper(),
            Claim.GIVEN_NAMES: given_names.upper(),
            Claim.BIRTH_DATE: compact_date_of(birth_date),
            Claim.NATIONALITY: "GEO",
            Claim.OFFICE: "SMQ01",
        },
        issued_at=datetime.combine(valid_from, time(9, 0), zone),
        not_before=datetime.combine(valid_from, time.min, zone),
        expires_at=datetime.combine(valid_until, time.max, zone),
    )
    return CardData(
        surname=surname,
        given_names=given_names,
        nationality="GEO",
        birth_date=birth_date,
        sex="F",
        permit_type="Müvəqqəti yaşama icazəsi / Temporary residence permit",
        permit_number=number,
        valid_from=valid_from,
        valid_until=valid_until,
        issuing_office=_OFFICE["az"],
        mrz=mrz,
        qr_text=qr_text,
        photo=demo_photo() if with_photo else None,
    )


def demo_photo() -> bytes:
    """A stand-in portrait (a silhouette on the light background ICAO asks for), as JPEG."""
    width, height = 350, 450
    image = Image.new("RGB", (width, height), (226, 232, 238))
    draw = ImageDraw.Draw(image)
    draw.ellipse((105, 70, 245, 250), fill=(120, 128, 140))
    draw.ellipse((40, 260, 310, 560), fill=(90, 98, 112))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
