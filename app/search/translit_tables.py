"""Letter tables behind the name keys and the spelling suggestions.

The key alphabet is plain lowercase ASCII so that keys sort and prefix-match the same way in
every database collation. Several letters stand for a whole class of sounds:

    a  a, ə, e, ä, э, ё     Russian writes Azerbaijani ə as а or е (Алиев, Мамедов, Велиев)
                            and transliterations swap them freely (Mammadov / Mamedov);
                            Russian typing and ICAO write ё as е / e.
    i  i, ı, ы              passports in capitals cannot tell I from İ, and ı is written i
                            or y in Russian-based Latin (Qasımov / Gasymov).
    y  y, й                 only at the start of a word before a vowel (Yusif, Юсиф); inside a
                            word a y before a vowel is dropped (Aliyev / Aliev) and any other
                            y is i (Hüseyn / Гусейн / Gusein).
    o  o, ö                 u  u, ü     umlauts are dropped in most foreign spellings.
    h  h, x, q, k, g, ğ     the Russian г stands for Azerbaijani h (Гусейн), q (Гасым) and ğ
                            (Агаев); х stands for x (Халил) and h (Ахмед); к for q (Курбан);
                            English spellings give g/k for q and kh/gh for x/ğ. One class is the
                            only way these meet; measured false collisions stay small because
                            the vowels around them are kept.
    j  c, j, дж, ж, dzh, zh Azerbaijani c is English j and Russian дж; ж is close enough
                            (Kazakh and Tatar Жамиля is Cəmilə) and rare in names.
    c  ç, ч, ch             x  ş, ш, щ, sh (the letter x itself folds into h, so it is free)
    v  v, w

Everything else keeps its own letter.
"""

from __future__ import annotations

# Latin letters after lower(): Azerbaijani letters and their foreign look-alikes. Latin c is
# Azerbaijani and Turkish c = [dʒ]. Other accented letters lose their accents in the key.
LATIN_TO_KEY: dict[str, str] = {
    "a": "a", "ə": "a", "ä": "a", "á": "a", "à": "a", "â": "a", "ã": "a", "å": "a", "ā": "a",
    "e": "a", "é": "a", "è": "a", "ê": "a", "ë": "a", "ē": "a",
    "i": "i", "ı": "i", "í": "i", "ì": "i", "î": "i", "ï": "i", "ī": "i",
    "o": "o", "ö": "o", "ó": "o", "ò": "o", "ô": "o", "õ": "o", "ø": "o", "ō": "o",
    "u": "u", "ü": "u", "ú": "u", "ù": "u", "û": "u", "ū": "u",
    "y": "y", "ý": "i",
    "h": "h", "x": "h", "q": "h", "k": "h", "g": "h", "ğ": "h",
    "c": "j", "j": "j", "ž": "j",
    "ç": "c", "č": "c", "ć": "c",
    "ş": "x", "ș": "x", "š": "x", "ś": "x",
    "w": "v", "ñ": "n", "ß": "ss", "ł": "l", "đ": "d", "æ": "a", "œ": "o",
    "\u0307": "",  # the dot that lower() leaves after the i of İ
}  # fmt: skip

# Cyrillic after lower(). Iotated vowels appear here without their y: the key builder adds
# the y at the start of a word (Юсиф), the only place where the key keeps one. Includes the
# letters of the 1958-1991 Azerbaijani Cyrillic alphabet (ә ғ ҝ һ ҹ ө ү ј), found on old
# birth certificates, and Ukrainian, Belarusian and Kazakh extras.
CYRILLIC_TO_KEY: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "h", "д": "d", "е": "a", "ё": "a", "ж": "j",
    "з": "z", "и": "i", "й": "y", "к": "h", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts",
    "ч": "c", "ш": "x", "щ": "x", "ъ": "", "ы": "i", "ь": "", "э": "a", "ю": "u", "я": "a",
    "ә": "a", "ғ": "h", "ҝ": "h", "һ": "h", "ҹ": "j", "ө": "o", "ү": "u", "ј": "y",
    "і": "i", "ї": "i", "є": "a", "ґ": "h", "ў": "v", "қ": "h", "ң": "n", "ұ": "u",
}  # fmt: skip

# Latin digraphs of English, ICAO (Russian passports since 2013), German and French
# transliterations, mapped to the single Azerbaijani letter they spell. Applied only to names
# written without Azerbaijani letters: in "Məşədi" or "İshaq" an s next to an h is two sounds.
LATIN_DIGRAPHS: dict[str, str] = {
    "dzh": "c", "dj": "c", "zh": "c",
    "shch": "ş", "tsch": "ç", "sch": "ş", "sh": "ş",
    "tch": "ç", "ch": "ç",
    "kh": "x", "gh": "ğ",
}  # fmt: skip

# Azerbaijani Latin to Russian Cyrillic, the letters without context rules (see
# `transliterate_az_to_cyrillic` for ə, h, q, l, ü, ı, y and e). ö is о (Mövsüm = Мовсум):
# Russian also writes Гёзел, but search reads ё as е, as Russian typing does.
AZ_TO_CYRILLIC: dict[str, str] = {
    "a": "а", "b": "б", "c": "дж", "ç": "ч", "d": "д", "f": "ф", "g": "г", "ğ": "г",
    "i": "и", "j": "ж", "k": "к", "m": "м", "n": "н", "o": "о", "ö": "о", "p": "п", "r": "р",
    "s": "с", "ş": "ш", "t": "т", "u": "у", "v": "в", "w": "в", "x": "х", "z": "з",
}  # fmt: skip

# Russian Cyrillic to Azerbaijani Latin, the letters without context rules (see
# `transliterate_cyrillic_to_latin_az` for г, х, е, ё, ю and я).
CYRILLIC_TO_AZ: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "д": "d", "ж": "j", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "ц": "ts", "ч": "ç", "ш": "ş", "щ": "şç", "ъ": "",
    "ы": "ı", "ь": "", "э": "e",
    "ә": "ə", "ғ": "ğ", "ҝ": "g", "һ": "h", "ҹ": "c", "ө": "ö", "ү": "ü", "ј": "y",
}  # fmt: skip

# Words that are not names: patronymic particles ("Ramiz oğlu", "Ramiz qızı") in the spellings
# of Azerbaijani, Russian documents and English transliterations, as phonetic keys.
PARTICLE_KEYS: frozenset[str] = frozenset({"ohlu", "ohli", "hizi"})
