#pragma once
// Indicator 1, the victim→perpetrator pathway (DESIGN.md §4.1).
#include <array>
#include <map>
#include <vector>

#include "famgraph/indicators/common.hpp"

namespace famgraph::indicators {

struct VictimToPerpetratorOptions {
  Window window;
  RoleSet exposure_roles = roles({Role::victim, Role::witness});
};

/// Counts of the pathway and the survival data behind its Kaplan–Meier curves.
struct VictimToPerpetratorCounts {
  Window window;
  Counts2x2 overall;
  std::array<Counts2x2, 3> by_sex{};      ///< indexed by Sex (F, M, U)
  std::map<int, Counts2x2> by_decade;     ///< birth decade (⌊year/10⌋·10) → counts
  std::uint64_t without_birth_date = 0;   ///< persons never eligible for lack of a birth date
  /// One entry per eligible person: days from the 18th birthday to the first adult perpetration
  /// in the window (event = 1) or to min(we, exit) (event = 0), and whether exposed.
  std::vector<std::int32_t> time;
  std::vector<std::uint8_t> event, exposed;
};

/// Eligible: birth date known and ws < 18th birthday ≤ min(we, exit). Exposed: an in-window event
/// with a role in `exposure_roles` in childhood. Outcome: an in-window event as perpetrator as an
/// adult.
VictimToPerpetratorCounts victim_to_perpetrator_counts(const Dataset& ds,
                                                       const VictimToPerpetratorOptions& options = {});

}  // namespace famgraph::indicators
