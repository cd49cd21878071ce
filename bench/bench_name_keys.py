"""How fast names are keyed: importing 1,000,000 persons keys every surname, given name and
patronymic, so a key must cost a few microseconds.

Run from the repository root: python bench/bench_name_keys.py
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.search import names
from app.search.names import (
    phonetic_key,
    search_keys,
    similarity,
    transliterate_az_to_cyrillic,
)

TARGET_KEYS_PER_SECOND = 200_000
SAMPLE_SIZE = 200_000

_SURNAMES = """Əliyev Məmmədov Hüseynov Həsənov Quliyev İsmayılov Abdullayev Əhmədov Cəfərov Rəhimov
Kərimov Bağırov Hacıyev Qasımov Mustafayev Babayev Musayev Orucov Nəsibov Rzayev Vəliyev Qurbanov
Süleymanov İbrahimov Ağayev Sultanov Novruzov Bayramov Zeynalov Səfərov Əsgərov Rəsulov Şükürov
Xəlilov Yusifov Əsədov Tağıyev Məhərrəmov Heydərov Eyvazov Nağıyev Salahov Sadıqov Nəcəfov
Hümbətov Məlikov Axundov Paşayev Əlizadə Məmmədli Abbasov Allahverdiyev Şıxəliyev Cəbrayılov
Ivanov Petrov Beridze Gelashvili Yılmaz Öztürk Mohammadi Hosseini"""
_GIVEN_NAMES = """Əli Məmməd Hüseyn Həsən Elçin Elnur Rəşad Tural Orxan Kamran Ramil Vüqar Zaur Anar
Elşən Fərid İlham Nicat Samir Tofiq Yusif Cavid Çingiz Fərhad Kənan Şahin Teymur Aysel Aygün Aynur
Gülnarə Günay Leyla Nərgiz Səbinə Sevinc Ülviyyə Fidan Xədicə Zəhra Fatimə Məryəm Nigar Lalə Könül
Şəbnəm Yeganə Zeynəb Sergey Yelena Giorgi Nino Mehmet Reza"""
SURNAMES = _SURNAMES.split()
GIVEN_NAMES = _GIVEN_NAMES.split()
ASCII_LETTERS = str.maketrans("əƏşŞçÇğĞıİöÖüÜ", "aAsScCgGiIoOuU")


def spellings(name: str) -> list[str]:
    """The ways a name reaches the desk: as written, Cyrillic, capitals, ASCII, a typo."""
    feminine = name + "a" if name.endswith(("ov", "ev")) else name
    return [
        name,
        feminine,
        transliterate_az_to_cyrillic(name),
        name.upper(),
        name.translate(ASCII_LETTERS),
        name[:-2] + name[-1] + name[-2] if len(name) > 3 else name,
    ]


def sample_names(count: int) -> list[str]:
    """Names in several spellings, each with a random syllable added, so that they are mostly
    different; without the memo every one is keyed from scratch."""
    rng = random.Random(20_26)
    pool = [spelling for name in SURNAMES + GIVEN_NAMES for spelling in spellings(name)]
    syllables = ["", "", "", "li", "zadə", "bəy", "qulu", "xan", "ağa", "nur", "can"]
    return [rng.choice(pool) + rng.choice(syllables) for _ in range(count)]


def import_stream(count: int) -> list[str]:
    """Name fields as an import meets them: a few names are very common (Zipf's law)."""
    rng = random.Random(1_000_000)
    distinct = sorted(set(sample_names(20_000)))
    rng.shuffle(distinct)
    weights = [1 / rank for rank in range(1, len(distinct) + 1)]
    return rng.choices(distinct, weights=weights, k=count)


def per_second(function: Callable[[str], object], texts: list[str]) -> float:
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for text in texts:
            function(text)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def main() -> None:
    sample = sample_names(SAMPLE_SIZE)
    # Past the memo of recent names: the cost of a name never seen before.
    keys_rate = per_second(names._key_of, sample)
    index_rate = per_second(names._search_keys_of, sample)
    verdict = "ok" if keys_rate >= TARGET_KEYS_PER_SECOND else "TOO SLOW"
    print(
        f"name keys: {keys_rate:,.0f} per second"
        f" (target: at least {TARGET_KEYS_PER_SECOND:,}) {verdict}"
    )
    print(f"search keys of one name field, new names: {index_rate:,.0f} per second")

    stream = import_stream(3 * SAMPLE_SIZE)
    names._remembered_search_keys_of.cache_clear()
    started = time.perf_counter()
    for name in stream:
        search_keys(name)
    stream_rate = len(stream) / (time.perf_counter() - started)
    print(
        f"search keys of one name field, import stream with the memo: {stream_rate:,.0f}"
        f" per second; 1,000,000 persons x 3 fields: {3_000_000 / stream_rate:,.1f} s"
    )

    keys = [phonetic_key(name) for name in sample[:5_000]]
    pairs = list(zip(keys, reversed(keys), strict=True))
    prefixed = [(key, key + "a") for key in keys]
    for label, key_pairs in (("unrelated keys", pairs), ("key and a longer key", prefixed)):
        started = time.perf_counter()
        for first, second in key_pairs:
            similarity(first, second)
        rate = len(key_pairs) / (time.perf_counter() - started)
        print(f"similarity of {label}: {rate:,.0f} per second")


if __name__ == "__main__":
    main()
