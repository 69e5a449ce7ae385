"""Criteria: how one attribute of a mentee is compared with one attribute of a mentor.

A programme configures its matching with a list of :class:`ScoringCriterion` objects. Each names a
*kind* of comparison; the kind turns a (mentee value, mentor value) pair into a raw score in
[0, 1] and explains that score with a stable reason code plus plain-data parameters, which
the user interface translates.

Every kind has two implementations that must agree exactly:

* a pairwise ``score(mentee_value, mentor_value, criterion) -> float``, used to explain a
  proposed pair, to check pinned pairs and by the brute-force reference solver;
* a vectorised *block scorer*, prepared once per run, that scores a block of mentees against
  all mentors at once with numpy. The built-in kinds encode sets as 64-bit bitmasks and
  scalar values as integer codes. A kind registered without a block preparer gets a generic
  one that calls the pairwise function once per pair of *distinct* values — cheap for
  categorical attributes, slow for attributes whose values are nearly all distinct.

Built-in kinds (``ScoringCriterion.options`` in brackets):

``overlap``    sets (topics, competencies, languages, weekday × daytime slots).
               ``{"measure": "coverage"}`` (default): share of the mentee's wishes the mentor
               covers; ``{"measure": "jaccard"}``: shared / all named values.
``equal``      same value (format, region). Collections are compared as sets.
``different``  both values known and different (organisation, for cross-mentoring).
``preference`` the mentee names acceptable values for a mentor attribute (one value or a
               collection); satisfied when the mentor's value is among them. No preference
               counts as satisfied (1.0), so it never penalises anyone.

A missing value (``None``, ``""`` or an empty collection) scores 0 with reason ``no_data``,
except for a missing preference, which scores 1 with reason ``no_preference``.

Sites add kinds with :func:`register_criterion_kind` (in a Django project: in their
``AppConfig.ready()``, or through the Wagtail hook ``register_tandem_matching_criteria``, see
:mod:`mentoring.matching.site_kinds` and docs/mentoring.md). A kind can carry a ``label`` for the
programme managers' choice and ``reasons``, the texts for its explainer's reason codes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

__all__ = [
    "CRITERION_KINDS",
    "BlockPreparer",
    "BlockScorer",
    "CodedScorer",
    "ScoringCriterion",
    "CriterionKind",
    "Explanation",
    "PairExplainer",
    "PairScorer",
    "Rule",
    "as_set",
    "get_criterion_kind",
    "register_criterion_kind",
    "unregister_criterion_kind",
]

Rule = Literal["must_match", "must_differ"]
RULES: tuple[str, ...] = ("must_match", "must_differ")
MAX_WEIGHT = 10.0
OVERLAP_MEASURES = ("coverage", "jaccard")

Explanation = tuple[str, dict[str, object]]
PairScorer = Callable[[object, object, "ScoringCriterion"], float]
PairExplainer = Callable[[object, object, "ScoringCriterion", float], Explanation]
BlockScorer = Callable[[np.ndarray], np.ndarray]
"""Takes mentee row indices, returns a (len(rows), n_mentors) float64 array of raw scores."""
BlockPreparer = Callable[[Sequence[object], Sequence[object], "ScoringCriterion"], BlockScorer]
"""Takes all mentee values and all mentor values (sorted by id) and returns a block scorer."""


class CodedScorer:
    """A block scorer that writes into a given array, and numbers the values it reads.

    ``into(rows, out)`` writes the raw scores of ``rows`` against all mentors into the float64
    array ``out`` and returns it: the engine reuses one array for every block, as a fresh
    ~10 MB array per block and criterion costs more in page faults than the arithmetic.

    Two pairs whose (mentee code, mentor code) are equal score and explain exactly alike:
    a code stands for the value as the kind reads it (``as_set`` or ``_scalar``), told apart
    by type as well as by equality. The explainer of a proposal looks its lines up by these
    codes instead of by the values. A side's codes are ``None`` where the values cannot be
    numbered that strictly (values other than strings); the explainer then keys by value."""

    __slots__ = ("into", "mentee_codes", "mentor_codes", "n_mentors")

    def __init__(
        self,
        into: Callable[[np.ndarray, np.ndarray], np.ndarray],
        n_mentors: int,
        mentee_codes: list[int] | None,
        mentor_codes: list[int] | None,
    ) -> None:
        self.into = into
        self.n_mentors = n_mentors
        self.mentee_codes = mentee_codes
        self.mentor_codes = mentor_codes

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        return self.into(rows, np.empty((len(rows), self.n_mentors)))


@dataclass(frozen=True)
class ScoringCriterion:
    """How the engine scores one attribute pair: the plain-data form of a programme's matching
    question (the Django model :class:`mentoring.models.Criterion`, which also holds the
    question texts and choices; ``mentoring.services.engine_criteria`` converts one to the other).

    ``weight`` (0–10) makes it a soft criterion contributing ``weight × raw score``.
    ``rule`` makes it a hard rule: ``"must_match"`` keeps only pairs with a raw score > 0,
    ``"must_differ"`` only pairs with a raw score of 0. Weight and rule combine freely, e.g.
    "languages must overlap, and more shared languages are better".
    """

    key: str
    kind: str
    weight: float = 1.0
    rule: Rule | None = None
    mentee_key: str | None = None
    mentor_key: str | None = None
    options: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        weight = float(self.weight)
        if not math.isfinite(weight) or not 0 <= weight <= MAX_WEIGHT:
            raise ValueError(f"criterion {self.key!r}: weight must be between 0 and {MAX_WEIGHT:g}")
        if self.rule is not None and self.rule not in RULES:
            raise ValueError(f"criterion {self.key!r}: rule must be one of {RULES} or None")
        object.__setattr__(self, "weight", weight)

    @property
    def mentee_attribute(self) -> str:
        """The mentee attribute this criterion reads."""
        return self.mentee_key or self.key

    @property
    def mentor_attribute(self) -> str:
        """The mentor attribute this criterion reads."""
        return self.mentor_key or self.key

    def allows(self, raw: float) -> bool:
        """Whether a pair with this raw score passes the criterion's hard rule."""
        if self.rule == "must_match":
            return raw > 0
        if self.rule == "must_differ":
            return raw == 0
        return True

    def allows_block(self, raw: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Vectorised :meth:`allows`, into the boolean array ``out`` when given."""
        if self.rule == "must_match":
            return np.greater(raw, 0, out=out)
        if self.rule == "must_differ":
            return np.equal(raw, 0, out=out)
        if out is None:
            return np.ones(raw.shape, dtype=bool)
        out.fill(True)
        return out


@dataclass(frozen=True)
class CriterionKind:
    """A named comparison: pairwise scorer, explainer and optional vectorised preparer.

    ``label`` names the kind for people choosing it (any object with a useful ``str()``, e.g. a
    lazily translated string); ``reasons`` maps the explainer's reason codes to texts that may
    use the reason's parameters as ``%(name)s`` placeholders."""

    name: str
    score: PairScorer
    explain: PairExplainer
    prepare: BlockPreparer | None = None
    label: object = None
    reasons: Mapping[str, object] = field(default_factory=dict)

    def checked_score(
        self, mentee_value: object, mentor_value: object, criterion: ScoringCriterion
    ) -> float:
        """The pairwise score, validated to be a finite number in [0, 1]."""
        raw = float(self.score(mentee_value, mentor_value, criterion))
        if not 0.0 <= raw <= 1.0:  # also rejects NaN
            raise ValueError(f"criterion kind {self.name!r} returned {raw!r}, expected 0..1")
        return raw

    def block_scorer(
        self,
        mentee_values: Sequence[object],
        mentor_values: Sequence[object],
        criterion: ScoringCriterion,
    ) -> BlockScorer:
        """Prepare vectorised scoring of mentee blocks against all mentors."""
        if self.prepare is not None:
            return self.prepare(mentee_values, mentor_values, criterion)
        return _distinct_value_block_scorer(self, mentee_values, mentor_values, criterion)


CRITERION_KINDS: dict[str, CriterionKind] = {}
"""The registry: kind name -> :class:`CriterionKind`."""


def register_criterion_kind(
    name: str,
    score: PairScorer,
    *,
    explain: PairExplainer | None = None,
    prepare: BlockPreparer | None = None,
    label: object = None,
    reasons: Mapping[str, object] | None = None,
    replace: bool = False,
) -> CriterionKind:
    """Add a criterion kind to the registry and return it.

    ``name`` is what a programme stores (at most 20 characters in the Django models).
    ``score(mentee_value, mentor_value, criterion)`` must be a pure function returning a
    float in [0, 1]. ``explain(mentee_value, mentor_value, criterion, raw)`` returns
    ``(reason_code, params)``; by default ``criterion_met`` / ``criterion_partly_met`` /
    ``criterion_not_met``. ``prepare`` is an optional vectorised :data:`BlockPreparer`.
    ``label`` and ``reasons`` are for people: see :class:`CriterionKind`.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"criterion kind name must be a non-empty string, not {name!r}")
    if not callable(score):
        raise TypeError(f"criterion kind {name!r}: score must be callable")
    if name in CRITERION_KINDS and not replace:
        raise ValueError(f"criterion kind {name!r} is already registered")
    kind = CriterionKind(
        name=name,
        score=score,
        explain=explain or _generic_explain,
        prepare=prepare,
        label=label,
        reasons=dict(reasons or {}),
    )
    CRITERION_KINDS[name] = kind
    return kind


def unregister_criterion_kind(name: str) -> None:
    """Remove a kind from the registry (for tests and plugins that unload)."""
    CRITERION_KINDS.pop(name, None)


def get_criterion_kind(name: str) -> CriterionKind:
    """Look a kind up, with a helpful error for unknown names."""
    try:
        return CRITERION_KINDS[name]
    except KeyError:
        raise ValueError(
            f"unknown criterion kind {name!r}; known: {sorted(CRITERION_KINDS)}"
        ) from None


# --- value normalisation ---------------------------------------------------------------------


def as_set(value: object) -> frozenset:
    """Read an attribute as a set: ``None``/``""`` -> empty, a string -> one element."""
    if value is None or value == "":
        return _EMPTY
    kind = type(value)
    if kind is str:  # the common cases first: the abstract Iterable check is slow
        return frozenset((value,))
    if kind not in _COLLECTIONS and (
        isinstance(value, str | bytes) or not isinstance(value, Iterable)
    ):
        return frozenset((value,))
    members = frozenset(value)  # type: ignore[call-overload]  # an iterable, checked above
    if None in members or "" in members:
        members = members - _MISSING
    return members


_EMPTY: frozenset = frozenset()
_MISSING = frozenset((None, ""))
_COLLECTIONS = frozenset((list, tuple, set, frozenset))


def _scalar(value: object) -> Hashable | None:
    """Read an attribute as one comparable value; collections become sets, missing -> None."""
    if value is None or value == "":
        return None
    kind = type(value)
    if kind is str or kind is int:
        return value
    if kind not in _COLLECTIONS and (
        isinstance(value, str | bytes) or not isinstance(value, Iterable)
    ):
        return value
    members = as_set(value)
    return members or None


def _display_key(value: object) -> tuple[str, str]:
    return type(value).__name__, str(value)


def _plain(value: object) -> object:
    """Plain data for reason parameters: sets become sorted lists."""
    if isinstance(value, frozenset | set):
        if set(map(type, value)) <= _STRINGS_ONLY:  # the common case: same order, faster
            return sorted(value)
        return sorted(value, key=_display_key)
    return value


_STRINGS_ONLY = frozenset((str,))


def _freeze(value: object) -> Hashable:
    """A hashable stand-in preserving equality, for grouping distinct values."""
    if isinstance(value, list | tuple):
        return type(value).__name__, tuple(_freeze(item) for item in value)
    if isinstance(value, set | frozenset):
        return "set", frozenset(_freeze(item) for item in value)
    if isinstance(value, Mapping):
        return "map", tuple(
            sorted(((str(k), _freeze(v)) for k, v in value.items()), key=lambda kv: kv[0])
        )
    return value


# --- vectorised helpers ----------------------------------------------------------------------


class _SetEncoding:
    """Mentee and mentor sets as bitmasks over a shared vocabulary.

    Stored as 8-bit words, one contiguous array per word: numpy's AND and popcount on
    contiguous uint8 arrays are several times faster than on strided 64-bit words."""

    def __init__(self, mentee_sets: Sequence[frozenset], mentor_sets: Sequence[frozenset]) -> None:
        vocabulary = sorted(set().union(*mentee_sets, *mentor_sets), key=_display_key)
        index = {value: position for position, value in enumerate(vocabulary)}
        self.words = max(1, math.ceil(len(vocabulary) / 8))
        self.count_type = np.uint8 if len(vocabulary) <= 255 else np.int32
        self.mentee_bits = self._bitmasks(mentee_sets, index)
        self.mentor_bits = self._bitmasks(mentor_sets, index)
        self.mentee_sizes = np.array([len(members) for members in mentee_sets], dtype=np.int32)
        self.mentor_sizes = np.array([len(members) for members in mentor_sets], dtype=np.int32)
        # strings are equal only to strings: equal sets are then read alike (CodedScorer)
        exact = all(type(value) is str for value in vocabulary)
        self.mentee_codes = _set_codes(mentee_sets) if exact else None
        self.mentor_codes = _set_codes(mentor_sets) if exact else None

    def _bitmasks(self, sets: Sequence[frozenset], index: Mapping[object, int]) -> np.ndarray:
        masks = []
        for members in sets:
            mask = 0
            for value in members:
                mask |= 1 << index[value]
            masks.append(mask.to_bytes(self.words, "little"))
        packed = np.frombuffer(b"".join(masks), dtype=np.uint8).reshape(len(sets), self.words)
        return np.ascontiguousarray(packed.T)  # (words, people)

    def shared(self, rows: np.ndarray) -> np.ndarray:
        """Sizes of the intersections, shape (len(rows), n_mentors)."""
        counts = np.zeros((len(rows), self.mentor_bits.shape[1]), dtype=self.count_type)
        for word in range(self.words):
            mentor_word = self.mentor_bits[word]
            if not mentor_word.any():
                continue
            counts += np.bitwise_count(self.mentee_bits[word, rows][:, None] & mentor_word[None, :])
        return counts


def _set_codes(sets: Sequence[frozenset]) -> list[int]:
    codes: dict[frozenset, int] = {}
    return [codes.setdefault(members, len(codes)) for members in sets]


class _ScalarEncoding:
    """Integer codes shared by both sides, -1 for missing values (``codes``), and whether
    equal codes mean values of the same type (``exact``: strings or sets of strings)."""

    def __init__(self, mentee_values: Sequence[object], mentor_values: Sequence[object]) -> None:
        self.codes: dict[Hashable, int] = {}
        self.mentee = self._encode(mentee_values)
        self.mentor = self._encode(mentor_values)
        self.exact = all(
            type(value) is str
            or (type(value) is frozenset and all(type(item) is str for item in value))
            for value in self.codes
        )

    def _encode(self, values: Sequence[object]) -> np.ndarray:
        codes = self.codes
        result = np.full(len(values), -1, dtype=np.int64)
        for position, value in enumerate(values):
            scalar = _scalar(value)
            if scalar is not None:
                result[position] = codes.setdefault(scalar, len(codes))
        return result

    def side_codes(self, side: np.ndarray) -> list[int] | None:
        return side.tolist() if self.exact else None

    def scorer(self, into: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> CodedScorer:
        """``into`` with both sides' codes, for a kind that reads both values as scalars."""
        return CodedScorer(
            into, len(self.mentor), self.side_codes(self.mentee), self.side_codes(self.mentor)
        )


def _distinct_value_block_scorer(
    kind: CriterionKind,
    mentee_values: Sequence[object],
    mentor_values: Sequence[object],
    criterion: ScoringCriterion,
) -> BlockScorer:
    """Generic vectorisation: score each pair of distinct values once, then look up."""
    mentee_codes, mentee_distinct = _factorise(mentee_values)
    mentor_codes, mentor_distinct = _factorise(mentor_values)
    grid = np.zeros((len(mentee_distinct), len(mentor_distinct)))
    for row, mentee_value in enumerate(mentee_distinct):
        for column, mentor_value in enumerate(mentor_distinct):
            grid[row, column] = kind.checked_score(mentee_value, mentor_value, criterion)

    def block(rows: np.ndarray) -> np.ndarray:
        return grid[mentee_codes[rows]][:, mentor_codes]

    return block


def _factorise(values: Sequence[object]) -> tuple[np.ndarray, list[object]]:
    codes: dict[Hashable, int] = {}
    distinct: list[object] = []
    result = np.empty(len(values), dtype=np.int64)
    for position, value in enumerate(values):
        frozen = _freeze(value)
        if frozen not in codes:
            codes[frozen] = len(distinct)
            distinct.append(value)
        result[position] = codes[frozen]
    return result, distinct


# --- built-in kinds --------------------------------------------------------------------------


def _generic_explain(
    mentee_value: object, mentor_value: object, criterion: ScoringCriterion, raw: float
) -> Explanation:
    if raw >= 1.0:
        return "criterion_met", {}
    if raw > 0.0:
        return "criterion_partly_met", {"share": raw}
    return "criterion_not_met", {}


def _overlap_measure(criterion: ScoringCriterion) -> str:
    measure = str(criterion.options.get("measure", "coverage"))
    if measure not in OVERLAP_MEASURES:
        raise ValueError(f"criterion {criterion.key!r}: measure must be one of {OVERLAP_MEASURES}")
    return measure


def overlap_score(mentee_value: object, mentor_value: object, criterion: ScoringCriterion) -> float:
    """Coverage of the mentee's wishes (default) or Jaccard similarity of the two sets."""
    wanted, offered = as_set(mentee_value), as_set(mentor_value)
    shared = len(wanted & offered)
    if _overlap_measure(criterion) == "jaccard":
        union = len(wanted | offered)
        return shared / union if union else 0.0
    return shared / len(wanted) if wanted else 0.0


def _explain_overlap(
    mentee_value: object, mentor_value: object, criterion: ScoringCriterion, raw: float
) -> Explanation:
    wanted, offered = as_set(mentee_value), as_set(mentor_value)
    if not wanted:
        return "no_data", {"side": "mentee"}
    if not offered:
        return "no_data", {"side": "mentor"}
    shared = wanted & offered
    if not shared:
        return "no_overlap", {"wanted": _plain(wanted), "offered": _plain(offered)}
    return "overlap", {"shared": _plain(shared), "not_covered": _plain(wanted - offered)}


def _prepare_overlap(
    mentee_values: Sequence[object], mentor_values: Sequence[object], criterion: ScoringCriterion
) -> BlockScorer:
    jaccard = _overlap_measure(criterion) == "jaccard"
    encoding = _SetEncoding([as_set(v) for v in mentee_values], [as_set(v) for v in mentor_values])

    def block(rows: np.ndarray, out: np.ndarray) -> np.ndarray:
        shared = encoding.shared(rows)
        # an empty denominator means no shared values: dividing 0 by 1 gives the 0 we want
        if jaccard:
            denominator = (
                encoding.mentee_sizes[rows, None] + encoding.mentor_sizes[None, :]
            ) - shared
            return np.divide(shared, np.maximum(denominator, 1, out=denominator), out=out)
        return np.divide(shared, np.maximum(encoding.mentee_sizes[rows, None], 1), out=out)

    return CodedScorer(block, len(mentor_values), encoding.mentee_codes, encoding.mentor_codes)


def equal_score(mentee_value: object, mentor_value: object, criterion: ScoringCriterion) -> float:
    """1 if both values are known and equal."""
    mentee, mentor = _scalar(mentee_value), _scalar(mentor_value)
    return 1.0 if mentee is not None and mentee == mentor else 0.0


def _explain_equal(
    mentee_value: object, mentor_value: object, criterion: ScoringCriterion, raw: float
) -> Explanation:
    mentee, mentor = _scalar(mentee_value), _scalar(mentor_value)
    if mentee is None or mentor is None:
        return "no_data", {"side": "mentee" if mentee is None else "mentor"}
    if raw:
        return "same_value", {"value": _plain(mentee)}
    return "different_values", {"mentee": _plain(mentee), "mentor": _plain(mentor)}


def _prepare_equal(
    mentee_values: Sequence[object], mentor_values: Sequence[object], criterion: ScoringCriterion
) -> BlockScorer:
    encoding = _ScalarEncoding(mentee_values, mentor_values)
    mentee_codes, mentor_codes = encoding.mentee, encoding.mentor

    def block(rows: np.ndarray, out: np.ndarray) -> np.ndarray:
        mentee = mentee_codes[rows, None]
        np.copyto(out, (mentee == mentor_codes[None, :]) & (mentee >= 0))
        return out

    return encoding.scorer(block)


def different_score(
    mentee_value: object, mentor_value: object, criterion: ScoringCriterion
) -> float:
    """1 if both values are known and differ."""
    mentee, mentor = _scalar(mentee_value), _scalar(mentor_value)
    return 1.0 if mentee is not None and mentor is not None and mentee != mentor else 0.0


def _explain_different(
    mentee_value: object, mentor_value: object, criterion: ScoringCriterion, raw: float
) -> Explanation:
    mentee, mentor = _scalar(mentee_value), _scalar(mentor_value)
    if mentee is None or mentor is None:
        return "no_data", {"side": "mentee" if mentee is None else "mentor"}
    if raw:
        return "values_differ", {"mentee": _plain(mentee), "mentor": _plain(mentor)}
    return "same_value", {"value": _plain(mentee)}


def _prepare_different(
    mentee_values: Sequence[object], mentor_values: Sequence[object], criterion: ScoringCriterion
) -> BlockScorer:
    encoding = _ScalarEncoding(mentee_values, mentor_values)
    mentee_codes, mentor_codes = encoding.mentee, encoding.mentor

    def block(rows: np.ndarray, out: np.ndarray) -> np.ndarray:
        mentee = mentee_codes[rows, None]
        np.copyto(
            out, (mentee != mentor_codes[None, :]) & (mentee >= 0) & (mentor_codes[None, :] >= 0)
        )
        return out

    return encoding.scorer(block)


def preference_score(
    mentee_value: object, mentor_value: object, criterion: ScoringCriterion
) -> float:
    """1 if the mentee has no preference or the mentor's value is among the preferred ones."""
    preferred = as_set(mentee_value)
    if not preferred:
        return 1.0
    return 1.0 if preferred & as_set(mentor_value) else 0.0


def _explain_preference(
    mentee_value: object, mentor_value: object, criterion: ScoringCriterion, raw: float
) -> Explanation:
    preferred = as_set(mentee_value)
    if not preferred:
        return "no_preference", {}
    params: dict[str, object] = {
        "preferred": _plain(preferred),
        "value": _plain(_scalar(mentor_value)),
    }
    return ("preference_met" if raw else "preference_not_met"), params


def _prepare_preference(
    mentee_values: Sequence[object], mentor_values: Sequence[object], criterion: ScoringCriterion
) -> BlockScorer:
    encoding = _SetEncoding([as_set(v) for v in mentee_values], [as_set(v) for v in mentor_values])

    def block(rows: np.ndarray, out: np.ndarray) -> np.ndarray:
        met = encoding.shared(rows) > 0
        met |= (encoding.mentee_sizes[rows] == 0)[:, None]
        np.copyto(out, met)
        return out

    # the explanation names the mentor's value as read by _scalar (a set reads as a set)
    mentor_scalars = _ScalarEncoding((), mentor_values)
    return CodedScorer(
        block,
        len(mentor_values),
        encoding.mentee_codes,
        mentor_scalars.side_codes(mentor_scalars.mentor),
    )


register_criterion_kind(
    "overlap", overlap_score, explain=_explain_overlap, prepare=_prepare_overlap
)
register_criterion_kind("equal", equal_score, explain=_explain_equal, prepare=_prepare_equal)
register_criterion_kind(
    "different", different_score, explain=_explain_different, prepare=_prepare_different
)
register_criterion_kind(
    "preference", preference_score, explain=_explain_preference, prepare=_prepare_preference
)
