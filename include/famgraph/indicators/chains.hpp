#pragma once
// Indicator 3, intergenerational chains and their continuation (docs/spec/indicators.md §chains).
#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "famgraph/graph.hpp"
#include "famgraph/indicators/common.hpp"

namespace famgraph::indicators {

struct ChainsOptions {
  Window window;
  /// The cell key method: one record key per person, or empty. Not owned.
  std::span<const std::uint64_t> person_keys;
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
  // Key sums (zero unless options.person_keys was given): of the links (a link's key is
  // disclosure::pair_key(parent's key, child's key)); of the persons whose longest chain has
  // exactly 1, exactly 2, and ≥ 3 links (the increments of the nested counts ge1 ≥ ge2 ≥ ge3);
  // of the cells of `continuation`.
  std::uint64_t links_key_sum = 0;
  std::array<std::uint64_t, 3> chain_key_sums{};
  disclosure::KeySums2x2 continuation_keys;
};

/// O(n + event rows): links are found per victim row by looking up whether a recorded parent
/// perpetrated in the same incident, never by pairing an incident's perpetrators with its victims.
ChainsCounts chains_counts(const Dataset& ds, const FamilyGraph& g, const ChainsOptions& options = {});

}  // namespace famgraph::indicators
