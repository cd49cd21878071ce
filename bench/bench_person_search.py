"""How fast the search box answers over a registry of 1,000,000 persons.

Generates a population (Azerbaijani, Russian and foreign names, Cyrillic other spellings,
birth dates, passports, FINs), loads it into a temporary SQLite data folder through the bulk
loader of the import command, then times a few hundred queries typed as a clerk types them:
prefixes of names, full names, "name year", "name date", document numbers and FINs.

Run from the repository root: python bench/bench_person_search.py
BENCH_PERSONS=100000 lowers the count.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bootstrap import start_core
from app.config import Config
from app.datafolder import prepare
from app.domain.persons import DocumentKind, NewDocument, PersonData, Sex
from app.domain.users import Actor
from app.search import transliterate_az_to_cyrillic
from app.services.person_import import ImportedPerson, bulk_load
from app.services.person_search import search_in

TARGET_P95_MS = 10.0
PERSONS = int(os.environ.get("BENCH_PERSONS", "1000000"))
QUERIES = 400

_AZ_SURNAMES = """Əliyev Məmmədov Hüseynov Həsənov Quliyev İsmayılov Abdullayev Əhmədov Cəfərov
Rəhimov Kərimov Bağırov Hacıyev Qasımov Mustafayev Babayev Musayev Orucov Nəsibov Rzayev Vəliyev
Qurbanov Süleymanov İbrahimov Ağayev Sultanov Novruzov Bayramov Zeynalov Səfərov Əsgərov Rəsulov
Şükürov Xəlilov Yusifov Əsədov Tağıyev Məhərrəmov Heydərov Eyvazov Nağıyev Salahov Sadıqov
Nəcəfov Hümbətov Məlikov Axundov Paşayev Abbasov Allahverdiyev Şıxəliyev Cəbrayılov Həmidov
Mehdiyev Nəbiyev Əkbərov İsgəndərov Fərzəliyev Qəhrəmanov Həbibov Sərdarov Ələkbərov"""
_AZ_MEN = """Əli Məmməd Hüseyn Həsən Elçin Elnur Rəşad Tural Orxan Kamran Ramil Vüqar Zaur Anar
Elşən Fərid İlham Nicat Samir Tofiq Yusif Cavid Çingiz Fərhad Kənan Şahin Teymur Rauf Emin
Rövşən Natiq Vüsal Ceyhun Ilkin Fuad Rüstəm"""
_AZ_WOMEN = """Aysel Aygün Aynur Gülnarə Günay Leyla Nərgiz Səbinə Sevinc Ülviyyə Fidan Xədicə
Zəhra Fatimə Məryəm Nigar Lalə Könül Şəbnəm Yeganə Zeynəb Aidə Sevda Təranə Nərmin"""
_RU_SURNAMES = """Иванов Петров Смирнов Кузнецов Попов Соколов Лебедев Козлов Новиков Морозов
Волков Соловьёв Васильев Зайцев Павлов Семёнов Голубев Виноградов Богданов Воробьёв Фёдоров
Михайлов Беляев Тарасов Белов Комаров Орлов Киселёв Макаров Андреев Ковалёв Ильин Гусев"""
_RU_MEN = "Сергей Андрей Алексей Дмитрий Михаил Иван Николай Владимир Евгений Павел Юрий"
_RU_WOMEN = "Елена Ольга Наталья Татьяна Ирина Светлана Юлия Анна Мария Екатерина Людмила"
AZ_SURNAMES = _AZ_SURNAMES.split()
AZ_MEN = _AZ_MEN.split()
AZ_WOMEN = _AZ_WOMEN.split()
RU_SURNAMES = _RU_SURNAMES.split()
RU_MEN = _RU_MEN.split()
RU_WOMEN = _RU_WOMEN.split()
FOREIGN = [
    ("Beridze", "Giorgi", "GEO"),
    ("Gelashvili", "Nino", "GEO"),
    ("Yılmaz", "Mehmet", "TUR"),
    ("Öztürk", "Ayşe", "TUR"),
    ("Mohammadi", "Reza", "IRN"),
    ("Hosseini", "Zahra", "IRN"),
    ("Smith", "John", "GBR"),
    ("Müller", "Thomas", "DEU"),
    ("Khan", "Imran", "PAK"),
    ("Wang", "Wei", "CHN"),
    ("Nazarov", "Bahodir", "UZB"),
    ("Karimova", "Dilnoza", "UZB"),
]
RU_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
        "я": "ia",
    }
)  # fmt: skip
ASCII = str.maketrans("əƏşŞçÇğĞıİöÖüÜ", "aAsScCgGiIoOuU")
FIN_LETTERS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _feminine(surname: str) -> str:
    if surname.endswith(("ov", "ev", "ёв", "ин", "ов", "ев")):
        return surname + ("a" if surname[-1].isascii() else "а")
    return surname


def _mrz_latin(name: str) -> str:
    """The passport's Latin spelling: capitals, no Azerbaijani letters (ə as A)."""
    if any("\u0400" <= char <= "\u04ff" for char in name):
        return name.lower().translate(RU_TO_LATIN).upper()
    return name.translate(ASCII).upper()


_cyrillic: dict[str, str] = {}


def _to_cyrillic(name: str) -> str:
    found = _cyrillic.get(name)
    if found is None:
        found = _cyrillic[name] = transliterate_az_to_cyrillic(name)
    return found


def population(count: int, seed: int = 1_000_000) -> list[ImportedPerson]:
    rng = random.Random(seed)
    people: list[ImportedPerson] = []
    first_day = date(1940, 1, 1).toordinal()
    days = date(2015, 12, 31).toordinal() - first_day
    fins: set[str] = set()
    for index in range(count):
        roll = rng.random()
        female = rng.random() < 0.5
        if roll < 0.7:
            surname = rng.choice(AZ_SURNAMES)
            given = rng.choice(AZ_WOMEN if female else AZ_MEN)
            if female:
                surname = _feminine(surname)
            nationality = "AZE"
            native = f"{surname} {given}"
            spellings = (native, _to_cyrillic(native))
        elif roll < 0.9:
            surname = rng.choice(RU_SURNAMES)
            given = rng.choice(RU_WOMEN if female else RU_MEN)
            if female:
                surname = _feminine(surname)
            nationality = "RUS"
            spellings = (f"{surname} {given}",)
        else:
            surname, given, nationality = rng.choice(FOREIGN)
            spellings = (f"{surname} {given}",)
        fin = None
        if nationality == "AZE" and rng.random() < 0.8:
            while fin is None or fin in fins:
                fin = "".join(rng.choice(FIN_LETTERS) for _ in range(7))
            fins.add(fin)
        data = PersonData(
            surname=_mrz_latin(surname),
            given_names=_mrz_latin(given),
            birth_date=date.fromordinal(first_day + rng.randrange(days)),
            sex=Sex.FEMALE if female else Sex.MALE,
            nationality=nationality,
            other_spellings=spellings,
            fin=fin,
        )
        document = NewDocument(
            DocumentKind.PASSPORT,
            f"{'C' if nationality == 'AZE' else 'P'}{index:08d}",
            nationality,
        )
        people.append(ImportedPerson(index + 1, data, document))
    return people


def typed_queries(people: list[ImportedPerson], count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    queries: list[str] = []
    while len(queries) < count:
        person = rng.choice(people)
        data = person.data
        spelling = rng.choice((f"{data.surname} {data.given_names}", *data.other_spellings))
        surname, _, given = spelling.partition(" ")
        kind = len(queries) % 6
        if kind == 0:  # a surname as it is typed, letter after letter
            queries.extend(surname[:length] for length in range(2, len(surname) + 1))
        elif kind == 1:
            queries.append(f"{surname} {given}")
        elif kind == 2:
            assert data.birth_date is not None
            queries.append(f"{surname} {data.birth_date.year}")
        elif kind == 3:
            assert data.birth_date is not None
            queries.append(f"{surname} {given[:3]} {data.birth_date:%d.%m.%Y}")
        elif kind == 4 and person.document is not None:
            queries.append(person.document.number)
        elif data.fin:
            queries.append(data.fin.lower())
    return queries[:count]


def main() -> None:
    clock_start = time.perf_counter()
    people = population(PERSONS)
    generated = time.perf_counter() - clock_start
    print(f"generated {len(people):,} persons in {generated:.1f} s")
    with tempfile.TemporaryDirectory(prefix="bench-persons-") as folder:
        config = Config(data_dir=Path(folder) / "data")
        prepare(config, log_name="bench")
        started = start_core(config)
        core = started.core
        report = bulk_load(core, Actor.system("bench"), people, source="bench").value
        print(
            f"person import: {report.persons / report.seconds:,.0f} persons a second "
            f"({report.persons:,} persons, {report.batches:,} batches, {report.seconds:.1f} s)"
        )
        with core.database.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
        queries = typed_queries(people, QUERIES)
        timings: list[float] = []
        found = 0
        with core.database.reading() as session:
            for query in queries[:20]:  # warm the page cache and the key memo
                search_in(session, query)
            for query in queries:
                began = time.perf_counter()
                results = search_in(session, query)
                timings.append((time.perf_counter() - began) * 1000)
                found += bool(results)
        core.database.dispose()
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    verdict = "ok" if p95 <= TARGET_P95_MS else "TOO SLOW"
    print(
        f"person search: p95 {p95:.1f} ms, median {statistics.median(timings):.1f} ms, "
        f"max {timings[-1]:.1f} ms over {PERSONS:,} persons and {len(timings)} queries "
        f"({found} found something) (target: at most {TARGET_P95_MS:.0f} ms) {verdict}"
    )
    print(f"total {time.perf_counter() - clock_start:.0f} s")


if __name__ == "__main__":
    main()
