#pragma once
// Indicator 6, multi-agency overlap (docs/spec/indicators.md §agency_overlap).
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "famgraph/indicators/common.hpp"

namespace famgraph::indicators {

struct AgencyOverlapOptions {
  Window window;
  /// The cell key method: one record key per person, or empty (a family's key is
  /// disclosure::family_key of its parents'). Not owned.
  std::span<const std::uint64_t> person_keys;
};

struct OverlapCounts {
  /// Exact combination (organisation codes, ascending) → number of units known to exactly those.
  std::map<std::vector<std::uint16_t>, std::uint64_t> combinations;
  /// both[i][j], either[i][j] over organisation codes (i < j used; symmetric).
  std::vector<std::vector<std::uint64_t>> both, either;
  std::uint64_t known_1plus = 0, known_2plus = 0;
  /// Key sums of `combinations` (only when options.person_keys was given; the same keys).
  std::map<std::vector<std::uint16_t>, std::uint64_t> combination_key_sums;
};

struct AgencyOverlapCounts {
  Window window;
  std::size_t organisations = 0;
  OverlapCounts persons, families;
  std::uint64_t work = 0;  ///< elementary steps (common.hpp)
};

/// Exact combination (organisation codes, ascending) → number of units known to exactly those.
using Combinations = std::map<std::vector<std::uint16_t>, std::uint64_t>;

/// The counts of units that follow from combination counts: both[x][y] = Σ over the combinations
/// holding x and y, either[x][y] = n_x + n_y − both[x][y] (n_x: Σ over those holding x),
/// known_1plus = Σ of all, known_2plus = Σ over the combinations of two or more organisations.
/// Empty combinations (count 0) are left out of `combinations`, as agency_overlap_counts never lists
/// one. agency_overlap_counts derives its pair counts so; the cell key method applies it to the
/// perturbed combination counts (docs/disclosure.md, "Using it"), so that the published pairs and
/// totals are sums of published combinations. Throws std::invalid_argument when a code is not below
/// `organisations`. O(combinations × organisations² + organisations²).
OverlapCounts overlap_from_combinations(const Combinations& combinations, std::size_t organisations);

/// A person is known to an organisation that is the source of one of their in-window event rows or
/// of a contact overlapping the window (start ≤ we and (end empty or end ≥ ws)); a nuclear family
/// is known to an organisation if any member is. O((n + event rows + contacts + family members) ×
/// (1 + organisations known per person) + combinations × organisations²): each person's set of
/// organisations is made once, and a family joins its members' sets.
AgencyOverlapCounts agency_overlap_counts(const Dataset& ds, const AgencyOverlapOptions& options = {});

}  // namespace famgraph::indicators
