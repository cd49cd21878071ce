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

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

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
    summarize,
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


def _name_candidate_ids(
    session: Session, words: Sequence[str], parsed: ParsedQuery
) -> list[uuid.UUID]:
    """Persons whose keys match every word, by scans of the most selective word's keys."""
    keys_by_word = [query_keys(word) for word in words]
    keys_by_word = [keys for keys in keys_by_word if keys]
    if not keys_by_word:
        return []
    # The longest key is the rarest: it drives the scan, the other words are checked per row.
    keys_by_word.sort(key=lambda keys: -max(len(key) for key in keys))
    driving, others = keys_by_word[0], keys_by_word[1:]
    found: dict[uuid.UUID, None] = {}
    for key in driving:
        scan = aliased(PersonSearchKeyRow)
        statement = select(scan.person_id).where(scan.kind == KEY_NAME)
        if parsed.birth_year is not None:  # a range scan of the (kind, birth_year, key) index
            statement = statement.where(scan.birth_year == parsed.birth_year)
        statement = statement.where(_in_prefix(scan.key, key))
        for other in others:
            also = aliased(PersonSearchKeyRow)
            statement = statement.where(
                exists().where(
                    also.person_id == scan.person_id,
                    also.kind == KEY_NAME,
                    or_(*(_in_prefix(also.key, other_key) for other_key in other)),
                )
            )
        if parsed.birth_date is not None:
            statement = statement.join(PersonRow, PersonRow.id == scan.person_id).where(
                PersonRow.birth_date == parsed.birth_date
            )
        statement = statement.order_by(scan.key).limit(ROWS_PER_SCAN)
        found.update(dict.fromkeys(session.execute(statement).scalars()))
    return list(found)


def _words(*names: str) -> set[str]:
    return {word for name in names for word in fold(name).replace("-", " ").split()}


def _rank_names(rows: Iterable[PersonRow], words: Sequence[str]) -> dict[uuid.UUID, _Candidate]:
    folded = set(fold(word) for word in words)
    keys_by_word = [search_keys(word) or (fold(word),) for word in words]
    # Candidates share their names heavily: each distinct set of keys is scored once.
    scores: dict[frozenset[str], float] = {}
    alike: dict[tuple[str, str], float] = {}

    def similar(key: str, person_key: str) -> float:
        found = alike.get((key, person_key))
        if found is None:
            found = alike[(key, person_key)] = similarity(key, person_key)
        return found

    ranked: dict[uuid.UUID, _Candidate] = {}
    for row in rows:
        person_keys = frozenset(name_keys(row.surname, row.given_names, row.other_spellings))
        score = scores.get(person_keys)
        if score is None:
            total = 0.0
            for keys in keys_by_word:
                total += max(
                    (similar(key, person_key) for key in keys for person_key in person_keys),
                    default=0.0,
                )
            score = scores[person_keys] = total / len(keys_by_word)
        exact = folded <= _words(row.surname, row.given_names, *row.other_spellings)
        ranked[row.id] = _Candidate(MatchKind.EXACT_NAME if exact else MatchKind.NAME, score)
    return ranked


def search_in(session: Session, query: str, limit: int = DEFAULT_LIMIT) -> list[PersonSummary]:
    parsed = parse_query(query)
    if parsed.is_empty:
        return []
    codes = list(parsed.codes)
    if len(codes) > 1:  # "C0 1234567": a number typed in groups
        codes.insert(0, "".join(codes))
    found = _code_candidates(session, codes)
    name_ids: list[uuid.UUID] = []
    if parsed.names:
        name_ids = _name_candidate_ids(session, parsed.names, parsed)
    elif not parsed.codes and parsed.birth_date is not None:
        name_ids = list(
            session.execute(
                select(PersonRow.id)
                .where(PersonRow.birth_date == parsed.birth_date, PersonRow.merged_into.is_(None))
                .order_by(PersonRow.surname)
                .limit(ROWS_PER_SCAN)
            ).scalars()
        )
    wanted = list(dict.fromkeys([*found, *name_ids]))
    if not wanted:
        return []
    rows = {
        row.id: row
        for start in range(0, len(wanted), 500)
        for row in session.execute(
            select(PersonRow).where(
                PersonRow.id.in_(wanted[start : start + 500]), PersonRow.merged_into.is_(None)
            )
        ).scalars()
    }
    if parsed.names:
        ranked = _rank_names((rows[i] for i in name_ids if i in rows), parsed.names)
        for person_id, candidate in ranked.items():
            current = found.get(person_id)
            if current is None or _RANK[candidate.match] < _RANK[current.match]:
                found[person_id] = candidate
    else:
        for person_id in name_ids:
            found.setdefault(person_id, _Candidate(MatchKind.BIRTH_DATE, 1.0))
    order = sorted(
        (person_id for person_id in found if person_id in rows),
        key=lambda person_id: (
            _RANK[found[person_id].match],
            -found[person_id].score,
            fold(rows[person_id].surname),
            fold(rows[person_id].given_names),
            person_id,
        ),
    )[:limit]
    numbers = best_document_numbers(session, order)
    return [summarize(rows[i], numbers.get(i), found[i].match, found[i].score) for i in order]


def search_persons(
    core: Core, actor: Actor, query: str, *, limit: int = DEFAULT_LIMIT
) -> list[PersonSummary]:
    """The persons the search box text finds, best first, at most `limit`."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        return search_in(session, query, limit)
