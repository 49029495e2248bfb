#pragma once
// The "number at risk" table printed under a Kaplan–Meier plot (docs/statistics.md, "Number at
// risk"). For each display time t: at_risk = #{time ≥ t} (R's survfit convention: a person whose
// follow-up ends at t is still at risk at t), events = #{event, time < t} and censored =
// #{censored, time < t}, so at_risk + events + censored = n in every row.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "famgraph/stats/survival.hpp"

namespace famgraph::stats {

struct AtRiskRow {
  double time = 0.0;
  std::uint64_t at_risk = 0;   ///< observations with time >= this time
  std::uint64_t events = 0;    ///< events strictly before this time
  std::uint64_t censored = 0;  ///< censorings strictly before this time
};

/// One row per display time, in the order given (they need not be sorted). O((n + m) log n).
/// Throws std::invalid_argument on a non-finite observation or display time.
inline std::vector<AtRiskRow> number_at_risk(std::span<const TimeEvent> data, std::span<const double> times) {
  std::vector<double> ev, ce;
  for (const auto& o : data) {
    if (!std::isfinite(o.time)) throw std::invalid_argument("number_at_risk: every time must be finite");
    (o.event ? ev : ce).push_back(o.time);
  }
  std::sort(ev.begin(), ev.end());
  std::sort(ce.begin(), ce.end());
  std::vector<AtRiskRow> out;
  out.reserve(times.size());
  for (double t : times) {
    if (!std::isfinite(t)) throw std::invalid_argument("number_at_risk: every display time must be finite");
    AtRiskRow row;
    row.time = t;
    row.events = static_cast<std::uint64_t>(std::lower_bound(ev.begin(), ev.end(), t) - ev.begin());
    row.censored = static_cast<std::uint64_t>(std::lower_bound(ce.begin(), ce.end(), t) - ce.begin());
    row.at_risk = data.size() - row.events - row.censored;
    out.push_back(row);
  }
  return out;
}

}  // namespace famgraph::stats
