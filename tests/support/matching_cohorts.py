"""Synthetic, German-flavoured cohorts for tests and benchmarks.

A cross-mentoring programme for women in leadership across welfare organisations: mentees
and mentors from Kreisverbände and Landesverbände of the big welfare associations, with
regions, topics, languages, weekday × daytime availability and a meeting format. The
generator is seeded and uses only :class:`random.Random`, so a seed gives the same cohort
on every machine and Python version.
"""

from __future__ import annotations

import random
from datetime import date
from typing import NamedTuple

from mentoring.matching import Person, ScoringCriterion

__all__ = ["Cohort", "cross_mentoring_criteria", "generate_cohort"]

ASSOCIATIONS = (
    "AWO",
    "Caritasverband",
    "Diakonie",
    "DRK",
    "Der Paritätische",
    "ASB",
    "Johanniter",
    "Malteser Hilfsdienst",
    "Lebenshilfe",
    "Volkssolidarität",
)
PLACES = (
    ("Nürnberg", "Bayern"),
    ("München", "Bayern"),
    ("Köln", "Nordrhein-Westfalen"),
    ("Dortmund", "Nordrhein-Westfalen"),
    ("Münster", "Nordrhein-Westfalen"),
    ("Hamburg", "Hamburg"),
    ("Bremen", "Bremen"),
    ("Hannover", "Niedersachsen"),
    ("Braunschweig", "Niedersachsen"),
    ("Leipzig", "Sachsen"),
    ("Dresden", "Sachsen"),
    ("Erfurt", "Thüringen"),
    ("Magdeburg", "Sachsen-Anhalt"),
    ("Potsdam", "Brandenburg"),
    ("Berlin", "Berlin"),
    ("Rostock", "Mecklenburg-Vorpommern"),
    ("Kiel", "Schleswig-Holstein"),
    ("Frankfurt am Main", "Hessen"),
    ("Kassel", "Hessen"),
    ("Mainz", "Rheinland-Pfalz"),
    ("Saarbrücken", "Saarland"),
    ("Stuttgart", "Baden-Württemberg"),
    ("Freiburg", "Baden-Württemberg"),
    ("Mannheim", "Baden-Württemberg"),
)
TOPICS = (
    "Führung",
    "Digitalisierung",
    "Personalentwicklung",
    "Finanzen und Controlling",
    "Fundraising",
    "Change Management",
    "Vereinbarkeit von Familie und Beruf",
    "Öffentlichkeitsarbeit",
    "Qualitätsmanagement",
    "Verhandlungsführung",
    "Selbstführung",
    "Netzwerken",
    "Strategie",
    "Konfliktmanagement",
    "Ehrenamtskoordination",
    "Sozialrecht",
    "Gremienarbeit",
    "Diversität",
)
LANGUAGES = (("de", 0.99), ("en", 0.55), ("tr", 0.07), ("ar", 0.04), ("ru", 0.06))
WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr")
DAYTIMES = ("vormittags", "nachmittags", "abends")
SLOTS = tuple(f"{day} {time}" for day in WEEKDAYS for time in DAYTIMES)
FORMATS = (("online", 45), ("hybrid", 35), ("präsenz", 20))
MENTOR_GENDERS = (("w", 70), ("m", 25), ("d", 5))
GENDER_PREFERENCES = ((None, 55), ("w", 35), (("w", "d"), 10))
WAITING_FROM = date(2024, 1, 1).toordinal()


class Cohort(NamedTuple):
    mentees: list[Person]
    mentors: list[Person]


def cross_mentoring_criteria() -> list[ScoringCriterion]:
    """A typical cross-mentoring configuration (maximum weighted pair score 16)."""
    return [
        ScoringCriterion("organisation", "equal", weight=0, rule="must_differ"),
        ScoringCriterion("languages", "overlap", weight=2, rule="must_match"),
        ScoringCriterion(
            "topics", "overlap", weight=5, mentee_key="topics_wanted", mentor_key="topics_offered"
        ),
        ScoringCriterion("availability", "overlap", weight=3, options={"measure": "jaccard"}),
        ScoringCriterion("format", "equal", weight=2),
        ScoringCriterion("region", "equal", weight=1),
        ScoringCriterion(
            "mentor_gender",
            "preference",
            weight=3,
            mentee_key="preferred_mentor_gender",
            mentor_key="gender",
        ),
    ]


def generate_cohort(
    n_mentees: int,
    *,
    seed: int,
    mentor_ratio: float = 0.4,
    capacity_range: tuple[int, int] = (1, 3),
    paused_share: float = 0.03,
) -> Cohort:
    """``n_mentees`` mentees and ``round(n_mentees × mentor_ratio)`` mentors.

    Ids are ``"mentee-00001"``/``"mentor-00001"``; mentor capacities are uniform in
    ``capacity_range`` (inclusive); a ``paused_share`` of the mentors is paused.
    """
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducibility wanted
    organisations = _organisations(rng)
    mentees = [_mentee(rng, number, organisations) for number in range(1, n_mentees + 1)]
    n_mentors = round(n_mentees * mentor_ratio)
    mentors = [
        _mentor(rng, number, organisations, capacity_range, paused_share)
        for number in range(1, n_mentors + 1)
    ]
    return Cohort(mentees, mentors)


def _organisations(rng: random.Random) -> list[tuple[str, str]]:
    """(organisation, region) pairs: each association has a Kreisverband in some places."""
    result = []
    for association in ASSOCIATIONS:
        for place, region in rng.sample(PLACES, k=rng.randint(4, 9)):
            level = "Kreisverband" if rng.random() < 0.7 else "Regionalverband"
            result.append((f"{association} {level} {place}", region))
    return result


def _weighted(rng: random.Random, options: tuple[tuple[object, int], ...]) -> object:
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights)[0]


def _common(rng: random.Random, organisations: list[tuple[str, str]]) -> dict[str, object]:
    organisation, region = rng.choice(organisations)
    languages = [code for code, share in LANGUAGES if rng.random() < share] or ["de"]
    return {
        "organisation": organisation,
        "region": region,
        "languages": languages,
        "availability": rng.sample(SLOTS, k=rng.randint(3, 7)),
        "format": _weighted(rng, FORMATS),
    }


def _mentee(rng: random.Random, number: int, organisations: list[tuple[str, str]]) -> Person:
    attributes = _common(rng, organisations)
    attributes["topics_wanted"] = rng.sample(TOPICS, k=rng.randint(2, 4))
    attributes["gender"] = "w" if rng.random() < 0.97 else "d"
    attributes["preferred_mentor_gender"] = _weighted(rng, GENDER_PREFERENCES)
    return Person(
        id=f"mentee-{number:05d}",
        attributes=attributes,
        waiting_since=WAITING_FROM + rng.randint(0, 700),
        paused=rng.random() < 0.01,
    )


def _mentor(
    rng: random.Random,
    number: int,
    organisations: list[tuple[str, str]],
    capacity_range: tuple[int, int],
    paused_share: float,
) -> Person:
    attributes = _common(rng, organisations)
    attributes["topics_offered"] = rng.sample(TOPICS, k=rng.randint(3, 6))
    attributes["gender"] = _weighted(rng, MENTOR_GENDERS)
    return Person(
        id=f"mentor-{number:05d}",
        attributes=attributes,
        capacity=rng.randint(*capacity_range),
        paused=rng.random() < paused_share,
    )
