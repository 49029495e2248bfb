// Disclosure control (famgraph/disclosure.hpp, docs/spec/disclosure.md, docs/disclosure.md).
//
// The hand cases below are written as pattern strings, one character per number: 'P' primary,
// 'S' secondary, '.' published. For a 2×2 table the order is a b c d | exposed unexposed outcome
// no_outcome | total (without the bars); for a one-way table the counts in input order, then '|',
// then the total. tests/python/test_disclosure.py asserts the very same strings through the
// Python adapter. Every expected pattern was worked out by hand from the rules in
// docs/disclosure.md, not by running the code. The shared cases of
// tests/fixtures/disclosure_cases.json (read here and by tests/python/test_disclosure_cases.py) pin
// the statuses, values, texts and messages of both faces.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "famgraph/disclosure.hpp"
#include "json_fixture.hpp"

namespace fd = famgraph::disclosure;
using fd::Field2x2;
using fd::Suppression;

namespace {

using famgraph::test_fixture::code;
using famgraph::test_fixture::pattern;

std::string pattern(const fd::SuppressedOneWay& s) {
  std::string out;
  for (Suppression x : s.counts) out += code(x);
  out += '|';
  out += code(s.total);
  return out;
}

std::string pattern_2x2(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d,
                        std::uint64_t min_cell = 10) {
  return pattern(fd::suppress(fd::Table2x2Counts{a, b, c, d}, fd::Policy{min_cell}));
}

std::string pattern_one_way(const std::vector<std::uint64_t>& counts, std::uint64_t min_cell = 10,
                            fd::Total total = fd::Total::published) {
  return pattern(fd::suppress_one_way(counts, fd::Policy{min_cell}, total));
}

}  // namespace

// ---- policy ------------------------------------------------------------------------------------

TEST_CASE("disclosure: the policy is on by default with min_cell 10", "[disclosure]") {
  const fd::Policy p;
  CHECK(p.min_cell == 10);
  CHECK(p.enabled());
  CHECK_FALSE(fd::Policy{0}.enabled());
  CHECK(fd::Policy{1}.enabled());
}

TEST_CASE("disclosure: a negative min_cell is rejected naming the option and its values",
          "[disclosure]") {
  CHECK(fd::make_policy(0) == fd::Policy{0});
  CHECK(fd::make_policy(10) == fd::Policy{10});
  CHECK(fd::make_policy(3).min_cell == 3);
  CHECK_THROWS_AS(fd::make_policy(-1), std::invalid_argument);
  CHECK_THROWS_WITH(fd::make_policy(-1),
                    "min_cell must be an integer >= 0 (0 turns disclosure control off; default "
                    "10), got -1");
}

TEST_CASE("disclosure: every output is stamped, and min_cell = 0 says it is off", "[disclosure]") {
  CHECK(fd::stamp(fd::Policy{}) ==
        "disclosure control: on (min_cell = 10): counts below 10 and every estimate derived "
        "from a suppressed count are suppressed");
  CHECK(fd::stamp(fd::Policy{5}) ==
        "disclosure control: on (min_cell = 5): counts below 5 and every estimate derived "
        "from a suppressed count are suppressed");
  CHECK(fd::stamp(fd::Policy{0}) ==
        "disclosure control: OFF (min_cell = 0): small counts are shown; not for publication");
}

// ---- 2×2 hand cases ------------------------------------------------------------------------------

TEST_CASE("disclosure 2x2: all cells large -> nothing suppressed", "[disclosure]") {
  CHECK(pattern_2x2(20, 30, 40, 50) == ".........");
  CHECK(pattern_2x2(10, 10, 10, 10) == ".........");  // exactly min_cell is published
  CHECK_FALSE(fd::suppress(fd::Table2x2Counts{20, 30, 40, 50}).any());
}

TEST_CASE("disclosure 2x2: one small cell -> the whole interior, margins published",
          "[disclosure]") {
  CHECK(pattern_2x2(3, 30, 40, 50) == "PSSS.....");
  CHECK(pattern_2x2(9, 10, 10, 10) == "PSSS.....");
  CHECK(pattern_2x2(500, 400, 300, 7) == "SSSP.....");
  const auto s = fd::suppress(fd::Table2x2Counts{3, 30, 40, 50});
  CHECK(s.a == Suppression::primary);
  CHECK(s.b == Suppression::secondary);
  CHECK(s.total == Suppression::none);
}

TEST_CASE("disclosure 2x2: two small cells in a row -> the small row margin and its pair",
          "[disclosure]") {
  // a = 3, b = 4: exposed = 7 < 10 is primary; unexposed = 90 secondary (else exposed = total −
  // unexposed); the column margins 43 and 54 and the total 97 stay.
  CHECK(pattern_2x2(3, 4, 40, 50) == "PPSSPS...");
}

TEST_CASE("disclosure 2x2: small margins", "[disclosure]") {
  // Column margin: outcome = 2 + 5 = 7 primary, no_outcome = 80 secondary.
  CHECK(pattern_2x2(2, 30, 5, 50) == "PSPS..PS.");
  // A row and a column margin: exposed 5 and outcome 6 primary, their pairs 44 and 43 secondary;
  // only the total 49 is published.
  CHECK(pattern_2x2(2, 3, 4, 40) == "PPPSPSPS.");
  // Both row margins small (7 and 7), and both column margins (5 and 9), total 14 >= 10.
  CHECK(pattern_2x2(3, 4, 2, 5) == "PPPPPPPP.");
  // A margin of exactly min_cell is published.
  CHECK(pattern_2x2(5, 5, 40, 50) == "PPSS.....");
}

TEST_CASE("disclosure 2x2: zero cells are suppressed", "[disclosure]") {
  CHECK(pattern_2x2(0, 25, 30, 40) == "PSSS.....");
  CHECK(pattern_2x2(0, 0, 0, 0) == "PPPPPPPPP");
  // A total below min_cell: every number is below it.
  CHECK(pattern_2x2(1, 2, 3, 2) == "PPPPPPPPP");
}

TEST_CASE("disclosure 2x2: other thresholds", "[disclosure]") {
  CHECK(pattern_2x2(0, 5, 6, 7, 1) == "PSSS.....");  // min_cell = 1 suppresses zeros only
  CHECK(pattern_2x2(4, 4, 4, 4, 5) == "PPPP.....");  // margins 8 and total 16 published
}

TEST_CASE("disclosure 2x2: min_cell = 0 suppresses nothing", "[disclosure]") {
  CHECK(pattern_2x2(0, 1, 2, 3, 0) == ".........");
  CHECK(pattern_2x2(0, 0, 0, 0, 0) == ".........");
  CHECK_FALSE(fd::suppress(fd::Table2x2Counts{0, 1, 2, 3}, fd::Policy{0}).any());
}

TEST_CASE("disclosure 2x2: names of the suppressed list (JSON, docs/spec/interfaces.md §json)",
          "[disclosure]") {
  const auto s = fd::suppress(fd::Table2x2Counts{3, 4, 40, 50});
  const std::vector<std::string_view> expected = {
      "exposed.outcome", "exposed.no_outcome", "unexposed.outcome", "unexposed.no_outcome",
      "margins.exposed", "margins.unexposed"};
  CHECK(s.suppressed_names() == expected);
  CHECK(fd::suppress(fd::Table2x2Counts{20, 30, 40, 50}).suppressed_names().empty());
  CHECK(fd::json_name(Field2x2::total) == "margins.total");
  CHECK(fd::json_name(Field2x2::no_outcome) == "margins.no_outcome");
}

TEST_CASE("disclosure 2x2: margins of the counts", "[disclosure]") {
  const fd::Table2x2Counts t{1, 2, 3, 4};
  CHECK(t.value(Field2x2::exposed) == 3);
  CHECK(t.value(Field2x2::unexposed) == 7);
  CHECK(t.value(Field2x2::outcome) == 4);
  CHECK(t.value(Field2x2::no_outcome) == 6);
  CHECK(t.value(Field2x2::total) == 10);
}

// ---- one-way hand cases --------------------------------------------------------------------------

TEST_CASE("disclosure one-way: hand cases", "[disclosure]") {
  CHECK(pattern_one_way({12, 30, 45}) == "...|.");
  // One small count: the next smallest (12) is suppressed with it; 3 + 12 >= 10.
  CHECK(pattern_one_way({3, 30, 45, 12}) == "P..S|.");
  // Two small counts whose sum (5) is below 10: the next smallest joins them.
  CHECK(pattern_one_way({2, 3, 40, 50}) == "PPS.|.");
  // Two small counts whose sum (11) is at least 10: nothing more.
  CHECK(pattern_one_way({5, 6, 40, 50}) == "PP..|.");
  // Zeros: two suppressed zeros would be recovered exactly from the total.
  CHECK(pattern_one_way({0, 0, 25, 30}) == "PPS.|.");
  // Ties: the first in input order.
  CHECK(pattern_one_way({4, 20, 20, 30}) == "PS..|.");
  CHECK(pattern_one_way({10, 10, 9}) == "S.P|.");
  CHECK(pattern_one_way({9, 10}) == "PS|.");
  CHECK(pattern_one_way({1, 2, 3, 100}) == "PPPS|.");
  // A total below min_cell is suppressed, and every count with it.
  CHECK(pattern_one_way({2, 3, 4}) == "PPP|P");
  CHECK(pattern_one_way({5}) == "P|P");
  CHECK(pattern_one_way({15}) == ".|.");
  CHECK(pattern_one_way({}) == "|P");
  // No published total: primary only.
  CHECK(pattern_one_way({3, 30, 45}, 10, fd::Total::not_published) == "P..|.");
  CHECK(pattern_one_way({0, 0, 25, 30}, 10, fd::Total::not_published) == "PP..|.");
  // Off.
  CHECK(pattern_one_way({0, 1, 2}, 0) == "...|.");
  CHECK_FALSE(fd::suppress_one_way({0, 1, 2}, fd::Policy{0}).any());
  CHECK(fd::suppress_one_way({3, 30, 45}).any());
}

// ---- estimates -----------------------------------------------------------------------------------

TEST_CASE("disclosure: an estimate is suppressed iff one of its counts is", "[disclosure]") {
  CHECK_FALSE(fd::estimate_suppressed({}));
  CHECK_FALSE(fd::estimate_suppressed({Suppression::none, Suppression::none}));
  CHECK(fd::estimate_suppressed({Suppression::none, Suppression::secondary}));
  CHECK(fd::estimate_suppressed({Suppression::primary}));
  const std::vector<Suppression> v = {Suppression::none, Suppression::primary};
  CHECK(fd::estimate_suppressed(v));

  constexpr std::array all = {fd::Estimate2x2::risk_exposed, fd::Estimate2x2::risk_unexposed,
                              fd::Estimate2x2::risk_ratio, fd::Estimate2x2::odds_ratio,
                              fd::Estimate2x2::risk_difference};
  const auto large = fd::suppress(fd::Table2x2Counts{20, 30, 40, 50});
  const auto small = fd::suppress(fd::Table2x2Counts{3, 30, 40, 50});
  const auto off = fd::suppress(fd::Table2x2Counts{3, 30, 40, 50}, fd::Policy{0});
  for (auto e : all) {
    CHECK_FALSE(fd::estimate_suppressed(large, e));
    CHECK(fd::estimate_suppressed(small, e));  // c and d are secondary: the unexposed risk too
    CHECK_FALSE(fd::estimate_suppressed(off, e));
  }
  // Which counts each estimate is computed from (a status suppress() does not produce, to see the
  // mapping): only c suppressed.
  fd::Suppressed2x2 only_c;
  only_c.c = Suppression::secondary;
  CHECK_FALSE(fd::estimate_suppressed(only_c, fd::Estimate2x2::risk_exposed));
  CHECK(fd::estimate_suppressed(only_c, fd::Estimate2x2::risk_unexposed));
  CHECK(fd::estimate_suppressed(only_c, fd::Estimate2x2::risk_ratio));
  CHECK(fd::estimate_suppressed(only_c, fd::Estimate2x2::odds_ratio));
  CHECK(fd::estimate_suppressed(only_c, fd::Estimate2x2::risk_difference));
  fd::Suppressed2x2 only_exposed;
  only_exposed.exposed = Suppression::primary;
  CHECK(fd::estimate_suppressed(only_exposed, fd::Estimate2x2::risk_exposed));
  CHECK_FALSE(fd::estimate_suppressed(only_exposed, fd::Estimate2x2::risk_unexposed));
  CHECK(fd::estimate_suppressed(only_exposed, fd::Estimate2x2::risk_ratio));
  CHECK_FALSE(fd::estimate_suppressed(only_exposed, fd::Estimate2x2::odds_ratio));
}

// ---- properties over random tables ---------------------------------------------------------------

namespace {

using Values = std::array<std::uint64_t, 9>;

Values values_of(const fd::Table2x2Counts& t) {
  Values v{};
  for (Field2x2 f : fd::fields_2x2) v[static_cast<std::size_t>(f)] = t.value(f);
  return v;
}

std::array<bool, 9> flags_of(const fd::Suppressed2x2& s) {
  std::array<bool, 9> out{};
  for (Field2x2 f : fd::fields_2x2) out[static_cast<std::size_t>(f)] = s.suppressed(f);
  return out;
}

/// Every table (a', b', c', d') >= 0 inside [0, box]^4 whose published numbers equal those of
/// `truth`: brute force over the free cells, each cell fixed by a published margin where one
/// is (the fixed value is then checked against every published number anyway).
void for_each_consistent(const Values& truth, const std::array<bool, 9>& sup, std::uint64_t box,
                         const std::function<void(const fd::Table2x2Counts&)>& visit) {
  auto pub = [&](Field2x2 f) { return !sup[static_cast<std::size_t>(f)]; };
  auto val = [&](Field2x2 f) { return static_cast<std::int64_t>(truth[static_cast<std::size_t>(f)]); };
  const auto B = static_cast<std::int64_t>(box);
  for (std::int64_t a = 0; a <= B; ++a) {
    std::int64_t b_lo = 0, b_hi = B;
    if (pub(Field2x2::exposed)) b_lo = b_hi = val(Field2x2::exposed) - a;
    for (std::int64_t b = std::max<std::int64_t>(b_lo, 0); b <= std::min(b_hi, B); ++b) {
      std::int64_t c_lo = 0, c_hi = B;
      if (pub(Field2x2::outcome)) c_lo = c_hi = val(Field2x2::outcome) - a;
      for (std::int64_t c = std::max<std::int64_t>(c_lo, 0); c <= std::min(c_hi, B); ++c) {
        std::int64_t d_lo = 0, d_hi = B;
        if (pub(Field2x2::total)) d_lo = d_hi = val(Field2x2::total) - a - b - c;
        else if (pub(Field2x2::unexposed)) d_lo = d_hi = val(Field2x2::unexposed) - c;
        else if (pub(Field2x2::no_outcome)) d_lo = d_hi = val(Field2x2::no_outcome) - b;
        for (std::int64_t d = std::max<std::int64_t>(d_lo, 0); d <= std::min(d_hi, B); ++d) {
          const fd::Table2x2Counts cand{static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b),
                                        static_cast<std::uint64_t>(c), static_cast<std::uint64_t>(d)};
          const Values v = values_of(cand);
          bool ok = true;
          for (std::size_t i = 0; i < 9 && ok; ++i)
            if (!sup[i] && v[i] != truth[i]) ok = false;
          if (ok) visit(cand);
        }
      }
    }
  }
}

std::uint64_t draw_cell(std::mt19937_64& rng) {
  // Many small cells, some large ones: every rule gets exercised.
  std::uniform_int_distribution<int> kind(0, 4);
  std::uniform_int_distribution<std::uint64_t> small(0, 12), large(0, 40);
  return kind(rng) < 2 ? small(rng) : large(rng);
}

}  // namespace

TEST_CASE("disclosure 2x2 property: nothing small is published and nothing suppressed can be "
          "recovered from what is",
          "[disclosure][property]") {
  std::mt19937_64 rng(20261123);
  const std::array<std::uint64_t, 9> thresholds = {0, 1, 2, 3, 5, 10, 10, 10, 15};
  std::uniform_int_distribution<std::size_t> pick(0, thresholds.size() - 1);
  int n_tables = 0, n_suppressed_tables = 0, n_checked_values = 0;
  for (int iter = 0; iter < 1500; ++iter) {
    const fd::Table2x2Counts t{draw_cell(rng), draw_cell(rng), draw_cell(rng), draw_cell(rng)};
    const fd::Policy p{thresholds[pick(rng)]};
    const auto s = fd::suppress(t, p);
    const Values truth = values_of(t);
    const auto sup = flags_of(s);
    ++n_tables;
    INFO("table " << t.a << " " << t.b << " " << t.c << " " << t.d << ", min_cell " << p.min_cell
                  << ", pattern " << pattern(s));

    // (1) no published number is below min_cell; with min_cell = 0 nothing is suppressed.
    for (std::size_t i = 0; i < 9; ++i)
      if (!sup[i]) REQUIRE((!p.enabled() || truth[i] >= p.min_cell));
    if (!p.enabled()) {
      REQUIRE_FALSE(s.any());
      continue;
    }
    // A primary mark exactly on the numbers below min_cell.
    for (Field2x2 f : fd::fields_2x2)
      REQUIRE((s.at(f) == Suppression::primary) == (t.value(f) < p.min_cell));
    if (!s.any()) continue;
    ++n_suppressed_tables;

    // (2) every table consistent with the published numbers, cells >= 0: each suppressed number
    // takes at least two values, indeed a range at least min_cell wide. With the total published
    // every cell is <= total, so the box is exhaustive; without it the box is wide enough to show
    // the range.
    const std::uint64_t box = s.total == Suppression::none ? t.total() : t.total() + p.min_cell + 1;
    Values lo, hi;
    lo.fill(UINT64_MAX);
    hi.fill(0);
    bool truth_seen = false;
    // (3) the same, for a reader who also replays the rule: only the tables that would have been
    // suppressed in the same places (primary and secondary look the same in published output).
    std::array<std::set<std::uint64_t>, 9> replay;
    for_each_consistent(truth, sup, box, [&](const fd::Table2x2Counts& cand) {
      const Values v = values_of(cand);
      truth_seen = truth_seen || cand == t;
      for (std::size_t i = 0; i < 9; ++i) {
        lo[i] = std::min(lo[i], v[i]);
        hi[i] = std::max(hi[i], v[i]);
      }
      if (flags_of(fd::suppress(cand, p)) == sup)
        for (std::size_t i = 0; i < 9; ++i) replay[i].insert(v[i]);
    });
    REQUIRE(truth_seen);
    for (std::size_t i = 0; i < 9; ++i) {
      if (!sup[i]) continue;
      ++n_checked_values;
      INFO("field " << fd::json_name(static_cast<Field2x2>(i)) << " range " << lo[i] << ".." << hi[i]);
      REQUIRE(hi[i] > lo[i]);
      REQUIRE(hi[i] - lo[i] >= p.min_cell);
      // With min_cell = 1 an all-zero table is identified by its suppressed total (< 1 means 0):
      // that is what "<1" says anyway.
      if (!(p.min_cell == 1 && t.total() == 0)) REQUIRE(replay[i].size() >= 2);
    }
  }
  CHECK(n_tables == 1500);
  CHECK(n_suppressed_tables > 500);  // the generator does exercise suppression
  CHECK(n_checked_values > 3000);
}

TEST_CASE("disclosure one-way property: nothing small is published and nothing suppressed can "
          "be recovered from what is",
          "[disclosure][property]") {
  std::mt19937_64 rng(7);
  const std::array<std::uint64_t, 8> thresholds = {0, 1, 2, 5, 10, 10, 10, 15};
  std::uniform_int_distribution<std::size_t> pick(0, thresholds.size() - 1);
  std::uniform_int_distribution<int> size(0, 4), coin(0, 3);
  std::uniform_int_distribution<std::uint64_t> value(0, 15);
  int n_suppressed_tables = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<std::uint64_t> x(static_cast<std::size_t>(size(rng)));
    for (auto& v : x) v = value(rng);
    const fd::Policy p{thresholds[pick(rng)]};
    const auto mode = coin(rng) == 0 ? fd::Total::not_published : fd::Total::published;
    const auto s = fd::suppress_one_way(x, p, mode);
    std::uint64_t total = 0;
    for (auto v : x) total += v;
    INFO("counts " << ::Catch::Detail::stringify(x) << ", min_cell " << p.min_cell << ", total "
                   << (mode == fd::Total::published ? "published" : "not published")
                   << ", pattern " << pattern(s));
    REQUIRE(s.counts.size() == x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!fd::is_suppressed(s.counts[i])) REQUIRE((!p.enabled() || x[i] >= p.min_cell));
    const bool total_published = mode == fd::Total::published && !fd::is_suppressed(s.total);
    if (mode == fd::Total::published && total_published) REQUIRE((!p.enabled() || total >= p.min_cell));
    if (mode == fd::Total::not_published) REQUIRE(s.total == Suppression::none);
    if (!p.enabled()) REQUIRE_FALSE(s.any());
    std::vector<std::size_t> hidden;
    std::uint64_t published_sum = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (fd::is_suppressed(s.counts[i])) hidden.push_back(i);
      else published_sum += x[i];
    }
    if (hidden.empty()) continue;
    ++n_suppressed_tables;
    // Brute force over the suppressed counts (>= 0). With a published total the last one is
    // fixed by it; without one, no published number ties them together, so each ranges over the
    // box on its own.
    const std::uint64_t box = total + p.min_cell + 1;
    std::vector<std::uint64_t> lo(x.size(), UINT64_MAX), hi(x.size(), 0);
    std::vector<std::uint64_t> cand(hidden.size(), 0);
    std::function<void(std::size_t, std::uint64_t)> rec = [&](std::size_t k, std::uint64_t sum) {
      if (total_published && k + 1 == hidden.size()) {
        const std::uint64_t rest = total - published_sum;
        if (sum > rest) return;
        cand[k] = rest - sum;
      } else if (k == hidden.size()) {
        if (total_published && sum != total - published_sum) return;
      } else {
        const std::uint64_t upper = total_published ? total - published_sum - sum : box;
        for (std::uint64_t v = 0; v <= upper; ++v) {
          cand[k] = v;
          rec(k + 1, sum + v);
        }
        return;
      }
      for (std::size_t j = 0; j < hidden.size(); ++j) {
        lo[hidden[j]] = std::min(lo[hidden[j]], cand[j]);
        hi[hidden[j]] = std::max(hi[hidden[j]], cand[j]);
      }
    };
    if (total_published || hidden.size() == 1) {
      rec(0, 0);
    } else {  // independent: each suppressed count ranges over [0, box]
      for (std::size_t i : hidden) {
        lo[i] = 0;
        hi[i] = box;
      }
    }
    for (std::size_t i : hidden) {
      INFO("count " << i << " range " << lo[i] << ".." << hi[i]);
      REQUIRE(lo[i] <= x[i]);
      REQUIRE(x[i] <= hi[i]);
      REQUIRE(hi[i] - lo[i] >= p.min_cell);
    }
  }
  CHECK(n_suppressed_tables > 1000);
}

// ---- the shared fixture (tests/fixtures/disclosure_cases.json) ----------------------------------

namespace {

namespace pt = boost::property_tree;
using famgraph::test_fixture::flag;
using famgraph::test_fixture::strings;
using famgraph::test_fixture::u64;
using famgraph::test_fixture::u64s;

const pt::ptree& shared_cases() { return famgraph::test_fixture::cases("disclosure_cases.json"); }

}  // namespace

TEST_CASE("disclosure fixture: names, sources and the default", "[disclosure][fixture]") {
  const auto& t = shared_cases();
  CHECK(u64(t.get_child("default_min_cell")) == fd::default_min_cell);
  const auto fields = strings(t.get_child("fields_2x2"));
  const auto json_names = strings(t.get_child("json_names_2x2"));
  REQUIRE(fields.size() == fd::fields_2x2.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    CHECK(fd::field_name(fd::fields_2x2[i]) == fields[i]);
    CHECK(fd::json_name(fd::fields_2x2[i]) == json_names[i]);
  }
  std::vector<std::string> names;
  for (const auto& [name, src] : t.get_child("estimate_sources_2x2")) names.push_back(name);
  REQUIRE(names.size() == fd::estimates_2x2.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto e = fd::estimates_2x2[i];
    CHECK(fd::to_string(e) == names[i]);
    std::vector<std::string> got;
    for (Field2x2 f : fd::estimate_sources(e)) got.emplace_back(fd::field_name(f));
    CHECK(got == strings(t.get_child("estimate_sources_2x2").get_child(names[i])));
  }
}

TEST_CASE("disclosure fixture: stamp, marker and the min_cell messages", "[disclosure][fixture]") {
  const auto& t = shared_cases();
  for (const auto& [key, c] : t.get_child("policy")) {
    const fd::Policy p{u64(c.get_child("min_cell"))};
    INFO("min_cell " << p.min_cell);
    CHECK(fd::stamp(p) == c.get<std::string>("stamp"));
    CHECK(fd::marker(p) == c.get<std::string>("marker"));
    CHECK(p.enabled() == flag(c.get_child("enabled")));
  }
  for (const auto& [key, c] : t.get_child("min_cell_errors")) {
    const std::int64_t m = std::stoll(c.get<std::string>("min_cell"));
    CHECK_THROWS_AS(fd::make_policy(m), std::invalid_argument);
    CHECK_THROWS_WITH(fd::make_policy(m), c.get<std::string>("message"));
  }
  for (const auto& [key, c] : t.get_child("count_errors")) {
    std::vector<std::int64_t> v;
    for (const auto& [k, x] : c.get_child("counts")) v.push_back(std::stoll(x.data()));
    const auto message = c.get<std::string>("message");
    if (c.get<std::string>("table") == "2x2") {
      REQUIRE(v.size() == 4);
      CHECK_THROWS_WITH(fd::checked_table(v[0], v[1], v[2], v[3]), message);
    } else {
      CHECK_THROWS_WITH(fd::checked_counts(v), message);
    }
  }
}

TEST_CASE("disclosure fixture: 2x2 tables, one by one and as columns", "[disclosure][fixture]") {
  const auto& t = shared_cases();
  // The column form gets every table of one threshold in one call.
  std::map<std::uint64_t, std::vector<std::pair<fd::Table2x2Counts, std::string>>> by_threshold;
  int n = 0;
  for (const auto& [key, c] : t.get_child("two_by_two")) {
    const auto cells = u64s(c.get_child("cells"));
    REQUIRE(cells.size() == 4);
    const fd::Table2x2Counts table{cells[0], cells[1], cells[2], cells[3]};
    const fd::Policy p{u64(c.get_child("min_cell"))};
    const auto expected = c.get<std::string>("status");
    INFO(c.get<std::string>("name") << ": " << expected);
    const auto s = fd::suppress(table, p);
    CHECK(pattern(s) == expected);
    std::vector<std::string> names;
    for (auto name : s.suppressed_names()) names.emplace_back(name);
    CHECK(names == strings(c.get_child("suppressed_names")));
    for (const auto e : fd::estimates_2x2) {
      const auto& expected_flag = c.get_child("estimates").get_child(std::string(fd::to_string(e)));
      CHECK(fd::estimate_suppressed(s, e) == flag(expected_flag));
    }
    const auto& values = c.get_child("values");
    if (values.empty()) {  // null: the margins exceed 2^64 − 1
      CHECK(values.data() == "null");
      CHECK_THROWS_AS(fd::values_checked(table), std::overflow_error);
    } else {
      const auto v = fd::values_checked(table);
      CHECK(std::vector<std::uint64_t>(v.begin(), v.end()) == u64s(values));
    }
    by_threshold[p.min_cell].emplace_back(table, expected);
    ++n;
  }
  CHECK(n >= 20);
  for (const auto& [m, cases] : by_threshold) {
    std::vector<std::uint64_t> a, b, c, d;
    for (const auto& [table, expected] : cases) {
      a.push_back(table.a);
      b.push_back(table.b);
      c.push_back(table.c);
      d.push_back(table.d);
    }
    const auto cols = fd::suppress_2x2_columns(a, b, c, d, fd::Policy{m});
    for (std::size_t i = 0; i < cases.size(); ++i) {
      std::string got;
      for (std::size_t f = 0; f < 9; ++f) got += code(cols.status[f][i]);
      CHECK(got == cases[i].second);
    }
  }
}

TEST_CASE("disclosure fixture: one-way tables", "[disclosure][fixture]") {
  int n = 0;
  for (const auto& [key, c] : shared_cases().get_child("one_way")) {
    const auto counts = u64s(c.get_child("counts"));
    const fd::Policy p{u64(c.get_child("min_cell"))};
    const auto total = flag(c.get_child("total_published")) ? fd::Total::published : fd::Total::not_published;
    INFO(c.get<std::string>("name"));
    CHECK(pattern(fd::suppress_one_way(counts, p, total)) == c.get<std::string>("status"));
    ++n;
  }
  CHECK(n >= 20);
}

TEST_CASE("disclosure fixture: the estimate rule and the text of counts", "[disclosure][fixture]") {
  const auto& t = shared_cases();
  for (const auto& [key, c] : t.get_child("estimate_suppressed")) {
    std::vector<Suppression> sources;
    for (const auto& name : strings(c.get_child("sources")))
      sources.push_back(name == "primary" ? Suppression::primary
                                          : name == "secondary" ? Suppression::secondary : Suppression::none);
    CHECK(fd::estimate_suppressed(sources) == flag(c.get_child("suppressed")));
    // The column form: one row per source status, every row its own estimate.
    const std::vector<std::span<const Suppression>> one_row = [&] {
      std::vector<std::span<const Suppression>> out;
      for (const auto& s : sources) out.emplace_back(&s, 1);
      return out;
    }();
    CHECK(fd::estimate_suppressed_columns(one_row, 1) == std::vector<bool>{flag(c.get_child("suppressed"))});
  }
  std::vector<double> values;
  std::vector<std::string> texts;
  for (const auto& [key, c] : t.get_child("format_count")) {
    const auto text = c.get<std::string>("value");
    const double v = text == "nan" ? std::numeric_limits<double>::quiet_NaN() : std::stod(text);
    INFO(text);
    CHECK(fd::format_count_cell(v, false, fd::Policy{}) == c.get<std::string>("text"));
    if (!std::isnan(v)) CHECK(fd::format_count(v) == c.get<std::string>("text"));
    values.push_back(v);
    texts.push_back(c.get<std::string>("text"));
  }
  // The column form; a hidden value shows the marker whatever it is.
  auto hidden = std::make_unique<bool[]>(values.size());
  const std::span<const bool> flags(hidden.get(), values.size());
  CHECK(fd::format_count_column(values, flags, fd::Policy{}) == texts);
  hidden[0] = true;
  CHECK(fd::format_count_column(values, flags, fd::Policy{5})[0] == "<5");
  CHECK_THROWS_AS(fd::format_count(std::numeric_limits<double>::infinity()), std::overflow_error);
}

TEST_CASE("disclosure: sums beyond 2^64 - 1 saturate instead of wrapping", "[disclosure]") {
  constexpr std::uint64_t half = std::uint64_t{1} << 63;
  CHECK(fd::saturating_add(half, half) == std::numeric_limits<std::uint64_t>::max());
  CHECK(fd::saturating_add(1, 2) == 3);
  // A wrapped sum of 5 would suppress the total and every count.
  CHECK(pattern_one_way({half, half, 5}) == "S.P|.");
  // A wrapped total of 1 would suppress everything.
  CHECK(pattern_2x2(half, half, 0, 1) == "SSPPSP...");
  CHECK_THROWS_AS(fd::values_checked(fd::Table2x2Counts{half, half, 0, 1}), std::overflow_error);
  const std::vector<std::uint64_t> a{half, 1}, b{half, 2}, c{0, 3}, d{1, 4};
  CHECK_THROWS_WITH(fd::values_2x2_columns(a, b, c, d),
                    "the counts 9223372036854775808, 9223372036854775808, 0, 1 of row 0 sum to more than "
                    "18446744073709551615 (2^64 - 1)");
  const std::vector<std::uint64_t> short_d{1};
  CHECK_THROWS_AS(fd::suppress_2x2_columns(a, b, c, short_d), std::invalid_argument);
}
