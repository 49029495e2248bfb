#pragma once
// Indicator 3, intergenerational chains and their continuation (DESIGN.md §4.1).
#include <utility>
#include <vector>

#include "famgraph/graph.hpp"
#include "famgraph/indicators/common.hpp"

namespace famgraph::indicators {

struct ChainsOptions {
  Window window;
};

struct ChainsCounts {
  Window window;
  /// Links (parent p, child c): in one incident p perpetrator and c victim, p a recorded parent of
  /// c, c's birth known, both rows in the window, the victim row in c's childhood. Sorted, unique.
  std::vector<std::pair<Index, Index>> links;
  /// Persons whose longest incoming chain has ≥ 1, ≥ 2, ≥ 3 links.
  std::uint64_t ge1 = 0, ge2 = 0, ge3 = 0;
  int longest = 0;
  /// Continuation: exposed = victim of a link, outcome = perpetrator of a link, over persons with
  /// a known birth whose childhood overlaps the window and who have a recorded child observed in
  /// that child's childhood.
  Counts2x2 continuation;
  /// `continuation` by single birth year × sex (all these persons have a birth date).
  StratifiedCounts2x2 continuation_strata;
  std::uint64_t work = 0;  ///< elementary steps (common.hpp)
};

/// O(n + event rows): links are found per victim row by looking up whether a recorded parent
/// perpetrated in the same incident, never by pairing an incident's perpetrators with its victims.
ChainsCounts chains_counts(const Dataset& ds, const FamilyGraph& g, const ChainsOptions& options = {});

}  // namespace famgraph::indicators
