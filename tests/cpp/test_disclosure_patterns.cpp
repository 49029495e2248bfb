// The pattern rules of famgraph/disclosure_patterns.hpp: hand-derived cases, properties, and the
// shared cases of tests/fixtures/disclosure_patterns_cases.json (read here and by
// tests/python/test_disclosure_patterns.py, whose expected answers are the Python comparisons the
// call sites made before the rules moved into the core).
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "famgraph/disclosure_patterns.hpp"
#include "json_fixture.hpp"

namespace fd = famgraph::disclosure;
using fd::Policy;
using fd::Zero;

TEST_CASE("patterns: a count on its own", "[disclosure][patterns]") {
  const Policy p{10};
  CHECK(fd::count_hidden(0, p));
  CHECK(fd::count_hidden(9, p));
  CHECK_FALSE(fd::count_hidden(10, p));
  CHECK_FALSE(fd::count_hidden(0, p, Zero::safe));  // "nobody" singles nobody out
  CHECK(fd::count_hidden(1, p, Zero::safe));
  CHECK_FALSE(fd::count_hidden(3, Policy{0}));
  CHECK_FALSE(fd::count_hidden(0, Policy{0}, Zero::small));
  constexpr auto max = std::numeric_limits<std::uint64_t>::max();
  CHECK(fd::count_hidden(max - 1, Policy{max}));
  CHECK_FALSE(fd::count_hidden(max, Policy{max}));
}

TEST_CASE("patterns: a difference of two published counts", "[disclosure][patterns]") {
  const Policy p{10};
  CHECK(fd::difference_hidden(100, 91, p));
  CHECK_FALSE(fd::difference_hidden(100, 90, p));
  CHECK(fd::difference_hidden(100, 100, p));
  CHECK_FALSE(fd::difference_hidden(100, 100, p, Zero::safe));
  // A part larger than the whole: a negative "count", below every threshold when zeros are small
  // (as `whole - part < m` was), no positive count otherwise (as `0 < whole - part < m` was).
  CHECK(fd::difference_hidden(5, 6, p));
  CHECK_FALSE(fd::difference_hidden(5, 6, p, Zero::safe));
  CHECK_FALSE(fd::difference_hidden(5, 6, Policy{0}));
}

TEST_CASE("patterns: a proportion k of n", "[disclosure][patterns]") {
  const Policy p{10};
  CHECK(fd::proportion_hidden(3, 50, p));
  CHECK(fd::proportion_hidden(41, 50, p));
  CHECK_FALSE(fd::proportion_hidden(40, 50, p));
  CHECK_FALSE(fd::proportion_hidden(10, 20, p));
  CHECK(fd::proportion_hidden(10, 19, p));
  CHECK(fd::proportion_hidden(0, 50, p));
  CHECK(fd::proportion_hidden(50, 50, p));
  CHECK_FALSE(fd::proportion_hidden(0, 50, p, Zero::safe));
  CHECK_FALSE(fd::proportion_hidden(50, 50, p, Zero::safe));
  CHECK(fd::proportion_hidden(49, 50, p, Zero::safe));
  SECTION("symmetric in k and n - k, and never with disclosure control off") {
    for (std::uint64_t n = 0; n < 30; ++n)
      for (std::uint64_t k = 0; k <= n; ++k)
        for (Zero z : {Zero::small, Zero::safe}) {
          CHECK(fd::proportion_hidden(k, n, p, z) == fd::proportion_hidden(n - k, n, p, z));
          CHECK_FALSE(fd::proportion_hidden(k, n, Policy{0}, z));
        }
  }
}

TEST_CASE("patterns: a count nested between two published counts", "[disclosure][patterns]") {
  const Policy p{10};
  CHECK_FALSE(fd::nested_count_hidden(20, 35, 50, p));
  CHECK(fd::nested_count_hidden(20, 29, 50, p));   // 29 − 20 = 9
  CHECK_FALSE(fd::nested_count_hidden(20, 30, 50, p));
  CHECK(fd::nested_count_hidden(20, 41, 50, p));   // 50 − 41 = 9
  CHECK(fd::nested_count_hidden(0, 9, 50, p));     // 9 itself
  CHECK_FALSE(fd::nested_count_hidden(0, 9, 50, Policy{0}));
}

TEST_CASE("patterns: adjacent levels merged", "[disclosure][patterns]") {
  const Policy p{10};
  using V = std::vector<std::uint64_t>;
  using S = std::vector<std::size_t>;
  CHECK(fd::merge_adjacent_levels(V{}, V{}, p).empty());
  CHECK(fd::merge_adjacent_levels(V{3}, V{5}, p) == S{0});  // one group is left as it is
  CHECK(fd::merge_adjacent_levels(V{2, 30, 40}, V{5, 60, 80}, p) == S{0, 0, 2});
  // the middle level joins its neighbour with fewer persons
  CHECK(fd::merge_adjacent_levels(V{30, 2, 40}, V{60, 5, 80}, p) == S{0, 0, 2});
  CHECK(fd::merge_adjacent_levels(V{40, 2, 30}, V{80, 5, 60}, p) == S{0, 1, 1});
  // a tie between the neighbours: the earlier one
  CHECK(fd::merge_adjacent_levels(V{30, 2, 40}, V{60, 5, 60}, p) == S{0, 0, 2});
  CHECK(fd::merge_adjacent_levels(V{15, 15, 15}, V{30, 30, 30}, p) == S{0, 1, 2});
  CHECK(fd::merge_adjacent_levels(V{2, 30, 40}, V{5, 60, 80}, Policy{0}) == S{0, 1, 2});
  CHECK_THROWS_AS(fd::merge_adjacent_levels(V{5}, V{3}, p), std::invalid_argument);
  CHECK_THROWS_AS(fd::merge_adjacent_levels(V{1, 2}, V{3}, p), std::invalid_argument);
  SECTION("every group ends with min_cell outcomes and non-outcomes, or is the only one") {
    std::mt19937_64 rng(16);
    for (int trial = 0; trial < 2000; ++trial) {
      const std::size_t levels = rng() % 9;
      V k(levels), n(levels);
      for (std::size_t i = 0; i < levels; ++i) {
        n[i] = rng() % 40;
        k[i] = n[i] ? rng() % (n[i] + 1) : 0;
      }
      const auto first = fd::merge_adjacent_levels(k, n, p);
      REQUIRE(first.size() == levels);
      std::size_t groups = 0;
      for (std::size_t i = 0; i < levels; ++i) {
        REQUIRE(first[i] <= i);
        if (first[i] == i) ++groups;
        if (i) REQUIRE((first[i] == first[i - 1] || first[i] == i));  // groups are runs
      }
      if (groups < 2) continue;
      for (std::size_t g = 0; g < levels;) {
        std::uint64_t gk = 0, gn = 0;
        std::size_t i = g;
        for (; i < levels && first[i] == g; ++i) gk += k[i], gn += n[i];
        CHECK(gk >= p.min_cell);
        CHECK(gn - gk >= p.min_cell);
        g = i;
      }
    }
  }
}

TEST_CASE("patterns: data-quality rows", "[disclosure][patterns]") {
  const Policy p{10};
  using fd::QualityKind;
  auto row = [&](std::optional<std::uint64_t> n, std::optional<std::uint64_t> k, QualityKind kind,
                 std::optional<std::uint64_t> rows = std::nullopt, bool completeness = false) {
    return fd::quality_row_status(fd::QualityRow{n, k, kind, completeness, rows}, p);
  };
  using S = fd::QualityRowStatus;
  CHECK(row(std::nullopt, std::nullopt, QualityKind::share) == S{false, false});
  CHECK(row(5, std::nullopt, QualityKind::share) == S{true, true});
  CHECK(row(50, 47, QualityKind::share) == S{true, false});
  CHECK(row(50, 50, QualityKind::share) == S{false, false});       // every record passes: shown
  CHECK(row(50, 0, QualityKind::linkability) == S{true, false});   // nobody linkable: a count of persons
  CHECK(row(50, 50, QualityKind::consistency) == S{false, false});
  CHECK(row(50, 45, QualityKind::consistency) == S{true, false});
  CHECK(row(50, 3, QualityKind::consistency) == S{false, false});  // only the disagreeing count
  CHECK(row(50, 25, QualityKind::share, 55) == S{true, true});     // 5 rows without a value
  CHECK(row(50, 25, QualityKind::share, 50) == S{false, false});
  CHECK(row(50, 25, QualityKind::share, 55, true) == S{false, false});
  CHECK(row(50, 25, QualityKind::share, 45) == S{false, false});   // more values than rows: no count
  CHECK(fd::quality_row_status(fd::QualityRow{5, 2, QualityKind::share, false, 7}, Policy{0}) == S{false, false});
}

TEST_CASE("patterns: match rates", "[disclosure][patterns]") {
  const Policy p{10};
  const std::vector<std::string> names = {"A", "B", "C"};
  SECTION("two organisations: a hidden pair gives itself away through U, so both n are hidden") {
    const std::vector<std::uint64_t> n = {100, 95}, found = {0, 95, 95, 0};
    const std::vector<std::string> two = {"A", "B"};
    const auto s = fd::suppress_match_rates({n, found, two, {false, false}, 100, false}, p);
    CHECK(s.n_hidden == std::vector<bool>{true, true});
    CHECK(s.found_hidden == std::vector<bool>{false, true, true, false});
    CHECK_FALSE(s.all_pairs_hidden);
  }
  SECTION("three organisations with room in the third") {
    const std::vector<std::uint64_t> n = {100, 95, 80}, found = {0, 93, 20, 93, 0, 20, 20, 20, 0};
    const auto s = fd::suppress_match_rates({n, found, names, {false, false, false}, 200, false}, p);
    CHECK(s.n_hidden == std::vector<bool>{false, false, false});
    CHECK(s.found_hidden == std::vector<bool>{false, true, false, true, false, false, false, false, false});
  }
  SECTION("disclosure control off: nothing") {
    const std::vector<std::uint64_t> n = {100, 95, 80}, found = {0, 93, 20, 93, 0, 20, 20, 20, 0};
    const auto s = fd::suppress_match_rates({n, found, names, {false, false, false}, 200, true}, Policy{0});
    CHECK(s.n_hidden == std::vector<bool>{false, false, false});
    CHECK(s.found_hidden == std::vector<bool>(9, false));
  }
  SECTION("sizes that disagree") {
    const std::vector<std::uint64_t> n = {100, 95}, found = {0, 95, 95};
    const std::vector<std::string> two = {"A", "B"};
    CHECK_THROWS_AS(fd::suppress_match_rates({n, found, two, {false, false}, 100, false}, p), std::invalid_argument);
  }
}

// ---- the shared fixture (tests/fixtures/disclosure_patterns_cases.json) --------------------------

namespace {

namespace pt = boost::property_tree;
using famgraph::test_fixture::flag;
using famgraph::test_fixture::flags;
using famgraph::test_fixture::opt_u64;
using famgraph::test_fixture::u64;
using famgraph::test_fixture::u64s;

const pt::ptree& cases() { return famgraph::test_fixture::cases("disclosure_patterns_cases.json"); }
Zero zero(const pt::ptree& c) { return flag(c.get_child("zero_is_small")) ? Zero::small : Zero::safe; }
Policy policy(const pt::ptree& c) { return Policy{u64(c.get_child("min_cell"))}; }

// A matrix (list of rows) flattened row-major.
template <class F>
auto flat(const pt::ptree& node, F&& each) {
  std::vector<decltype(each(node))> out;
  for (const auto& [key, row] : node)
    for (const auto& [k2, cell] : row) out.push_back(each(cell));
  return out;
}

}  // namespace

TEST_CASE("patterns fixture: counts, differences, proportions, nested counts", "[disclosure][patterns][fixture]") {
  const auto& t = cases();
  std::size_t seen = 0;
  for (const auto& [key, c] : t.get_child("count")) {
    INFO("count " << c.get<std::string>("count") << " min_cell " << c.get<std::string>("min_cell"));
    CHECK(fd::count_hidden(u64(c.get_child("count")), policy(c), zero(c)) == flag(c.get_child("hidden")));
    ++seen;
  }
  for (const auto& [key, c] : t.get_child("difference")) {
    INFO("whole " << c.get<std::string>("whole") << " part " << c.get<std::string>("part"));
    CHECK(fd::difference_hidden(u64(c.get_child("whole")), u64(c.get_child("part")), policy(c), zero(c)) ==
          flag(c.get_child("hidden")));
    ++seen;
  }
  for (const auto& [key, c] : t.get_child("proportion")) {
    INFO("k " << c.get<std::string>("k") << " n " << c.get<std::string>("n"));
    CHECK(fd::proportion_hidden(u64(c.get_child("k")), u64(c.get_child("n")), policy(c), zero(c)) ==
          flag(c.get_child("hidden")));
    ++seen;
  }
  for (const auto& [key, c] : t.get_child("nested")) {
    CHECK(fd::nested_count_hidden(u64(c.get_child("inner")), u64(c.get_child("x")), u64(c.get_child("outer")),
                                  policy(c)) == flag(c.get_child("hidden")));
    ++seen;
  }
  CHECK(seen > 100);
}

TEST_CASE("patterns fixture: merged levels and data-quality rows", "[disclosure][patterns][fixture]") {
  const auto& t = cases();
  for (const auto& [key, c] : t.get_child("merge")) {
    const auto first = u64s(c.get_child("first"));
    const auto got = fd::merge_adjacent_levels(u64s(c.get_child("k")), u64s(c.get_child("n")), policy(c));
    CHECK(std::vector<std::uint64_t>(got.begin(), got.end()) == first);
  }
  for (const auto& [key, c] : t.get_child("quality")) {
    const std::string kind = c.get<std::string>("kind");
    const fd::QualityKind q = kind == "linkability"   ? fd::QualityKind::linkability
                              : kind == "consistency" ? fd::QualityKind::consistency
                                                      : fd::QualityKind::share;
    const fd::QualityRow row{opt_u64(c.get_child("n")), opt_u64(c.get_child("k")), q,
                             flag(c.get_child("completeness")), opt_u64(c.get_child("table_rows"))};
    INFO("n " << c.get<std::string>("n") << " k " << c.get<std::string>("k") << " " << kind << " rows "
              << c.get<std::string>("table_rows") << " min_cell " << c.get<std::string>("min_cell"));
    const auto s = fd::quality_row_status(row, policy(c));
    CHECK(s.value == flag(c.get_child("value_hidden")));
    CHECK(s.n == flag(c.get_child("n_hidden")));
  }
}

TEST_CASE("patterns fixture: match rates", "[disclosure][patterns][fixture]") {
  const auto& t = cases();
  std::size_t seen = 0;
  for (const auto& [key, c] : t.get_child("match_rates")) {
    INFO(c.get<std::string>("name"));
    std::vector<std::string> names;
    for (const auto& [k2, v] : c.get_child("names")) names.push_back(v.data());
    const auto n = u64s(c.get_child("n"));
    const auto found = flat(c.get_child("found"), [](const pt::ptree& x) { return u64(x); });
    const fd::MatchRateCounts counts{n, found, names, flags(c.get_child("n_hidden")), u64(c.get_child("persons")),
                                     flag(c.get_child("unlinked_hidden"))};
    const auto s = fd::suppress_match_rates(counts, policy(c));
    CHECK(s.n_hidden == flags(c.get_child("expect_n_hidden")));
    CHECK(s.found_hidden == flat(c.get_child("expect_found_hidden"), [](const pt::ptree& x) { return flag(x); }));
    CHECK(s.all_pairs_hidden == flag(c.get_child("all_pairs_hidden")));
    ++seen;
  }
  CHECK(seen >= 20);
}
