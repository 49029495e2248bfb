// Disclosure control of linked tables (famgraph/disclosure_linked.hpp, docs/disclosure.md "Linked
// tables").
//
// The hand cases were worked out by hand from the rules as the header states them (patterns: 'P'
// primary, 'S' secondary, '.' published; a 2×2 table in the order a b c d exposed unexposed outcome
// no_outcome total). The shared cases of tests/fixtures/disclosure_linked_cases.json were produced
// by the pure-Python rules the core replaced (tests/python/reference/linked_oracle.py) and are read
// here and by tests/python/test_disclosure_linked.py. A property test checks the guarantee of the
// linked rules on random strata: no published number is small, and the hidden parts of every
// published whole are at least two that sum to at least min_cell.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "famgraph/disclosure_linked.hpp"
#include "json_fixture.hpp"

namespace fd = famgraph::disclosure;
using fd::Field2x2;
using fd::Suppression;

namespace {

using famgraph::test_fixture::code;
using famgraph::test_fixture::pattern;

std::string pattern(const std::vector<Suppression>& s) {
  std::string out;
  for (Suppression x : s) out += code(x);
  return out;
}

std::vector<std::string> patterns(const std::vector<fd::Suppressed2x2>& s) {
  std::vector<std::string> out;
  for (const auto& x : s) out.push_back(pattern(x));
  return out;
}

using Bools = std::vector<bool>;
using Sizes = std::vector<std::size_t>;

}  // namespace

TEST_CASE("linked 2x2: a small stratum cell hides the same cell of its sibling", "[disclosure][linked]") {
  // overall (20,20,20,20) = (3,10,10,10) + (17,10,10,10). Stratum 1: a = 3 primary, its other cells
  // secondary (suppress). Each cell of the overall is published, so each cell's strata form a
  // one-way table with a published total: one hidden stratum value → the other is hidden too.
  // Bounds of the hidden a: stratum 1 lo 0 width 13 slack 3; stratum 2 lo 7 width 20 slack 10;
  // tight = min(13, 20, 13, 13) = 13 ≥ 10: the margins stay published.
  const std::vector<fd::Table2x2Counts> t = {{20, 20, 20, 20}, {3, 10, 10, 10}, {17, 10, 10, 10}};
  const std::vector<fd::AdditiveConstraint> linked = {{0, {1, 2}}};
  CHECK(patterns(fd::suppress_linked_2x2(t, linked, fd::Policy{10})) ==
        std::vector<std::string>{".........", "PSSS.....", "SSSS....."});
  // Without the constraint each table alone.
  CHECK(patterns(fd::suppress_linked_2x2(t, {}, fd::Policy{10})) ==
        std::vector<std::string>{".........", "PSSS.....", "........."});
  // Off: nothing.
  CHECK(patterns(fd::suppress_linked_2x2(t, linked, fd::Policy{0})) ==
        std::vector<std::string>{".........", ".........", "........."});
}

TEST_CASE("linked 2x2: a hidden overall cell protects nothing more", "[disclosure][linked]") {
  // overall (5,20,20,20): a = 5 primary, so every overall cell is hidden and no strata sum is
  // published: strata (2,10,10,10) and (3,10,10,10) keep their own patterns. Bounded strata: the
  // overall a is hidden, so it does not apply.
  const std::vector<fd::Table2x2Counts> t = {{5, 20, 20, 20}, {2, 10, 10, 10}, {3, 10, 10, 10}};
  const std::vector<fd::AdditiveConstraint> linked = {{0, {1, 2}}};
  const auto s = fd::suppress_linked_2x2(t, linked, fd::Policy{10});
  CHECK(patterns(s) == std::vector<std::string>{"PSSS.....", "PSSS.....", "PSSS....."});
}

TEST_CASE("linked 2x2: close_2x2 hides the cells with a hidden margin", "[disclosure][linked]") {
  fd::Suppressed2x2 s;
  s.outcome = Suppression::secondary;
  CHECK(fd::close_2x2(s));
  CHECK(pattern(s) == "SSSS..SS.");
  CHECK_FALSE(fd::close_2x2(s));  // a fixed point
  fd::Suppressed2x2 t;
  t.total = Suppression::primary;
  CHECK(fd::close_2x2(t));
  CHECK(pattern(t) == "SSSSSSSSP");
}

TEST_CASE("linked 2x2: bad constraints", "[disclosure][linked]") {
  const std::vector<fd::Table2x2Counts> t = {{20, 20, 20, 20}, {10, 10, 10, 10}};
  CHECK_THROWS_AS(fd::suppress_linked_2x2(t, std::vector<fd::AdditiveConstraint>{{0, {1, 2}}}), std::out_of_range);
  CHECK_THROWS_AS(fd::suppress_linked_2x2(t, std::vector<fd::AdditiveConstraint>{{2, {1}}}), std::out_of_range);
  CHECK_THROWS_AS(fd::suppress_linked_2x2(t, std::vector<fd::AdditiveConstraint>{{0, {1, 1}}}),
                  std::invalid_argument);
  CHECK_THROWS_AS(fd::suppress_linked_2x2(t, std::vector<fd::AdditiveConstraint>{{0, {0, 1}}}),
                  std::invalid_argument);
}

TEST_CASE("additive constraints: counts of several sections", "[disclosure][linked]") {
  // 50 = 3 + 27 + 20: 3 primary, then the smallest published part (20, index 3) secondary: two
  // hidden summing to 23. Then 27 = 12 + 15 (index 2 = indices 4 + 5) is untouched.
  const std::vector<std::uint64_t> v = {50, 3, 27, 20, 12, 15};
  const std::vector<fd::AdditiveConstraint> c = {{0, {1, 2, 3}}, {2, {4, 5}}};
  CHECK(pattern(fd::suppress_additive(v, c, fd::Policy{10})) == ".P.S..");
  // 60 = 3 + 27 + 30: the smallest published part is 27 (index 2), hidden; 27 = 12 + 15 then has
  // no published whole, so its parts stay published (27 − 12 is no longer a published difference).
  const std::vector<std::uint64_t> w = {60, 3, 27, 30, 12, 15};
  CHECK(pattern(fd::suppress_additive(w, c, fd::Policy{10})) == ".PS...");
  // But a hidden part of a published whole is protected: 40 = 25 + 15 with 25 = 4 + 21.
  const std::vector<std::uint64_t> u = {40, 25, 15, 4, 21};
  const std::vector<fd::AdditiveConstraint> chain = {{0, {1, 2}}, {1, {3, 4}}};
  CHECK(pattern(fd::suppress_additive(u, chain, fd::Policy{10})) == "...PS");
  // Ties: the lowest index.
  const std::vector<std::uint64_t> x = {40, 5, 15, 15, 5};
  const std::vector<fd::AdditiveConstraint> one = {{0, {1, 2, 3, 4}}};
  CHECK(pattern(fd::suppress_additive(x, one, fd::Policy{10})) == ".P..P");  // 5 + 5 ≥ 10
  const std::vector<std::uint64_t> y = {40, 5, 15, 15, 5, 0};
  const std::vector<fd::AdditiveConstraint> two = {{0, {1, 2, 3, 4, 5}}};
  CHECK(pattern(fd::suppress_additive(y, two, fd::Policy{10})) == ".P..PP");
  const std::vector<std::uint64_t> z = {40, 4, 18, 18};
  const std::vector<fd::AdditiveConstraint> three = {{0, {1, 2, 3}}};
  CHECK(pattern(fd::suppress_additive(z, three, fd::Policy{10})) == ".PS.");
  CHECK(pattern(fd::suppress_additive(z, three, fd::Policy{0})) == "....");
}

TEST_CASE("nested counts", "[disclosure][linked]") {
  // k = (3, 15), n = 30: increments (3, 12, 15); 3 primary, 12 secondary (smallest published).
  // k_1 = 3 is the hidden increment alone: hidden. k_2 = 15: before it two hidden summing to 15,
  // after it none: published.
  const std::vector<std::uint64_t> k = {3, 15};
  CHECK(fd::suppress_nested(k, 30, fd::Policy{5}) == fd::NestedStatus{false, Bools{true, false}});
  CHECK(fd::suppress_nested(k, 30, fd::Policy{0}) == fd::NestedStatus{false, Bools{false, false}});
  const std::vector<std::uint64_t> small = {2};
  CHECK(fd::suppress_nested(small, 4, fd::Policy{5}) == fd::NestedStatus{true, Bools{true}});
  // Increments (10, 10, 10): nothing hidden.
  const std::vector<std::uint64_t> even = {10, 20};
  CHECK(fd::suppress_nested(even, 30, fd::Policy{10}) == fd::NestedStatus{false, Bools{false, false}});
  const std::vector<std::uint64_t> bad = {20, 10};
  CHECK_THROWS_AS(fd::suppress_nested(bad, 30, fd::Policy{10}), std::invalid_argument);
  CHECK_THROWS_AS(fd::suppress_nested(even, 15, fd::Policy{10}), std::invalid_argument);
  CHECK(fd::suppress_nested(bad, 30, fd::Policy{0}).hidden == Bools{false, false});  // nothing computed
}

TEST_CASE("shares with siblings and nested groups", "[disclosure][linked]") {
  // Rows 0 and 2 are parts of row 1 (k = 50). k_0 = 3 is hidden; the only hidden one of the three,
  // so the smallest published part (row 2) is hidden with it.
  const std::vector<std::uint64_t> k = {3, 50, 20}, n = {100, 100, 100};
  const std::vector<fd::AdditiveConstraint> sib = {{1, {0, 2}}};
  const auto s = fd::suppress_shares(k, n, {}, sib, fd::Policy{10});
  CHECK(s.k_hidden == Bools{true, false, true});
  CHECK(s.n_hidden == Bools{false, false, false});
  // n − k small: 95 of 100.
  const std::vector<std::uint64_t> k2 = {95}, n2 = {100}, n3 = {5};
  CHECK(fd::suppress_shares(k2, n2, {}, {}, fd::Policy{10}).k_hidden == Bools{true});
  CHECK(fd::suppress_shares(k2, n3, {}, {}, fd::Policy{10}).k_hidden == Bools{true});  // k > n
  // A nested group: rows 0, 1 with k (3, 15), n 30 (see "nested counts").
  const std::vector<std::uint64_t> k4 = {3, 15}, n4 = {30, 30};
  const std::vector<Sizes> groups = {{0, 1}};
  const auto t = fd::suppress_shares(k4, n4, groups, {}, fd::Policy{5});
  CHECK(t.k_hidden == Bools{true, false});
  const std::vector<std::uint64_t> n5 = {30, 31};
  CHECK_THROWS_AS(fd::suppress_shares(k4, n5, groups, {}, fd::Policy{5}), std::invalid_argument);
}

TEST_CASE("hidden sibling parts must sum to at least min_cell", "[disclosure][linked]") {
  // Whole (row 0) = 30 with parts 12, 13, 3, 2 (rows 1-4). 3 and 2 are small: two hidden parts,
  // but 30 − 12 − 13 = 5 pins them to 0..5 each. The smallest published part (12) is hidden too:
  // the hidden parts then sum to 17, and each can be anything from 0 to 17.
  const std::vector<std::uint64_t> k = {30, 12, 13, 3, 2}, n = {100, 100, 100, 100, 100};
  const std::vector<fd::AdditiveConstraint> sib = {{0, {1, 2, 3, 4}}};
  CHECK(fd::suppress_shares(k, n, {}, sib, fd::Policy{10}).k_hidden == Bools{false, true, false, true, true});
  // Overlapping parts (sum 40 > whole 30): the reader who assumes a partition pins the hidden
  // ones to 30 − 22 − 13 < 0, i.e. 0, although they sum to 5: so 13 is hidden, and then, with
  // 30 − 22 = 8 left for the hidden ones, 22 as well.
  const std::vector<std::uint64_t> k2 = {30, 22, 13, 5, 0};
  CHECK(fd::suppress_shares(k2, n, {}, sib, fd::Policy{10}).k_hidden == Bools{false, true, true, true, true});
  // With the whole hidden, one hidden part is enough.
  const std::vector<std::uint64_t> k3 = {5, 2, 1, 1, 1};
  CHECK(fd::suppress_shares(k3, n, {}, sib, fd::Policy{10}).k_hidden == Bools{true, true, true, true, true});
}

TEST_CASE("overlap combinations with their two totals", "[disclosure][linked]") {
  // Singles (20, 3), multis (15, 12): known_1plus 50, known_2plus 27 and 50 − 27 published, so the
  // one-way rule runs per group: 3 primary, 20 secondary; the multis are published.
  const std::vector<std::uint64_t> c = {20, 3, 15, 12};
  const std::vector<std::uint32_t> k = {1, 1, 2, 2};
  auto s = fd::suppress_combinations(c, k, fd::Policy{10});
  CHECK(pattern(s.counts) == "SP..");
  CHECK_FALSE(s.known_1plus_hidden);
  CHECK_FALSE(s.known_2plus_hidden);
  // Singles (30, 40), multis (5, 0): known_2plus = 5 hidden; one group over all: 5 and 0 primary,
  // summing to 5, so the smallest published (30) is hidden too.
  const std::vector<std::uint64_t> d = {30, 40, 5, 0};
  s = fd::suppress_combinations(d, k, fd::Policy{10});
  CHECK(pattern(s.counts) == "S.PP");
  CHECK(s.known_2plus_hidden);
  CHECK_FALSE(s.known_1plus_hidden);
}

TEST_CASE("pooled combinations", "[disclosure][linked]") {
  // In name order: singles 5, 20, 12; multis 3, 0. Singles by count: 20, 12, 5: 5 pooled (5 < 10),
  // then 12 joins it (17). Multis: 3 pooled, nothing to add; the empty one is pooled implicitly.
  const std::vector<std::uint64_t> c = {5, 20, 12, 3, 0};
  const std::vector<std::uint32_t> k = {1, 1, 1, 2, 2};
  const auto p = fd::pool_combinations(c, k, fd::Policy{10});
  CHECK(p.single == fd::PooledGroup{Sizes{1}, Sizes{0, 2}, 17});
  CHECK(p.multi == fd::PooledGroup{Sizes{}, Sizes{3}, 3});
  // Ties: the last in input (name) order joins the pool.
  const std::vector<std::uint64_t> e = {12, 12, 2};
  const std::vector<std::uint32_t> one = {1, 1, 1};
  CHECK(fd::pool_combinations(e, one, fd::Policy{10}).single == fd::PooledGroup{Sizes{0}, Sizes{2, 1}, 14});
  // Off: everything non-empty listed, largest first.
  CHECK(fd::pool_combinations(c, k, fd::Policy{0}).single == fd::PooledGroup{Sizes{1, 2, 0}, Sizes{}, 0});
}

namespace {

std::string marks(const std::vector<bool>& hidden) {
  std::string out;
  for (bool h : hidden) out += h ? 'H' : '.';
  return out;
}

}  // namespace

TEST_CASE("overlap pairs: sums of combinations published only where they tell nothing new",
          "[disclosure][linked]") {
  // Organisations a, b, c; combinations a 20, b 3, c 15, ab 12, ac 0, bc 25, abc 30 (min_cell 10).
  // known_1plus 105, known_2plus 67, 105 − 67 = 38: both published, so the one-way rule runs per
  // group. Singles: b primary, c (15 < 20) secondary. Multis: ac (0) primary, ab (12) secondary.
  fd::CombinationTable t;
  t.members = {{0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}};
  t.n_organisations = {1, 1, 1, 2, 2, 2, 3};
  t.counts = {20, 3, 15, 12, 0, 25, 30};
  t.organisations = 3;
  const auto s = fd::suppress_combinations(t.counts, t.n_organisations, fd::Policy{10});
  REQUIRE(pattern(s.counts) == ".PSSP..");
  const auto p = fd::overlap_pairs_hidden(t, s, fd::Policy{10});
  // both(a,b) = ab + abc holds ab but not ac of the hidden multis: hidden; both(a,c) holds ac but
  // not ab: hidden; both(b,c) = bc + abc holds no hidden row: published.
  CHECK(marks(p.both_hidden) == "HH.");
  // either(a,b) holds b but not c of the hidden singles: hidden; either(a,c) holds c but not b;
  // either(b,c) holds both hidden singles and both hidden multis (ab, ac): published.
  CHECK(marks(p.either_hidden) == "HH.");
  // Off: nothing hidden.
  const auto off = fd::overlap_pairs_hidden(t, fd::suppress_combinations(t.counts, t.n_organisations, fd::Policy{0}),
                                            fd::Policy{0});
  CHECK(marks(off.both_hidden) == "...");
  CHECK(marks(off.either_hidden) == "...");
  // known_1plus hidden (a total of 9): every sum that holds a hidden row is hidden.
  fd::CombinationTable small = t;
  small.counts = {2, 1, 0, 3, 0, 1, 2};
  const auto ss = fd::suppress_combinations(small.counts, small.n_organisations, fd::Policy{10});
  REQUIRE(ss.known_1plus_hidden);
  CHECK(marks(fd::overlap_pairs_hidden(small, ss, fd::Policy{10}).both_hidden) == "HHH");
}

TEST_CASE("overlap pairs with pooled rows", "[disclosure][linked]") {
  // Four organisations, pooled: singles 0 (20) and 1 (15) listed, 2 and 3 in the single pooled row
  // (12); multi {0, 1} (30) listed, the multi pooled row empty (0). Totals 77 and 30 (77 − 30 = 47)
  // published: the singles are all published; in the multis the pooled 0 is primary and 30 secondary.
  fd::CombinationTable t;
  t.members = {{0}, {1}, {}, {0, 1}, {}};
  t.n_organisations = {1, 1, 1, 2, 2};
  t.counts = {20, 15, 12, 30, 0};
  t.organisations = 4;
  t.pooled = true;
  const auto s = fd::suppress_combinations(t.counts, t.n_organisations, fd::Policy{10});
  REQUIRE(pattern(s.counts) == "...SP");
  const auto p = fd::overlap_pairs_hidden(t, s, fd::Policy{10});
  // Pairs (0,1) (0,2) (0,3) (1,2) (1,3) (2,3). both: only (0,1) holds a hidden row ({0,1}) without
  // the other (the pooled row names no organisation).
  CHECK(marks(p.both_hidden) == "H.....");
  // either: (0,1) as both; every other pair has an organisation not listed on its own (2 or 3),
  // whose count may be in the single pooled row: not a sum of published rows.
  CHECK(marks(p.either_hidden) == "HHHHHH");
  // A non-empty multi pooled row: it may hold any pair, so every pair is hidden.
  t.counts = {20, 15, 12, 30, 12};
  const auto s2 = fd::suppress_combinations(t.counts, t.n_organisations, fd::Policy{10});
  CHECK(marks(fd::overlap_pairs_hidden(t, s2, fd::Policy{10}).both_hidden) == "HHHHHH");
  // Bad input.
  t.members[0] = {4};
  CHECK_THROWS_AS(fd::overlap_pairs_hidden(t, s2, fd::Policy{10}), std::invalid_argument);
  t.members.pop_back();
  CHECK_THROWS_AS(fd::overlap_pairs_hidden(t, s2, fd::Policy{10}), std::invalid_argument);
}

TEST_CASE("Kaplan-Meier coarsening and the number at risk", "[disclosure][linked]") {
  const std::vector<std::uint64_t> events = {0, 4, 3, 5, 2}, at_risk = {30, 28, 20, 15, 8};
  // 4 pending at time 1; 7 ≥ 5 at time 2 (20 at risk): a point; 5 at time 3: a point; 2 left over.
  CHECK(fd::coarsen_curve(30, events, at_risk, fd::Policy{5}) == fd::CurveCoarsening{true, Sizes{2, 3}});
  CHECK(fd::coarsen_curve(30, events, at_risk, fd::Policy{0}) == fd::CurveCoarsening{true, Sizes{1, 2, 3, 4}});
  CHECK(fd::coarsen_curve(4, events, at_risk, fd::Policy{5}) == fd::CurveCoarsening{false, Sizes{}});
  CHECK(fd::coarsen_curve(0, {}, {}, fd::Policy{0}) == fd::CurveCoarsening{false, Sizes{}});
  // At risk (25, 12) of 30: left (5, 18), increments (5, 13, 12), nothing hidden.
  const std::vector<std::uint64_t> r1 = {25, 12}, r2 = {27, 12};
  CHECK(fd::at_risk_hidden(30, r1, std::nullopt, fd::Policy{5}) == Bools{false, false, false});
  // (27, 12): increments (3, 15, 12): 3 primary, 12 secondary; both later counts hidden.
  CHECK(fd::at_risk_hidden(30, r2, std::nullopt, fd::Policy{5}) == Bools{false, true, true});
  CHECK(fd::at_risk_hidden(30, r1, true, fd::Policy{5}) == Bools{true, true, true});
  CHECK(fd::at_risk_hidden(4, {}, std::nullopt, fd::Policy{5}) == Bools{true});
  const std::vector<std::uint64_t> over = {31};
  CHECK_THROWS_AS(fd::at_risk_hidden(30, over, std::nullopt, fd::Policy{5}), std::invalid_argument);
}

TEST_CASE("linked 2x2: the guarantee on random strata", "[disclosure][linked]") {
  // After suppress_linked_2x2: no published number is below min_cell, every table is closed
  // (close_2x2 changes nothing), and for every number whose overall value is published the hidden
  // strata values are none, or at least two summing to at least min_cell.
  std::mt19937_64 rng(20261207);
  int n_checked = 0;
  for (int rep = 0; rep < 3000; ++rep) {
    const std::uint64_t m = std::array<std::uint64_t, 3>{1, 5, 10}[rep % 3];
    const std::size_t strata = 1 + rng() % 5;
    std::vector<fd::Table2x2Counts> t(strata + 1);
    for (std::size_t s = 1; s <= strata; ++s) {
      t[s] = {rng() % 25, rng() % 25, rng() % 25, rng() % 25};
      t[0].a += t[s].a;
      t[0].b += t[s].b;
      t[0].c += t[s].c;
      t[0].d += t[s].d;
    }
    fd::AdditiveConstraint c{0, {}};
    for (std::size_t s = 1; s <= strata; ++s) c.parts.push_back(s);
    const std::vector<fd::AdditiveConstraint> linked = {c};
    auto st = fd::suppress_linked_2x2(t, linked, fd::Policy{m});
    for (std::size_t i = 0; i < t.size(); ++i) {
      for (Field2x2 f : fd::fields_2x2)
        if (!st[i].suppressed(f)) CHECK(t[i].value(f) >= m);
      auto copy = st[i];
      CHECK_FALSE(fd::close_2x2(copy));
    }
    for (Field2x2 f : fd::fields_2x2) {
      if (st[0].suppressed(f)) continue;
      std::size_t hidden = 0;
      std::uint64_t sum = 0;
      for (std::size_t s = 1; s <= strata; ++s)
        if (st[s].suppressed(f)) {
          ++hidden;
          sum += t[s].value(f);
        }
      if (hidden > 0) {
        CHECK(hidden >= 2);
        CHECK(sum >= m);
        ++n_checked;
      }
    }
  }
  CHECK(n_checked > 1000);
}

// ---- the shared fixture (tests/fixtures/disclosure_linked_cases.json) ----------------------------

namespace {

namespace pt = boost::property_tree;
using famgraph::test_fixture::flag;
using famgraph::test_fixture::flags;
using famgraph::test_fixture::strings;
using famgraph::test_fixture::u64;
using famgraph::test_fixture::u64s;

const pt::ptree& linked_cases() { return famgraph::test_fixture::cases("disclosure_linked_cases.json"); }
std::vector<std::uint32_t> u32s(const pt::ptree& node) { return famgraph::test_fixture::numbers<std::uint32_t>(node); }
Sizes sizes(const pt::ptree& node) { return famgraph::test_fixture::numbers<std::size_t>(node); }

// [[whole, [parts]], ...]
std::vector<fd::AdditiveConstraint> constraints(const pt::ptree& node) {
  std::vector<fd::AdditiveConstraint> out;
  for (const auto& [key, pair] : node) {
    auto it = pair.begin();
    fd::AdditiveConstraint c;
    c.whole = static_cast<std::size_t>(u64(it->second));
    ++it;
    c.parts = sizes(it->second);
    out.push_back(std::move(c));
  }
  return out;
}

fd::Policy policy(const pt::ptree& c) { return fd::Policy{u64(c.get_child("min_cell"))}; }

}  // namespace

TEST_CASE("linked fixture: 2x2 strata", "[disclosure][linked][fixture]") {
  int n = 0;
  for (const auto& [key, c] : linked_cases().get_child("linked_2x2")) {
    std::vector<fd::Table2x2Counts> t;
    for (const auto& [k2, row] : c.get_child("tables")) {
      const auto v = u64s(row);
      t.push_back({v.at(0), v.at(1), v.at(2), v.at(3)});
    }
    INFO(c.get<std::string>("name"));
    CHECK(patterns(fd::suppress_linked_2x2(t, constraints(c.get_child("linked")), policy(c))) ==
          strings(c.get_child("status")));
    ++n;
  }
  CHECK(n >= 50);
}

TEST_CASE("linked fixture: nested counts, shares, curves, numbers at risk", "[disclosure][linked][fixture]") {
  const auto& all = linked_cases();
  int n = 0;
  for (const auto& [key, c] : all.get_child("nested")) {
    const auto s = fd::suppress_nested(u64s(c.get_child("cumulative")), u64(c.get_child("n")), policy(c));
    CHECK(s.total_hidden == flag(c.get_child("total_hidden")));
    CHECK(s.hidden == flags(c.get_child("hidden")));
    ++n;
  }
  for (const auto& [key, c] : all.get_child("shares")) {
    std::vector<Sizes> nested;
    for (const auto& [k2, g] : c.get_child("nested")) nested.push_back(sizes(g));
    const auto s = fd::suppress_shares(u64s(c.get_child("k")), u64s(c.get_child("n")), nested,
                                       constraints(c.get_child("siblings")), policy(c));
    INFO(c.get<std::string>("name"));
    CHECK(s.n_hidden == flags(c.get_child("n_hidden")));
    CHECK(s.k_hidden == flags(c.get_child("k_hidden")));
    ++n;
  }
  for (const auto& [key, c] : all.get_child("curves")) {
    const auto s = fd::coarsen_curve(u64(c.get_child("n_persons")), u64s(c.get_child("events")),
                                     u64s(c.get_child("at_risk")), policy(c));
    CHECK(s.drawn == flag(c.get_child("drawn")));
    CHECK(s.points == sizes(c.get_child("points")));
    ++n;
  }
  for (const auto& [key, c] : all.get_child("at_risk")) {
    const auto& g = c.get_child("group_hidden");
    const std::optional<bool> group = g.data() == "null" ? std::nullopt : std::optional<bool>(flag(g));
    CHECK(fd::at_risk_hidden(u64(c.get_child("n")), u64s(c.get_child("at_risk")), group, policy(c)) ==
          flags(c.get_child("hidden")));
    ++n;
  }
  CHECK(n >= 100);
}

TEST_CASE("linked fixture: overlap combinations and pooling", "[disclosure][linked][fixture]") {
  const auto& all = linked_cases();
  int n = 0;
  for (const auto& [key, c] : all.get_child("combinations")) {
    const auto s = fd::suppress_combinations(u64s(c.get_child("counts")), u32s(c.get_child("n_organisations")),
                                             policy(c));
    INFO(c.get<std::string>("name"));
    CHECK(pattern(s.counts) == c.get<std::string>("status"));
    CHECK(s.known_1plus_hidden == flag(c.get_child("known_1plus_hidden")));
    CHECK(s.known_2plus_hidden == flag(c.get_child("known_2plus_hidden")));
    ++n;
  }
  for (const auto& [key, c] : all.get_child("pooled")) {
    const auto p =
        fd::pool_combinations(u64s(c.get_child("counts")), u32s(c.get_child("n_organisations")), policy(c));
    for (const auto& [name, group] : {std::pair{"single", &p.single}, std::pair{"multi", &p.multi}}) {
      const auto& e = c.get_child(name);
      CHECK(group->listed == sizes(e.get_child("listed")));
      auto pooled = group->pooled;
      std::sort(pooled.begin(), pooled.end());
      CHECK(pooled == sizes(e.get_child("pooled")));  // sorted in the fixture: a set in Python
      CHECK(group->pooled_count == u64(e.get_child("pooled_count")));
    }
    ++n;
  }
  CHECK(n >= 50);
}

TEST_CASE("linked fixture: overlap pairs", "[disclosure][linked][fixture]") {
  int n = 0, partly = 0;
  for (const auto& [key, c] : linked_cases().get_child("overlap_pairs")) {
    fd::CombinationTable t;
    for (const auto& [k, row] : c.get_child("members")) t.members.push_back(u32s(row));
    t.n_organisations = u32s(c.get_child("n_organisations"));
    t.counts = u64s(c.get_child("counts"));
    t.organisations = static_cast<std::size_t>(u64(c.get_child("organisations")));
    t.pooled = flag(c.get_child("pooled"));
    const auto s = fd::suppress_combinations(t.counts, t.n_organisations, policy(c));
    const auto p = fd::overlap_pairs_hidden(t, s, policy(c));
    INFO(c.get<std::string>("name"));
    CHECK(marks(p.both_hidden) == c.get<std::string>("both_hidden"));
    CHECK(marks(p.either_hidden) == c.get<std::string>("either_hidden"));
    const auto e = c.get<std::string>("either_hidden");
    partly += e.find('H') != std::string::npos && e.find('.') != std::string::npos;
    ++n;
  }
  CHECK(n >= 100);
  CHECK(partly >= 5);
}
