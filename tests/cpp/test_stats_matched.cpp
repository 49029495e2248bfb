// Stratified and follow-up-aware estimators of famgraph::stats (docs/statistics.md) against values
// derived by hand (the arithmetic is in the comments) and against R's documented output. The
// comparison with statsmodels and lifelines on random data is tests/python/test_stats_matched.py.
#include <tbb/global_control.h>

#include <Eigen/Core>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "famgraph/stats/stats.hpp"

namespace st = famgraph::stats;
using Catch::Matchers::Contains;

namespace {

constexpr double z = 1.959963984540054;

Approx near(double v) {
  return Approx(v).epsilon(1e-12).margin(1e-15);
}

// Agresti's penicillin-and-rabbits data, R's `Rabbits` example of mantelhaen.test: rows Delay
// (None = "exposed", 1.5h), columns Response (Cured = outcome, Died). Strata 1 (nobody cured) and 5
// (nobody died) are degenerate.
const std::vector<st::Table2x2> rabbits{{0, 6, 0, 5}, {3, 3, 0, 6}, {6, 0, 2, 4}, {5, 1, 6, 0}, {2, 0, 5, 0}};

// The UGDP tolbutamide trial by age (< 55, ≥ 55): deaths/survivors on tolbutamide (exposed) and
// placebo, as tabulated in Rothman, Greenland & Lash, Modern Epidemiology (3rd ed., ch. 15), whose
// RR_MH = 1.33 this reproduces; everything else below is derived here by hand in exact fractions.
const std::vector<st::Table2x2> tolbutamide{{8, 98, 5, 115}, {22, 76, 16, 69}};

}  // namespace

// ================================================================ Mantel–Haenszel

TEST_CASE("mantel_haenszel: R's mantelhaen.test example (rabbits)", "[stats][mh]") {
  const auto r = st::mantel_haenszel(rabbits);
  // R 4.x prints: Mantel-Haenszel X-squared = 3.9286, df = 1, p-value = 0.04747;
  // common odds ratio 7, 95 percent confidence interval 1.026713 47.725133.
  // By hand: R = Σ a·d/n = 3·6/12 + 6·4/12 = 3.5, S = Σ b·c/n = 1·6/12 = 0.5, OR = 7.
  CHECK(r.n_strata == 5);
  CHECK(r.n_informative == 3);  // strata 2, 3, 4
  CHECK(r.R == near(3.5));
  CHECK(r.S == near(0.5));
  REQUIRE(r.odds_ratio);
  CHECK(r.odds_ratio->value == near(7.0));
  REQUIRE(r.odds_ratio->ci);
  CHECK(r.odds_ratio->ci->lower == Approx(1.026713).epsilon(1e-6));
  CHECK(r.odds_ratio->ci->upper == Approx(47.725133).epsilon(1e-7));
  REQUIRE(r.cmh_corrected);
  CHECK(r.cmh_corrected->statistic == Approx(3.9286).epsilon(1e-4));
  CHECK(r.cmh_corrected->p_value == Approx(0.04747).epsilon(1e-3));
  // Σ (a − n1·m1/n) = (3 − 1.5) + (6 − 4) + (5 − 5.5) = 3; V = Σ n1·n0·m1·m0/(n²(n − 1)):
  // 6·6·3·9/(144·11) + 6·6·8·4/(144·11) + 6·6·11·1/(144·11) = (972 + 1152 + 396)/1584 = 35/22.
  CHECK(r.cmh_difference == near(3.0));
  CHECK(r.cmh_variance == near(35.0 / 22.0));
  CHECK(r.cmh->statistic == near(9.0 / (35.0 / 22.0)));
  CHECK(r.cmh_corrected->statistic == near(6.25 / (35.0 / 22.0)));
}

TEST_CASE("mantel_haenszel: RBG, Greenland–Robins and Sato variances by hand (tolbutamide)", "[stats][mh]") {
  const auto r = st::mantel_haenszel(tolbutamide);
  // Risk ratio: Σ a·n0/n = 8·120/226 + 22·85/183 = 480/113 + 1870/183,
  // Σ c·n1/n = 5·106/226 + 16·98/183 = 265/113 + 1568/183; RR = 299150/225679 = 1.32555532…
  // Var(log RR) = Σ (m1·n1·n0/n² − a·c/n) / (num·den) with the terms 39080/12769 and
  // 252124/33489: Var = 2264060738/33755936425.
  REQUIRE(r.risk_ratio);
  CHECK(r.risk_ratio->value == near(299150.0 / 225679.0));
  const double se_rr = std::sqrt(2264060738.0 / 33755936425.0);
  CHECK(*r.risk_ratio->se == near(se_rr));
  CHECK(r.risk_ratio->ci->lower == near(299150.0 / 225679.0 * std::exp(-z * se_rr)));
  CHECK(r.risk_ratio->ci->upper == near(299150.0 / 225679.0 * std::exp(z * se_rr)));
  CHECK(std::round(r.risk_ratio->value * 100) / 100 == 1.33);  // the textbook's printed value
  // Odds ratio: R = 8·115/226 + 22·69/183, S = 98·5/226 + 76·16/183: OR = 255714/182243, and the
  // RBG variance ½(ΣPR/R² + Σ(PS + QR)/(RS) + ΣQS/S²) = 2031526324337807101/20983134940482034744.
  REQUIRE(r.odds_ratio);
  CHECK(r.odds_ratio->value == near(255714.0 / 182243.0));
  CHECK(*r.odds_ratio->se == near(std::sqrt(2031526324337807101.0 / 20983134940482034744.0)));
  // Risk difference: W = Σ n1·n0/n, RD = Σ (a·n0 − c·n1)/n / W = 73471/2105170, Sato's variance
  // (RD·P + Q)/W² = 9495460094582081/9329567630258413000.
  REQUIRE(r.risk_difference);
  CHECK(r.risk_difference->value == near(73471.0 / 2105170.0));
  CHECK(*r.risk_difference->se == near(std::sqrt(9495460094582081.0 / 9329567630258413000.0)));
}

TEST_CASE("mantel_haenszel: one stratum gives Woolf's and the crude estimates", "[stats][mh]") {
  // With K = 1 the RBG variance is P/R + Q/S = (a + d)/(ad) + (b + c)/(bc) = 1/a + 1/b + 1/c + 1/d.
  const st::Table2x2 t{15, 85, 5, 95};
  const std::vector<st::Table2x2> one{t};
  const auto r = st::mantel_haenszel(one);
  CHECK(r.odds_ratio->value == near(15.0 * 95.0 / (85.0 * 5.0)));
  CHECK(*r.odds_ratio->se == near(std::sqrt(1.0 / 15 + 1.0 / 85 + 1.0 / 5 + 1.0 / 95)));
  CHECK(r.risk_ratio->value == near(3.0));
  CHECK(r.risk_difference->value == near(0.10));
  CHECK_FALSE(r.breslow_day);  // needs two informative strata
}

TEST_CASE("mantel_haenszel: degenerate strata and undefined estimates", "[stats][mh]") {
  SECTION("empty input") {
    const auto r = st::mantel_haenszel({});
    CHECK(r.n_strata == 0);
    CHECK_FALSE(r.odds_ratio);
    CHECK_FALSE(r.risk_ratio);
    CHECK_FALSE(r.risk_difference);
    CHECK_FALSE(r.cmh);
    CHECK_FALSE(r.breslow_day);
  }
  SECTION("strata of size 0 and 1, all exposed, no cases: contribute nothing") {
    const std::vector<st::Table2x2> junk{{0, 0, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}, {3, 4, 0, 0}, {0, 2, 0, 7}};
    const auto r = st::mantel_haenszel(junk);
    CHECK(r.n_strata == 5);
    CHECK(r.n_informative == 0);
    CHECK(r.n_informative_rr == 0);
    CHECK(r.n_informative_rd == 1);  // {0, 2, 0, 7}: both groups present, no case
    CHECK_FALSE(r.odds_ratio);
    CHECK_FALSE(r.risk_ratio);
    CHECK(r.risk_difference->value == 0.0);
    CHECK_FALSE(r.cmh);
    // Appending them to real strata changes nothing.
    auto both = rabbits;
    both.insert(both.end(), junk.begin(), junk.end());
    const auto a = st::mantel_haenszel(rabbits), b = st::mantel_haenszel(both);
    CHECK(b.odds_ratio->value == a.odds_ratio->value);
    CHECK(*b.odds_ratio->se == *a.odds_ratio->se);
    CHECK(b.cmh->statistic == a.cmh->statistic);
    CHECK(b.breslow_day->statistic == a.breslow_day->statistic);
    CHECK(b.breslow_day->df == a.breslow_day->df);
  }
  SECTION("numerator 0: OR = 0 and RR = 0 without a log interval") {
    const std::vector<st::Table2x2> zero{{0, 5, 3, 4}, {0, 2, 1, 6}};
    const auto r = st::mantel_haenszel(zero);
    REQUIRE(r.odds_ratio);
    CHECK(r.odds_ratio->value == 0.0);
    CHECK_FALSE(r.odds_ratio->se);
    CHECK_FALSE(r.odds_ratio->ci);
    CHECK(r.risk_ratio->value == 0.0);
    CHECK_FALSE(r.risk_ratio->ci);
    CHECK_FALSE(r.breslow_day);  // the fitted tables would sit on their margins
    REQUIRE(r.cmh);              // the test of OR = 1 is still defined
  }
  SECTION("denominator 0: OR and RR undefined") {
    const std::vector<st::Table2x2> inf{{4, 0, 0, 3}, {2, 1, 0, 5}};
    const auto r = st::mantel_haenszel(inf);
    CHECK_FALSE(r.odds_ratio);
    CHECK_FALSE(r.risk_ratio);
    REQUIRE(r.risk_difference);
  }
  SECTION("continuity correction only when |O − E| >= 1/2 (as R)") {
    // One stratum {1, 1, 1, 2}: E = 2·2/5 = 0.8, O − E = 0.2 < ½: corrected = uncorrected.
    const std::vector<st::Table2x2> small{{1, 1, 1, 2}};
    const auto r = st::mantel_haenszel(small);
    CHECK(r.cmh_difference == near(0.2));
    CHECK(r.cmh_corrected->statistic == r.cmh->statistic);
  }
}

TEST_CASE("mantel_haenszel: Breslow–Day is 0 when every stratum has the pooled odds ratio", "[stats][mh]") {
  // Both tables have a·d = 4·b·c, so OR_MH = 4 and each fitted a equals the observed a.
  const std::vector<st::Table2x2> same{{4, 2, 2, 4}, {2, 1, 4, 8}};
  const auto r = st::mantel_haenszel(same);
  CHECK(r.odds_ratio->value == near(4.0));
  REQUIRE(r.breslow_day);
  CHECK(r.breslow_day->df == 1);
  CHECK(r.breslow_day->statistic == Approx(0.0).margin(1e-20));
  CHECK(r.breslow_day_tarone->statistic == Approx(0.0).margin(1e-20));
  // ψ = 1 exactly takes the linear branch: the fitted a is the central mean n1·m1/n.
  CHECK(st::detail::breslow_day_fitted(6, 9, 5, 1.0) == near(2.0));
  // Near ψ = 1 the stable root agrees with the mean to first order: a(ψ) ≈ n1·m1/n + (ψ − 1)·V.
  const double e = st::detail::breslow_day_fitted(6, 9, 5, 1.0 + 1e-9);
  CHECK(e == Approx(2.0).epsilon(1e-8));
  CHECK(e > 2.0);
}

// ================================================================ conditional logistic

TEST_CASE("conditional_logistic: 1:1 matched pairs give the discordant-pair ratio", "[stats][clr]") {
  // 10 pairs case exposed/control not, 4 pairs the reverse, 6 concordant (3 both, 3 neither).
  // The conditional MLE is n10/n01 = 2.5 with se sqrt(1/10 + 1/4); concordant pairs carry no
  // information but are informative strata (one case, one control): each adds −log 2 to ℓ.
  std::vector<double> x, y;
  std::vector<std::int64_t> s;
  std::int64_t id = 100;
  const auto pair = [&](double xcase, double xcontrol) {
    x.insert(x.end(), {xcase, xcontrol});
    y.insert(y.end(), {1.0, 0.0});
    s.insert(s.end(), {id, id});
    --id;  // ids need not be sorted or contiguous
  };
  for (int i = 0; i < 10; ++i) pair(1, 0);
  for (int i = 0; i < 4; ++i) pair(0, 1);
  for (int i = 0; i < 3; ++i) pair(1, 1);
  for (int i = 0; i < 3; ++i) pair(0, 0);
  const Eigen::Map<const Eigen::MatrixXd> X(x.data(), static_cast<Eigen::Index>(x.size()), 1);
  const Eigen::Map<const Eigen::VectorXd> Y(y.data(), static_cast<Eigen::Index>(y.size()));
  const auto r = st::conditional_logistic(X, Y, s);
  CHECK(r.coef[0] == Approx(std::log(2.5)).epsilon(1e-10));
  CHECK(r.se[0] == Approx(std::sqrt(0.1 + 0.25)).epsilon(1e-8));
  const double psi = 2.5;
  CHECK(r.log_likelihood == Approx(10 * std::log(psi / (1 + psi)) + 4 * std::log(1 / (1 + psi)) - 6 * std::log(2.0))
                                .epsilon(1e-12));
  CHECK(r.log_likelihood_null == near(-20 * std::log(2.0)));
  CHECK(r.n_strata == 20);
  CHECK(r.n_informative == 20);
  CHECK(r.n_obs == 40);
  CHECK(r.converged);
}

TEST_CASE("conditional_logistic_tables: a single 2×2 table is Fisher's conditional MLE", "[stats][clr]") {
  // a = 2, b = 1, c = 1, d = 2: n1 = n0 = m1 = 3, support 0..3 with weights C(3,x)C(3,3−x)ψ^x =
  // 1, 9ψ, 9ψ², ψ³. E[X] = 2 ⟺ ψ³ − 9ψ − 2 = 0, whose root in (0, ∞) is
  // ψ = 2√3·cos(arccos(1/(3√3))/3) (trigonometric solution of the depressed cubic).
  const std::vector<st::Table2x2> t{{2, 1, 1, 2}};
  const auto r = st::conditional_logistic_tables(t);
  const double psi = 2.0 * std::sqrt(3.0) * std::cos(std::acos(1.0 / (3.0 * std::sqrt(3.0))) / 3.0);
  CHECK(psi * psi * psi - 9 * psi - 2 == Approx(0.0).margin(1e-12));
  CHECK(r.coef[0] == Approx(std::log(psi)).epsilon(1e-10));
  // Information = Var[X] at ψ̂; ℓ = 2·log ψ̂ − log(1 + 9ψ̂ + 9ψ̂² + ψ̂³).
  const double w[4] = {1, 9 * psi, 9 * psi * psi, psi * psi * psi};
  const double s0 = w[0] + w[1] + w[2] + w[3];
  const double m = (w[1] + 2 * w[2] + 3 * w[3]) / s0;
  const double v = (w[1] + 4 * w[2] + 9 * w[3]) / s0 - m * m;
  CHECK(m == Approx(2.0).epsilon(1e-10));
  CHECK(r.se[0] == Approx(1.0 / std::sqrt(v)).epsilon(1e-9));
  CHECK(r.log_likelihood == Approx(2 * std::log(psi) - std::log(s0)).epsilon(1e-12));
  CHECK(r.log_likelihood_null == near(-std::log(20.0)));
}

namespace {
/// The persons a list of tables counts: x = exposed, y = case, one stratum per table.
void expand(const std::vector<st::Table2x2>& tables, std::vector<double>& x, std::vector<double>& y,
            std::vector<std::int64_t>& s) {
  std::int64_t id = 0;
  for (const auto& t : tables) {
    const auto add = [&](std::uint64_t count, double xe, double yc) {
      for (std::uint64_t i = 0; i < count; ++i) {
        x.push_back(xe);
        y.push_back(yc);
        s.push_back(id);
      }
    };
    add(t.a, 1, 1);
    add(t.b, 1, 0);
    add(t.c, 0, 1);
    add(t.d, 0, 0);
    ++id;
  }
}
}  // namespace

TEST_CASE("conditional_logistic: the table fast path equals the person-level fit", "[stats][clr]") {
  // Includes degenerate strata (rabbits 1 and 5) and a stratum of 10,000 persons with 300 cases,
  // where the subset sums reach C(10000, 300) ≈ 10^600: the log-space recursion must not overflow.
  std::vector<st::Table2x2> tables = rabbits;
  tables.push_back({120, 2880, 180, 6820});
  std::vector<double> x, y;
  std::vector<std::int64_t> s;
  expand(tables, x, y, s);
  const Eigen::Map<const Eigen::MatrixXd> X(x.data(), static_cast<Eigen::Index>(x.size()), 1);
  const Eigen::Map<const Eigen::VectorXd> Y(y.data(), static_cast<Eigen::Index>(y.size()));
  const auto persons = st::conditional_logistic(X, Y, s);
  const auto fast = st::conditional_logistic_tables(tables);
  CHECK(fast.n_informative == 4);
  CHECK(persons.n_informative == 4);
  CHECK(persons.n_strata == 6);
  CHECK(fast.n_obs == persons.n_obs);
  CHECK(fast.coef[0] == Approx(persons.coef[0]).epsilon(1e-9));
  CHECK(fast.se[0] == Approx(persons.se[0]).epsilon(1e-9));
  CHECK(fast.log_likelihood == Approx(persons.log_likelihood).epsilon(1e-10));
  CHECK(fast.log_likelihood_null == Approx(persons.log_likelihood_null).epsilon(1e-12));
}

TEST_CASE("conditional_logistic_tables: national-scale strata stay exact and finite", "[stats][clr]") {
  // A stratum of 5M persons with 200k cases and 1M exposed, plus 99 smaller ones. The MLE must
  // solve its score equation Σ a = Σ E[X | ψ̂] to rounding, and sit next to the MH estimate.
  std::vector<st::Table2x2> tables{{60000, 940000, 140000, 3860000}};
  std::mt19937_64 rng(7);
  for (int k = 0; k < 99; ++k) {
    std::binomial_distribution<std::uint64_t> b1(20000, 0.06), b0(80000, 0.035);
    const auto a = b1(rng), c = b0(rng);
    tables.push_back({a, 20000 - a, c, 80000 - c});
  }
  const auto r = st::conditional_logistic_tables(tables);
  const auto mh = st::mantel_haenszel(tables);
  REQUIRE(r.converged);
  CHECK(std::isfinite(r.log_likelihood));
  CHECK(r.coef[0] == Approx(std::log(mh.odds_ratio->value)).epsilon(2e-3));
  CHECK(r.se[0] == Approx(*mh.odds_ratio->se).epsilon(2e-2));
}

TEST_CASE("conditional_logistic: errors name the problem", "[stats][clr]") {
  SECTION("no informative stratum") {
    const std::vector<st::Table2x2> t{{3, 0, 2, 0}, {0, 0, 4, 4}};
    CHECK_THROWS_AS(st::conditional_logistic_tables(t), st::RankDeficientError);
  }
  SECTION("separation: every case exposed") {
    const std::vector<st::Table2x2> t{{3, 2, 0, 4}, {1, 5, 0, 7}};
    CHECK_THROWS_WITH(st::conditional_logistic_tables(t), Contains("infinite"));
  }
  SECTION("person level: covariate constant within strata") {
    Eigen::MatrixXd X(6, 2);
    X << 1, 5, 0, 5, 1, 7, 0, 7, 1, 7, 0, 7;
    Eigen::VectorXd y(6);
    y << 1, 0, 1, 0, 0, 1;
    const std::vector<std::int64_t> s{1, 1, 2, 2, 2, 2};
    CHECK_THROWS_AS(st::conditional_logistic(X, y, s), st::RankDeficientError);
    CHECK_THROWS_WITH(st::conditional_logistic(X, y, s), Contains("column(s) 1"));
  }
  SECTION("person level: monotone likelihood") {
    Eigen::MatrixXd X(6, 1);
    X << 2, 1, 0, 3, 1, 1;
    Eigen::VectorXd y(6);
    y << 1, 0, 0, 1, 0, 0;  // the case has the largest x in each stratum
    const std::vector<std::int64_t> s{1, 1, 1, 2, 2, 2};
    CHECK_THROWS_AS(st::conditional_logistic(X, y, s), st::ConvergenceError);
  }
  SECTION("bad input") {
    Eigen::MatrixXd X(2, 1);
    X << 1, 0;
    Eigen::VectorXd y(2);
    y << 1, 2;
    const std::vector<std::int64_t> s{1, 1};
    CHECK_THROWS_AS(st::conditional_logistic(X, y, s), std::invalid_argument);
    const std::vector<std::int64_t> s1{1};
    CHECK_THROWS_AS(st::conditional_logistic(X, y, s1), std::invalid_argument);
  }
}

// ================================================================ Cox

namespace {
st::CoxResult cox(const std::vector<double>& t, const std::vector<std::uint8_t>& e, const std::vector<double>& x,
                  const std::vector<std::int64_t>& s = {}, st::CoxTies ties = st::CoxTies::efron) {
  const Eigen::Map<const Eigen::MatrixXd> X(x.data(), static_cast<Eigen::Index>(t.size()),
                                            static_cast<Eigen::Index>(x.size() / t.size()));
  st::CoxOptions o;
  o.ties = ties;
  return st::cox_ph(t, e, X, s, o);
}
}  // namespace

TEST_CASE("cox: no ties, closed form", "[stats][cox]") {
  // (t, event, x) = (1, 1, 1), (2, 1, 0), (3, 1, 1); with u = e^β the partial likelihood is
  // u/(2u + 1) · 1/(1 + u) · 1, whose score 1 − 2u/(2u + 1) − u/(1 + u) vanishes at 1 − 2u² = 0:
  // β̂ = −½·log 2. Information: 2u/(2u + 1)² + u/(1 + u)².
  const auto r = cox({1, 2, 3}, {1, 1, 1}, {1, 0, 1});
  const double u = 1.0 / std::sqrt(2.0);
  CHECK(r.coef[0] == Approx(-0.5 * std::log(2.0)).epsilon(1e-10));
  const double info = 2 * u / ((2 * u + 1) * (2 * u + 1)) + u / ((1 + u) * (1 + u));
  CHECK(r.se[0] == Approx(1.0 / std::sqrt(info)).epsilon(1e-9));
  CHECK(r.log_likelihood == Approx(std::log(u / ((2 * u + 1) * (1 + u)))).epsilon(1e-12));
  CHECK(r.log_likelihood_null == near(std::log(1.0 / 6.0)));
  CHECK(r.n_events == 3);
}

TEST_CASE("cox: Efron and Breslow ties, closed forms", "[stats][cox]") {
  // At t = 1 two tied events, x = 1 and x = 0; three more subjects at risk (x = 1, 0, 0) censored
  // at t = 2. S0 = 2u + 3, tied weight D0 = u + 1.
  // Efron:   ℓ = β − log(2u + 3) − log(2u + 3 − (u + 1)/2); score 0 ⟺ 15 − 6u² = 0, u = √2.5.
  // Breslow: ℓ = β − 2·log(2u + 3); score 0 ⟺ u = 1.5, information 2·6u/(2u + 3)² = ½.
  const std::vector<double> t{1, 1, 2, 2, 2}, x{1, 0, 1, 0, 0};
  const std::vector<std::uint8_t> e{1, 1, 0, 0, 0};
  const auto ef = cox(t, e, x);
  CHECK(ef.coef[0] == Approx(0.5 * std::log(2.5)).epsilon(1e-10));
  const double u = std::sqrt(2.5);
  const double v1 = 6 * u / ((2 * u + 3) * (2 * u + 3));
  const double v2 = 1.5 * u * 2.5 / ((1.5 * u + 2.5) * (1.5 * u + 2.5));
  CHECK(ef.se[0] == Approx(1.0 / std::sqrt(v1 + v2)).epsilon(1e-9));
  CHECK(ef.log_likelihood == Approx(std::log(u) - std::log(2 * u + 3) - std::log(1.5 * u + 2.5)).epsilon(1e-12));
  const auto br = cox(t, e, x, {}, st::CoxTies::breslow);
  CHECK(br.coef[0] == Approx(std::log(1.5)).epsilon(1e-10));
  CHECK(br.se[0] == Approx(std::sqrt(2.0)).epsilon(1e-9));
  CHECK(br.log_likelihood == Approx(std::log(1.5) - 2 * std::log(6.0)).epsilon(1e-12));
}

TEST_CASE("cox: strata add up; a stratum without events, the input order and threads change nothing",
          "[stats][cox]") {
  // Two copies of the Efron example in strata 7 and 3, plus a stratum 5 without events.
  std::vector<double> t{1, 1, 2, 2, 2}, x{1, 0, 1, 0, 0};
  std::vector<std::uint8_t> e{1, 1, 0, 0, 0};
  std::vector<std::int64_t> s(5, 7);
  for (int i = 0; i < 5; ++i) {
    t.push_back(t[i]);
    x.push_back(x[i]);
    e.push_back(e[i]);
    s.push_back(3);
  }
  for (int i = 0; i < 4; ++i) {
    t.push_back(0.5 + i);
    x.push_back(i % 2);
    e.push_back(0);
    s.push_back(5);
  }
  const auto one = cox({1, 1, 2, 2, 2}, {1, 1, 0, 0, 0}, {1, 0, 1, 0, 0});
  const auto r = cox(t, e, x, s);
  CHECK(r.n_strata == 3);
  CHECK(r.n_strata_with_events == 2);
  CHECK(r.coef[0] == Approx(one.coef[0]).epsilon(1e-10));
  CHECK(r.se[0] == Approx(one.se[0] / std::sqrt(2.0)).epsilon(1e-9));
  CHECK(r.log_likelihood == Approx(2 * one.log_likelihood).epsilon(1e-12));

  // Reversing the input changes only the summation order within tied times (rounding); a single
  // thread gives bit-identical results.
  std::vector<double> t2(t.rbegin(), t.rend()), x2(x.rbegin(), x.rend());
  std::vector<std::uint8_t> e2(e.rbegin(), e.rend());
  std::vector<std::int64_t> s2(s.rbegin(), s.rend());
  const auto rev = cox(t2, e2, x2, s2);
  CHECK(rev.coef[0] == Approx(r.coef[0]).epsilon(1e-14));
  CHECK(rev.log_likelihood == Approx(r.log_likelihood).epsilon(1e-14));
  st::CoxResult serial;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    serial = cox(t, e, x, s);
  }
  CHECK(serial.coef[0] == r.coef[0]);
  CHECK(serial.se[0] == r.se[0]);
}

TEST_CASE("cox: the score test of one binary covariate is the log-rank test (no ties)", "[stats][cox]") {
  std::mt19937_64 rng(11);
  std::exponential_distribution<double> ex(1.0);
  std::bernoulli_distribution coin(0.5), cens(0.3);
  std::vector<double> t, x;
  std::vector<std::uint8_t> e;
  std::vector<st::TimeEvent> g1, g0;
  for (int i = 0; i < 200; ++i) {
    const bool exposed = coin(rng);
    const double ti = ex(rng) / (exposed ? 1.5 : 1.0);
    const bool ev = !cens(rng);
    t.push_back(ti);
    x.push_back(exposed);
    e.push_back(ev);
    (exposed ? g1 : g0).push_back({ti, ev});
  }
  const auto r = cox(t, e, x);
  const auto lr = st::logrank(g1, g0);
  CHECK(r.score_test.statistic == Approx(*lr.chi2).epsilon(1e-10));
  CHECK(r.wald_test.statistic == Approx(r.coef[0] * r.coef[0] / (r.se[0] * r.se[0])).epsilon(1e-10));
}

TEST_CASE("cox: errors name the problem", "[stats][cox]") {
  CHECK_THROWS_AS(cox({1, 2, 3}, {0, 0, 0}, {1, 0, 1}), std::invalid_argument);  // no events
  CHECK_THROWS_AS(cox({1, 2, 3}, {1, 1, 2}, {1, 0, 1}), std::invalid_argument);
  CHECK_THROWS_AS(cox({1, NAN, 3}, {1, 1, 1}, {1, 0, 1}), std::invalid_argument);
  // x constant within each stratum: not identifiable.
  CHECK_THROWS_AS(cox({1, 2, 3, 4}, {1, 1, 1, 1}, {1, 1, 0, 0}, {1, 1, 2, 2}), st::RankDeficientError);
  // Monotone likelihood: every event happens to the subject with the largest x at risk.
  CHECK_THROWS_AS(cox({1, 2, 3, 4}, {1, 1, 1, 0}, {3, 2, 1, 0}), st::ConvergenceError);
}

// ================================================================ rates

TEST_CASE("incidence_rate: Garwood limits in closed form", "[stats][rates]") {
  // k = 0: upper = −log(α/2) = log 40 (Gamma(1) quantile), lower 0; per 1,000 of 2,000 years.
  const auto r0 = st::incidence_rate(0, 2000.0);
  CHECK(*r0.rate == 0.0);
  CHECK(r0.ci->lower == 0.0);
  CHECK(r0.ci->upper == near(std::log(40.0) / 2000.0 * 1000.0));
  // k = 1: lower = −log(1 − α/2) = −log 0.975; upper u solves e^{−u}(1 + u) = α/2.
  const auto r1 = st::incidence_rate(1, 1.0, 1.0);
  CHECK(r1.ci->lower == near(-std::log(0.975)));
  const double u = r1.ci->upper;
  CHECK(std::exp(-u) * (1 + u) == Approx(0.025).epsilon(1e-12));
  CHECK_FALSE(st::incidence_rate(3, 0.0).rate);
  CHECK_THROWS_AS(st::incidence_rate(3, -1.0), std::invalid_argument);
}

TEST_CASE("rate_ratio: Wald and exact conditional intervals", "[stats][rates]") {
  // k1 = k0 = 1 with equal person-time: π's Clopper–Pearson limits for 1 of 2 solve
  // 1 − (1 − π)² = α/2 and π² = 1 − α/2: π_L = 1 − √0.975, π_U = √0.975; IRR = π/(1 − π).
  const auto r = st::rate_ratio(1, 10.0, 1, 10.0);
  const double q = std::sqrt(0.975);
  CHECK(*r.estimate == 1.0);
  CHECK(r.exact->lower == Approx((1 - q) / q).epsilon(1e-12));
  CHECK(r.exact->upper == Approx(q / (1 - q)).epsilon(1e-12));
  CHECK(r.wald->lower == near(std::exp(-z * std::sqrt(2.0))));
  // Person-time rescales the estimate and both intervals by T0/T1.
  const auto r2 = st::rate_ratio(6, 200.0, 3, 400.0);
  CHECK(*r2.estimate == near(4.0));
  CHECK(*r2.se_log == near(std::sqrt(1.0 / 6 + 1.0 / 3)));
  const auto r3 = st::rate_ratio(0, 100.0, 4, 100.0);
  CHECK(*r3.estimate == 0.0);
  CHECK_FALSE(r3.wald);
  CHECK(r3.exact->lower == 0.0);
  CHECK_FALSE(st::rate_ratio(4, 100.0, 0, 100.0).estimate);
}

TEST_CASE("mantel_haenszel_rate_ratio: by hand", "[stats][rates]") {
  // One stratum: the crude ratio with se sqrt(1/k1 + 1/k0).
  const std::vector<st::RateStratum> one{{6, 200.0, 3, 400.0}};
  const auto r1 = st::mantel_haenszel_rate_ratio(one);
  CHECK(r1.rate_ratio->value == near(4.0));
  CHECK(*r1.rate_ratio->se == near(std::sqrt(1.0 / 6 + 1.0 / 3)));
  // Two strata: (k1, T1, k0, T0) = (2, 100, 1, 100), (6, 300, 2, 100):
  // num = 2·100/200 + 6·100/400 = 2.5, den = 1·100/200 + 2·300/400 = 2, IRR = 1.25;
  // Var = (3·100·100/200² + 8·300·100/400²)/(2.5·2) = (0.75 + 1.5)/5 = 0.45.
  const std::vector<st::RateStratum> two{{2, 100.0, 1, 100.0}, {6, 300.0, 2, 100.0}, {0, 0.0, 5, 10.0}};
  const auto r = st::mantel_haenszel_rate_ratio(two);
  CHECK(r.n_informative == 2);
  CHECK(r.rate_ratio->value == near(1.25));
  CHECK(*r.rate_ratio->se == near(std::sqrt(0.45)));
}

// ================================================================ number at risk

TEST_CASE("number_at_risk: at risk at t, events and censorings before t", "[stats][atrisk]") {
  const std::vector<st::TimeEvent> d{{1, true}, {2, true}, {2, false}, {3, true}, {5, false}, {6, true}};
  const std::vector<double> at{0, 2, 2.5, 6, 7};
  const auto rows = st::number_at_risk(d, at);
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].at_risk == 6);
  CHECK(rows[1].at_risk == 5);  // the two at t = 2 are still at risk at 2
  CHECK(rows[1].events == 1);
  CHECK(rows[1].censored == 0);
  CHECK(rows[2].at_risk == 3);
  CHECK(rows[2].events == 2);
  CHECK(rows[2].censored == 1);
  CHECK(rows[3].at_risk == 1);
  CHECK(rows[4].at_risk == 0);
  CHECK(rows[4].events == 4);
  CHECK(rows[4].censored == 2);
}
