// The matched headline (indicators/matched.hpp) on hand-computed tables.
#include <catch2/catch.hpp>

#include "famgraph/indicators/matched.hpp"

using famgraph::Sex;
using famgraph::indicators::Counts2x2;
using famgraph::indicators::matched_estimate;
using famgraph::indicators::StratifiedCounts2x2;
using famgraph::indicators::Verdict;

namespace {

StratifiedCounts2x2 two_strata_and_an_uninformative_one() {
  StratifiedCounts2x2 t;
  auto add = [&t](int year, std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
    Counts2x2 k;
    k.a = a;
    k.b = b;
    k.c = c;
    k.d = d;
    t.strata.push_back({year, Sex::F, true, k});
  };
  add(1990, 10, 20, 5, 40);  // n = 75
  add(1991, 8, 12, 6, 24);   // n = 50
  add(1992, 3, 2, 0, 0);     // nobody unexposed: adds nothing
  return t;
}

}  // namespace

TEST_CASE("matched_estimate: Mantel-Haenszel OR and RR by hand, uninformative strata ignored", "[matched]") {
  const auto m = matched_estimate(two_strata_and_an_uninformative_one());
  CHECK(m.strata == 3);
  CHECK(m.informative_strata == 2);
  CHECK(m.outcomes_exposed == 18);
  CHECK(m.outcomes_unexposed == 11);
  CHECK(m.informative_cells.b == 32);
  CHECK(m.informative_cells.d == 64);
  REQUIRE(m.mh.odds_ratio);
  // (10·40/75 + 8·24/50) / (20·5/75 + 12·6/50) = 9.17333… / 2.77333… = 3.307692…
  CHECK(m.mh.odds_ratio->value == Approx((400.0 / 75 + 192.0 / 50) / (100.0 / 75 + 72.0 / 50)).epsilon(1e-12));
  REQUIRE(m.mh.risk_ratio);
  // (10·45/75 + 8·30/50) / (5·30/75 + 6·20/50) = 10.8 / 4.4
  CHECK(m.mh.risk_ratio->value == Approx(10.8 / 4.4).epsilon(1e-12));
  REQUIRE(m.clr);
  // The conditional MLE lies near the MH estimate (both consistent for the common OR).
  CHECK(m.clr->value == Approx(m.mh.odds_ratio->value).epsilon(0.1));
}

TEST_CASE("matched_estimate: verdict inputs and rules without the age rule", "[matched]") {
  const auto m = matched_estimate(two_strata_and_an_uninformative_one());
  const auto in = famgraph::indicators::verdict_inputs(m);
  CHECK_FALSE(in.age_rule);
  const auto v = famgraph::indicators::verdict(in);
  CHECK(v.verdict == Verdict::imprecise);  // 11 unexposed outcomes: at least 10, fewer than 20
  CHECK(v.rule == 5);
}

TEST_CASE("matched_estimate: separation leaves the conditional estimate empty with a reason", "[matched]") {
  StratifiedCounts2x2 t;
  Counts2x2 k;
  k.a = 5;
  k.b = 5;
  k.c = 0;
  k.d = 10;
  t.strata.push_back({1990, Sex::M, false, k});
  t.strata.push_back({1991, Sex::M, false, k});
  const auto m = matched_estimate(t);
  CHECK_FALSE(m.clr);
  CHECK_FALSE(m.clr_note.empty());
  CHECK_FALSE(m.mh.odds_ratio);  // Σ b·c/n = 0: infinite
}

TEST_CASE("count_verdict: thresholds 10 and 20, the sentence names the units, not the count", "[matched]") {
  using famgraph::indicators::count_verdict;
  CHECK(count_verdict(9, "cases").verdict == Verdict::not_estimable);
  CHECK(count_verdict(9, "cases").reason == "fewer than 10 cases");
  CHECK(count_verdict(10, "cases").verdict == Verdict::imprecise);
  CHECK(count_verdict(19, "cases").rule == 5);
  CHECK(count_verdict(20, "cases").verdict == Verdict::estimable);
  CHECK(count_verdict(20, "cases").reason.empty());
}
