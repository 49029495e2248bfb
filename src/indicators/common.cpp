// Rules shared by every indicator (indicators/common.hpp): the window, roles, person dates and the
// matching strata.
#include "famgraph/indicators/common.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace famgraph::indicators {

Window resolve_window(const Dataset& ds, Window w) {
  if (w.start == NO_DAY || w.end == NO_DAY) {
    const auto& dates = ds.events.date;
    if (dates.empty())
      throw std::invalid_argument(
          "window: the data has no events, so the default window (first to last event date) is "
          "undefined; give window=(start, end)");
    const auto [lo, hi] = std::minmax_element(dates.begin(), dates.end());
    if (w.start == NO_DAY) w.start = *lo;
    if (w.end == NO_DAY) w.end = *hi;
  }
  if (w.end < w.start)
    throw std::invalid_argument("window: end " + format_day(w.end) + " is before start " +
                                format_day(w.start) + " (expected start <= end)");
  return w;
}

RoleSet parse_roles(const std::vector<std::string>& names, std::string_view option) {
  if (names.empty())
    throw std::invalid_argument(std::string(option) +
                                ": at least one role is needed (allowed: victim, perpetrator, witness, other)");
  RoleSet s = 0;
  for (const auto& n : names) {
    bool found = false;
    for (int r = 0; r < n_roles; ++r)
      if (to_string(static_cast<Role>(r)) == n) {
        s = static_cast<RoleSet>(s | role_bit(static_cast<Role>(r)));
        found = true;
      }
    if (!found)
      throw std::invalid_argument(std::string(option) + ": unknown role '" + n +
                                  "' (allowed: victim, perpetrator, witness, other)");
  }
  return s;
}

std::vector<std::string> role_names(RoleSet s) {
  std::vector<std::string> out;
  for (int r = 0; r < n_roles; ++r)
    if (contains(s, static_cast<Role>(r))) out.emplace_back(to_string(static_cast<Role>(r)));
  return out;
}

PersonDates person_dates(const PersonTable& P) {
  PersonDates pd;
  const std::size_t n = P.size();
  pd.birth.resize(n);
  pd.adult.resize(n);
  pd.last.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const bool known = P.birth_precision[i] != DatePrecision::missing;
    pd.birth[i] = known ? P.birth[i] : NO_DAY;
    pd.adult[i] = known ? add_years(P.birth[i], 18) : NO_DAY;
    pd.last[i] = P.exit_precision[i] != DatePrecision::missing ? P.exit[i] : INT32_MAX;
  }
  return pd;
}

// ------------------------------------------------------------------ strata
Strata::Strata(const PersonTable& P) {
  const std::size_t n = P.size();
  constexpr std::size_t n_sex = 3;
  constexpr std::size_t n_cell = n_sex * 2;  // sex × parents_known
  id_.assign(n, none);
  std::vector<int> year(n, 0);
  int lo = INT_MAX, hi = INT_MIN;
  for (std::size_t i = 0; i < n; ++i) {
    if (P.birth_precision[i] == DatePrecision::missing) continue;
    year[i] = civil_from_days(P.birth[i]).year;
    lo = std::min(lo, year[i]);
    hi = std::max(hi, year[i]);
  }
  if (lo > hi) return;  // nobody has a birth date
  // Distinct years in ascending order: a presence table over the range when it is not much larger
  // than the population (always, for real dates), else a sort.
  std::vector<int> years;
  std::vector<std::uint32_t> dense_rank;  // year − lo → rank, when the range is small
  const auto range = static_cast<std::size_t>(static_cast<std::int64_t>(hi) - lo + 1);
  if (range <= 4 * n + 1024) {
    dense_rank.assign(range, none);
    for (std::size_t i = 0; i < n; ++i)
      if (P.birth_precision[i] != DatePrecision::missing) dense_rank[static_cast<std::size_t>(year[i] - lo)] = 0;
    for (std::size_t y = 0; y < range; ++y)
      if (dense_rank[y] != none) {
        dense_rank[y] = static_cast<std::uint32_t>(years.size());
        years.push_back(lo + static_cast<int>(y));
      }
  } else {
    for (std::size_t i = 0; i < n; ++i)
      if (P.birth_precision[i] != DatePrecision::missing) years.push_back(year[i]);
    std::sort(years.begin(), years.end());
    years.erase(std::unique(years.begin(), years.end()), years.end());
  }
  // Stratum ids: (year rank × 3 + sex) × 2 + parents_known; only the keys that occur get an id, in
  // order.
  std::vector<std::uint32_t> slot(years.size() * n_cell, none);
  auto rank = [&](int y) -> std::size_t {
    if (!dense_rank.empty()) return dense_rank[static_cast<std::size_t>(y - lo)];
    return static_cast<std::size_t>(std::lower_bound(years.begin(), years.end(), y) - years.begin());
  };
  std::vector<std::uint32_t> raw(n, none);
  for (std::size_t i = 0; i < n; ++i) {
    if (P.birth_precision[i] == DatePrecision::missing) continue;
    const bool known = P.mother[i] != NONE || P.father[i] != NONE;
    raw[i] = static_cast<std::uint32_t>((rank(year[i]) * n_sex + static_cast<std::size_t>(P.sex[i])) * 2 +
                                        (known ? 1 : 0));
    slot[raw[i]] = 0;
  }
  for (std::size_t k = 0; k < slot.size(); ++k)
    if (slot[k] != none) {
      slot[k] = static_cast<std::uint32_t>(keys_.size());
      keys_.push_back({years[k / n_cell], static_cast<Sex>((k / 2) % n_sex), k % 2 == 1});
    }
  for (std::size_t i = 0; i < n; ++i)
    if (raw[i] != none) id_[i] = slot[raw[i]];
}

StratifiedCounts2x2 StratumTally::result() const {
  StratifiedCounts2x2 out;
  out.without_birth_date = without_;
  for (std::size_t s = 0; s < cells_.size(); ++s)
    if (cells_[s].total() > 0) {
      const StratumKey k = strata_->key(static_cast<std::uint32_t>(s));
      out.strata.push_back({k.birth_year, k.sex, k.parents_known, cells_[s]});
    }
  return out;
}

}  // namespace famgraph::indicators
