#pragma once
// Kaplan–Meier estimation with Greenwood variance and the log(−log) interval, and the two-group
// log-rank test (docs/spec/common_rules.md §intervals; used by indicator 1 with time in days since the 18th
// birthday).
//
// Ties: at a time where both events and censorings occur, the events are processed first, so the
// persons censored at t are still at risk for the events at t (the usual convention, also that of
// lifelines and R's survival package).
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "famgraph/stats/interval.hpp"

namespace famgraph::stats {

/// One observation: follow-up time (days since the origin) and whether it ended in the event
/// (true) or was censored (false).
struct TimeEvent {
  double time = 0.0;
  bool event = false;
};

/// The Kaplan–Meier estimate just after `time` (a right-continuous step function).
struct KaplanMeierStep {
  double time = 0.0;
  std::uint64_t at_risk = 0;   ///< n: observations with time >= this time
  std::uint64_t events = 0;    ///< d: events at this time
  std::uint64_t censored = 0;  ///< censorings at this time
  double survival = 1.0;       ///< S(t) = Π (1 − d/n) over event times <= t
  /// Greenwood: S(t)² · Σ d/(n(n − d)). nullopt once S(t) = 0 (the sum diverges: everybody at
  /// risk had the event); 0 while S(t) = 1.
  std::optional<double> variance;
  /// log(−log) ("exponential Greenwood") interval for S(t): with
  /// w = z·sqrt(Σ d/(n(n − d))) / |log S(t)|, [S^exp(w), S^exp(−w)]. [1, 1] while S(t) = 1 (no
  /// event yet, zero variance; lifelines reports the same); nullopt once S(t) = 0, where
  /// log(−log S) does not exist (lifelines reports [0, 0] there; R's survival reports NA).
  std::optional<Interval> ci;
  /// 1 − S(t) and its interval [1 − upper, 1 − lower] (same definedness as `ci`).
  double cumulative_incidence = 0.0;
  std::optional<Interval> cumulative_incidence_ci;
};

struct KaplanMeierResult {
  /// One row per distinct observed time (event or censoring), ascending. Before the first row
  /// S = 1. The estimate is undefined beyond the last row.
  std::vector<KaplanMeierStep> steps;
  std::uint64_t n = 0;         ///< observations
  std::uint64_t n_events = 0;  ///< total events
  double level = 0.95;
  double z = z975;
};

namespace detail {
inline std::vector<TimeEvent> sorted_by_time(std::span<const TimeEvent> data) {
  std::vector<TimeEvent> v(data.begin(), data.end());
  for (const auto& o : v)
    if (!std::isfinite(o.time))
      throw std::invalid_argument("survival: every time must be finite (got NaN or infinity)");
  // Ties among equal times need no order: each distinct time is processed as one block.
  std::sort(v.begin(), v.end(), [](const TimeEvent& x, const TimeEvent& y) { return x.time < y.time; });
  return v;
}
}  // namespace detail

/// Kaplan–Meier estimate from (time, event) pairs. Throws std::invalid_argument on a non-finite
/// time or a level outside (0, 1). An empty input gives an empty table.
inline KaplanMeierResult kaplan_meier(std::span<const TimeEvent> data, double level = 0.95) {
  KaplanMeierResult r;
  r.level = level;
  r.z = z_for_level(level);
  const auto v = detail::sorted_by_time(data);
  r.n = v.size();
  std::uint64_t at_risk = v.size();
  double s = 1.0;
  double greenwood_sum = 0.0;  // Σ d/(n(n − d)); +inf once S = 0
  for (std::size_t i = 0; i < v.size();) {
    KaplanMeierStep st;
    st.time = v[i].time;
    st.at_risk = at_risk;
    for (; i < v.size() && v[i].time == st.time; ++i) (v[i].event ? st.events : st.censored)++;
    if (st.events > 0) {
      const double n = static_cast<double>(at_risk), d = static_cast<double>(st.events);
      // The running product (not exp of a log-sum) keeps S exact for small hand-checked tables.
      s *= (n - d) / n;
      greenwood_sum =
          st.events < at_risk ? greenwood_sum + d / (n * (n - d)) : std::numeric_limits<double>::infinity();
    }
    st.survival = s;
    st.cumulative_incidence = 1.0 - s;
    if (s == 1.0) {
      st.variance = 0.0;
      st.ci = Interval{1.0, 1.0};
    } else if (s > 0.0) {
      st.variance = s * s * greenwood_sum;
      const double log_s = std::log(s);  // < 0
      const double w = r.z * std::sqrt(greenwood_sum) / -log_s;
      st.ci = Interval{std::pow(s, std::exp(w)), std::pow(s, std::exp(-w))};
    }
    if (st.ci) st.cumulative_incidence_ci = Interval{1.0 - st.ci->upper, 1.0 - st.ci->lower};
    r.n_events += st.events;
    at_risk -= st.events + st.censored;
    r.steps.push_back(st);
  }
  return r;
}

/// S(t) of a fitted estimate: 1 before the first step, the last step's value at or after it.
inline double survival_at(const KaplanMeierResult& km, double t) {
  const auto it = std::upper_bound(km.steps.begin(), km.steps.end(), t,
                                   [](double x, const KaplanMeierStep& s) { return x < s.time; });
  return it == km.steps.begin() ? 1.0 : std::prev(it)->survival;
}

/// Two-group log-rank test (Mantel–Haenszel): at each distinct event time with n = n1 + n2 at
/// risk and d = d1 + d2 events, E1 = d·n1/n and the hypergeometric variance
/// V = d·(n1/n)·(n2/n)·(n − d)/(n − 1) (0 when n = 1); statistic (O1 − E1)² / ΣV, χ² with 1 df.
struct LogRankResult {
  std::uint64_t observed1 = 0, observed2 = 0;  ///< events in group 1 / group 2
  double expected1 = 0.0, expected2 = 0.0;     ///< Σ E1 and Σ E2 (they sum to O1 + O2)
  double variance = 0.0;                       ///< Σ V
  /// (O1 − E1)²/V and its upper-tail χ²₁ probability; nullopt when V = 0 (no event time at which
  /// both groups were at risk, so the data carry no information about the difference).
  std::optional<double> chi2;
  std::optional<double> p_value;
  int df = 1;
};

/// Log-rank test of group 1 (e.g. exposed) against group 2. Throws std::invalid_argument on a
/// non-finite time.
inline LogRankResult logrank(std::span<const TimeEvent> group1, std::span<const TimeEvent> group2) {
  const auto g1 = detail::sorted_by_time(group1);
  const auto g2 = detail::sorted_by_time(group2);
  LogRankResult r;
  std::uint64_t n1 = g1.size(), n2 = g2.size();
  std::size_t i = 0, j = 0;
  while (i < g1.size() || j < g2.size()) {
    const double t = std::min(i < g1.size() ? g1[i].time : std::numeric_limits<double>::infinity(),
                              j < g2.size() ? g2[j].time : std::numeric_limits<double>::infinity());
    std::uint64_t d1 = 0, c1 = 0, d2 = 0, c2 = 0;
    for (; i < g1.size() && g1[i].time == t; ++i) (g1[i].event ? d1 : c1)++;
    for (; j < g2.size() && g2[j].time == t; ++j) (g2[j].event ? d2 : c2)++;
    if (d1 + d2 > 0) {
      // Censorings at t are still in the risk set (events before censorings).
      const double n1d = static_cast<double>(n1), n2d = static_cast<double>(n2);
      const double n = n1d + n2d, d = static_cast<double>(d1 + d2);
      r.expected1 += d * n1d / n;
      r.expected2 += d * n2d / n;
      if (n > 1.0) r.variance += d * (n1d / n) * (n2d / n) * (n - d) / (n - 1.0);
    }
    r.observed1 += d1;
    r.observed2 += d2;
    n1 -= d1 + c1;
    n2 -= d2 + c2;
  }
  if (r.variance > 0.0) {
    const double o_minus_e = static_cast<double>(r.observed1) - r.expected1;
    r.chi2 = o_minus_e * o_minus_e / r.variance;
    r.p_value = boost::math::cdf(
        boost::math::complement(boost::math::chi_squared_distribution<double>(1.0), *r.chi2));
  }
  return r;
}

}  // namespace famgraph::stats
