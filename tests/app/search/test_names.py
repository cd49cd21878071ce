"""Name keys: spellings of one name meet across scripts, different names stay apart."""

from __future__ import annotations

import random
from datetime import date

import pytest

from app.search.names import (
    ParsedQuery,
    az_lower,
    az_title,
    az_upper,
    fold,
    phonetic_key,
    search_keys,
    similarity,
    strip_gender_ending,
    tokenize_query,
    transliterate_az_to_cyrillic,
    transliterate_cyrillic_to_latin_az,
)

# Each row: spellings of one name from Azerbaijani documents, Soviet and Russian documents,
# passports' Latin pages (English, ICAO, German conventions) and hurried typing.
SAME_NAME = [
    ("Aliyev", "Əliyev", "Aliev", "Алиев", "ALIYEV", "ƏLİYEV", "Alijev", "АЛИЕВ"),
    ("Hüseynov", "Huseynov", "Гусейнов", "Guseynov", "Huseinov", "Guseinov", "HÜSEYNOV"),
    ("Məmmədov", "Mammadov", "Mamedov", "Мамедов", "Mammedov", "Memmedov", "MAMMADOV"),
    ("Qasımov", "Gasimov", "Гасымов", "Kasimov", "Касимов", "Gasymov", "QASIMOV"),
    ("Cəfərov", "Джафаров", "Jafarov", "Dzhafarov", "Cafarov", "Djafarov"),
    ("Şükürov", "Шукюров", "Shukurov", "Shukiurov"),
    ("Xəlilov", "Халилов", "Khalilov", "Halilov", "Xalilov"),
    ("Çingiz", "Чингиз", "Chingiz"),
    ("Yusifov", "Юсифов", "Iusifov"),
    ("Rzayev", "Рзаев", "Rzaev"),
    ("Nəsibov", "Насибов", "Nasibov"),
    ("Əhmədov", "Ахмедов", "Akhmedov", "Ahmadov", "Ahmedov"),
    ("Hacıyev", "Гаджиев", "Gadzhiev", "Hajiyev", "Haciyev", "Hadjiev"),
    ("Qurbanov", "Курбанов", "Gurbanov", "Kurbanov"),
    ("Vəliyev", "Велиев", "Valiyev", "Veliyev"),
    ("İbrahimov", "Ибрагимов", "Ibragimov", "Ibrahimov", "IBRAHIMOV"),
    ("Ağayev", "Агаев", "Agayev", "Aghayev", "Agaev"),
    ("Sultanov", "Султанов", "SULTANOV"),
    ("İsmayılov", "Исмаилов", "Исмайлов", "Ismailov", "Ismayilov", "ISMAYILOV"),
    ("Heydərov", "Гейдаров", "Heydarov", "Haydarov", "Geidarov"),
    ("Məhərrəmov", "Магеррамов", "Maharramov", "Magerramov"),
    ("Bağırov", "Багиров", "Bagirov", "Baghirov"),
    ("Orucov", "Оруджев", "Orujov", "Orudzhev"),
    ("Allahyarov", "Аллахяров", "Аллахьяров"),
    ("Zəkəriyyə", "Закария", "Zakariya"),
    ("Məryəm", "Марьям", "Марям", "Maryam"),
    ("Yəhya", "Яхья", "Yahya"),
    ("Yeganə", "Егана", "Egana"),
    ("Elçin", "Эльчин", "Elchin"),
    ("Gülnarə", "Гюльнара", "Gulnara"),
    ("Ülviyyə", "Ульвия", "Ulviyya"),
    ("Şıxəliyev", "Шихалиев", "Shikhaliyev"),
    ("Ivanov", "Иванов", "IVANOV"),
    ("Yevgeniy", "Евгений", "Evgenii"),
    ("Yelena", "Елена", "Elena"),
    ("Solovyev", "Соловьёв", "Соловьев", "Solovev"),
    ("Gelashvili", "Гелашвили"),
    ("Javakhishvili", "Джавахишвили"),
    ("Beridze", "Беридзе"),
    ("Yılmaz", "Yilmaz", "YILMAZ", "Йылмаз"),
    ("Öztürk", "Ozturk", "Озтюрк"),
    ("Mohammadi", "Mokhammadi"),
]

# Different names that a careless folding would merge.
DIFFERENT_NAMES = [
    ("Aliyev", "Alizadə"),
    ("Aliyev", "Əlili"),
    ("Məmmədov", "Muradov"),
    ("Məmmədov", "Mahmudov"),
    ("Həsənov", "Hüseynov"),
    ("Həsənov", "Qasımov"),
    ("Qasımov", "Kazımov"),
    ("Kərimov", "Həkimov"),
    ("Rəhimov", "Rəşidov"),
    ("Cəfərov", "Səfərov"),
    ("Cəfərov", "Çələbi"),
    ("Şahin", "Sahib"),
    ("Əhmədov", "Məmmədov"),
    ("Vəliyev", "Əliyev"),
    ("Quliyev", "Əliyev"),
    ("Yusifov", "Yusubov"),
    ("Ivanov", "Ivanova"),
    ("Aliyev", "Aliyeva"),
    ("Əli", "Əliyev"),
    ("Elnur", "Elmar"),
    ("Aysel", "Aynur"),
    ("Nərgiz", "Nərmin"),
    ("Yəhya", "Ağa"),
    ("Nigar", "Nigarə"),
]


@pytest.mark.parametrize("spellings", SAME_NAME, ids=lambda spellings: spellings[0])
def test_spellings_of_one_name_meet(spellings: tuple[str, ...]) -> None:
    keys = {spelling: phonetic_key(spelling) for spelling in spellings}
    assert len(set(keys.values())) == 1, keys


@pytest.mark.parametrize(("first", "second"), DIFFERENT_NAMES)
def test_different_names_stay_apart(first: str, second: str) -> None:
    assert phonetic_key(first) != phonetic_key(second)


def test_keys_are_short_lowercase_ascii() -> None:
    for spellings in SAME_NAME:
        for spelling in spellings:
            key = phonetic_key(spelling)
            assert key.isascii() and key.isalpha() and key.islower(), spelling
            assert len(key) <= len(spelling) + 2, spelling


@pytest.mark.parametrize("text", ["", "   ", "123", "-", "'", "#5"])
def test_text_without_letters_has_an_empty_key(text: str) -> None:
    assert phonetic_key(text) == ""
    assert search_keys(text) == ()


def test_words_join_into_one_key() -> None:
    assert phonetic_key("Abdul Rahman") == phonetic_key("Abdulrahman")
    assert phonetic_key("Məmmədova-Əliyeva") == phonetic_key("Mammadova Aliyeva")


def test_foreign_letters_lose_their_accents() -> None:
    assert phonetic_key("José") == phonetic_key("Jose")
    assert phonetic_key("Łukasz") == phonetic_key("Lukasz")
    assert phonetic_key("Straße") == phonetic_key("Strasse")


def test_decomposed_letters_are_the_same_name() -> None:
    decomposed = "I\u0307smayi\u0306lov"  # I + combining dot, breve-i as some keyboards paste
    assert phonetic_key(decomposed) == phonetic_key("İsmayılov")
    assert phonetic_key("S\u0327u\u0308ku\u0308rov") == phonetic_key("Şükürov")


# --- Gender ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("feminine", "masculine"),
    [
        ("Aliyeva", "Aliyev"),
        ("Əliyeva", "Алиев"),
        ("Ivanova", "Иванов"),
        ("Məmmədova", "Mamedov"),
        ("Гусейнова", "Hüseynov"),
        ("Ivanovna", "Ivanov"),
        ("Оруджева", "Orucov"),
        ("Kovalevskaya", "Ковалевский"),
    ],
)
def test_the_masculine_form_of_a_feminine_key(feminine: str, masculine: str) -> None:
    assert phonetic_key(feminine) != phonetic_key(masculine)
    assert strip_gender_ending(phonetic_key(feminine)) == phonetic_key(masculine)


def test_a_masculine_key_is_a_prefix_of_the_feminine() -> None:
    for masculine in ("Aliyev", "Məmmədov", "Hüseynov", "Qasımov", "Ivanov"):
        assert phonetic_key(masculine + "a").startswith(phonetic_key(masculine))


@pytest.mark.parametrize("key", ["aliav", "hava", "ova", "alizada", "", "mamadli"])
def test_keys_without_a_feminine_ending_stay(key: str) -> None:
    assert strip_gender_ending(key) == key


# --- Index keys ----------------------------------------------------------------------------


def test_search_keys_of_one_word() -> None:
    assert search_keys("Məmmədov") == ("mamadov",)
    assert search_keys("Şükürov") == (phonetic_key("Şükürov"), phonetic_key("Sukurov"))


def test_names_typed_without_s_cedilla_and_c_cedilla_share_a_key() -> None:
    for written, stripped in [("Şükürov", "SUKUROV"), ("Çingiz", "Cingiz"), ("Şahin", "Sahin")]:
        assert phonetic_key(written) != phonetic_key(stripped)
        assert set(search_keys(written)) & set(search_keys(stripped)), (written, stripped)


def test_search_keys_leave_out_patronymic_particles() -> None:
    for patronymic in ("Ramiz oğlu", "RAMIZ OGLU", "Рамиз оглы", "Ramiz ogly"):
        assert search_keys(patronymic) == ("ramiz",), patronymic
    assert search_keys("Aysel qızı") == search_keys("Айсель кызы") == ("aisal",)
    assert search_keys("oğlu") == ()


def test_search_keys_of_several_words() -> None:
    keys = search_keys("Məmmədova-Əliyeva")
    assert keys == ("mamadova", "aliava", phonetic_key("Məmmədova Əliyeva"))
    assert phonetic_key("Abdulrahman") in search_keys("Abdul Rahman")
    assert search_keys("Ali  Ali") == ("ali", "aliali")


# --- Case ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling", ["ISMAYILOV", "İsmayılov", "Ismayilov", "İSMAYILOV", "ismayılov"]
)
def test_fold_makes_every_i_plain(spelling: str) -> None:
    assert fold(spelling) == "ismayilov"


def test_fold_collapses_spaces_and_keeps_other_letters() -> None:
    assert fold("  Məmmədova   ƏLİYEVA ") == "məmmədova əliyeva"
    assert fold("I\u0307lham") == "ilham"
    assert fold("Straße") == "strasse"


def test_azerbaijani_display_case() -> None:
    assert az_upper("ismayılov") == "İSMAYILOV"
    assert az_lower("İSMAYILOV") == "ismayılov"
    assert az_upper("Şükür") == "ŞÜKÜR"
    assert az_title("İSMAYILOVA-ƏLİYEVA aysel RAMİZ QIZI") == "İsmayılova-Əliyeva Aysel Ramiz qızı"
    assert az_title("ilham") == "İlham"
    assert az_title("") == ""


# --- Similarity ---------------------------------------------------------------------------


def _reference_distance(first: str, second: str) -> int:
    table = [[0] * (len(second) + 1) for _ in range(len(first) + 1)]
    for row in range(len(first) + 1):
        table[row][0] = row
    for column in range(len(second) + 1):
        table[0][column] = column
    for row in range(1, len(first) + 1):
        for column in range(1, len(second) + 1):
            cost = 0 if first[row - 1] == second[column - 1] else 1
            table[row][column] = min(
                table[row - 1][column] + 1,
                table[row][column - 1] + 1,
                table[row - 1][column - 1] + cost,
            )
            if (
                row > 1
                and column > 1
                and first[row - 1] == second[column - 2]
                and first[row - 2] == second[column - 1]
            ):
                table[row][column] = min(table[row][column], table[row - 2][column - 2] + 1)
    return table[-1][-1]


def test_similarity_is_one_minus_the_alignment_distance_per_letter() -> None:
    rng = random.Random(7)
    for _ in range(3_000):
        first = "".join(rng.choice("abc") for _ in range(rng.randint(0, 7)))
        second = "".join(rng.choice("abc") for _ in range(rng.randint(0, 7)))
        longer = max(len(first), len(second))
        expected = 1.0 if longer == 0 else 1.0 - _reference_distance(first, second) / longer
        assert similarity(first, second) == pytest.approx(expected), (first, second)


def test_similarity_ranks_closer_names_higher() -> None:
    query = phonetic_key("Məmmədov")
    assert similarity(query, query) == 1.0
    assert similarity(query, "") == 0.0
    assert similarity("aliav", "ailav") == pytest.approx(0.8)  # one swap
    closer = similarity(query, phonetic_key("Məmmədova"))
    farther = similarity(query, phonetic_key("Muradov"))
    assert 1.0 > closer > farther > 0.0
    assert similarity("husainov", "hasanov") == similarity("hasanov", "husainov")


# --- Spelling suggestions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Əliyev", "Алиев"),
        ("Hüseynov", "Гусейнов"),
        ("Məmmədov", "Мамедов"),
        ("Cəfərov", "Джафаров"),
        ("Şükürov", "Шукюров"),
        ("Xəlilov", "Халилов"),
        ("Çingiz", "Чингиз"),
        ("Yusifov", "Юсифов"),
        ("Rzayev", "Рзаев"),
        ("Nəsibov", "Насибов"),
        ("Əhmədov", "Ахмедов"),
        ("Hacıyev", "Гаджиев"),
        ("Vəliyev", "Велиев"),
        ("İbrahimov", "Ибрагимов"),
        ("Ağayev", "Агаев"),
        ("Qasımov", "Гасымов"),
        ("Bağırov", "Багиров"),
        ("Kərimov", "Керимов"),
        ("Elçin", "Эльчин"),
        ("Gülnarə", "Гюльнара"),
        ("Məryəm", "Марьям"),
        ("İsmayıl", "Исмаил"),
        ("ƏLİYEV", "АЛИЕВ"),
        ("Əliyeva Aysel Ramiz qızı", "Алиева Айсель Рамиз кызы"),
    ],
)
def test_russian_spelling_suggestion(latin: str, cyrillic: str) -> None:
    assert transliterate_az_to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Алиев", "Aliyev"),
        ("Рзаев", "Rzayev"),
        ("Юсифов", "Yusifov"),
        ("Гусейнов", "Huseynov"),
        ("Ибрагимов", "İbrahimov"),
        ("Халилов", "Xalilov"),
        ("Ахмедов", "Ahmedov"),
        ("Джафаров", "Cafarov"),
        ("Чингиз", "Çingiz"),
        ("Гюльнара", "Gülnara"),
        ("Марьям", "Maryam"),
        ("ИБРАГИМОВ", "İBRAHİMOV"),
        ("Рамиз оглы", "Ramiz oğlu"),
    ],
)
def test_azerbaijani_spelling_suggestion(cyrillic: str, latin: str) -> None:
    assert transliterate_cyrillic_to_latin_az(cyrillic) == latin


_AZERBAIJANI_NAMES = """Əliyev Məmmədov Hüseynov Həsənov Quliyev İsmayılov Abdullayev Əhmədov
Cəfərov Rəhimov Kərimov Bağırov Hacıyev Qasımov Mustafayev Babayev Musayev Orucov Nəsibov Rzayev
Vəliyev Qurbanov Süleymanov İbrahimov Ağayev Sultanov Novruzov Bayramov Zeynalov Səfərov Əsgərov
Rəsulov Şükürov Xəlilov Yusifov Əsədov Tağıyev Məhərrəmov Fətəliyev Qəhrəmanov Heydərov Eyvazov
Nağıyev Salahov Sadıqov Nəcəfov Hümbətov Talıbov Axundov Paşayev Əlizadə Məmmədli Allahverdiyev
Şıxəliyev Cəbrayılov Yəhyayev Bünyadov Əli Hüseyn Elçin Rəşad Vüqar Çingiz Fərhad Kənan Şahin
Teymur Yaşar Mikayıl İlyas Zülfüqar Aysel Aygün Gülnarə Günay Leyla Nərgiz Səbinə Sevinc Ülviyyə
Xədicə Zəhra Məryəm Yeganə Zeynəb Həvva Aişə Jalə Zöhrə Gözəl Könül Ülkər Şəbnəm"""
AZERBAIJANI_NAMES = _AZERBAIJANI_NAMES.split()


def test_suggested_spellings_meet_the_original() -> None:
    for original in AZERBAIJANI_NAMES:
        in_cyrillic = transliterate_az_to_cyrillic(original)
        assert phonetic_key(in_cyrillic) == phonetic_key(original), (original, in_cyrillic)
        back = transliterate_cyrillic_to_latin_az(in_cyrillic)
        assert phonetic_key(back) == phonetic_key(original), (original, back)


def test_suggestions_leave_other_text_alone() -> None:
    assert transliterate_az_to_cyrillic("Алиев") == "Алиев"
    assert transliterate_cyrillic_to_latin_az("McDonald Иванов") == "McDonald İvanov"
    assert transliterate_az_to_cyrillic("ИвАнов Əli") == "ИвАнов Али"
    assert transliterate_az_to_cyrillic("Əliyev-Məmmədov, 2") == "Алиев-Мамедов, 2"


# --- Search box ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mammadov 1985", ParsedQuery(names=("mammadov",), birth_year=1985)),
        (
            "Алиев 12.03.1985",
            ParsedQuery(names=("Алиев",), birth_year=1985, birth_date=date(1985, 3, 12)),
        ),
        ("1985-03-12", ParsedQuery(birth_year=1985, birth_date=date(1985, 3, 12))),
        ("12/03/1985", ParsedQuery(birth_year=1985, birth_date=date(1985, 3, 12))),
        ("1.2.1985", ParsedQuery(birth_year=1985, birth_date=date(1985, 2, 1))),
        ("AB1234567", ParsedQuery(codes=("AB1234567",))),
        ("5zx9k2l", ParsedQuery(codes=("5ZX9K2L",))),
        ("AA 1234567", ParsedQuery(codes=("AA1234567",))),
        ("AZE-12345678", ParsedQuery(codes=("AZE12345678",))),
        (
            "Əliyev Vüqar Ramiz oğlu, 1985",
            ParsedQuery(names=("Əliyev", "Vüqar", "Ramiz", "oğlu"), birth_year=1985),
        ),
        ("Məmmədova-Əliyeva", ParsedQuery(names=("Məmmədova-Əliyeva",))),
        ("31.02.1985 Aliyev", ParsedQuery(names=("Aliyev",), birth_year=1985)),
        (
            "1990 Aliyev 12.03.1985",
            ParsedQuery(names=("Aliyev",), birth_year=1985, birth_date=date(1985, 3, 12)),
        ),
        ("'Aliyev', (Vüqar)", ParsedQuery(names=("Aliyev", "Vüqar"))),
        ("1234", ParsedQuery(codes=("1234",))),
        ("", ParsedQuery()),
        ("  ,;  ", ParsedQuery()),
    ],
)
def test_tokenize_query(text: str, expected: ParsedQuery) -> None:
    assert tokenize_query(text) == expected


def test_parsed_query_is_empty_without_anything_to_search() -> None:
    assert tokenize_query(" , ").is_empty
    assert not tokenize_query("1985").is_empty
    assert not tokenize_query("Aliyev").is_empty


def test_parsed_query_is_frozen() -> None:
    query = tokenize_query("Aliyev")
    with pytest.raises(AttributeError):
        query.names = ()  # type: ignore[misc]
