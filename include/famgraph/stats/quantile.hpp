#pragma once
// Sample quantiles by linear interpolation between order statistics at position (n − 1)·q —
// Hyndman & Fan type 7, numpy.quantile's default (docs/spec/common_rules.md §intervals). The interpolation is
// written as numpy writes it, so results agree with numpy to the last bit, not merely to rounding.
#include <algorithm>
#include <cmath>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace famgraph::stats {

namespace detail {
inline void check_q(double q) {
  if (!(q >= 0.0 && q <= 1.0))
    throw std::invalid_argument("quantile: q must be in [0, 1], got " + std::to_string(q));
}
inline std::vector<double> sorted_copy(std::span<const double> x) {
  std::vector<double> v(x.begin(), x.end());
  // numpy would propagate a NaN into the result; here a NaN is a caller bug and says so.
  for (double e : v)
    if (std::isnan(e)) throw std::invalid_argument("quantile: the data contain NaN");
  std::sort(v.begin(), v.end());
  return v;
}
}  // namespace detail

/// The q-quantile of data already sorted ascending (no check of the order). Throws
/// std::invalid_argument if `sorted` is empty or q is outside [0, 1].
inline double quantile_sorted(std::span<const double> sorted, double q) {
  detail::check_q(q);
  if (sorted.empty()) throw std::invalid_argument("quantile: no data");
  const std::size_t n = sorted.size();
  const double pos = static_cast<double>(n - 1) * q;
  if (pos >= static_cast<double>(n - 1)) return sorted[n - 1];
  const double lo = std::floor(pos);
  const auto i = static_cast<std::size_t>(lo);
  const double t = pos - lo;
  const double a = sorted[i], b = sorted[i + 1];
  const double diff = b - a;
  // numpy's _lerp: interpolate from the nearer end, so that t = 1 − ε still lands on b exactly.
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

/// The q-quantile of `x` (any order); nullopt when x is empty. Throws std::invalid_argument if q is
/// outside [0, 1] or x contains NaN.
inline std::optional<double> quantile(std::span<const double> x, double q) {
  detail::check_q(q);
  if (x.empty()) return std::nullopt;
  const auto v = detail::sorted_copy(x);
  return quantile_sorted(v, q);
}

/// Several quantiles of `x` with one sort; nullopt when x is empty.
inline std::optional<std::vector<double>> quantiles(std::span<const double> x, std::span<const double> qs) {
  for (double q : qs) detail::check_q(q);
  if (x.empty()) return std::nullopt;
  const auto v = detail::sorted_copy(x);
  std::vector<double> out;
  out.reserve(qs.size());
  for (double q : qs) out.push_back(quantile_sorted(v, q));
  return out;
}

inline std::optional<double> median(std::span<const double> x) {
  return quantile(x, 0.5);
}

struct Quartiles {
  double q1 = 0.0, median = 0.0, q3 = 0.0;
};

/// The 0.25, 0.5 and 0.75 quantiles; nullopt when x is empty.
inline std::optional<Quartiles> quartiles(std::span<const double> x) {
  if (x.empty()) return std::nullopt;
  const auto v = detail::sorted_copy(x);
  return Quartiles{quantile_sorted(v, 0.25), quantile_sorted(v, 0.5), quantile_sorted(v, 0.75)};
}

}  // namespace famgraph::stats
