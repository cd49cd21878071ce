"""The search box of the person registry: names in any script, a birth date or year, codes.

"Aliyev", "Əliyev", "Aliev" and "Алиев" find the same person: each name word of the query is
reduced to its phonetic keys (`app.search`), and each key is looked up as a prefix of the
indexed keys by a range scan of the primary key of `person_search_keys`
(``key >= k AND key < successor(k)``). Every scan is bounded (`ROWS_PER_SCAN`), so a query
ranks a few hundred candidates at most, however many persons share a common surname.

Ranking, best first: the same document number or FIN; then names equal to the query up to
case and the forms of i; then by the similarity of the name keys. A birth date or year in the
query ("mammadov 1985", "Алиев 12.03.1985") filters inside the scan, not after it.
"""

from __future__ import annotations

import functools
import itertools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    SQLColumnExpression,
    Text,
    and_,
    cast,
    exists,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import NamedFromClause

from app.db.models import PersonRow, PersonSearchKeyRow
from app.domain.persons import MatchKind, PersonSummary
from app.domain.users import Actor, Permission
from app.search import ParsedQuery, fold, search_keys, similarity, strip_gender_ending
from app.search import tokenize_query as parse_query
from app.services.core import Core
from app.services.persons import (
    KEY_DOCUMENT,
    KEY_FIN,
    KEY_NAME,
    best_document_numbers,
    name_keys,
)

ROWS_PER_SCAN = 200
SHORTEST_CODE_PREFIX = 3
DEFAULT_LIMIT = 20

# Name keys are lowercase ASCII letters, codes digits and capitals; digits sort before capitals
# in every collation the databases use, so within each alphabet the successor of a key's last
# character bounds the range of keys that start with it.
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_CODE = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SUCCESSOR = {
    **{char: _LOWER[index + 1] for index, char in enumerate(_LOWER[:-1])},
    **{char: _CODE[index + 1] for index, char in enumerate(_CODE[:-1])},
}

# The rank of a match kind: lower is better.
_RANK = {
    MatchKind.DOCUMENT: 0,
    MatchKind.FIN: 0,
    MatchKind.EXACT_NAME: 1,
    MatchKind.NAME: 2,
    MatchKind.BIRTH_DATE: 3,
}


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest key above every key that starts with `prefix`; None when there is none
    ("aliz" -> "alj", "AB9" -> "ABA", "zz" -> None)."""
    chars = list(prefix)
    while chars:
        last = chars.pop()
        if last in _SUCCESSOR:
            return "".join(chars) + _SUCCESSOR[last]
    return None


def _in_prefix(column: SQLColumnExpression[str], prefix: str) -> ColumnElement[bool]:
    upper = prefix_upper_bound(prefix)
    if upper is None:
        return column >= prefix
    return and_(column >= prefix, column < upper)


def query_keys(word: str) -> list[str]:
    """The keys one query word is looked up by: its search keys and their masculine forms,
    without a key that another covers as its prefix."""
    keys: set[str] = set()
    for key in search_keys(word):
        keys.add(key)
        keys.add(strip_gender_ending(key))
    ordered = sorted(keys)
    return [key for key in ordered if not any(k != key and key.startswith(k) for k in ordered)]


@dataclass(slots=True)
class _Candidate:
    match: MatchKind
    score: float


def _code_candidates(session: Session, codes: Sequence[str]) -> dict[uuid.UUID, _Candidate]:
    found: dict[uuid.UUID, _Candidate] = {}
    kinds = (KEY_DOCUMENT, KEY_FIN)
    for code in codes:
        exact = session.execute(
            select(PersonSearchKeyRow.person_id, PersonSearchKeyRow.kind).where(
                PersonSearchKeyRow.kind.in_(kinds), PersonSearchKeyRow.key == code
            )
        )
        for person_id, kind in exact:
            match = MatchKind.DOCUMENT if kind == KEY_DOCUMENT else MatchKind.FIN
            found.setdefault(person_id, _Candidate(match, 1.0))
        if len(code) < SHORTEST_CODE_PREFIX:
            continue
        for kind in kinds:  # typed as you go: a number not yet complete
            rows = session.execute(
                select(PersonSearchKeyRow.person_id, PersonSearchKeyRow.key)
                .where(PersonSearchKeyRow.kind == kind, _in_prefix(PersonSearchKeyRow.key, code))
                .order_by(PersonSearchKeyRow.key)
                .limit(ROWS_PER_SCAN)
            )
            for person_id, key in rows:
                if person_id not in found:
                    # Below every exact match, above the names: the clerk typed a code.
                    found[person_id] = _Candidate(MatchKind.NAME, len(code) / len(key))
    return found


@dataclass(slots=True)
class _Person:
    id: uuid.UUID
    surname: str
    given_names: str
    spellings: str  # the JSON text of the other spellings
    birth_date: date | None
    nationality: str


# Statements are built from the tables, not the mapped classes: a search builds a few
# statements for every letter typed, and ORM aliases cost about a millisecond each to build.
_KEYS = PersonSearchKeyRow.__table__
_PERSONS = PersonRow.__table__
_SCAN = _KEYS.alias("scan")

# The columns a result line needs; other spellings are read as JSON text and parsed once for
# each distinct value, as names repeat heavily among the candidates.
_COLUMNS = (
    _PERSONS.c.id,
    _PERSONS.c.surname,
    _PERSONS.c.given_names,
    cast(_PERSONS.c.other_spellings, Text),
    _PERSONS.c.birth_date,
    _PERSONS.c.nationality,
)


@functools.cache
def _other_keys(position: int) -> NamedFromClause:
    return _KEYS.alias(f"other{position}")


def _with_name(position: int, keys: Sequence[str]) -> ColumnElement[bool]:
    other = _other_keys(position)
    return and_(other.c.kind == KEY_NAME, or_(*(_in_prefix(other.c.key, key) for key in keys)))


def _members(
    position: int, keys: Sequence[str], year: int | None
) -> CompoundSelect[Any] | Select[Any]:
    """The persons with a name key that starts with one of `keys`: one range scan per key
    (an OR of ranges would make the database read every name key of the year)."""
    other = _other_keys(position)
    scans = []
    for key in keys:
        scan = select(other.c.person_id).where(other.c.kind == KEY_NAME)
        if year is not None:
            scan = scan.where(other.c.birth_year == year)
        scans.append(scan.where(_in_prefix(other.c.key, key)))
    return scans[0] if len(scans) == 1 else union_all(*scans)


def _name_scan(
    key: str, others: Sequence[list[str]], parsed: ParsedQuery, *, walk: bool = False
) -> Select[Any]:
    """The persons with a name key that starts with `key` and keys for each of `others`, with
    the columns of their result lines.

    A scan of a rare key (a whole name) checks each row for the other words. A `walk` through
    a common one (every Qahramanov, looking for a Tofiq among them) instead collects the
    persons of each other word once and checks membership: tens of thousands of index seeks
    become two range scans.
    """
    statement = (
        select(*_COLUMNS)
        .select_from(_SCAN.join(_PERSONS, _PERSONS.c.id == _SCAN.c.person_id))
        .where(_SCAN.c.kind == KEY_NAME, _PERSONS.c.merged_into.is_(None))
    )
    if parsed.birth_year is not None:  # a range scan of the (kind, birth_year, key) index
        statement = statement.where(_SCAN.c.birth_year == parsed.birth_year)
    statement = statement.where(_in_prefix(_SCAN.c.key, key))
    for position, other in enumerate(others):
        other_keys = _other_keys(position)
        if walk:
            members = _members(position, other, parsed.birth_year)
            statement = statement.where(_SCAN.c.person_id.in_(members))
        else:
            statement = statement.where(
                exists().where(
                    other_keys.c.person_id == _SCAN.c.person_id,
                    _with_name(position, other),
                )
            )
    if parsed.birth_date is not None:
        statement = statement.where(_PERSONS.c.birth_date == parsed.birth_date)
    return statement.order_by(_SCAN.c.key).limit(ROWS_PER_SCAN)


MOST_COMBINED_WORDS = 3


def _combined_keys(words: Sequence[str]) -> list[str]:
    """The keys of the words typed together, in the order typed and reversed: a full name has
    a key of all its words together ("ahundovsahin"), far rarer than a key of one word."""
    if not 1 < len(words) <= MOST_COMBINED_WORDS:
        return []
    keys: set[str] = set()
    for ordered in (words, words[::-1]):
        per_word = [search_keys(word) for word in ordered]
        keys.update("".join(parts) for parts in itertools.product(*per_word))
    keys.discard("")
    return sorted(keys)


@dataclass(slots=True)
class _NameCandidates:
    persons: dict[uuid.UUID, _Person]
    whole: set[uuid.UUID]  # found by the key of the whole name, as typed


def _name_candidates(
    session: Session, words: Sequence[str], parsed: ParsedQuery, limit: int
) -> _NameCandidates:
    """Persons whose keys match every word, by scans of the most selective word's keys."""
    found = _NameCandidates({}, set())
    keys_by_word = [query_keys(word) for word in words]
    keys_by_word = [keys for keys in keys_by_word if keys]
    if not keys_by_word:
        return found

    def scan(statement: Select[Any]) -> list[uuid.UUID]:
        ids = []
        for row in session.execute(statement):
            found.persons.setdefault(row[0], _Person(*row))
            ids.append(row[0])
        return ids

    # Several words: the key of the whole name first ("Qahramanov Tofiq" typed, a person
    # "QAHRAMANOV TOFIQ ELDAR"). Those persons rank before ones with the words apart, so when
    # they fill the page, a walk through every Qahramanov looking for a Tofiq further on could
    # only add candidates that rank below them.
    for key in _combined_keys(words):
        found.whole.update(scan(_name_scan(key, keys_by_word, parsed)))
    if len(found.whole) >= limit:
        return found
    # The longest key is the rarest: it drives the scan.
    keys_by_word.sort(key=lambda keys: -max(len(key) for key in keys))
    driving, others = keys_by_word[0], keys_by_word[1:]
    for key in driving:
        scan(_name_scan(key, others, parsed, walk=bool(others)))
    return found


def _words(*names: str) -> set[str]:
    return {word for name in names for word in fold(name).replace("-", " ").split()}


class _NameRanker:
    """Scores candidates by their names; each distinct set of names is scored once."""

    def __init__(self, words: Sequence[str]) -> None:
        self._folded = set(fold(word) for word in words)
        self._keys_by_word = [search_keys(word) or (fold(word),) for word in words]
        self._scores: dict[frozenset[str], float] = {}
        self._alike: dict[tuple[str, str], float] = {}
        self._names: dict[tuple[str, str, str], _Candidate] = {}

    def _similar(self, key: str, person_key: str) -> float:
        found = self._alike.get((key, person_key))
        if found is None:
            found = self._alike[(key, person_key)] = similarity(key, person_key)
        return found

    def rank(self, person: _Person) -> _Candidate:
        names = (person.surname, person.given_names, person.spellings)
        found = self._names.get(names)
        if found is None:
            spellings: list[str] = json.loads(person.spellings) if person.spellings else []
            person_keys = frozenset(name_keys(person.surname, person.given_names, spellings))
            score = self._scores.get(person_keys)
            if score is None:
                total = 0.0
                for keys in self._keys_by_word:
                    total += max(
                        (
                            self._similar(key, person_key)
                            for key in keys
                            for person_key in person_keys
                        ),
                        default=0.0,
                    )
                score = self._scores[person_keys] = total / len(self._keys_by_word)
            exact = self._folded <= _words(person.surname, person.given_names, *spellings)
            found = _Candidate(MatchKind.EXACT_NAME if exact else MatchKind.NAME, score)
            self._names[names] = found
        return found


def _best(
    found: dict[uuid.UUID, _Candidate],
    rows: dict[uuid.UUID, _Person],
    whole: set[uuid.UUID],
    limit: int,
) -> list[uuid.UUID]:
    """The best `limit` persons: by match, the whole name as typed before its words apart,
    score, then name. Names are folded only for the candidates that can still make the list,
    a page out of the hundreds a letter finds."""

    def merit(person_id: uuid.UUID) -> tuple[int, bool, float]:
        return _RANK[found[person_id].match], person_id not in whole, -found[person_id].score

    shown = sorted((person_id for person_id in found if person_id in rows), key=merit)
    if len(shown) > limit:
        last = merit(shown[limit - 1])
        shown = [person_id for person_id in shown if merit(person_id) <= last]
    folded: dict[str, str] = {}

    def folded_name(name: str) -> str:
        value = folded.get(name)
        if value is None:
            value = folded[name] = fold(name)
        return value

    return sorted(
        shown,
        key=lambda person_id: (
            *merit(person_id),
            folded_name(rows[person_id].surname),
            folded_name(rows[person_id].given_names),
            person_id,
        ),
    )[:limit]


def _loaded(session: Session, statement: Select[Any]) -> dict[uuid.UUID, _Person]:
    return {row[0]: _Person(*row) for row in session.execute(statement)}


def search_in(session: Session, query: str, limit: int = DEFAULT_LIMIT) -> list[PersonSummary]:
    parsed = parse_query(query)
    if parsed.is_empty:
        return []
    codes = list(parsed.codes)
    if len(codes) > 1:  # "C0 1234567": a number typed in groups
        codes.insert(0, "".join(codes))
    found = _code_candidates(session, codes)
    rows: dict[uuid.UUID, _Person] = {}
    whole: set[uuid.UUID] = set()
    if parsed.names:
        named = _name_candidates(session, parsed.names, parsed, limit)
        rows, whole = named.persons, named.whole
    elif not parsed.codes and parsed.birth_date is not None:
        rows = _loaded(
            session,
            select(*_COLUMNS)
            .where(_PERSONS.c.birth_date == parsed.birth_date, _PERSONS.c.merged_into.is_(None))
            .order_by(_PERSONS.c.surname)
            .limit(ROWS_PER_SCAN),
        )
    name_ids = list(rows)
    missing = [person_id for person_id in found if person_id not in rows]
    for start in range(0, len(missing), 500):
        rows.update(
            _loaded(
                session,
                select(*_COLUMNS).where(
                    _PERSONS.c.id.in_(missing[start : start + 500]),
                    _PERSONS.c.merged_into.is_(None),
                ),
            )
        )
    if not rows:
        return []
    if parsed.names:
        ranker = _NameRanker(parsed.names)
        for person_id in name_ids:
            candidate = ranker.rank(rows[person_id])
            current = found.get(person_id)
            if current is None or _RANK[candidate.match] < _RANK[current.match]:
                found[person_id] = candidate
    else:
        for person_id in name_ids:
            found.setdefault(person_id, _Candidate(MatchKind.BIRTH_DATE, 1.0))
    order = _best(found, rows, whole, limit)
    numbers = best_document_numbers(session, order)
    return [
        PersonSummary(
            id=person_id,
            surname=rows[person_id].surname,
            given_names=rows[person_id].given_names,
            birth_date=rows[person_id].birth_date,
            nationality=rows[person_id].nationality,
            document_number=numbers.get(person_id),
            match=found[person_id].match,
            score=round(found[person_id].score, 4),
        )
        for person_id in order
    ]


def search_persons(
    core: Core, actor: Actor, query: str, *, limit: int = DEFAULT_LIMIT
) -> list[PersonSummary]:
    """The persons the search box text finds, best first, at most `limit`."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        return search_in(session, query, limit)
