#pragma once
// Incidence rates (events per person-time) with the exact Poisson (Garwood 1936) interval, the
// rate ratio of two groups with the Wald log interval and the exact conditional (binomial)
// interval, and the Mantel–Haenszel rate ratio over strata with the Greenland–Robins (1985)
// variance (docs/statistics.md, "Incidence rates").
//
// Person-time is in whatever unit the caller uses (famgraph passes years); `per` scales the rate
// (1000 → per 1,000 person-years). Ratios do not depend on `per`.
#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "famgraph/stats/interval.hpp"
#include "famgraph/stats/mantel_haenszel.hpp"
#include "famgraph/stats/proportion.hpp"

namespace famgraph::stats {

namespace detail {
inline void check_person_time(double t, const char* what) {
  if (!(std::isfinite(t) && t >= 0.0))
    throw std::invalid_argument(std::string(what) + ": person-time must be finite and >= 0, got " +
                                std::to_string(t));
}
inline void check_per(double per) {
  if (!(std::isfinite(per) && per > 0.0))
    throw std::invalid_argument("rates: per must be finite and > 0, got " + std::to_string(per));
}
}  // namespace detail

/// events / person_time · per with the Garwood interval
/// [χ²_{α/2}(2k)/2, χ²_{1−α/2}(2k + 2)/2] / person_time · per (lower = 0 when k = 0).
struct IncidenceRate {
  std::uint64_t events = 0;
  double person_time = 0.0;
  double per = 1000.0;
  /// nullopt when person_time = 0.
  std::optional<double> rate;
  std::optional<Interval> ci;
  double level = 0.95;
};

/// Throws std::invalid_argument on a negative or non-finite person-time, a bad `per` or level.
inline IncidenceRate incidence_rate(std::uint64_t events, double person_time, double per = 1000.0,
                                    double level = 0.95) {
  detail::check_person_time(person_time, "incidence_rate");
  detail::check_per(per);
  check_level(level);
  IncidenceRate r{events, person_time, per, std::nullopt, std::nullopt, level};
  if (person_time == 0.0) return r;
  const double k = static_cast<double>(events);
  const double half_alpha = (1.0 - level) / 2.0;
  const double scale = per / person_time;
  r.rate = k * scale;
  // Gamma(k, 1) quantiles are χ²(2k)/2; the complement form keeps the upper tail accurate.
  const double lower = events == 0 ? 0.0 : boost::math::gamma_p_inv(k, half_alpha);
  const double upper = boost::math::gamma_q_inv(k + 1.0, half_alpha);
  r.ci = Interval{lower * scale, upper * scale};
  return r;
}

/// Rate ratio (k1/T1)/(k0/T0) of group 1 (e.g. exposed) to group 0.
struct RateRatio {
  /// nullopt when T1 = 0, T0 = 0 or k0 = 0. Exactly 0 when k1 = 0 < k0 (then no Wald interval).
  std::optional<double> estimate;
  /// exp(log IRR ± z·sqrt(1/k1 + 1/k0)); needs k1 > 0 and k0 > 0.
  std::optional<Interval> wald;
  /// Exact conditional: given k = k1 + k0, k1 ~ Binomial(k, π) with π = T1·IRR/(T1·IRR + T0); the
  /// Clopper–Pearson limits of π map to IRR = π/(1 − π) · T0/T1 (lower 0 when k1 = 0). Defined
  /// whenever the estimate is.
  std::optional<Interval> exact;
  std::optional<double> se_log;  ///< sqrt(1/k1 + 1/k0) when both > 0
  double level = 0.95;
  double z = z975;
};

inline RateRatio rate_ratio(std::uint64_t events1, double person_time1, std::uint64_t events0,
                            double person_time0, double level = 0.95) {
  detail::check_person_time(person_time1, "rate_ratio");
  detail::check_person_time(person_time0, "rate_ratio");
  RateRatio r;
  r.level = level;
  r.z = z_for_level(level);
  if (person_time1 == 0.0 || person_time0 == 0.0 || events0 == 0) return r;
  const double k1 = static_cast<double>(events1), k0 = static_cast<double>(events0);
  const double ratio_t = person_time0 / person_time1;
  r.estimate = k1 / k0 * ratio_t;
  if (events1 > 0) {
    const double se = std::sqrt(1.0 / k1 + 1.0 / k0);
    r.se_log = se;
    r.wald = Interval{*r.estimate * std::exp(-r.z * se), *r.estimate * std::exp(r.z * se)};
  }
  // Clopper–Pearson limits of π, written as odds π/(1 − π) straight from the beta quantiles
  // (x/(1 − x) with x = ibeta_inv(...) and 1 − x from the complementary inverse, so an upper
  // limit close to 1 keeps its digits).
  const double half_alpha = (1.0 - level) / 2.0;
  double lower = 0.0;
  if (events1 > 0) {
    double y = 0.0;
    const double x = boost::math::ibeta_inv(k1, k0 + 1.0, half_alpha, &y);
    lower = x / y;
  }
  double y = 0.0;
  const double x = boost::math::ibetac_inv(k1 + 1.0, k0, half_alpha, &y);
  const double upper = x / y;
  r.exact = Interval{lower * ratio_t, upper * ratio_t};
  return r;
}

/// One stratum of person-time data: events and person-time of group 1 (exposed) and group 0.
struct RateStratum {
  std::uint64_t events1 = 0;
  double person_time1 = 0.0;
  std::uint64_t events0 = 0;
  double person_time0 = 0.0;
};

struct MantelHaenszelRateRatio {
  std::size_t n_strata = 0;
  /// Strata with T1 > 0, T0 > 0 and k1 + k0 > 0 (the others add 0 to every sum).
  std::size_t n_informative = 0;
  /// IRR_MH = Σ k1·T0/T / Σ k0·T1/T (T = T1 + T0) with the Greenland–Robins (1985) variance
  /// Var(log IRR_MH) = Σ (k1 + k0)·T1·T0/T² / (Σ k1·T0/T · Σ k0·T1/T). nullopt when Σ k0·T1/T = 0;
  /// 0 with no se/interval when Σ k1·T0/T = 0.
  std::optional<PooledEstimate> rate_ratio;
  double level = 0.95;
  double z = z975;
};

inline MantelHaenszelRateRatio mantel_haenszel_rate_ratio(std::span<const RateStratum> strata,
                                                          double level = 0.95) {
  MantelHaenszelRateRatio r;
  r.level = level;
  r.z = z_for_level(level);
  r.n_strata = strata.size();
  double num = 0.0, den = 0.0, var = 0.0;
  for (const auto& s : strata) {
    detail::check_person_time(s.person_time1, "mantel_haenszel_rate_ratio");
    detail::check_person_time(s.person_time0, "mantel_haenszel_rate_ratio");
    const double t1 = s.person_time1, t0 = s.person_time0, t = t1 + t0;
    const double k1 = static_cast<double>(s.events1), k0 = static_cast<double>(s.events0);
    if (t1 == 0.0 || t0 == 0.0 || k1 + k0 == 0.0) continue;
    ++r.n_informative;
    num += k1 * t0 / t;
    den += k0 * t1 / t;
    var += (k1 + k0) * (t1 / t) * (t0 / t);
  }
  if (den == 0.0) return r;
  if (num == 0.0) {
    r.rate_ratio = PooledEstimate{0.0, std::nullopt, std::nullopt};
    return r;
  }
  const double est = num / den;
  const double se = std::sqrt(var / (num * den));
  r.rate_ratio = PooledEstimate{est, se, Interval{est * std::exp(-r.z * se), est * std::exp(r.z * se)}};
  return r;
}

}  // namespace famgraph::stats
