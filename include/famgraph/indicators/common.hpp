#pragma once
// Rules shared by every indicator (DESIGN.md §4.0): the window, observation, childhood, roles.
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "famgraph/dataset.hpp"

namespace famgraph::indicators {

/// Both ends inclusive. NO_DAY on either end means "from the data": the first / last event date
/// over all event rows.
struct Window {
  Day start = NO_DAY;
  Day end = NO_DAY;
};

/// Fills a default window from the data and checks it. Throws std::invalid_argument when the end
/// is before the start, or when a default is needed but there are no events.
Window resolve_window(const Dataset& ds, Window requested);

/// A set of roles as a bit mask (bit r = Role r).
using RoleSet = std::uint8_t;
constexpr RoleSet role_bit(Role r) noexcept { return static_cast<RoleSet>(1u << static_cast<unsigned>(r)); }
constexpr RoleSet roles(std::initializer_list<Role> rs) noexcept {
  RoleSet s = 0;
  for (Role r : rs) s = static_cast<RoleSet>(s | role_bit(r));
  return s;
}
constexpr bool contains(RoleSet s, Role r) noexcept { return (s & role_bit(r)) != 0; }
/// Parses role names; throws std::invalid_argument naming the option and the allowed values.
RoleSet parse_roles(const std::vector<std::string>& names, std::string_view option);
std::vector<std::string> role_names(RoleSet s);

/// 2×2 counts: a exposed & outcome, b exposed & no outcome, c unexposed & outcome, d unexposed &
/// no outcome.
struct Counts2x2 {
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
  void add(bool exposed, bool outcome) noexcept {
    if (exposed) ++(outcome ? a : b);
    else ++(outcome ? c : d);
  }
  [[nodiscard]] std::uint64_t total() const noexcept { return a + b + c + d; }
  friend bool operator==(const Counts2x2&, const Counts2x2&) = default;
};

/// Per-person facts every indicator needs, computed once per (dataset, window).
struct PersonDates {
  std::vector<Day> birth;   ///< NO_DAY when unknown
  std::vector<Day> adult;   ///< 18th birthday; NO_DAY when the birth date is unknown
  std::vector<Day> last;    ///< exit date, or INT32_MAX when still observed
};
PersonDates person_dates(const PersonTable& persons);

/// Observed on at least one day of the window: birth ≤ d ≤ exit and ws ≤ d ≤ we. A person without
/// a birth date counts as born before ws.
inline bool observed(const PersonDates& pd, Index i, Window w) noexcept {
  const Day from = pd.birth[i] == NO_DAY ? w.start : std::max(pd.birth[i], w.start);
  return from <= std::min(pd.last[i], w.end);
}

inline bool in_window(Day d, Window w) noexcept { return w.start <= d && d <= w.end; }

}  // namespace famgraph::indicators
