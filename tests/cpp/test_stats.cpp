// famgraph::stats (docs/spec/statistics.md) against values derived by hand; the arithmetic is in the
// comments. z = 1.959963984540054 throughout, z² = 3.8414588206941254. The comparison with
// statsmodels, lifelines and numpy on random inputs is in tests/python/test_stats.py.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

#include "famgraph/stats/stats.hpp"

namespace st = famgraph::stats;
using Catch::Matchers::Contains;

namespace {

constexpr double z = 1.959963984540054;
constexpr double z2 = z * z;

// Relative agreement to a few ulps: these are closed forms evaluated in a slightly different
// order in the test than in the library.
Approx near(double v) {
  return Approx(v).epsilon(1e-13).margin(1e-15);
}

std::vector<st::TimeEvent> te(std::initializer_list<std::pair<double, int>> xs) {
  std::vector<st::TimeEvent> v;
  for (auto [t, e] : xs) v.push_back({t, e != 0});
  return v;
}

}  // namespace

// ---------------------------------------------------------------- critical values

TEST_CASE("stats: z for level 0.95 is exactly the constant of the specification", "[stats][z]") {
  CHECK(st::z975 == 1.959963984540054);
  CHECK(st::z_for_level(0.95) == st::z975);
  // Boost's own quantile agrees to the last bit on this platform; allow 1 ulp elsewhere.
  const double boost_z =
      boost::math::quantile(boost::math::complement(boost::math::normal_distribution<double>(), 0.025));
  CHECK(std::abs(boost_z - st::z975) <= std::numeric_limits<double>::epsilon() * 2.0);
}

TEST_CASE("stats: z for other levels comes from the normal quantile", "[stats][z]") {
  // Φ⁻¹(0.95) and Φ⁻¹(0.995), the textbook 1.645 and 2.576.
  CHECK(st::z_for_level(0.90) == near(1.6448536269514722));
  CHECK(st::z_for_level(0.99) == near(2.5758293035489004));
  CHECK_THROWS_AS(st::z_for_level(0.0), std::invalid_argument);
  CHECK_THROWS_AS(st::z_for_level(1.0), std::invalid_argument);
  CHECK_THROWS_AS(st::z_for_level(std::nan("")), std::invalid_argument);
}

// ---------------------------------------------------------------- proportions

TEST_CASE("stats: Wilson interval for 0 of 10", "[stats][wilson]") {
  // k = 0: centre = (z²/2)/(n + z²) and half = z·sqrt(z²/4)/(n + z²) = (z²/2)/(n + z²), so
  // lower = 0 exactly and upper = z²/(n + z²) = 3.8414588206941254 / 13.8414588206941254
  //       = 0.2775327998628892 (Newcombe 1998 Table II case (e) lists 0.2775).
  const auto ci = st::wilson(0, 10);
  REQUIRE(ci);
  CHECK(ci->lower == 0.0);
  CHECK(ci->upper == near(z2 / (10.0 + z2)));
  CHECK(ci->upper == near(0.2775327998628892));
}

TEST_CASE("stats: Wilson interval for 7 of 20", "[stats][wilson]") {
  // centre = (7 + z²/2)/(20 + z²) = 8.920729410347063 / 23.841458820694125 = 0.3741687737079229
  // half   = z·sqrt(7·13/20 + z²/4)/(20 + z²) = 1.959963984540054 · sqrt(4.55 + 0.9603647051735313)
  //        / 23.841458820694125 = 1.959963984540054 · 2.347416602389429 / 23.841458820694125
  //        = 0.1929769496068408
  // → [0.1811918241010821, 0.5671457233147637]
  const auto ci = st::wilson(7, 20);
  REQUIRE(ci);
  CHECK(ci->lower == near(0.1811918241010821));
  CHECK(ci->upper == near(0.5671457233147637));
}

TEST_CASE("stats: Wilson: n = 0 is undefined, k = n reaches 1 exactly, k > n is an error",
          "[stats][wilson]") {
  CHECK_FALSE(st::wilson(0, 0));
  const auto all = st::wilson(10, 10);
  REQUIRE(all);
  CHECK(all->upper == 1.0);
  CHECK(all->lower == near(1.0 - z2 / (10.0 + z2)));  // mirror of 0 of 10
  CHECK_THROWS_AS(st::wilson(3, 2), std::invalid_argument);
  CHECK_THROWS_AS(st::wilson(1, 2, 1.5), std::invalid_argument);
}

TEST_CASE("stats: Wilson at another level uses that level's z", "[stats][wilson]") {
  // k = 0, n = 10 at 90%: upper = z₀.₉₅²/(10 + z₀.₉₅²) with z₀.₉₅ = 1.6448536269514722.
  const double z90 = 1.6448536269514722;
  CHECK(st::wilson(0, 10, 0.90)->upper == near(z90 * z90 / (10.0 + z90 * z90)));
}

TEST_CASE("stats: Clopper-Pearson closed forms at the boundaries", "[stats][clopper]") {
  // k = 0: lower = 0, upper solves (1 − π)ⁿ = α/2 → 1 − 0.025^(1/10) = 0.30849710781876083.
  const auto c0 = st::clopper_pearson(0, 10);
  REQUIRE(c0);
  CHECK(c0->lower == 0.0);
  CHECK(c0->upper == Approx(1.0 - std::pow(0.025, 0.1)).epsilon(1e-12));
  // k = n: upper = 1, lower solves πⁿ = α/2 → 0.025^(1/10) = 0.6915028921812392.
  const auto cn = st::clopper_pearson(10, 10);
  CHECK(cn->upper == 1.0);
  CHECK(cn->lower == Approx(std::pow(0.025, 0.1)).epsilon(1e-12));
  // k = 1: lower solves 1 − (1 − π)ⁿ = α/2 → 1 − 0.975^(1/10) = 0.002528578544461757.
  CHECK(st::clopper_pearson(1, 10)->lower == Approx(1.0 - std::pow(0.975, 0.1)).epsilon(1e-12));
  CHECK_FALSE(st::clopper_pearson(0, 0));
  CHECK_THROWS_AS(st::clopper_pearson(11, 10), std::invalid_argument);
}

TEST_CASE("stats: Clopper-Pearson interior values are Beta quantiles", "[stats][clopper]") {
  // 7 of 20: Beta(7, 14) at 0.025 and Beta(8, 13) at 0.975 (scipy.stats.beta: 0.15390920478454118,
  // 0.5921885345328282).
  const auto ci = st::clopper_pearson(7, 20);
  CHECK(ci->lower == Approx(0.15390920478454118).epsilon(1e-12));
  CHECK(ci->upper == Approx(0.5921885345328282).epsilon(1e-12));
  // Exact intervals contain the Wilson interval's point and are wider here.
  CHECK(ci->lower < st::wilson(7, 20)->lower);
  CHECK(ci->upper > st::wilson(7, 20)->upper);
}

// ---------------------------------------------------------------- 2×2: textbook table

TEST_CASE("stats: 2x2 textbook table a=15 b=85 c=5 d=95", "[stats][2x2]") {
  const auto r = st::analyse({15, 85, 5, 95});
  CHECK(r.z == st::z975);
  // Risks 15/100 = 0.15 and 5/100 = 0.05 with Wilson intervals
  //   15/100: centre (15 + 1.9207294)/103.8414588 = 0.1629477, half = z·sqrt(12.75 + 0.9603647)/103.84
  //           → [0.09305985283656634, 0.23283559590832367]
  //    5/100: → [0.021543679154367973, 0.11175046923191914]
  REQUIRE(r.risk_exposed);
  CHECK(r.risk_exposed->value == 0.15);
  CHECK(r.risk_exposed->ci->lower == near(0.09305985283656634));
  CHECK(r.risk_exposed->ci->upper == near(0.23283559590832367));
  CHECK(r.risk_unexposed->value == 0.05);
  CHECK(r.risk_unexposed->ci->lower == near(0.021543679154367973));
  CHECK(r.risk_unexposed->ci->upper == near(0.11175046923191914));

  // Katz: RR = 0.15/0.05 = 3; se(log RR) = sqrt(1/15 − 1/100 + 1/5 − 1/100) = sqrt(0.24666…)
  //       = 0.49665548085837796; 3·exp(∓z·se) = 3·exp(∓0.97342685) = [1.1333585961897883, 7.940999459709297]
  REQUIRE(r.risk_ratio);
  CHECK(r.risk_ratio->value == near(3.0));
  REQUIRE(r.risk_ratio->ci);
  CHECK(r.risk_ratio->ci->lower == near(1.1333585961897883));
  CHECK(r.risk_ratio->ci->upper == near(7.940999459709297));

  // Woolf: OR = 15·95/(85·5) = 1425/425 = 57/17 = 3.3529411764705883;
  //        se(log OR) = sqrt(1/15 + 1/85 + 1/5 + 1/95) = sqrt(0.2889576883384933) = 0.5375478474875454
  //        → 57/17·exp(∓1.0535744) = [1.1691342325734824, 9.61584582817814]
  REQUIRE(r.odds_ratio);
  CHECK_FALSE(r.or_corrected);
  CHECK(r.odds_ratio->value == near(57.0 / 17.0));
  CHECK(r.odds_ratio->ci->lower == near(1.1691342325734824));
  CHECK(r.odds_ratio->ci->upper == near(9.61584582817814));
  REQUIRE(r.or_raw);
  CHECK(*r.or_raw == near(57.0 / 17.0));

  // Newcombe 10: RD = 0.10; lower = 0.10 − sqrt((0.15 − 0.0930599)² + (0.1117505 − 0.05)²)
  //   = 0.10 − sqrt(0.00324218 + 0.00381312) = 0.10 − 0.08399584 = 0.016004161952179588
  // upper = 0.10 + sqrt((0.2328356 − 0.15)² + (0.05 − 0.0215437)²) = 0.10 + sqrt(0.00686174 + 0.00080977)
  //   = 0.18758708892043757
  REQUIRE(r.risk_difference);
  CHECK(r.risk_difference->value == near(0.1));
  CHECK(r.risk_difference->ci->lower == near(0.016004161952179588));
  CHECK(r.risk_difference->ci->upper == near(0.18758708892043757));
}

TEST_CASE("stats: Newcombe method 10 reproduces Newcombe (1998) Table II", "[stats][newcombe]") {
  // The paper's eight examples, to its 4 decimals (it used z = 1.96; the difference is < 2e-5).
  struct Row {
    std::uint64_t k1, n1, k2, n2;
    double lo, hi;
  };
  const Row rows[] = {{56, 70, 48, 80, 0.0524, 0.3339}, {9, 10, 3, 10, 0.1705, 0.8090},
                      {6, 7, 2, 7, 0.0582, 0.8062},     {5, 56, 0, 29, -0.0381, 0.1926},
                      {0, 10, 0, 20, -0.1611, 0.2775},  {0, 10, 0, 10, -0.2775, 0.2775},
                      {10, 10, 0, 20, 0.6791, 1.0000},  {10, 10, 0, 10, 0.6075, 1.0000}};
  for (const auto& row : rows) {
    CAPTURE(row.k1, row.n1, row.k2, row.n2);
    const auto e = st::newcombe_difference(row.k1, row.n1, row.k2, row.n2);
    REQUIRE(e);
    CHECK(e->value == near(double(row.k1) / row.n1 - double(row.k2) / row.n2));
    CHECK(e->ci->lower == Approx(row.lo).margin(6e-5));
    CHECK(e->ci->upper == Approx(row.hi).margin(6e-5));
  }
  // 10/10 vs 0/20: u1 = 1 and l2 = 0 exactly, so the upper bound is exactly 1.
  CHECK(st::newcombe_difference(10, 10, 0, 20)->ci->upper == 1.0);
}

// ---------------------------------------------------------------- 2×2: every rule of
// docs/spec/common_rules.md §two-by-two-tables

TEST_CASE("stats: 2x2 rule: an empty exposed group leaves its risk, RR, OR and RD undefined",
          "[stats][2x2]") {
  const auto r = st::analyse({0, 0, 3, 7});
  CHECK_FALSE(r.risk_exposed);
  REQUIRE(r.risk_unexposed);  // the other group's risk is still reported
  CHECK(r.risk_unexposed->value == 0.3);
  CHECK(r.risk_unexposed->ci);
  CHECK_FALSE(r.risk_ratio);
  CHECK_FALSE(r.odds_ratio);
  CHECK_FALSE(r.or_raw);
  CHECK_FALSE(r.risk_difference);
  CHECK_FALSE(r.or_corrected);  // no ½ correction although a = b = 0
}

TEST_CASE("stats: 2x2 rule: an empty unexposed group leaves RR, OR and RD undefined", "[stats][2x2]") {
  const auto r = st::analyse({4, 6, 0, 0});
  REQUIRE(r.risk_exposed);
  CHECK(r.risk_exposed->value == 0.4);
  CHECK_FALSE(r.risk_unexposed);
  CHECK_FALSE(r.risk_ratio);
  CHECK_FALSE(r.odds_ratio);
  CHECK_FALSE(r.or_raw);
  CHECK_FALSE(r.risk_difference);
  CHECK_FALSE(r.or_corrected);
}

TEST_CASE("stats: 2x2 rule: an empty table is all undefined", "[stats][2x2]") {
  const auto r = st::analyse({0, 0, 0, 0});
  CHECK_FALSE(r.risk_exposed);
  CHECK_FALSE(r.risk_unexposed);
  CHECK_FALSE(r.risk_ratio);
  CHECK_FALSE(r.odds_ratio);
  CHECK_FALSE(r.or_raw);
  CHECK_FALSE(r.risk_difference);
  CHECK_FALSE(r.or_corrected);
}

TEST_CASE("stats: 2x2 rule: c = 0 makes the risk ratio undefined, the OR corrected", "[stats][2x2]") {
  // a=3 b=7 c=0 d=10. RR = 0.3/0 undefined. OR with ½: 3.5·10.5/(7.5·0.5) = 36.75/3.75 = 9.8;
  // or_raw: b·c = 0 → null. RD = 0.3 − 0 with Newcombe.
  const auto r = st::analyse({3, 7, 0, 10});
  CHECK_FALSE(r.risk_ratio);
  CHECK(r.or_corrected);
  CHECK(r.odds_ratio->value == near(9.8));
  CHECK_FALSE(r.or_raw);
  REQUIRE(r.risk_difference);
  CHECK(r.risk_difference->value == near(0.3));
}

TEST_CASE("stats: 2x2 rule: a = 0 < c gives a risk ratio of exactly 0 and no Katz interval", "[stats][2x2]") {
  // a=0 b=10 c=5 d=5: RR = 0/(5/10) = 0, log undefined → no interval.
  // OR corrected: 0.5·5.5/(10.5·5.5) = 1/21. or_raw = 0·5/(10·5) = 0 (b·c = 50 > 0).
  const auto r = st::analyse({0, 10, 5, 5});
  REQUIRE(r.risk_ratio);
  CHECK(r.risk_ratio->value == 0.0);
  CHECK_FALSE(r.risk_ratio->ci);
  CHECK(r.or_corrected);
  CHECK(r.odds_ratio->value == near(1.0 / 21.0));
  // se = sqrt(1/0.5 + 1/10.5 + 1/5.5 + 1/5.5) = sqrt(2.4588744588744587)
  const double se = std::sqrt(2.0 + 1.0 / 10.5 + 2.0 / 5.5);
  CHECK(r.odds_ratio->ci->lower == near(1.0 / 21.0 * std::exp(-z * se)));
  CHECK(r.odds_ratio->ci->upper == near(1.0 / 21.0 * std::exp(z * se)));
  REQUIRE(r.or_raw);
  CHECK(*r.or_raw == 0.0);
}

TEST_CASE("stats: 2x2 rule: a = c = 0 — RR undefined (c = 0 wins), RD 0 with an interval", "[stats][2x2]") {
  // 0/10 vs 0/20: Newcombe Table II (e): [−0.1611, 0.2775]: lower = −u2 = −z²/(20 + z²),
  // upper = u1 = z²/(10 + z²).
  const auto r = st::analyse({0, 10, 0, 20});
  CHECK_FALSE(r.risk_ratio);
  CHECK(r.or_corrected);
  CHECK(r.odds_ratio->value == near(0.5 * 20.5 / (10.5 * 0.5)));
  CHECK_FALSE(r.or_raw);  // b·c = 0
  CHECK(r.risk_difference->value == 0.0);
  CHECK(r.risk_difference->ci->lower == near(-z2 / (20.0 + z2)));
  CHECK(r.risk_difference->ci->upper == near(z2 / (10.0 + z2)));
}

TEST_CASE("stats: 2x2 rule: one zero cell adds ½ to all four cells for OR only; RR stays raw",
          "[stats][2x2]") {
  // a=4 b=0 c=2 d=6. OR: (4.5·6.5)/(0.5·2.5) = 29.25/1.25 = 23.4 (not 4.5·6/(0.5·2) = 27, which is
  // what replacing only the zero cell — statsmodels' shift_zeros — would give).
  // se = sqrt(1/4.5 + 1/0.5 + 1/2.5 + 1/6.5) = sqrt(2.776068376068376).
  // RR on raw cells: (4/4)/(2/8) = 4; Katz se = sqrt(0/(4·4) + 6/(2·8)) = sqrt(0.375).
  const auto r = st::analyse({4, 0, 2, 6});
  CHECK(r.or_corrected);
  CHECK(r.odds_ratio->value == near(23.4));
  const double se = std::sqrt(1 / 4.5 + 1 / 0.5 + 1 / 2.5 + 1 / 6.5);
  CHECK(r.odds_ratio->ci->lower == near(23.4 * std::exp(-z * se)));
  CHECK(r.odds_ratio->ci->upper == near(23.4 * std::exp(z * se)));
  CHECK_FALSE(r.or_raw);  // b = 0
  CHECK(r.risk_ratio->value == near(4.0));
  CHECK(r.risk_ratio->ci->lower == near(4.0 * std::exp(-z * std::sqrt(0.375))));
  CHECK(r.risk_ratio->ci->upper == near(4.0 * std::exp(z * std::sqrt(0.375))));
}

TEST_CASE("stats: 2x2 rule: d = 0 is corrected too; the raw OR is then 0", "[stats][2x2]") {
  // a=3 b=2 c=4 d=0: corrected (3.5·0.5)/(2.5·4.5) = 1.75/11.25 = 0.15555…; raw 3·0/(2·4) = 0.
  const auto r = st::analyse({3, 2, 4, 0});
  CHECK(r.or_corrected);
  CHECK(r.odds_ratio->value == near(1.75 / 11.25));
  REQUIRE(r.or_raw);
  CHECK(*r.or_raw == 0.0);
  // RR raw: (3/5)/(4/4) = 0.6 with Katz se = sqrt(2/(3·5) + 0/(4·4)).
  CHECK(r.risk_ratio->value == near(0.6));
  CHECK(r.risk_ratio->ci->upper == near(0.6 * std::exp(z * std::sqrt(2.0 / 15.0))));
}

TEST_CASE("stats: 2x2 rule: no zero cell means no correction and OR = raw OR", "[stats][2x2]") {
  const auto r = st::analyse({2, 3, 5, 7});
  CHECK_FALSE(r.or_corrected);
  CHECK(r.odds_ratio->value == near(14.0 / 15.0));
  CHECK(*r.or_raw == r.odds_ratio->value);
}

TEST_CASE("stats: 2x2 rule: the Katz interval degenerates to a point when both risks are 1", "[stats][2x2]") {
  // a=5 b=0 c=3 d=0: RR = 1, se = sqrt(0 + 0) = 0 → [1, 1]; OR corrected 5.5·0.5/(0.5·3.5).
  const auto r = st::analyse({5, 0, 3, 0});
  CHECK(r.risk_ratio->value == 1.0);
  CHECK(r.risk_ratio->ci->lower == 1.0);
  CHECK(r.risk_ratio->ci->upper == 1.0);
  CHECK(r.or_corrected);
  CHECK(r.odds_ratio->value == near(5.5 / 3.5));
  CHECK_FALSE(r.or_raw);
}

TEST_CASE("stats: 2x2 at 90% uses z = 1.6448536269514722 everywhere", "[stats][2x2]") {
  const auto r = st::analyse({15, 85, 5, 95}, 0.90);
  const double z90 = 1.6448536269514722;
  CHECK(r.z == near(z90));
  CHECK(r.risk_ratio->ci->upper == near(3.0 * std::exp(z90 * 0.49665548085837796)));
  CHECK(r.risk_exposed->ci->upper == near(st::wilson(15, 100, 0.90)->upper));
  CHECK_THROWS_AS(st::analyse({1, 1, 1, 1}, 0.0), std::invalid_argument);
}

// ---------------------------------------------------------------- Kaplan–Meier

TEST_CASE("stats: Kaplan-Meier on a hand-worked table with tied events and censorings", "[stats][km]") {
  // times (E = event, C = censored): 1E, 2E, 2C, 3E, 3E, 3C, 5C, 6E   (n = 8)
  //  t  n  d  c   S                            Σ d/(n(n−d))              Greenwood S²Σ
  //  1  8  1  0   7/8 = 0.875                  1/56                      0.765625/56 = 0.013671875
  //  2  7  1  1   0.875·6/7 = 0.75             1/56 + 1/42 = 1/24        0.5625/24 = 0.0234375
  //  3  5  2  1   0.75·3/5 = 0.45              1/24 + 2/15 = 0.175       0.2025·0.175 = 0.0354375
  //  5  2  0  1   0.45                         0.175                     0.0354375
  //  6  1  1  0   0                            ∞                         undefined
  // The censoring at 2 is at risk for the event at 2 (events first): with censorings first S(2)
  // would be 0.875·5/6 = 0.729.
  // log(−log): w = z·sqrt(Σ)/(−log S); CI = [S^exp(w), S^exp(−w)]
  //  t=1: w = 1.959964·0.1336306/0.1335314 = 1.9614204507128021 → [0.38700001403202516, 0.981392965878966]
  //  t=2: w = 1.959964·0.2041241/0.2876821 = 1.3906878854839553 → [0.31480711370551895, 0.9308983170906275]
  //  t=3: w = 1.959964·0.4183300/0.7985077 = 1.026805080951841  → [0.10757811523828897, 0.7512738499261934]
  // (lifelines 0.30 gives the same bounds.)
  const auto data = te({{3, 1}, {1, 1}, {2, 0}, {6, 1}, {2, 1}, {3, 0}, {5, 0}, {3, 1}});
  const auto km = st::kaplan_meier(data);
  REQUIRE(km.steps.size() == 5);
  CHECK(km.n == 8);
  CHECK(km.n_events == 5);
  const double times[] = {1, 2, 3, 5, 6};
  const std::uint64_t at_risk[] = {8, 7, 5, 2, 1}, events[] = {1, 1, 2, 0, 1}, cens[] = {0, 1, 1, 1, 0};
  const double surv[] = {0.875, 0.75, 0.45, 0.45, 0.0};
  const double var[] = {0.013671875, 0.0234375, 0.0354375, 0.0354375};
  const double lo[] = {0.38700001403202516, 0.31480711370551895, 0.10757811523828897, 0.10757811523828897};
  const double hi[] = {0.981392965878966, 0.9308983170906275, 0.7512738499261934, 0.7512738499261934};
  for (std::size_t i = 0; i < 5; ++i) {
    CAPTURE(i);
    const auto& s = km.steps[i];
    CHECK(s.time == times[i]);
    CHECK(s.at_risk == at_risk[i]);
    CHECK(s.events == events[i]);
    CHECK(s.censored == cens[i]);
    CHECK(s.survival == near(surv[i]));
    CHECK(s.cumulative_incidence == near(1.0 - surv[i]));
    if (i < 4) {
      REQUIRE(s.variance);
      CHECK(*s.variance == near(var[i]));
      REQUIRE(s.ci);
      CHECK(s.ci->lower == Approx(lo[i]).epsilon(1e-12));
      CHECK(s.ci->upper == Approx(hi[i]).epsilon(1e-12));
      REQUIRE(s.cumulative_incidence_ci);
      CHECK(s.cumulative_incidence_ci->lower == Approx(1.0 - hi[i]).epsilon(1e-12));
      CHECK(s.cumulative_incidence_ci->upper == Approx(1.0 - lo[i]).epsilon(1e-12));
    }
  }
  // S = 0 at t = 6: Greenwood's sum diverges and log(−log 0) does not exist.
  CHECK(km.steps[4].survival == 0.0);
  CHECK_FALSE(km.steps[4].variance);
  CHECK_FALSE(km.steps[4].ci);
  CHECK_FALSE(km.steps[4].cumulative_incidence_ci);

  CHECK(st::survival_at(km, 0.5) == 1.0);
  CHECK(st::survival_at(km, 2.0) == near(0.75));
  CHECK(st::survival_at(km, 4.0) == near(0.45));
  CHECK(st::survival_at(km, 100.0) == 0.0);
}

TEST_CASE("stats: Kaplan-Meier before the first event: S = 1 with the interval [1, 1]", "[stats][km]") {
  // 0C, 4C, 9E, 9C: S stays 1 until 9, where n = 2, d = 1 → S = 1/2, Σ = 1/(2·1) = 1/2.
  const auto km = st::kaplan_meier(te({{4, 0}, {9, 1}, {0, 0}, {9, 0}}));
  REQUIRE(km.steps.size() == 3);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(km.steps[i].survival == 1.0);
    CHECK(*km.steps[i].variance == 0.0);
    CHECK(km.steps[i].ci->lower == 1.0);
    CHECK(km.steps[i].ci->upper == 1.0);
    CHECK(km.steps[i].cumulative_incidence_ci->lower == 0.0);
  }
  CHECK(km.steps[2].at_risk == 2);
  CHECK(km.steps[2].survival == 0.5);
  CHECK(*km.steps[2].variance == near(0.25 * 0.5));
  const double w = z * std::sqrt(0.5) / std::log(2.0);
  CHECK(km.steps[2].ci->lower == Approx(std::pow(0.5, std::exp(w))).epsilon(1e-12));
  CHECK(km.steps[2].ci->upper == Approx(std::pow(0.5, std::exp(-w))).epsilon(1e-12));
}

TEST_CASE("stats: Kaplan-Meier edge cases: empty input, non-finite times", "[stats][km]") {
  CHECK(st::kaplan_meier(std::vector<st::TimeEvent>{}).steps.empty());
  CHECK_THROWS_AS(st::kaplan_meier(te({{1, 1}, {std::nan(""), 0}})), std::invalid_argument);
  CHECK_THROWS_AS(st::kaplan_meier(te({{std::numeric_limits<double>::infinity(), 1}})),
                  std::invalid_argument);
}

// ---------------------------------------------------------------- log-rank

TEST_CASE("stats: log-rank test on a hand-computed example", "[stats][logrank]") {
  // A: 1E 2E 3C 4E      B: 2E 3E 5C 6E
  //  t  nA nB  n  dA d    E_A = d·nA/n     V = d·(nA/n)(nB/n)(n−d)/(n−1)
  //  1  4  4   8  1  1    1/2              1·(1/2)(1/2)·7/7       = 1/4
  //  2  3  4   7  1  2    6/7              2·(3/7)(4/7)·5/6       = 20/49
  //  3  2  3   5  0  1    2/5              1·(2/5)(3/5)·4/4       = 6/25   (A's 3C still at risk)
  //  4  1  2   3  1  1    1/3              1·(1/3)(2/3)·2/2       = 2/9
  //  6  0  1   1  0  1    0                0 (n = 1)
  // O_A = 3, E_A = (105 + 180 + 84 + 70)/210 = 439/210, O_A − E_A = 191/210
  // V = (11025 + 18000 + 10584 + 9800)/44100 = 49409/44100
  // χ² = (191/210)²/(49409/44100) = 36481/49409 = 0.7383472646683803 (210² = 44100)
  // p = P(χ²₁ > χ²) = erfc(sqrt(χ²/2)) = 0.39019082304608155 (lifelines: the same)
  const auto A = te({{1, 1}, {2, 1}, {3, 0}, {4, 1}});
  const auto B = te({{2, 1}, {3, 1}, {5, 0}, {6, 1}});
  const auto r = st::logrank(A, B);
  CHECK(r.observed1 == 3);
  CHECK(r.observed2 == 3);
  CHECK(r.expected1 == near(439.0 / 210.0));
  CHECK(r.expected2 == near(6.0 - 439.0 / 210.0));
  CHECK(r.variance == near(49409.0 / 44100.0));
  REQUIRE(r.chi2);
  CHECK(*r.chi2 == near(36481.0 / 49409.0));
  REQUIRE(r.p_value);
  CHECK(*r.p_value == Approx(std::erfc(std::sqrt(36481.0 / 49409.0 / 2.0))).epsilon(1e-12));
  CHECK(*r.p_value == Approx(0.39019082304608155).epsilon(1e-12));
  CHECK(r.df == 1);
  // The statistic does not depend on which group is first.
  const auto s = st::logrank(B, A);
  CHECK(*s.chi2 == near(*r.chi2));
  CHECK(s.expected1 == near(r.expected2));
}

TEST_CASE("stats: log-rank without informative event times has no statistic", "[stats][logrank]") {
  // No events at all: V = 0.
  const auto none = st::logrank(te({{1, 0}, {2, 0}}), te({{3, 0}}));
  CHECK(none.variance == 0.0);
  CHECK_FALSE(none.chi2);
  CHECK_FALSE(none.p_value);
  // Group B censored before the first event: every event term has nA·nB = 0.
  const auto apart = st::logrank(te({{1, 1}, {2, 1}}), te({{0.5, 0}}));
  CHECK(apart.variance == 0.0);
  CHECK(apart.expected1 == 2.0);
  CHECK_FALSE(apart.chi2);
  // An empty group likewise.
  CHECK_FALSE(st::logrank(te({{1, 1}}), std::vector<st::TimeEvent>{}).chi2);
}

TEST_CASE("stats: log-rank: a tie of an event and censorings keeps the censored at risk",
          "[stats][logrank]") {
  // A: 1E 1C 1C   B: 1C 3E. Events first: at t = 1, nA = 3, nB = 2, n = 5, d = 1 → E_A = 3/5,
  // V = (3/5)(2/5)(4/4) = 6/25; at t = 3 only B is at risk (0 and 0).
  // χ² = (1 − 3/5)²/(6/25) = (4/25)/(6/25) = 2/3. (Censorings first would give nA = nB = 1,
  // E_A = 1/2, V = 1/4 and χ² = 1.)
  const auto r = st::logrank(te({{1, 1}, {1, 0}, {1, 0}}), te({{1, 0}, {3, 1}}));
  CHECK(r.expected1 == near(3.0 / 5.0));
  CHECK(r.variance == near(6.0 / 25.0));
  CHECK(*r.chi2 == near(2.0 / 3.0));
}

// ---------------------------------------------------------------- logistic regression

namespace {
// The 2×2 table a, b, c, d as individual rows: x = exposure, y = outcome.
void rows_of(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d, Eigen::MatrixXd& X,
             Eigen::VectorXd& y) {
  const auto n = static_cast<Eigen::Index>(a + b + c + d);
  X.resize(n, 1);
  y.resize(n);
  Eigen::Index i = 0;
  auto put = [&](std::uint64_t k, double x, double out) {
    for (std::uint64_t j = 0; j < k; ++j, ++i) X(i, 0) = x, y[i] = out;
  };
  put(a, 1, 1);
  put(b, 1, 0);
  put(c, 0, 1);
  put(d, 0, 0);
}
}  // namespace

TEST_CASE("stats: logistic regression on a 2x2 table equals the Woolf odds ratio", "[stats][logistic]") {
  // With one binary covariate the MLE is saturated: intercept = log(c/d) = log(5/95)
  // = −2.9444389791664407, slope = log(ad/(bc)) = log(57/17) = 1.209837923778334; the inverse
  // information gives se(slope) = sqrt(1/a + 1/b + 1/c + 1/d) = 0.5375478474875454 (Woolf) and
  // se(intercept) = sqrt(1/c + 1/d) = 0.45883146774112354.
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
  rows_of(15, 85, 5, 95, X, y);
  st::LogisticOptions opt;
  opt.add_intercept = true;
  const auto r = st::logistic_regression(X, y, opt);
  CHECK(r.converged);
  CHECK(r.intercept_added);
  CHECK(r.iterations >= 3);
  CHECK(r.iterations < 20);
  REQUIRE(r.coef.size() == 2);
  CHECK(r.coef[0] == Approx(std::log(5.0 / 95.0)).epsilon(1e-10));
  CHECK(r.coef[1] == Approx(std::log(57.0 / 17.0)).epsilon(1e-10));
  CHECK(r.se[0] == Approx(0.45883146774112354).epsilon(1e-10));
  CHECK(r.se[1] == Approx(0.5375478474875454).epsilon(1e-10));
  const auto t = st::analyse({15, 85, 5, 95});
  CHECK(r.odds_ratio[1] == Approx(t.odds_ratio->value).epsilon(1e-10));
  CHECK(r.or_ci[1].lower == Approx(t.odds_ratio->ci->lower).epsilon(1e-10));
  CHECK(r.or_ci[1].upper == Approx(t.odds_ratio->ci->upper).epsilon(1e-10));
  CHECK(r.ci[1].lower == Approx(r.coef[1] - z * r.se[1]).epsilon(1e-14));
  // log L = a·log(0.15) + b·log(0.85) + c·log(0.05) + d·log(0.95)
  CHECK(r.log_likelihood ==
        Approx(15 * std::log(0.15) + 85 * std::log(0.85) + 5 * std::log(0.05) + 95 * std::log(0.95))
            .epsilon(1e-12));
  CHECK(r.covariance.rows() == 2);
  CHECK(r.covariance(1, 1) == Approx(0.2889576883384933).epsilon(1e-10));
}

TEST_CASE("stats: logistic regression on a tiny non-separable dataset", "[stats][logistic]") {
  // x: 0 0 0 1 1 1, y: 0 1 0 1 0 1 → unexposed 1/3, exposed 2/3.
  // intercept = log((1/3)/(2/3)) = log(1/2); slope = log((2/1)/(1/2)) = log 4;
  // se(slope) = sqrt(1/2 + 1/1 + 1/1 + 1/2) = sqrt(3); se(intercept) = sqrt(1/1 + 1/2).
  Eigen::MatrixXd X(6, 2);
  X << 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1;  // intercept column supplied by the caller
  Eigen::VectorXd y(6);
  y << 0, 1, 0, 1, 0, 1;
  const auto r = st::logistic_regression(X, y);
  CHECK(r.converged);
  CHECK_FALSE(r.intercept_added);
  CHECK(r.coef[0] == Approx(std::log(0.5)).epsilon(1e-10));
  CHECK(r.coef[1] == Approx(std::log(4.0)).epsilon(1e-10));
  CHECK(r.se[0] == Approx(std::sqrt(1.5)).epsilon(1e-10));
  CHECK(r.se[1] == Approx(std::sqrt(3.0)).epsilon(1e-10));
  CHECK(r.odds_ratio[1] == Approx(4.0).epsilon(1e-10));
}

TEST_CASE("stats: logistic regression refuses complete separation", "[stats][logistic]") {
  // x: 0 0 0 1 1 1, y = x: any slope → +∞ increases the likelihood; no MLE.
  Eigen::MatrixXd X(6, 1);
  X << 0, 0, 0, 1, 1, 1;
  Eigen::VectorXd y(6);
  y << 0, 0, 0, 1, 1, 1;
  st::LogisticOptions opt;
  opt.add_intercept = true;
  CHECK_THROWS_AS(st::logistic_regression(X, y, opt), st::ConvergenceError);
  CHECK_THROWS_WITH(st::logistic_regression(X, y, opt), Contains("separation"));
  // On request the last iterate comes back flagged instead.
  opt.throw_on_nonconvergence = false;
  opt.max_iterations = 15;
  const auto r = st::logistic_regression(X, y, opt);
  CHECK_FALSE(r.converged);
  CHECK(r.iterations == 15);
  CHECK(r.coef[1] > 10.0);
}

TEST_CASE("stats: logistic regression refuses quasi-complete separation", "[stats][logistic]") {
  // Exposed all have the outcome (b = 0), unexposed mixed: the slope's MLE is +∞.
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
  rows_of(4, 0, 3, 5, X, y);
  st::LogisticOptions opt;
  opt.add_intercept = true;
  CHECK_THROWS_AS(st::logistic_regression(X, y, opt), st::ConvergenceError);
}

TEST_CASE("stats: logistic regression refuses quasi-complete separation at a tied point",
          "[stats][logistic]") {
  // x: −1 −3 −3 2 0 3 −1 1, y = 1 only at one of the two x = −3. With β = t·(−3, −1):
  // η = −t(3 + x) is 0 at x = −3 and → −∞ elsewhere, so log L ↑ 2·log ½ as t → ∞: no MLE.
  // On the normal equations the tiny eigenvalue along (−3, −1) drowns in rounding after ~40
  // steps and Newton "converges" to β ≈ (−56, −19) with se ≈ 10⁸; the QR-based step must not.
  Eigen::MatrixXd X(8, 1);
  X << -1, -3, -3, 2, 0, 3, -1, 1;
  Eigen::VectorXd y(8);
  y << 0, 1, 0, 0, 0, 0, 0, 0;
  st::LogisticOptions opt;
  opt.add_intercept = true;
  CHECK_THROWS_AS(st::logistic_regression(X, y, opt), st::ConvergenceError);
  opt.max_iterations = 1000;
  CHECK_THROWS_AS(st::logistic_regression(X, y, opt), st::ConvergenceError);
}

TEST_CASE("stats: logistic regression refuses quasi-complete separation in two covariates",
          "[stats][logistic]") {
  // (x0, x1) → y: (0,0) → 1, 0; (1,1) → 0, 1; (0,1) → 1, 1, 1; (1,0) → 0. The direction
  // β = t·(0, −1, 1) leaves (0,0) and (1,1) at η = 0 and sends (0,1) to +∞ (all y = 1) and (1,0)
  // to −∞ (y = 0): no MLE. Newton's step along it vanishes in rounding at t ≈ 38, where the fit
  // would otherwise be reported as converged with se ≈ 10⁸.
  Eigen::MatrixXd X(8, 2);
  X << 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1;
  Eigen::VectorXd y(8);
  y << 1, 0, 1, 0, 1, 0, 1, 1;
  st::LogisticOptions opt;
  opt.add_intercept = true;
  CHECK_THROWS_WITH(st::logistic_regression(X, y, opt), Contains("separation"));
  opt.throw_on_nonconvergence = false;
  const auto r = st::logistic_regression(X, y, opt);
  CHECK_FALSE(r.converged);
}

TEST_CASE("stats: logistic regression: an extreme but genuine fitted value is not separation",
          "[stats][logistic]") {
  // Not separated (x = −1, 0, 1 each have both outcomes). Without the extra point the data are
  // symmetric about x = 0 (1/3, 1/2, 2/3), so intercept = 0, and the slope's score equation
  // (2 − 3σ(b)) − (1 − 3σ(−b)) = 4 − 6σ(b) = 0 gives σ(b) = 2/3, b = log 2.
  // An extra y = 1 at x = 60 has η = 60·log 2 ≈ 41.6 > 30: numerically a probability of 1, but the
  // other eight rows pin both coefficients (no separation certificate), so the fit stands. The
  // point adds p(1 − p) ≈ e^(−41.6) to the information and y − p ≈ 0 to the score: the fit is the
  // fit without it.
  // x: −1 −1 −1 0 0 1 1 1 (+60);  y: 0 0 1 0 1 0 1 1 (+1)
  Eigen::MatrixXd X(9, 1), X8(8, 1);
  X << -1, -1, -1, 0, 0, 1, 1, 1, 60;
  X8 = X.topRows(8);
  Eigen::VectorXd y(9), y8(8);
  y << 0, 0, 1, 0, 1, 0, 1, 1, 1;
  y8 = y.head(8);
  st::LogisticOptions opt;
  opt.add_intercept = true;
  const auto base = st::logistic_regression(X8, y8, opt);
  CHECK(base.converged);
  CHECK(base.coef[0] == Approx(0.0).margin(1e-12));
  CHECK(base.coef[1] == Approx(std::log(2.0)).epsilon(1e-10));
  const auto wide = st::logistic_regression(X, y, opt);
  CHECK(wide.converged);
  CHECK(wide.coef[1] * 60.0 > 30.0);
  CHECK(wide.coef[0] == Approx(base.coef[0]).margin(1e-12));
  CHECK(wide.coef[1] == Approx(base.coef[1]).epsilon(1e-9));
  CHECK(wide.se[1] == Approx(base.se[1]).epsilon(1e-9));
  // The same point with y = 0 pulls the slope towards 0 instead: an ordinary fit.
  y[8] = 0;
  CHECK(st::logistic_regression(X, y, opt).converged);
}

TEST_CASE("stats: logistic regression refuses a rank-deficient design", "[stats][logistic]") {
  Eigen::MatrixXd X(6, 3);
  // column 2 = 2 · column 1
  X << 1, 0, 0, 1, 1, 2, 1, 0, 0, 1, 1, 2, 1, 1, 2, 1, 0, 0;
  Eigen::VectorXd y(6);
  y << 0, 1, 1, 0, 1, 0;
  CHECK_THROWS_AS(st::logistic_regression(X, y), st::RankDeficientError);
  CHECK_THROWS_WITH(st::logistic_regression(X, y), Contains("rank 2"));
  // Fewer observations than coefficients.
  Eigen::MatrixXd X2(1, 2);
  X2 << 1, 0.5;
  Eigen::VectorXd y2(1);
  y2 << 1;
  CHECK_THROWS_AS(st::logistic_regression(X2, y2), st::RankDeficientError);
  // An all-zero dummy (empty category) next to the intercept.
  Eigen::MatrixXd X3 = Eigen::MatrixXd::Zero(4, 1);
  Eigen::VectorXd y3(4);
  y3 << 0, 1, 0, 1;
  st::LogisticOptions opt;
  opt.add_intercept = true;
  CHECK_THROWS_AS(st::logistic_regression(X3, y3, opt), st::RankDeficientError);
}

TEST_CASE("stats: logistic regression validates its input", "[stats][logistic]") {
  Eigen::MatrixXd X = Eigen::MatrixXd::Ones(3, 1);
  Eigen::VectorXd y(3);
  y << 0, 1, 2;
  CHECK_THROWS_AS(st::logistic_regression(X, y), std::invalid_argument);
  Eigen::VectorXd y2(2);
  y2 << 0, 1;
  CHECK_THROWS_AS(st::logistic_regression(X, y2), std::invalid_argument);
  Eigen::MatrixXd Xn = X;
  Xn(1, 0) = std::nan("");
  Eigen::VectorXd y3(3);
  y3 << 0, 1, 0;
  CHECK_THROWS_AS(st::logistic_regression(Xn, y3), std::invalid_argument);
  CHECK_THROWS_AS(st::logistic_regression(Eigen::MatrixXd(0, 1), Eigen::VectorXd(0)), std::invalid_argument);
}

// ---------------------------------------------------------------- quantiles

TEST_CASE("stats: quantiles interpolate at (n - 1)·q", "[stats][quantile]") {
  // sorted 1 2 3 4 10 (n = 5, positions 0..4):
  //  q = 0.25 → pos 1 → 2;  q = 0.5 → pos 2 → 3;  q = 0.75 → pos 3 → 4
  //  q = 0.1 → pos 0.4 → 1 + 0.4·(2 − 1) = 1.4;  q = 0.9 → pos 3.6 → 4 + 0.6·(10 − 4) = 7.6
  const std::vector<double> x{10, 3, 1, 4, 2};
  CHECK(*st::quantile(x, 0.25) == 2.0);
  CHECK(*st::median(x) == 3.0);
  CHECK(*st::quantile(x, 0.75) == 4.0);
  CHECK(*st::quantile(x, 0.1) == near(1.4));
  CHECK(*st::quantile(x, 0.9) == near(7.6));
  CHECK(*st::quantile(x, 0.0) == 1.0);
  CHECK(*st::quantile(x, 1.0) == 10.0);
  // n = 4: 1 2 3 4 → q1 pos 0.75 → 1.75; median pos 1.5 → 2.5; q3 pos 2.25 → 3.25
  const auto q = st::quartiles(std::vector<double>{4, 1, 3, 2});
  REQUIRE(q);
  CHECK(q->q1 == 1.75);
  CHECK(q->median == 2.5);
  CHECK(q->q3 == 3.25);
  const std::vector<double> qs{0.0, 0.5, 1.0};
  CHECK(*st::quantiles(x, qs) == std::vector<double>{1.0, 3.0, 10.0});
}

TEST_CASE("stats: quantiles: empty data is undefined, one value is every quantile, bad input throws",
          "[stats][quantile]") {
  const std::vector<double> none;
  CHECK_FALSE(st::quantile(none, 0.5));
  CHECK_FALSE(st::quartiles(none));
  CHECK_FALSE(st::median(none));
  const std::vector<double> one{42.0};
  CHECK(*st::quantile(one, 0.3) == 42.0);
  CHECK(st::quartiles(one)->q3 == 42.0);
  const std::vector<double> x{1, 2};
  CHECK_THROWS_AS(st::quantile(x, -0.1), std::invalid_argument);
  CHECK_THROWS_AS(st::quantile(x, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(st::quantile(std::vector<double>{1, std::nan("")}, 0.5), std::invalid_argument);
  CHECK_THROWS_AS(st::quantile_sorted(none, 0.5), std::invalid_argument);
}

TEST_CASE("stats: quantiles interpolate from the nearer end, as numpy does", "[stats][quantile]") {
  // [0.2, 9.8] at q = 0.76: pos 0.76, t = 0.76 ≥ ½ → 9.8 − 9.6·0.24 = 7.496 (numpy 2.4 prints
  // 7.496); the far-end form 0.2 + 9.600000000000001·0.76 rounds to 7.496000000000001.
  CHECK(*st::quantile(std::vector<double>{9.8, 0.2}, 0.76) == 7.496);
  // 2.1 2.7 3.4 7.9 9.5 at q = 0.65: pos 2.6 → 7.9 − 4.5·0.4 = 6.1000000000000005 (numpy), where
  // 3.4 + 4.5·0.6 gives 6.1.
  CHECK(*st::quantile(std::vector<double>{2.1, 2.7, 3.4, 7.9, 9.5}, 0.65) == 6.1000000000000005);
  // t < ½ uses a + (b − a)·t: 0.2 + 9.600000000000001·0.25 = 2.6000000000000005 (numpy too).
  CHECK(*st::quantile(std::vector<double>{0.2, 9.8}, 0.25) == 2.6000000000000005);
}
