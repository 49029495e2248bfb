"""Kinship and inbreeding on hand-built pedigrees against the textbook values (exact fractions).

Values: Falconer & Mackay, *Introduction to Quantitative Genetics*, ch. 5; Lange, *Mathematical
and Statistical Methods for Genetic Analysis*, ch. 5 (φ = coefficient of kinship, F = φ of the
parents). Every expected value is written down as a fraction, not computed by famgraph.
"""

from __future__ import annotations

from fractions import Fraction as Fr

import pandas as pd
import pytest

import famgraph as fg

TOL = 1e-12


def build(rows: list[tuple[int, str, int, int | None, int | None]], partnerships=None) -> fg.FamilyGraph:
    """rows: (person_id, sex, birth year, mother_id, father_id)."""
    persons = pd.DataFrame(
        {
            "person_id": [r[0] for r in rows],
            "sex": [r[1] for r in rows],
            "birth_date": [f"{r[2]}-06-01" for r in rows],
            "exit_date": [None] * len(rows),
            "mother_id": pd.array([r[3] for r in rows], dtype="Int64"),
            "father_id": pd.array([r[4] for r in rows], dtype="Int64"),
        }
    )
    return fg.Dataset.from_pandas(persons, partnerships).graph


def close(value: float, want: Fr) -> bool:
    return abs(value - float(want)) < TOL


# ---------------------------------------------------------------------------------------------
# A two-sided, three-generation family used for the outbred relationships.
#
#   1 F ─┬─ 2 M                 3 F ─┬─ 4 M           (founders)
#     ┌──┴──┬─────┐               ┌──┴──┐
#   5 F   6 M   7 F ─┬─ 10 M    8 M   9 F ─┬─ 11 M  (5,6,7 full sibs; 8,9 full sibs)
#   5 ─┬─ 8 (married)   7 × 10 → 14, 9 × 11 → 15
#     12 F, 13 M               14 F           15 M
#   12 and 14: first cousins (mothers 5 and 7 are full sisters)
#   12 and 15: first cousins (father 8 and mother 9 are full sibs)
#   13 and 12: full sibs; 16 (child of 12) and 17 (child of 14): second cousins
#   half-sib: 18 = child of 2 with a second partner 19
# ---------------------------------------------------------------------------------------------
FAMILY = [
    (1, "F", 1900, None, None),
    (2, "M", 1898, None, None),
    (3, "F", 1902, None, None),
    (4, "M", 1900, None, None),
    (5, "F", 1925, 1, 2),
    (6, "M", 1927, 1, 2),
    (7, "F", 1929, 1, 2),
    (8, "M", 1926, 3, 4),
    (9, "F", 1928, 3, 4),
    (10, "M", 1927, None, None),
    (11, "M", 1926, None, None),
    (12, "F", 1950, 5, 8),
    (13, "M", 1952, 5, 8),
    (14, "F", 1953, 7, 10),
    (15, "M", 1954, 9, 11),
    (16, "F", 1975, 12, None),
    (17, "M", 1976, 14, None),
    (19, "F", 1915, None, None),
    (18, "M", 1935, 19, 2),
]


@pytest.fixture(scope="module")
def family() -> fg.FamilyGraph:
    return build(FAMILY)


@pytest.mark.parametrize(
    ("a", "b", "want", "what"),
    [
        (1, 1, Fr(1, 2), "self (founder)"),
        (12, 12, Fr(1, 2), "self (outbred)"),
        (1, 5, Fr(1, 4), "mother-daughter"),
        (5, 1, Fr(1, 4), "daughter-mother (symmetric)"),
        (2, 6, Fr(1, 4), "father-son"),
        (5, 6, Fr(1, 4), "full sibs"),
        (12, 13, Fr(1, 4), "full sibs (next generation)"),
        (6, 18, Fr(1, 8), "half sibs (common father)"),
        (1, 12, Fr(1, 8), "grandmother"),
        (4, 12, Fr(1, 8), "grandfather through the father"),
        (6, 12, Fr(1, 8), "uncle-niece"),
        (9, 13, Fr(1, 8), "aunt-nephew through the father"),
        (12, 14, Fr(1, 16), "first cousins (sisters' children)"),
        (13, 15, Fr(1, 16), "first cousins (brother's and sister's children)"),
        (16, 17, Fr(1, 64), "second cousins"),
        (1, 16, Fr(1, 16), "great-grandmother"),
        (18, 12, Fr(1, 16), "half-uncle"),
        (1, 2, Fr(0), "unrelated founders"),
        (10, 12, Fr(0), "unrelated (married in)"),
        (16, 15, Fr(1, 32), "first cousin once removed"),
    ],
)
def test_classic_kinship(family: fg.FamilyGraph, a: int, b: int, want: Fr, what: str) -> None:
    assert close(family.kinship(a, b), want), f"{what}: phi({a},{b}) = {family.kinship(a, b)}, want {want}"
    assert family.kinship(a, b) == family.kinship(b, a)


def test_classic_kinship_in_bulk(family: fg.FamilyGraph) -> None:
    pairs = pd.DataFrame({"a": [1, 5, 6, 12, 16, 12], "b": [5, 6, 18, 14, 17, 12]})
    want = [Fr(1, 4), Fr(1, 4), Fr(1, 8), Fr(1, 16), Fr(1, 64), Fr(1, 2)]
    got = family.kinship_pairs(pairs)
    assert all(close(v, w) for v, w in zip(got, want, strict=True)), list(got)


def test_outbred_family_has_no_inbreeding(family: fg.FamilyGraph) -> None:
    f = family.inbreeding()
    assert (f == 0).all(), f[f != 0]


def test_double_first_cousins() -> None:
    # two brothers (3, 4) marry two sisters (5, 6): their children 7 and 8 are double first cousins
    g = build(
        [
            (1, "F", 1900, None, None),
            (2, "M", 1900, None, None),  # parents of the brothers
            (9, "F", 1900, None, None),
            (10, "M", 1900, None, None),  # parents of the sisters
            (3, "M", 1925, 1, 2),
            (4, "M", 1927, 1, 2),
            (5, "F", 1926, 9, 10),
            (6, "F", 1928, 9, 10),
            (7, "F", 1950, 5, 3),
            (8, "M", 1952, 6, 4),
        ]
    )
    assert close(g.kinship(7, 8), Fr(1, 8))
    assert g.relatives(7, "first_cousin").tolist() == [8]


# ---------------------------------------------------------------------------------------------
# inbreeding of the offspring of relatives
# ---------------------------------------------------------------------------------------------
def _founders() -> list[tuple[int, str, int, int | None, int | None]]:
    return [(1, "F", 1900, None, None), (2, "M", 1900, None, None)]


def test_inbreeding_offspring_of_full_sibs() -> None:
    g = build([*_founders(), (3, "F", 1925, 1, 2), (4, "M", 1926, 1, 2), (5, "F", 1950, 3, 4)])
    assert close(g.inbreeding()[5], Fr(1, 4))
    assert close(g.kinship(5, 5), Fr(1, 2) * (1 + Fr(1, 4)))
    # the inbred child's kinship with its (outbred) mother: ½(φ(3,3) + φ(3,4)) = ½(½ + ¼)
    assert close(g.kinship(5, 3), Fr(3, 8))


def test_inbreeding_offspring_of_half_sibs() -> None:
    g = build(
        [
            *_founders(),
            (9, "F", 1902, None, None),
            (3, "F", 1925, 1, 2),
            (4, "M", 1926, 9, 2),
            (5, "M", 1950, 3, 4),
        ]
    )
    assert close(g.inbreeding()[5], Fr(1, 8))
    assert close(g.kinship(5, 5), Fr(9, 16))


def test_inbreeding_offspring_of_first_cousins() -> None:
    g = build(
        [
            *_founders(),
            (10, "M", 1924, None, None),
            (11, "F", 1925, None, None),
            (3, "F", 1925, 1, 2),
            (4, "M", 1926, 1, 2),
            (5, "F", 1950, 3, 10),
            (6, "M", 1951, 11, 4),
            (7, "F", 1975, 5, 6),
        ]
    )
    assert close(g.inbreeding()[7], Fr(1, 16))
    assert close(g.kinship(7, 7), Fr(17, 32))


def test_inbreeding_offspring_of_uncle_and_niece() -> None:
    # 4 is the brother of 3; 5 is 3's daughter; 4 × 5 → 6
    g = build(
        [
            *_founders(),
            (10, "M", 1924, None, None),
            (3, "F", 1925, 1, 2),
            (4, "M", 1926, 1, 2),
            (5, "F", 1950, 3, 10),
            (6, "M", 1970, 5, 4),
        ]
    )
    assert close(g.kinship(4, 5), Fr(1, 8))
    assert close(g.inbreeding()[6], Fr(1, 8))


def test_inbreeding_offspring_of_parent_and_child() -> None:
    g = build([*_founders(), (3, "F", 1925, 1, 2), (4, "M", 1945, 3, 2)])
    assert close(g.inbreeding()[4], Fr(1, 4))


def test_repeated_full_sib_mating() -> None:
    # F_t = ¼(1 + 2F_{t-1} + F_{t-2}): 1/4, 3/8, 1/2, 19/32 (Falconer & Mackay table 5.1)
    rows = [*_founders()]
    mother, father = 1, 2
    next_id = 3
    year = 1900
    want = [Fr(0), Fr(1, 4), Fr(3, 8), Fr(1, 2), Fr(19, 32)]
    generation_ids = []
    for _ in range(len(want)):
        year += 20
        sister, brother = next_id, next_id + 1
        next_id += 2
        rows += [(sister, "F", year, mother, father), (brother, "M", year + 1, mother, father)]
        generation_ids.append((sister, brother))
        mother, father = sister, brother
    g = build(rows)
    f = g.inbreeding()
    for t, ((sister, brother), w) in enumerate(zip(generation_ids, want, strict=True)):
        assert close(f[sister], w), f"generation {t + 1}: F = {f[sister]}, want {w}"
        assert close(f[brother], w)
        assert close(g.kinship(sister, sister), Fr(1, 2) * (1 + w))


def test_self_kinship_of_inbred_person_is_half_one_plus_f() -> None:
    # double first cousins as parents: F = 1/8, φ(i, i) = 9/16
    g = build(
        [
            (1, "F", 1900, None, None),
            (2, "M", 1900, None, None),
            (9, "F", 1900, None, None),
            (10, "M", 1900, None, None),
            (3, "M", 1925, 1, 2),
            (4, "M", 1927, 1, 2),
            (5, "F", 1926, 9, 10),
            (6, "F", 1928, 9, 10),
            (7, "F", 1950, 5, 3),
            (8, "M", 1952, 6, 4),
            (11, "U", 1975, 7, 8),
        ]
    )
    assert close(g.inbreeding()[11], Fr(1, 8))
    assert close(g.kinship(11, 11), Fr(9, 16))


def test_role_follows_the_column_not_the_sex() -> None:
    # a person of sex U is the mother of one child and the father of another: half-siblings
    g = build(
        [
            (1, "U", 1900, None, None),
            (2, "M", 1900, None, None),
            (3, "F", 1901, None, None),
            (4, "F", 1925, 1, 2),
            (5, "M", 1926, 3, 1),
            (6, "U", 1950, 4, 5),
        ]
    )
    assert close(g.kinship(4, 5), Fr(1, 8))
    assert close(g.inbreeding()[6], Fr(1, 8))
    assert g.relatives(4, "half_sibling").tolist() == [5]


def test_relationship_times_small_example() -> None:
    # parents 1 × 2 → full sibs 3, 4; A = 2Φ; x = indicator of {3, 4}
    g = build([*_founders(), (3, "F", 1925, 1, 2), (4, "M", 1926, 1, 2)])
    got = g.relationship_times(pd.Series({3: 1.0, 4: 1.0}))
    # row 1: 2(¼ + ¼) = 1; row 3: 2(½ + ¼) = 1.5
    want = {1: 1.0, 2: 1.0, 3: 1.5, 4: 1.5}
    assert {int(k): v for k, v in got.items()} == pytest.approx(want, abs=TOL)
