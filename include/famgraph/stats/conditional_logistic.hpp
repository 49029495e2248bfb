#pragma once
// Conditional logistic regression: maximum likelihood on the exact conditional likelihood of the
// case sets within strata (docs/statistics.md, "Conditional logistic regression").
//
// General path: persons with covariates x (n × p), outcome y ∈ {0, 1} and a stratum id. Stratum k
// with n_k persons and m_k cases contributes exp(Σ_{cases} xβ) / Σ_{|S| = m_k} exp(Σ_{i∈S} xβ); the
// denominator, its gradient and its Hessian come from the Gail–Lubin–Rubinstein (1981) recursion
// over persons, carried as a log-sum plus the conditional mean and covariance of Σ_S x (convex
// combinations only, so nothing overflows, whatever the stratum size), in O(n_k · min(m_k, n_k −
// m_k) · p²) per stratum and iteration. Strata are fitted in parallel (oneTBB) and summed in
// stratum order, so results do not depend on the number of threads.
//
// Fast path for one binary exposure given only the 2×2 table of each stratum: the conditional
// distribution of a is Fisher's noncentral hypergeometric, and the person-level conditional
// likelihood is e^{βa} / Σ_x C(n1, x)·C(n0, m1 − x)·e^{βx}; its mean and variance are summed
// outward from the mode with term ratios only, and stopped by a log-concavity tail bound below
// 1e-17 of the sum, so a stratum costs O(sd) terms, ~9 standard deviations either side of the mode.
//
// Strata whose outcome is constant (m_k = 0 or m_k = n_k) carry no information and are skipped;
// they are counted in n_strata but not in n_informative. A stratum with cases and non-cases but a
// covariate pattern that does not vary (for tables: n1 = 0 or n0 = 0) is informative by this
// definition but adds only a constant to the log-likelihood, in both paths alike.
// Errors: std::invalid_argument for bad input; RankDeficientError when a covariate (combination)
// is constant within every informative stratum; ConvergenceError when the likelihood has no
// finite maximum (monotone likelihood: within every informative stratum the cases have the
// largest — or smallest — value of some covariate combination) or the iterations do not converge.
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "famgraph/stats/interval.hpp"
#include "famgraph/stats/logistic.hpp"
#include "famgraph/stats/mantel_haenszel.hpp"
#include "famgraph/stats/two_by_two.hpp"

namespace famgraph::stats {

struct ConditionalLogisticOptions {
  int max_iterations = 100;
  /// Converged when every full Newton step satisfies |Δβ_j| <= tolerance · max(1, |β_j|).
  double tolerance = 1e-10;
  double level = 0.95;
};

struct ConditionalLogisticResult {
  Eigen::VectorXd coef;        ///< β̂ (log odds ratios)
  Eigen::VectorXd se;          ///< sqrt of the diagonal of `covariance`
  Eigen::MatrixXd covariance;  ///< inverse observed information at β̂
  std::vector<Interval> ci;    ///< Wald β̂ ± z·se
  Eigen::VectorXd odds_ratio;  ///< exp(β̂)
  std::vector<Interval> or_ci;
  double log_likelihood = 0.0;       ///< conditional log-likelihood at β̂
  double log_likelihood_null = 0.0;  ///< at β = 0: −Σ log C(n_k, m_k)
  ChiSquareTest lr_test;             ///< 2(ℓ(β̂) − ℓ(0)), df = p
  bool converged = false;
  int iterations = 0;
  std::size_t n_obs = 0;            ///< persons in informative strata
  std::size_t n_cases = 0;          ///< cases in informative strata
  std::size_t n_strata = 0;         ///< strata given (distinct ids, or tables)
  std::size_t n_informative = 0;    ///< strata that contribute
  double level = 0.95;
  double z = z975;
};

/// General path. X is n × p (no intercept: it cancels within strata), y holds 0/1, strata one id per
/// row (any integers, in any order). Throws as described at the top of this header.
ConditionalLogisticResult conditional_logistic(const Eigen::Ref<const Eigen::MatrixXd>& X,
                                               const Eigen::Ref<const Eigen::VectorXd>& y,
                                               std::span<const std::int64_t> strata,
                                               const ConditionalLogisticOptions& options = {});

/// Fast path: one binary exposure, strata given as 2×2 tables (a = exposed cases, b = exposed
/// non-cases, c = unexposed cases, d = unexposed non-cases). Identical to conditional_logistic() on
/// the persons the tables count (same β̂, se and log-likelihood), at O(Σ sd) per iteration.
ConditionalLogisticResult conditional_logistic_tables(std::span<const Table2x2> strata,
                                                      const ConditionalLogisticOptions& options = {});

}  // namespace famgraph::stats
