#pragma once
// Confidence intervals and normal critical values shared by every famgraph::stats header.
//
// Conventions of famgraph::stats (docs/spec/statistics.md):
//  * An undefined result is std::nullopt — never NaN and never a sentinel value. The Python
//    bindings turn it into None (scalars) or NaN (DataFrame columns).
//  * `level` is the two-sided confidence level, 0 < level < 1; anything else throws
//    std::invalid_argument. Every interval is central: α/2 in each tail, α = 1 − level.
//  * Everything is deterministic and single-threaded; no function keeps state.
#include <boost/math/distributions/normal.hpp>
#include <stdexcept>
#include <string>

namespace famgraph::stats {

/// Φ⁻¹(0.975), the two-sided 95% normal critical value. docs/spec/common_rules.md §two-by-two-tables pins
/// this literal (not 1.96) so that every 95% interval in every output is reproducible to the last printed
/// digit.
inline constexpr double z975 = 1.959963984540054;

/// A closed interval [lower, upper] with lower <= upper.
struct Interval {
  double lower = 0.0;
  double upper = 0.0;
  friend bool operator==(const Interval&, const Interval&) = default;
};

/// Throws std::invalid_argument unless 0 < level < 1 (NaN fails too).
inline void check_level(double level) {
  if (!(level > 0.0 && level < 1.0))
    throw std::invalid_argument("confidence level must be strictly between 0 and 1, got " +
                                std::to_string(level));
}

/// The two-sided normal critical value z = Φ⁻¹(1 − α/2) for confidence `level` = 1 − α.
/// Level 0.95 returns the specified constant bit for bit; Boost's quantile gives the same double on
/// x86-64 (tested), but the contract must not depend on the platform's long-double precision.
inline double z_for_level(double level) {
  check_level(level);
  if (level == 0.95) return z975;
  // Upper-tail quantile of α/2: for level >= 0.5, 1 − level is exact (Sterbenz), so this stays
  // accurate for levels close to 1, where Φ⁻¹(0.5 + level/2) would lose digits.
  const double alpha = 1.0 - level;
  return boost::math::quantile(
      boost::math::complement(boost::math::normal_distribution<double>(), alpha / 2.0));
}

}  // namespace famgraph::stats
