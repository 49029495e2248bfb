#pragma once
// Cox proportional-hazards regression, optionally stratified (a baseline hazard per stratum), with
// Efron's (default, as lifelines and R's coxph) or Breslow's handling of tied event times
// (docs/statistics.md, "Cox proportional hazards").
//
// Risk sets: a subject is at risk at every time ≤ its own; events and censorings at the same time
// are both at risk for those events. Time is on whatever scale the caller passes (famgraph passes
// days since the 18th birthday, stratified by birth year). Strata without events contribute nothing.
//
// Cost: one sort by (stratum, time) (O(n log n), parallel), then O(n·p²) per Newton iteration:
// the risk-set sums Σ w, Σ w·x and Σ w·x·xᵀ (w = exp(xβ − max over the stratum)) are accumulated
// from the latest time backwards. Strata are processed in parallel (oneTBB) and summed in stratum
// order, so results do not depend on the number of threads.
// Errors: std::invalid_argument for bad input; RankDeficientError when a covariate (combination)
// does not vary within any risk set at an event; ConvergenceError when the partial likelihood has
// no finite maximum (monotone likelihood) or the iterations do not converge.
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "famgraph/stats/interval.hpp"
#include "famgraph/stats/logistic.hpp"
#include "famgraph/stats/mantel_haenszel.hpp"

namespace famgraph::stats {

enum class CoxTies { efron, breslow };

struct CoxOptions {
  CoxTies ties = CoxTies::efron;
  int max_iterations = 50;
  /// Converged when every full Newton step satisfies |Δβ_j| <= tolerance · max(1, |β_j|).
  double tolerance = 1e-10;
  double level = 0.95;
};

struct CoxResult {
  Eigen::VectorXd coef;          ///< β̂ (log hazard ratios)
  Eigen::VectorXd se;            ///< sqrt of the diagonal of `covariance`
  Eigen::MatrixXd covariance;    ///< inverse observed information at β̂
  std::vector<Interval> ci;      ///< Wald β̂ ± z·se
  Eigen::VectorXd hazard_ratio;  ///< exp(β̂)
  std::vector<Interval> hr_ci;
  double log_likelihood = 0.0;       ///< log partial likelihood at β̂
  double log_likelihood_null = 0.0;  ///< at β = 0
  ChiSquareTest lr_test;             ///< 2(ℓ(β̂) − ℓ(0)), df = p
  ChiSquareTest wald_test;           ///< β̂ᵀ I(β̂) β̂, df = p
  ChiSquareTest score_test;          ///< U(0)ᵀ I(0)⁻¹ U(0), df = p (the log-rank test for one binary covariate)
  bool converged = false;
  int iterations = 0;
  std::size_t n_obs = 0;
  std::size_t n_events = 0;
  std::size_t n_strata = 0;              ///< distinct stratum ids (1 without strata)
  std::size_t n_strata_with_events = 0;  ///< strata that contribute
  double level = 0.95;
  double z = z975;
};

/// Fits the model. `time` (finite), `event` (0/1) and the rows of X (n × p) describe the same n
/// subjects; `strata` is empty (one stratum) or holds one id per subject. Throws as described at
/// the top of this header.
CoxResult cox_ph(std::span<const double> time, std::span<const std::uint8_t> event,
                 const Eigen::Ref<const Eigen::MatrixXd>& X, std::span<const std::int64_t> strata = {},
                 const CoxOptions& options = {});

}  // namespace famgraph::stats
