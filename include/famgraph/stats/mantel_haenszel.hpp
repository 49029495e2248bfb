#pragma once
// Mantel–Haenszel pooled estimates over K 2×2 strata (docs/statistics.md, "Stratified 2×2
// tables"): the pooled odds ratio with the Robins–Breslow–Greenland (1986) variance, the pooled
// risk ratio with the Greenland–Robins (1985) variance, the pooled risk difference with Sato's
// (1989) variance, the Cochran–Mantel–Haenszel test of OR = 1 and the Breslow–Day test of a common
// odds ratio (with Tarone's 1985 adjustment).
//
// Which strata contribute (n = a+b+c+d, n1 = a+b exposed, n0 = c+d unexposed, m1 = a+c with the
// outcome, m0 = b+d without):
//  * odds ratio, CMH test, Breslow–Day: strata with n1, n0, m1, m0 all > 0 ("informative"; the same
//    strata the conditional likelihood uses). Every other stratum has a·d = b·c = 0 and a point-mass
//    conditional distribution, so it adds exactly 0 to every sum; it is skipped, not an error.
//  * risk ratio: strata with n1 > 0, n0 > 0 and m1 > 0 (an all-outcome stratum adds to the estimate
//    and 0 to the variance).
//  * risk difference: strata with n1 > 0 and n0 > 0.
// A stratum with n ≤ 1 is in none of these sets. Any table of counts is valid input.
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "famgraph/stats/interval.hpp"
#include "famgraph/stats/two_by_two.hpp"

namespace famgraph::stats {

struct MantelHaenszelOptions {
  double level = 0.95;  ///< level of every interval
};

/// A pooled estimate: `se` is the standard error of log(value) for the ratios and of the value
/// itself for the risk difference; `ci` is nullopt where the log scale does not exist (value 0).
struct PooledEstimate {
  double value = 0.0;
  std::optional<double> se;
  std::optional<Interval> ci;
};

/// A χ² test: statistic, degrees of freedom and upper-tail p-value.
struct ChiSquareTest {
  double statistic = 0.0;
  int df = 1;
  double p_value = 1.0;
};

struct MantelHaenszelResult {
  std::size_t n_strata = 0;  ///< strata given
  /// Strata with n1, n0, m1, m0 > 0: the strata that contribute to the odds ratio, the CMH test and
  /// the Breslow–Day test (and to a conditional logistic fit).
  std::size_t n_informative = 0;
  std::size_t n_informative_rr = 0;  ///< strata with n1 > 0, n0 > 0, m1 > 0
  std::size_t n_informative_rd = 0;  ///< strata with n1 > 0, n0 > 0
  double level = 0.95;
  double z = z975;

  /// Σ a·d/n and Σ b·c/n: OR_MH = R/S.
  double R = 0.0, S = 0.0;
  /// OR_MH = R/S with the RBG standard error of log OR_MH and the Wald interval
  /// exp(log OR ± z·se). nullopt when S = 0 (no informative stratum, or every one has b·c = 0: the
  /// estimate is infinite or 0/0). Exactly 0 with no se and no interval when R = 0 < S.
  std::optional<PooledEstimate> odds_ratio;
  /// RR_MH = Σ a·n0/n / Σ c·n1/n with the Greenland–Robins (1985) se of log RR_MH:
  /// Var = Σ (m1·n1·n0/n² − a·c/n) / (Σ a·n0/n · Σ c·n1/n). nullopt when Σ c·n1/n = 0; 0 without
  /// se/interval when Σ a·n0/n = 0.
  std::optional<PooledEstimate> risk_ratio;
  /// RD_MH = Σ (a·n0 − c·n1)/n / Σ n1·n0/n with Sato's (1989) variance
  /// (RD·P + Q)/W², P = Σ (n1²·c − n0²·a + n1·n0·(n0 − n1)/2)/n², Q = Σ (a·(n0 − c) + c·(n1 − a))/(2n),
  /// W = Σ n1·n0/n. nullopt when W = 0. The interval is clamped to [−1, 1].
  std::optional<PooledEstimate> risk_difference;

  /// Cochran–Mantel–Haenszel test of OR = 1: (|Σ (a − n1·m1/n)| − c)² / Σ n1·n0·m1·m0/(n²(n − 1)),
  /// χ² with 1 df; `cmh_corrected` has c = ½ when |Σ (a − E)| ≥ ½ and c = 0 otherwise (R's
  /// mantelhaen.test). nullopt without an informative stratum (zero variance).
  std::optional<ChiSquareTest> cmh;
  std::optional<ChiSquareTest> cmh_corrected;
  double cmh_difference = 0.0;  ///< Σ (a − n1·m1/n), the signed observed − expected
  double cmh_variance = 0.0;    ///< Σ n1·n0·m1·m0/(n²(n − 1))

  /// Breslow–Day test of a common odds ratio over the informative strata, df = K_informative − 1,
  /// with the fitted a of each stratum the root of (a·(n0 − m1 + a)) / ((n1 − a)(m1 − a)) = OR_MH.
  /// `breslow_day_tarone` subtracts Tarone's (1985) term (Σ a − Σ E)²/Σ V. nullopt when fewer than 2
  /// informative strata or when OR_MH is undefined or 0 (the fitted tables leave the interior).
  std::optional<ChiSquareTest> breslow_day;
  std::optional<ChiSquareTest> breslow_day_tarone;
};

namespace detail {
inline double chi2_upper(double x, int df) {
  if (!(x > 0.0)) return 1.0;
  return boost::math::cdf(
      boost::math::complement(boost::math::chi_squared_distribution<double>(static_cast<double>(df)), x));
}

/// The fitted a of a 2×2 table with margins (n1, n0, m1) whose odds ratio equals `psi`, i.e. the
/// root in (max(0, m1 − n0), min(n1, m1)) of (1 − ψ)a² + (n0 − m1 + ψ(n1 + m1))a − ψ·n1·m1 = 0.
/// Written with the cancellation-free pair of roots q/A and C/q (Numerical Recipes §5.6), so it
/// stays accurate when ψ is close to 1, where the textbook (−B + √D)/2A loses every digit.
inline double breslow_day_fitted(double n1, double n0, double m1, double psi) {
  const double lo = std::max(0.0, m1 - n0), hi = std::min(n1, m1);
  const double A = 1.0 - psi;
  const double B = n0 - m1 + psi * (n1 + m1);
  const double C = -psi * n1 * m1;
  double root;
  if (A == 0.0) {
    root = -C / B;  // ψ = 1: the central hypergeometric mean n1·m1/n
  } else {
    const double disc = std::max(B * B - 4.0 * A * C, 0.0);
    const double q = -0.5 * (B + std::copysign(std::sqrt(disc), B));
    const double r1 = q / A, r2 = C / q;
    // Exactly one root lies in the admissible interval (the odds ratio of the fitted table is
    // monotone in a there); pick the one closer to it in case rounding puts it on the edge.
    const auto dist = [&](double r) { return r < lo ? lo - r : (r > hi ? r - hi : 0.0); };
    root = dist(r1) <= dist(r2) ? r1 : r2;
  }
  return std::clamp(root, lo, hi);
}
}  // namespace detail

/// Mantel–Haenszel analysis of K strata (see MantelHaenszelResult for every rule). Throws
/// std::invalid_argument on a level outside (0, 1). An empty span gives a result with every
/// estimate and test undefined.
inline MantelHaenszelResult mantel_haenszel(std::span<const Table2x2> strata,
                                            const MantelHaenszelOptions& options = {}) {
  MantelHaenszelResult r;
  r.level = options.level;
  r.z = z_for_level(options.level);
  r.n_strata = strata.size();

  // Sums, each over the strata that contribute to it (see the header comment).
  double rbg_pr = 0.0, rbg_ps_qr = 0.0, rbg_qs = 0.0;  // Σ P·R, Σ (P·S + Q·R), Σ Q·S (all /n² terms)
  double rr_num = 0.0, rr_den = 0.0, rr_var = 0.0;
  double rd_num = 0.0, rd_w = 0.0, rd_p = 0.0, rd_q = 0.0;
  for (const auto& t : strata) {
    const double a = static_cast<double>(t.a), b = static_cast<double>(t.b);
    const double c = static_cast<double>(t.c), d = static_cast<double>(t.d);
    const double n1 = a + b, n0 = c + d, m1 = a + c, m0 = b + d, n = n1 + n0;
    if (n1 == 0.0 || n0 == 0.0) continue;  // nothing to compare in this stratum
    ++r.n_informative_rd;
    rd_w += n1 * n0 / n;
    rd_num += (a * n0 - c * n1) / n;
    rd_p += (n1 * n1 * c - n0 * n0 * a + n1 * n0 * (n0 - n1) / 2.0) / (n * n);
    rd_q += (a * (n0 - c) + c * (n1 - a)) / (2.0 * n);
    if (m1 == 0.0) continue;
    ++r.n_informative_rr;
    rr_num += a * n0 / n;
    rr_den += c * n1 / n;
    rr_var += (m1 * n1 * n0 / n - a * c) / n;
    if (m0 == 0.0) continue;
    ++r.n_informative;
    const double Rk = a * d / n, Sk = b * c / n;
    const double P = (a + d) / n, Q = (b + c) / n;
    r.R += Rk;
    r.S += Sk;
    rbg_pr += P * Rk;
    rbg_ps_qr += P * Sk + Q * Rk;
    rbg_qs += Q * Sk;
    r.cmh_difference += a - n1 * m1 / n;
    // n1·n0·m1·m0 can reach 1e26 at national scale: divide step by step.
    r.cmh_variance += (n1 / n) * (n0 / n) * m1 * (m0 / (n - 1.0));
  }

  const auto ratio_estimate = [&](double num, double den, double var_log) -> std::optional<PooledEstimate> {
    if (den == 0.0) return std::nullopt;
    if (num == 0.0) return PooledEstimate{0.0, std::nullopt, std::nullopt};
    const double est = num / den;
    const double se = std::sqrt(std::max(var_log, 0.0));
    return PooledEstimate{est, se, Interval{est * std::exp(-r.z * se), est * std::exp(r.z * se)}};
  };

  if (r.S > 0.0 && r.R > 0.0) {
    const double var = rbg_pr / (2.0 * r.R * r.R) + rbg_ps_qr / (2.0 * r.R * r.S) + rbg_qs / (2.0 * r.S * r.S);
    r.odds_ratio = ratio_estimate(r.R, r.S, var);
  } else {
    r.odds_ratio = ratio_estimate(r.R, r.S, 0.0);
  }
  r.risk_ratio =
      ratio_estimate(rr_num, rr_den, rr_num > 0.0 && rr_den > 0.0 ? rr_var / (rr_num * rr_den) : 0.0);
  if (rd_w > 0.0) {
    const double rd = rd_num / rd_w;
    const double se = std::sqrt(std::max((rd * rd_p + rd_q) / (rd_w * rd_w), 0.0));
    r.risk_difference = PooledEstimate{
        rd, se, Interval{std::max(rd - r.z * se, -1.0), std::min(rd + r.z * se, 1.0)}};
  }

  if (r.cmh_variance > 0.0) {
    const double absd = std::abs(r.cmh_difference);
    const double plain = absd * absd / r.cmh_variance;
    const double cc = absd >= 0.5 ? absd - 0.5 : absd;
    const double corrected = cc * cc / r.cmh_variance;
    r.cmh = ChiSquareTest{plain, 1, detail::chi2_upper(plain, 1)};
    r.cmh_corrected = ChiSquareTest{corrected, 1, detail::chi2_upper(corrected, 1)};
  }

  if (r.n_informative >= 2 && r.R > 0.0 && r.S > 0.0) {
    const double psi = r.R / r.S;
    double bd = 0.0, sum_a = 0.0, sum_e = 0.0, sum_v = 0.0;
    for (const auto& t : strata) {
      const double a = static_cast<double>(t.a), b = static_cast<double>(t.b);
      const double c = static_cast<double>(t.c), d = static_cast<double>(t.d);
      const double n1 = a + b, n0 = c + d, m1 = a + c, m0 = b + d;
      if (n1 == 0.0 || n0 == 0.0 || m1 == 0.0 || m0 == 0.0) continue;
      const double e = detail::breslow_day_fitted(n1, n0, m1, psi);
      // With 0 < ψ < ∞ the fitted table is strictly inside its margins, so every cell is > 0.
      const double v = 1.0 / (1.0 / e + 1.0 / (n1 - e) + 1.0 / (m1 - e) + 1.0 / (n0 - m1 + e));
      bd += (a - e) * (a - e) / v;
      sum_a += a;
      sum_e += e;
      sum_v += v;
    }
    const int df = static_cast<int>(r.n_informative) - 1;
    // Tarone's statistic is ≥ 0 by Cauchy–Schwarz; the clamp only absorbs rounding.
    const double tarone = std::max(bd - (sum_a - sum_e) * (sum_a - sum_e) / sum_v, 0.0);
    r.breslow_day = ChiSquareTest{bd, df, detail::chi2_upper(bd, df)};
    r.breslow_day_tarone = ChiSquareTest{tarone, df, detail::chi2_upper(tarone, df)};
  }
  return r;
}

}  // namespace famgraph::stats
