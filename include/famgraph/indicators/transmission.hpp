#pragma once
// Indicator 1, the victim→perpetrator pathway (docs/spec/indicators.md §victim_to_perpetrator).
#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "famgraph/indicators/common.hpp"
#include "famgraph/relations.hpp"

namespace famgraph::indicators {

struct VictimToPerpetratorOptions {
  Window window;
  RoleSet exposure_roles = default_exposure_roles;
  /// The cell key method (famgraph/cell_key.hpp): one record key per person, or empty for no key
  /// sums. Not owned; must outlive the call.
  std::span<const std::uint64_t> person_keys;
};

/// Key sums (mod 2^64 of the eligible persons' keys) of the cells of VictimToPerpetratorCounts.
struct VictimToPerpetratorKeySums {
  disclosure::KeySums2x2 overall;
  std::array<disclosure::KeySums2x2, 3> by_sex{};
  std::map<int, disclosure::KeySums2x2> by_decade;
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
  std::vector<Index> person;  ///< the eligible person of each entry
  /// `overall` by single birth year × sex of the eligible person (all have a birth date).
  StratifiedCounts2x2 strata;
  std::uint64_t work = 0;  ///< elementary steps (common.hpp)
  VictimToPerpetratorKeySums keys;  ///< all zero unless options.person_keys was given
};

/// Eligible: birth date known and ws < 18th birthday ≤ min(we, exit). Exposed: an in-window event
/// with a role in `exposure_roles` in childhood. Outcome: an in-window event as perpetrator as an
/// adult. O(n + event rows).
VictimToPerpetratorCounts victim_to_perpetrator_counts(const Dataset& ds,
                                                       const VictimToPerpetratorOptions& options = {});

// Indicator 2, the relative-exposure transmission table.

struct RolePair {
  Role relative_role;  ///< a: the role of the relative
  Role proband_role;   ///< b: the role of the proband
};

struct RelativeExposureOptions {
  Window window;
  std::vector<Relation> relations{Relation::parent,       Relation::grandparent, Relation::full_sibling,
                                  Relation::half_sibling, Relation::aunt_uncle,  Relation::first_cousin,
                                  Relation::partner};
  std::vector<RolePair> role_pairs{{Role::victim, Role::victim},
                                   {Role::victim, Role::perpetrator},
                                   {Role::perpetrator, Role::victim},
                                   {Role::perpetrator, Role::perpetrator}};
  /// The cell key method: one record key per person (the probands), or empty. Not owned.
  std::span<const std::uint64_t> person_keys;
};

struct RelativeExposureCell {
  Relation relation;
  RolePair roles;
  Counts2x2 counts;
  /// `counts` by single birth year × sex of the proband; probands without a birth date apart.
  StratifiedCounts2x2 strata;
  disclosure::KeySums2x2 keys;  ///< key sums of `counts` (zero unless options.person_keys was given)
};

struct RelativeExposureCounts {
  Window window;
  std::vector<RelativeExposureCell> cells;  ///< one per (relation, role pair), relations outermost
  std::uint64_t work = 0;                   ///< elementary steps (common.hpp)
};

/// Probands: observed persons. Exposed: some relative by R (observed or not) has an in-window event
/// with role a; outcome: the proband has an in-window event with role b. One 2×2 per (R, a, b).
/// O(n + event rows + children and partner links) per relation, whatever the family shapes: the
/// relatives' roles are counted by aggregation (relative_counts.hpp), never pair by pair.
RelativeExposureCounts relative_exposure_table(const Dataset& ds, const RelativeExposureOptions& options = {});
/// The cells of relative_exposure_table().
std::vector<RelativeExposureCell> relative_exposure_counts(const Dataset& ds,
                                                           const RelativeExposureOptions& options = {});

}  // namespace famgraph::indicators
