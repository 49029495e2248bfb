#pragma once
// The person-level feature table (docs/spec/indicators.md §feature_table): one row per person,
// for a researcher's own models inside the secure environment. It applies the counting rules of
// the indicators (common.hpp: window, observation, childhood; signalling: lead time; overlap:
// organisations known to; transmission: the pathway) person by person, so that no other layer
// re-derives them. Person-level data: never published as such.
#include <array>
#include <cstdint>
#include <vector>

#include "famgraph/graph.hpp"
#include "famgraph/indicators/common.hpp"

namespace famgraph::indicators {

struct FeatureTableOptions {
  Window window;
  /// Roles that count as childhood exposure in the pathway columns (indicator 1's rule).
  RoleSet exposure_roles = default_exposure_roles;
};

/// Columns, one entry per person in index order. A `*_known` / `has_*` mask marks where the value
/// is defined; the value under a false mask is 0 and means nothing ("no value", shown as NA).
struct FeatureTable {
  Window window;                        ///< resolved
  std::vector<PersonId> person_id;
  std::vector<std::uint8_t> sex;        ///< Sex code (F, M, U)
  std::vector<std::uint8_t> birth_known;
  std::vector<std::int64_t> birth_year;  ///< of the (imputed) birth date; 0 when unknown
  std::vector<std::int64_t> generation;  ///< FamilyGraph::generation
  std::vector<std::uint8_t> observed;    ///< observed on ≥ 1 day of the window
  /// Per role (Role order): in-window event rows in childhood (before the 18th birthday) and in
  /// adulthood (both 0 under birth_known = false), and all in-window rows.
  std::array<std::vector<std::int64_t>, n_roles> child, adult, total;
  /// The recorded mother / father has an in-window victim / perpetrator row; masks has_mother /
  /// has_father.
  std::vector<std::uint8_t> has_mother, has_father;
  std::vector<std::uint8_t> mother_victim, mother_perpetrator, father_victim, father_perpetrator;
  /// Distinct recorded grandparents (a grandparent reached along two paths counts once), and
  /// whether any of them has an in-window victim / perpetrator row (undefined when none is known).
  std::vector<std::int64_t> grandparents_known;
  std::vector<std::uint8_t> grandparent_victim, grandparent_perpetrator;
  /// Organisations the person is known to in the window (indicator 6's rule).
  std::vector<std::int64_t> n_organisations;
  /// Indicator 5's lead time of the person's first in-window incident: days from the earliest
  /// contact, when that contact started before the incident (mask has_lead_time).
  std::vector<std::uint8_t> has_lead_time;
  std::vector<std::int64_t> lead_time_days;
  /// Indicator 1: eligible, and (defined only when eligible) exposed and outcome.
  std::vector<std::uint8_t> pathway_eligible, pathway_exposed, pathway_outcome;
  std::uint64_t work = 0;  ///< elementary steps (common.hpp)
};

/// The feature table of every person. O(n + event rows + contacts); throws what resolve_window
/// throws.
FeatureTable feature_table(const Dataset& ds, const FamilyGraph& graph, const FeatureTableOptions& options = {});

}  // namespace famgraph::indicators
