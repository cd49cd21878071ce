"""Name folding, phonetic keys, spelling suggestions and query parsing for person search.

The same person reaches the desk as "Məmmədov" (Azerbaijani ID card), "MAMMADOV" (the
passport's machine-readable zone), "Мамедов" (a Soviet birth certificate or a Russian
passport) and "Mamedov" (a Russian passport's Latin page). Search has to bring them together,
so every name is reduced to keys in one small Latin alphabet (see `translit_tables`):

`fold(text)`
    The exact-match form: Unicode NFC, case folded, every form of i (İ, I, ı, i) made plain i,
    spaces collapsed. Plain i because capital I on a passport says nothing about whether the
    name has i or ı: "ISMAYILOV", "İsmayılov" and "Ismayilov" must be the same name. Ranking
    compares folded forms to put exact matches first.
`phonetic_key(name)`
    The script-independent key: "Əliyev", "Aliev", "Алиев" and "ALIJEV" are all "aliav". Vowels
    and consonants that transliteration confuses fold into one letter, doubled letters and a y
    inside a word before a vowel go. The grammatical gender stays: "Aliyeva" is "aliava", which
    starts with "aliav", so a prefix search for a man's surname also finds the women of the
    family; for the other way round, `strip_gender_ending` makes a feminine key masculine.
`search_keys(name)`
    What the index stores for one name field (and what a query token is looked up by): the key
    of every word (patronymic particles such as "oğlu" left out), the key of the whole name when
    it has several words, and each of those again without the difference between ş/s and ç/c,
    which the machine-readable zone and keyboards without Azerbaijani letters lose.

How search uses them: `tokenize_query` splits the search box; for each name word, its
`search_keys` and their `strip_gender_ending` forms are looked up as prefixes of the indexed
keys (a B-tree range scan: key >= k and key < k + "{", as keys are lowercase ASCII); the
bounded set of candidates is ranked by `similarity` of keys, exact folded matches first.

`az_lower`, `az_upper` and `az_title` case names for display by Azerbaijani rules (i/İ, ı/I).
They are right for text written in Azerbaijani; a name that came in capitals from a machine-
readable zone cannot say whether its I is i or ı, and keeps the dotless reading.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import OSA

from app.search.translit_tables import (
    AZ_TO_CYRILLIC,
    CYRILLIC_TO_AZ,
    CYRILLIC_TO_KEY,
    LATIN_DIGRAPHS,
    LATIN_TO_KEY,
    PARTICLE_KEYS,
)

__all__ = [
    "ParsedQuery",
    "az_lower",
    "az_title",
    "az_upper",
    "fold",
    "phonetic_key",
    "search_keys",
    "similarity",
    "strip_gender_ending",
    "tokenize_query",
    "transliterate_az_to_cyrillic",
    "transliterate_cyrillic_to_latin_az",
]


def _nfc(text: str) -> str:
    # Pasted text may carry decomposed letters ("I" + combining dot above for İ).
    return text if text.isascii() else unicodedata.normalize("NFC", text)


# --- Case -------------------------------------------------------------------------------------

_ALL_I_FORMS_TO_PLAIN = str.maketrans({"İ": "i", "I": "i", "ı": "i", "\u0307": None})
_AZ_LOWER_I = str.maketrans({"İ": "i", "I": "ı"})
_AZ_UPPER_I = str.maketrans({"i": "İ", "ı": "I"})
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_LOWERCASE_PARTICLES = frozenset({"oğlu", "qızı", "оглы", "кызы"})


def fold(text: str) -> str:
    """The exact-match form of `text`: case folded with every i-form as plain i."""
    return " ".join(_nfc(text).translate(_ALL_I_FORMS_TO_PLAIN).casefold().split())


def az_lower(text: str) -> str:
    """Lower case by Azerbaijani rules: İ becomes i and I becomes ı."""
    return _nfc(text).translate(_AZ_LOWER_I).lower()


def az_upper(text: str) -> str:
    """Upper case by Azerbaijani rules: i becomes İ and ı becomes I."""
    return _nfc(text).translate(_AZ_UPPER_I).upper()


def _title_word(match: re.Match[str]) -> str:
    word = az_lower(match.group())
    if word in _LOWERCASE_PARTICLES:  # "Ramiz oğlu", as written in documents
        return word
    return az_upper(word[0]) + word[1:]


def az_title(text: str) -> str:
    """Each word capitalised by Azerbaijani rules ("İSMAYILOVA-ƏLIYEVA" -> "İsmayılova-Əliyeva")."""
    return _LETTER_RUN.sub(_title_word, _nfc(text))


# --- Phonetic keys ----------------------------------------------------------------------------

_TO_KEY = str.maketrans({**LATIN_TO_KEY, **CYRILLIC_TO_KEY})
# The first Cyrillic letter, or the first letter that only Azerbaijani (or Turkish) spelling
# uses, after lower() (which turns İ into i and a combining dot): in such a name "sh" is s + h.
_SCRIPT = re.compile("(?P<cyrillic>[\u0400-\u04ff])|(?P<azerbaijani>[əşçğıöü\u0307])")
# Conventions of names written without Azerbaijani letters: English, ICAO (Russian passports
# since 2013), German and French digraphs; and j in "ije" read as y (German and Polish
# "Alijev"; elsewhere j is English c, as in "Orujov" and "Hajiyev").
_FOREIGN_DIGRAPHS = re.compile(
    "(?P<digraph>" + "|".join(sorted(LATIN_DIGRAPHS, key=len, reverse=True)) + ")"
    r"|(?P<glide>(?<=i)j(?=e))"
)
# ICAO writes я/ю as "ia"/"iu": at the start of a word that is y ("Iusifov"), after a
# consonant the i only softens ("Shukiurov" = Шукюров = Şükürov).
_ICAO_IOTATION = re.compile(r"(?P<initial>\bi(?=[au]))|(?P<softening>(?<=[^\Waeiouy])i(?=u))")
_FOREIGN_REPLACEMENT = {"glide": "y", "initial": "y", "softening": ""}
# Russian writes a y sound into ю and я at the start of a word (Юсиф = Yusif). Word-initial е
# keeps no y: ICAO writes Елена as "Elena", and Azerbaijani "Elçin" is Эльчин. ё is е: Russian
# typing mostly leaves its dots off, and ICAO writes it e (Соловьёв = Соловьев = "Solovev").
_CYRILLIC_IOTATED = re.compile(r"\b[юя]")
# The same choice for Latin: "Yevgeniy", "Evgenii" (ICAO) and Евгений meet; Yeganə is Egana.
_LATIN_INITIAL_YE = re.compile(r"\bye")
_NON_KEY_LETTER = re.compile("[^a-z]+")
# y before a vowel inside a word is a glide or a softening that spellings add or leave out:
# Aliyev / Aliev, Rzayev / Рзаев, Allahyarov / Аллахяров, Məryəm / Марьям / Марям. Before a
# consonant or at the end it is the second half of a diphthong: Hüseyn / Huseinov / Гусейнов.
# Only a word-initial y before a vowel stays (Yusif, Yaqub).
_Y_GLIDE = re.compile("(?<=[a-z])y+(?=[aiou])")
_Y_NOT_BEFORE_VOWEL = re.compile("y(?![aiou])")
_DOUBLED = re.compile(r"(.)\1+")
# Russian spells an unstressed o after ж, ш, ч, дж as е: Orucov is Оруджев.
_SOFT_OV_ENDINGS = ("jav", "cav", "xav", "java", "cava", "xava")
_WITHOUT_DIACRITIC_DISTINCTIONS = str.maketrans({"x": "s", "c": "j"})
_DOUBLED_S_OR_J = re.compile(r"([sj])\1+")
_FEMININE_TO_MASCULINE = (
    ("ovna", "ov"),
    ("avna", "av"),
    ("ovic", "ov"),
    ("avic", "av"),
    ("ova", "ov"),
    ("ava", "av"),
    ("sha", "shi"),  # Russian -ская, -ский: Kovalevskaya -> "hovalavsha"
)
_SHORTEST_STEM = 3


def _without_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _replace_foreign_spelling(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == "digraph":
        return LATIN_DIGRAPHS[match.group()]
    return _FOREIGN_REPLACEMENT[kind or ""]


def _key_of(name: str) -> str:
    # Each step is guarded by a cheap test: a million persons are keyed at import. lower() and
    # not fold(): the i-forms are all i in the key table anyway.
    text = _nfc(name).lower()
    script = None
    if not text.isascii() and (found := _SCRIPT.search(text)):
        script = found.lastgroup
    if script == "cyrillic":
        text = text.replace("дж", "j")
        if _CYRILLIC_IOTATED.search(text):
            text = _CYRILLIC_IOTATED.sub(r"y\g<0>", text)
    else:
        if script is None:  # a name without Azerbaijani letters: foreign conventions
            if "h" in text or "j" in text:
                text = _FOREIGN_DIGRAPHS.sub(_replace_foreign_spelling, text)
            if "iu" in text or "ia" in text:
                text = _ICAO_IOTATION.sub(_replace_foreign_spelling, text)
        if "ye" in text:
            text = _LATIN_INITIAL_YE.sub("e", text)
    text = text.translate(_TO_KEY)
    if not text.isascii():
        text = _without_marks(text).lower().translate(_TO_KEY)
    if "y" in text:  # before the words are joined, so that a word-initial y stays
        text = _Y_GLIDE.sub("", text)
        if "y" in text:
            text = _Y_NOT_BEFORE_VOWEL.sub("i", text)
    if not text.isalpha():
        text = _NON_KEY_LETTER.sub("", text)
    if _DOUBLED.search(text):
        text = _DOUBLED.sub(r"\1", text)
    if text.endswith(_SOFT_OV_ENDINGS):
        head, _, tail = text.rpartition("av")
        text = f"{head}ov{tail}"
    return text


# Surnames and given names repeat heavily (a few thousand cover most of the population), so
# remembering recent keys makes keying a million persons at import several times faster.
_REMEMBERED_NAMES = 1 << 16
_remembered_key_of = functools.lru_cache(maxsize=_REMEMBERED_NAMES)(_key_of)


def phonetic_key(name: str) -> str:
    """The script-independent key of a name: lowercase ASCII, empty for a name without letters.

    Words are joined, so "Abdul Rahman" and "Abdulrahman" have the same key.
    """
    return _remembered_key_of(name)


def strip_gender_ending(key: str) -> str:
    """A phonetic key with a feminine surname or patronymic ending made masculine.

    "aliava" (Aliyeva) -> "aliav", "ivanova" -> "ivanov", "ivanovna" -> "ivanov". A query key
    made masculine finds both forms by prefix. Short keys are left alone: "hava" is Həvva.
    """
    for ending, replacement in _FEMININE_TO_MASCULINE:
        if key.endswith(ending) and len(key) - len(ending) >= _SHORTEST_STEM:
            return key[: -len(ending)] + replacement
    return key


def _without_diacritic_distinctions(key: str) -> str:
    if "x" not in key and "c" not in key:
        return key
    return _DOUBLED_S_OR_J.sub(r"\1", key.translate(_WITHOUT_DIACRITIC_DISTINCTIONS))


_WORD_SEPARATORS = re.compile(r"[\s\-‐‑–—,;/]+")


def search_keys(name: str) -> tuple[str, ...]:
    """The keys that index one name field, and that a query word is looked up by.

    One key per word, leaving out patronymic particles ("oğlu", "qızı", "оглы", "kizi"); the
    key of all words together when there are several; and for each, the same key with ş/s and
    ç/c folded together ("Şükürov" also under "suhurov", where "SUKUROV" from a machine-readable
    zone is). No duplicates, most specific first; empty for a name without letters.
    """
    return _remembered_search_keys_of(name)


def _search_keys_of(name: str) -> tuple[str, ...]:
    if name.isalpha():  # one word, as most name fields are
        key = _key_of(name)
        if not key or key in PARTICLE_KEYS:
            return ()
        loose = _without_diacritic_distinctions(key)
        return (key,) if loose == key else (key, loose)
    words: list[str] = []
    word_keys: list[str] = []
    for word in _WORD_SEPARATORS.split(name):
        key = _key_of(word)
        if key and key not in PARTICLE_KEYS:
            words.append(word)
            word_keys.append(key)
    if len(word_keys) > 1:
        word_keys.append(_key_of(" ".join(words)))  # the same as phonetic_key of those words
    keys: dict[str, None] = dict.fromkeys(word_keys)
    for key in word_keys:
        keys.setdefault(_without_diacritic_distinctions(key))
    return tuple(keys)


_remembered_search_keys_of = functools.lru_cache(maxsize=_REMEMBERED_NAMES)(_search_keys_of)


# --- Similarity -------------------------------------------------------------------------------


def similarity(query_key: str, candidate_key: str) -> float:
    """How alike two keys are, from 0.0 to 1.0 (equal).

    One minus the optimal-string-alignment distance (insertions, deletions, substitutions and
    swaps of neighbours each cost one) divided by the longer length. A search ranks hundreds
    of candidates per letter typed, so the distance comes from rapidfuzz's C++ code.
    """
    return float(OSA.normalized_similarity(query_key, candidate_key))


# --- Spelling suggestions ---------------------------------------------------------------------

_AZ_VOWELS = frozenset("aeəiıoöuü")
_AZ_FRONT_VOWELS = frozenset("eəiöü")
_IOTATED_VOWELS = {"e": "е", "a": "я", "ə": "я", "u": "ю", "ü": "ю"}
_RU_NO_YERY_AFTER = frozenset("гкхжшчщ")
_RU_VOWELS = frozenset("аеёиоуыэюяәөү")
_RU_HARD_G_BEFORE = frozenset("ёюяь")
_CYRILLIC_LETTER = re.compile("[\u0400-\u04ff]")


def _match_case(source: str, target: str) -> str:
    if len(source) > 1 and source.isupper():
        return az_upper(target)
    if source[:1].isupper():
        return az_upper(target[:1]) + target[1:]
    return target


_PARTICLES_AZ_TO_CYRILLIC = {"oğlu": "оглы", "qızı": "кызы"}
_PARTICLES_CYRILLIC_TO_AZ = {"оглы": "oğlu", "кызы": "qızı"}


def _az_word_to_cyrillic(word: str) -> str:
    """One word in the Cyrillic spelling of Soviet and Russian documents (best effort)."""
    if _CYRILLIC_LETTER.search(word):
        return word
    letters = az_lower(word)
    if letters in _PARTICLES_AZ_TO_CYRILLIC:
        return _PARTICLES_AZ_TO_CYRILLIC[letters]
    out: list[str] = []
    index = 0
    while index < len(letters):
        char = letters[index]
        before = letters[index - 1] if index else ""
        after = letters[index + 1] if index + 1 < len(letters) else ""
        if char == "ə":
            if not before:
                out.append("а")  # Əliyev -> Алиев
            elif before in ("k", "v") or (before == "m" and after == "d"):
                out.append("е")  # Kərimov -> Керимов, Vəli -> Вели, Məmməd -> Мамед
            elif before == "g":
                out.append("я")  # Gəncə -> Гянджа
            else:
                out.append("а")  # Nəsibov -> Насибов, Cəfər -> Джафар
        elif char == "h":
            # Hüseyn -> Гусейн, İbrahim -> Ибрагим, but Əhməd -> Ахмед, Fərhad -> Фархад.
            next_to_consonant = any(
                neighbour and neighbour not in _AZ_VOWELS for neighbour in (before, after)
            )
            out.append("х" if next_to_consonant else "г")
        elif char == "q":
            out.append("к" if not after else "г")  # Tofiq -> Тофик, Qasım -> Гасым
        elif char == "ı":
            # Russian spelling writes и, never ы, after г, к, х and the hushing letters.
            hushing = bool(out) and out[-1][-1] in _RU_NO_YERY_AFTER
            out.append("и" if hushing else "ы")  # Hacı -> Гаджи, Bağır -> Багир, Qasım -> Гасым
        elif char == "ü":
            out.append("ю" if before in ("g", "k", "l", "t") else "у")
        elif char == "e":
            out.append("э" if not before else "е")  # Elçin -> Эльчин
        elif char == "l":
            # Russian softens l after a front vowel: Elçin -> Эльчин, Aysel -> Айсель.
            softened = before in _AZ_FRONT_VOWELS and after not in _AZ_VOWELS
            out.append("ль" if softened else "л")
        elif char == "y":
            if before == "y":  # the second of a doubled y follows what came before the first
                before = letters[index - 2] if index > 1 else ""
            iotated = _IOTATED_VOWELS.get(after)
            if after == "y":
                pass  # Ülviyyə -> Ульвия
            elif iotated and before and before not in _AZ_VOWELS:
                out.append("ь" + iotated)  # Məryəm -> Марьям, Yəhya -> Яхья
                index += 1
            elif iotated:
                out.append(iotated)  # Aliyev -> Алиев, Yeganə -> Егана, Yusif -> Юсиф
                index += 1
            elif after == "ı" and before in _AZ_VOWELS:
                out.append("и")  # İsmayıl -> Исмаил
                index += 1
            else:
                out.append("й")  # Hüseyn -> Гусейн
        else:
            out.append(AZ_TO_CYRILLIC.get(char, char))
        index += 1
    # Russian passports write Məmməd with one м (Мамедов) but keep other doubles (Аббасов).
    return "".join(out).replace("ммед", "мед")


def _cyrillic_word_to_az(word: str) -> str:
    """One Russian-spelled word in Azerbaijani Latin letters (best effort)."""
    if not _CYRILLIC_LETTER.search(word):
        return word
    if word.lower() in _PARTICLES_CYRILLIC_TO_AZ:
        return _PARTICLES_CYRILLIC_TO_AZ[word.lower()]
    letters = word.lower().replace("дж", "ҹ")
    out: list[str] = []
    for index, char in enumerate(letters):
        before = letters[index - 1] if index else ""
        after = letters[index + 1] if index + 1 < len(letters) else ""
        after_consonant = bool(before) and before not in _RU_VOWELS and before not in "ьъ"
        if char == "г":
            if after in _RU_HARD_G_BEFORE or (after_consonant and after in _RU_VOWELS):
                out.append("g")  # Гюльнара -> Gülnara, Гянджа -> Gəncə, Чингиз -> Çingiz
            elif after in _RU_VOWELS:
                out.append("h")  # Гусейн -> Hüseyn, Ибрагим -> İbrahim, Гейдар -> Heydar
            else:
                out.append("q")
        elif char == "х":
            before_consonant = bool(after) and after not in _RU_VOWELS
            out.append("h" if before_consonant else "x")  # Ахмед -> Ahmed, Халил -> Xalil
        elif char == "е":
            out.append("e" if after_consonant else "ye")  # Алиев -> Aliyev
        elif char == "ё":
            out.append("e" if after_consonant else "ye")  # as ICAO: Фёдор -> Fedor
        elif char == "ю":
            out.append("ü" if after_consonant else "yu")  # Шукюр -> Şükür, Юсиф -> Yusif
        elif char == "я":
            out.append("ə" if before in ("г", "к") else "ya")  # Кямал -> Kəmal
        else:
            out.append(CYRILLIC_TO_AZ.get(char, char))
    return "".join(out)


def transliterate_az_to_cyrillic(name: str) -> str:
    """A suggested Russian-Cyrillic spelling of an Azerbaijani Latin name ("Əliyev" -> "Алиев").

    Best effort for pre-filling "other spellings": Russian practice is not regular (Şahin is
    Шахин, Rəhim is Рагим), so the clerk checks it against the document.
    """
    return _LETTER_RUN.sub(
        lambda match: _match_case(match.group(), _az_word_to_cyrillic(match.group())),
        _nfc(name),
    )


def transliterate_cyrillic_to_latin_az(name: str) -> str:
    """A suggested Azerbaijani Latin spelling of a Cyrillic name ("Алиев" -> "Aliyev").

    Best effort: Russian а and е hide ə, and г may be h, q or g.
    """
    return _LETTER_RUN.sub(
        lambda match: _match_case(match.group(), _cyrillic_word_to_az(match.group())),
        _nfc(name),
    )


# --- Search box -------------------------------------------------------------------------------

EARLIEST_BIRTH_YEAR = 1880
LATEST_BIRTH_YEAR = 2099


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """What a search box text asks for.

    `names` are the words as typed (surrounding punctuation removed); `birth_date` is the first
    valid date, `birth_year` its year or else the first plausible four-digit year; `codes` are
    document numbers and FIN candidates: words with a digit, upper-cased, separators removed.
    """

    names: tuple[str, ...] = ()
    birth_year: int | None = None
    birth_date: date | None = None
    codes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.names or self.birth_year or self.codes)


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# Day first, as written in Azerbaijan and on Soviet and Russian documents.
_DAY_FIRST_DATE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_YEAR = re.compile(r"\d{4}")
_QUERY_SEPARATORS = re.compile(r"[\s,;]+")
_EDGE_PUNCTUATION = "\"'«»“”„()[]{}.,;:!?"
_SERIES_LETTERS = re.compile("[A-Z]{1,3}")
_SERIES_NUMBER = re.compile(r"\d{5,}")


def _plausible_year(year: int) -> bool:
    return EARLIEST_BIRTH_YEAR <= year <= LATEST_BIRTH_YEAR


def _read_date(token: str) -> tuple[date | None, int] | None:
    """(date, year) for a date-shaped token, None for any other token.

    An impossible date such as 31.02.1985 still gives its year: the clerk mistyped the day.
    """
    if match := _ISO_DATE.fullmatch(token):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST_DATE.fullmatch(token):
        day, month, year = (int(part) for part in match.groups())
    else:
        return None
    if not _plausible_year(year):
        return None
    try:
        return date(year, month, day), year
    except ValueError:
        return None, year


def _joined_document_numbers(tokens: list[str]) -> list[str]:
    # "AA 1234567" is one document number typed with its series apart.
    joined: list[str] = []
    for token in tokens:
        if joined and _SERIES_NUMBER.fullmatch(token) and _SERIES_LETTERS.fullmatch(joined[-1]):
            joined[-1] += token
        else:
            joined.append(token)
    return joined


def tokenize_query(text: str) -> ParsedQuery:
    """Split search box text into names, a birth date or year, and document codes.

    "mammadov 1985" -> names ("mammadov",), birth_year 1985; "Алиев 12.03.1985" -> also
    birth_date 1985-03-12 (ISO 1985-03-12 and 12/03/1985 are read too, day first);
    "AB1234567" and the FIN "5ZX9K2L" -> codes; a series of up to three capitals typed apart
    from its number is joined to it ("AA 1234567"). A FIN of letters only is read as a name.
    """
    raw = [token.strip(_EDGE_PUNCTUATION) for token in _QUERY_SEPARATORS.split(_nfc(text))]
    names: list[str] = []
    codes: dict[str, None] = {}
    birth_date: date | None = None
    birth_year: int | None = None
    for token in _joined_document_numbers([token for token in raw if token]):
        read = _read_date(token)
        if read is not None:
            found_date, found_year = read
            if birth_date is None and found_date is not None:
                birth_date, birth_year = found_date, found_date.year
            elif birth_year is None:
                birth_year = found_year
            continue
        if _YEAR.fullmatch(token) and _plausible_year(int(token)):
            if birth_year is None:
                birth_year = int(token)
            continue
        if any(char.isdigit() for char in token):
            code = "".join(char for char in token if char.isalnum()).upper()
            if code:
                codes.setdefault(code)
        elif any(char.isalpha() for char in token):
            names.append(token)
    return ParsedQuery(
        names=tuple(names), birth_year=birth_year, birth_date=birth_date, codes=tuple(codes)
    )
