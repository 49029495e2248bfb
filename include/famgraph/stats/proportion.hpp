#pragma once
// Confidence intervals for a binomial proportion k/n: Wilson score and Clopper–Pearson exact.
// docs/spec/common_rules.md §intervals gives every share a Wilson interval; Clopper–Pearson is offered for
// users who want guaranteed (conservative) coverage.
#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "famgraph/stats/interval.hpp"

namespace famgraph::stats {

namespace detail {
inline void check_count(std::uint64_t k, std::uint64_t n) {
  if (k > n)
    throw std::invalid_argument("proportion: k = " + std::to_string(k) + " exceeds n = " + std::to_string(n));
}
}  // namespace detail

/// Wilson score interval for k successes out of n (Wilson 1927), no continuity correction:
/// the set of π with |k/n − π| <= z·sqrt(π(1 − π)/n), i.e.
///   centre = (k + z²/2) / (n + z²),  half = z / (n + z²) · sqrt(k(n − k)/n + z²/4).
/// Undefined (nullopt) when n = 0. At k = 0 the lower bound is exactly 0 and at k = n the upper
/// bound is exactly 1 (the closed form gives them analytically; rounding would otherwise leave
/// ±1e-17, which then leaks into Newcombe's interval and into "is the CI above 0?" checks).
/// Throws std::invalid_argument if k > n or the level is not in (0, 1).
inline std::optional<Interval> wilson(std::uint64_t k, std::uint64_t n, double level = 0.95) {
  detail::check_count(k, n);
  const double z = z_for_level(level);
  if (n == 0) return std::nullopt;
  // In double: k·(n − k) overflows uint64 for n > 2³², and the result is a double anyway.
  const double kd = static_cast<double>(k), nd = static_cast<double>(n);
  const double z2 = z * z;
  const double denom = nd + z2;
  const double centre = (kd + z2 / 2.0) / denom;
  const double half = z / denom * std::sqrt(kd * (nd - kd) / nd + z2 / 4.0);
  Interval ci{centre - half, centre + half};
  if (k == 0) ci.lower = 0.0;
  if (k == n) ci.upper = 1.0;
  ci.lower = std::max(ci.lower, 0.0);
  ci.upper = std::min(ci.upper, 1.0);
  return ci;
}

/// Clopper–Pearson ("exact") interval: lower = Beta(k, n − k + 1) quantile at α/2,
/// upper = Beta(k + 1, n − k) quantile at 1 − α/2 (Boost.Math); by convention lower = 0 when
/// k = 0 and upper = 1 when k = n, where the corresponding beta distribution does not exist.
/// Undefined (nullopt) when n = 0. Throws std::invalid_argument if k > n or on a bad level.
inline std::optional<Interval> clopper_pearson(std::uint64_t k, std::uint64_t n, double level = 0.95) {
  detail::check_count(k, n);
  check_level(level);
  if (n == 0) return std::nullopt;
  const double half_alpha = (1.0 - level) / 2.0;
  const double kd = static_cast<double>(k), nd = static_cast<double>(n);
  Interval ci{0.0, 1.0};
  if (k > 0)
    ci.lower = boost::math::quantile(boost::math::beta_distribution<double>(kd, nd - kd + 1.0), half_alpha);
  if (k < n)
    // The complement form keeps full relative accuracy in the upper tail.
    ci.upper = boost::math::quantile(
        boost::math::complement(boost::math::beta_distribution<double>(kd + 1.0, nd - kd), half_alpha));
  return ci;
}

}  // namespace famgraph::stats
