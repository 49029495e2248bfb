#pragma once
// Rules shared by every indicator (docs/spec/common_rules.md): the window, observation, childhood, roles, and
// the matching strata.
//
// Every count result carries `work`: the number of elementary steps the computation took (persons,
// event rows, contacts, children and couples visited, binary-search probes). It is what the
// complexity tests compare between an input and the same input doubled (docs/performance.md
// "Linear time"), instead of timing anything; it is deterministic and has no other use.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "famgraph/cell_key.hpp"
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
/// The roles that count as childhood exposure unless the caller says otherwise (indicators 1 and
/// 7, the feature table): the child was a victim or witnessed the incident.
inline constexpr RoleSet default_exposure_roles = roles({Role::victim, Role::witness});
/// The roles an indicator counts as a case unless the caller says otherwise (indicator 4).
inline constexpr RoleSet default_case_roles = roles({Role::perpetrator});

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

/// The matching stratum of the matched (Mantel–Haenszel) estimates: **single birth year × sex ×
/// childhood household recorded** (docs/estimands.md). The birth year is that of the (imputed)
/// birth date; `parents_known` says that a mother or a father is recorded: a person without one
/// entered the data through a partnership, and their childhood exposure can be seen only through
/// child-victim records, so comparing them with persons whose household is recorded confounds the
/// comparison by the way persons entered the data. A person without a birth date has no stratum.
struct StratumKey {
  int birth_year = 0;
  Sex sex = Sex::U;
  bool parents_known = false;
  friend auto operator<=>(const StratumKey&, const StratumKey&) = default;
};

/// The 2×2 counts of one stratum.
struct StratumCounts2x2 {
  int birth_year = 0;
  Sex sex = Sex::U;
  bool parents_known = false;
  Counts2x2 counts;
  friend bool operator==(const StratumCounts2x2&, const StratumCounts2x2&) = default;
};

/// A 2×2 table split by stratum: only non-empty strata, sorted by (birth_year, sex, parents_known), and the number
/// of units (probands, eligible persons) without a birth date, which are in no stratum. The strata
/// plus those units add up to the unstratified table.
struct StratifiedCounts2x2 {
  std::vector<StratumCounts2x2> strata;
  std::uint64_t without_birth_date = 0;
  friend bool operator==(const StratifiedCounts2x2&, const StratifiedCounts2x2&) = default;
};

/// The stratum of every person, numbered once per call (O(n)): stratum ids ascend with
/// (birth_year, sex, parents_known), so tallies come out sorted without a sort.
class Strata {
 public:
  static constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();  ///< no birth date
  explicit Strata(const PersonTable& persons);
  [[nodiscard]] std::uint32_t of(Index i) const noexcept { return id_[i]; }
  [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }
  [[nodiscard]] StratumKey key(std::uint32_t s) const noexcept { return keys_[s]; }

 private:
  std::vector<std::uint32_t> id_;  // by person
  std::vector<StratumKey> keys_;   // by stratum id, ascending
};

/// Adds units to the 2×2 table of their stratum.
class StratumTally {
 public:
  explicit StratumTally(const Strata& strata) : strata_(&strata), cells_(strata.size()) {}
  void add(Index i, bool exposed, bool outcome) noexcept {
    const std::uint32_t s = strata_->of(i);
    if (s == Strata::none) ++without_;
    else cells_[s].add(exposed, outcome);
  }
  [[nodiscard]] StratifiedCounts2x2 result() const;

 private:
  const Strata* strata_;
  std::vector<Counts2x2> cells_;
  std::uint64_t without_ = 0;
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
