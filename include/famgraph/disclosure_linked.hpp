#pragma once
// Disclosure control of LINKED tables (docs/disclosure.md, "Linked tables"; docs/spec/disclosure.md):
// published numbers that are tied by addition, so that a suppressed count could be recovered by
// subtracting published numbers of the same result. disclosure.hpp protects one table at a time;
// this header protects tables jointly:
//
//  - 2×2 strata that sum to an overall 2×2 table (suppress_linked_2x2);
//  - cumulative counts that nest, published with their total (suppress_nested);
//  - shares k/n, with nested groups and "sibling" parts of a whole (suppress_shares);
//  - the combination table of the multi-agency overlap with its two totals (suppress_combinations),
//    the pooling of small combinations when there are many organisations (pool_combinations), and
//    the pair counts that are sums of combinations (overlap_pairs_hidden);
//  - a Kaplan–Meier curve coarsened so that no step reveals fewer than min_cell events
//    (coarsen_curve) and its number-at-risk table (at_risk_hidden).
//
// The building block is an additive constraint, whole = sum of parts, over any list of published
// counts (AdditiveConstraint, protect_parts, suppress_additive): the same description can tie counts
// of different report sections together. This header (with src/disclosure_linked.cpp) is the only
// implementation: famgraph.indicators._tables, .overlap and .transmission call its bindings
// (famgraph._core.disclosure), and both test suites read tests/fixtures/disclosure_linked_cases.json.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "famgraph/disclosure.hpp"

namespace famgraph::disclosure {

/// Published counts tied by addition: count `whole` = the sum of the counts `parts` (indices into
/// one list of counts, or of tables). The parts must be distinct and differ from the whole.
struct AdditiveConstraint {
  std::size_t whole = 0;
  std::vector<std::size_t> parts;
  friend bool operator==(const AdditiveConstraint&, const AdditiveConstraint&) = default;
};

/// Throws std::out_of_range when an index of a constraint is not below `n`, std::invalid_argument
/// when a part is listed twice or is its own whole (the rules count hidden parts: a part listed
/// twice would count twice).
void check_constraints(std::span<const AdditiveConstraint> constraints, std::size_t n);

/// One pass of the one-way rule over each constraint whose whole is published: the suppressed parts
/// must be at least two and sum to at least min_cell, since whole − published parts gives their sum
/// (otherwise the smallest published part is suppressed as well, secondary; ties: the lowest index).
/// Constraints are visited in order, each seeing the changes of the ones before. Returns whether
/// anything changed. Does nothing when disclosure control is off.
bool protect_parts(std::span<const std::uint64_t> values, std::span<Suppression> status,
                   std::span<const AdditiveConstraint> constraints, const Policy& policy);

/// Counts linked by additive constraints (e.g. across report sections): primary suppression of
/// every count below min_cell, then protect_parts until nothing changes (a fixed point: every pass
/// only suppresses more, so it ends).
[[nodiscard]] std::vector<Suppression> suppress_additive(std::span<const std::uint64_t> values,
                                                         std::span<const AdditiveConstraint> constraints,
                                                         const Policy& policy = {});

// ---- 2×2 strata that add up ---------------------------------------------------------------------

/// The within-table rules of suppress(), applied to a status that other rules have added to:
/// a suppressed total hides everything; a suppressed margin hides the four cells (two published
/// cells would give it back); one suppressed cell hides all four; one suppressed margin of a pair
/// hides the other. Returns whether anything changed.
bool close_2x2(Suppressed2x2& s) noexcept;

/// The gap the one-way rule leaves for strata cells: each hidden stratum cell a_s is bounded by its
/// own margins, max(0, outcome − unexposed) ≤ a_s ≤ min(exposed, outcome), so a sum of hidden
/// cells near the sum of those bounds pins every one of them. When the slack (the distance of the
/// hidden sum from either end, or of one stratum's width from either end) is below min_cell, every
/// stratum's cells and margins are hidden (secondary); each cell is then bounded only by its
/// stratum total and the overall cell. Conservative: assumes every stratum margin is known.
/// Returns whether anything changed.
bool protect_bounded_strata(std::span<const Table2x2Counts> tables, std::span<Suppressed2x2> status,
                            std::span<const AdditiveConstraint> linked, const Policy& policy);

/// Joint protection of 2×2 tables of which some (the parts of `linked`) are strata that add up,
/// cell by cell, to another (the whole). Each table starts from suppress(); then, until nothing
/// changes: close_2x2 on every table, protect_parts on each of the nine numbers (the strata values
/// of a number form a one-way table with a published total when the overall value is published),
/// protect_bounded_strata. The tables need not add up exactly (perturbed cells): the rules use the
/// published values as given. Throws as check_constraints.
[[nodiscard]] std::vector<Suppressed2x2> suppress_linked_2x2(std::span<const Table2x2Counts> tables,
                                                             std::span<const AdditiveConstraint> linked,
                                                             const Policy& policy = {});

// ---- nested counts ------------------------------------------------------------------------------

/// The status of nested counts k_1 ≤ … ≤ k_last ≤ n and of their total n.
struct NestedStatus {
  bool total_hidden = false;
  std::vector<bool> hidden;  ///< per cumulative count, in input order
  friend bool operator==(const NestedStatus&, const NestedStatus&) = default;
};

/// Disclosure control of nested counts published with their total n. Differences of published
/// counts are counts too, so the rule works on the increments (k_1, k_2 − k_1, …, n − k_last) as a
/// one-way table with a published total (suppress_one_way). A cumulative count is then published
/// only if the suppressed increments on each side of it (between it and the previous published
/// count, and after it) are none, or at least two that sum to at least min_cell. A total below
/// min_cell hides everything. Throws std::invalid_argument when the counts do not nest.
[[nodiscard]] NestedStatus suppress_nested(std::span<const std::uint64_t> cumulative, std::uint64_t n,
                                           const Policy& policy = {});

// ---- shares -------------------------------------------------------------------------------------

/// The status of shares k/n: n_hidden[i] for n, k_hidden[i] for k and the share with its interval.
struct ShareStatus {
  std::vector<bool> n_hidden;
  std::vector<bool> k_hidden;
  friend bool operator==(const ShareStatus&, const ShareStatus&) = default;
};

/// Disclosure control of shares k[i]/n[i], each a one-way table (k, n − k) with published total n:
/// n hidden below min_cell; k (and the share) hidden when k or n − k is below min_cell (or k > n),
/// or when n is hidden. `nested`: groups of rows with one n whose k nest (ascending), protected
/// with suppress_nested. `siblings`: (whole, parts) constraints among the k (the organisations of
/// one "any organisation" row; they may overlap, but other published tables can show that they do
/// not, so the rule assumes they partition the whole): where exactly one k of a whole and its parts
/// is hidden, the smallest published part is hidden with it (ties: the lowest row), so that no
/// published k minus the published others gives it; and, with the whole published, while the
/// hidden parts are pinned to a sum below min_cell (the smaller of their sum and the whole minus
/// the published parts), the next smallest published part is hidden too (as protect_parts), so
/// that each hidden part can be anything from 0 to at least min_cell. Applied in order. Throws
/// std::invalid_argument when k and n differ in length, a nested group is empty or mixes n, or its
/// counts do not nest; as check_constraints for the siblings.
[[nodiscard]] ShareStatus suppress_shares(std::span<const std::uint64_t> k, std::span<const std::uint64_t> n,
                                          std::span<const std::vector<std::size_t>> nested,
                                          std::span<const AdditiveConstraint> siblings,
                                          const Policy& policy = {});

// ---- the combination table of the multi-agency overlap -------------------------------------------

/// The status of each combination count and of the two totals: known to ≥ 1 organisation (the sum
/// of all combinations) and known to ≥ 2 (the sum of the combinations of two or more).
struct CombinationStatus {
  std::vector<Suppression> counts;
  bool known_1plus_hidden = false;
  bool known_2plus_hidden = false;
  friend bool operator==(const CombinationStatus&, const CombinationStatus&) = default;
};

/// Suppression of the combination table with its two totals. known_2plus is published like a share
/// of known_1plus (hidden when it or known_1plus − known_2plus is below min_cell). With both totals
/// published the one-way rule runs within the single- and within the multi-organisation
/// combinations; with known_2plus hidden, over all combinations (total known_1plus), and then at
/// least one single and one multi are hidden when anything is (else known_2plus = known_1plus − the
/// published singles); the extra one is the smallest of its group (ties: the first). `n_organisations`:
/// per combination, the number of organisations in it (≥ 2: a multi-organisation combination).
[[nodiscard]] CombinationStatus suppress_combinations(std::span<const std::uint64_t> counts,
                                                      std::span<const std::uint32_t> n_organisations,
                                                      const Policy& policy = {});

/// One group (single- or multi-organisation) of pooled combinations.
struct PooledGroup {
  std::vector<std::size_t> listed;  ///< input indices listed on their own, largest count first
  std::vector<std::size_t> pooled;  ///< input indices of the non-empty combinations in the "other" row
  std::uint64_t pooled_count = 0;   ///< the count of the "other" row
  friend bool operator==(const PooledGroup&, const PooledGroup&) = default;
};

struct PooledCombinations {
  PooledGroup single, multi;
  friend bool operator==(const PooledCombinations&, const PooledCombinations&) = default;
};

/// With many organisations (docs/disclosure.md, "Multi-agency overlap with many organisations"):
/// within the single- and the multi-organisation combinations separately, a combination is listed
/// when it has at least min_cell units; the others (the small ones and every empty one) are pooled
/// in one "other" row per group. While that row is below min_cell (also when it is 0, which would
/// say that every combination not listed is empty) the smallest listed combination joins it. So
/// every combination not listed can take any value from 0 to the pooled count. The input must be in
/// name order: listed combinations are ordered by count, descending, ties in input order, and the
/// one that joins the pool is the last of that order.
[[nodiscard]] PooledCombinations pool_combinations(std::span<const std::uint64_t> counts,
                                                   std::span<const std::uint32_t> n_organisations,
                                                   const Policy& policy = {});

/// The published combination table of the multi-agency overlap, as the pair rule reads it.
struct CombinationTable {
  /// Per row: the organisations of the combination (codes below `organisations`, ascending); empty
  /// for a pooled "other" row, which names none.
  std::vector<std::vector<std::uint32_t>> members;
  /// Per row, as for suppress_combinations (a pooled row: 1 in the single, 2 in the multi group).
  std::vector<std::uint32_t> n_organisations;
  std::vector<std::uint64_t> counts;
  std::size_t organisations = 0;  ///< organisations of the data
  /// The rows are pool_combinations' listed rows and its two pooled rows (many organisations); else
  /// every combination of the organisations is a row.
  bool pooled = false;
  friend bool operator==(const CombinationTable&, const CombinationTable&) = default;
};

/// Whether the counts of each organisation pair are hidden: units known to both x and y, and to x
/// or y. Pairs x < y in the order (0, 1), (0, 2), …, (0, k − 1), (1, 2), …, (k − 2, k − 1).
struct PairStatus {
  std::vector<bool> both_hidden;
  std::vector<bool> either_hidden;
  friend bool operator==(const PairStatus&, const PairStatus&) = default;
};

/// The pair counts of the overlap are sums of combination counts (both: of the combinations holding
/// x and y; either: holding x or y), so they are published only where they tell nothing new: within
/// each group whose total is published (`status`: all rows when known_2plus is hidden, else the
/// single- and the multi-organisation rows), the hidden rows the sum includes are none or all of
/// them, and none when known_1plus is hidden. Then the sum is one of published numbers, so it is at
/// least min_cell where they are, and so is either − both. With pooled rows a sum that may include
/// some combinations of a pooled row but not the whole row is not a sum of published rows: every
/// pair is hidden while the multi-organisation pooled row is non-empty, and `either` of a pair with
/// an organisation not listed on its own. Nothing is hidden when disclosure control is off. Throws
/// std::invalid_argument when the columns of the table or `status.counts` differ in length, or a
/// member is not below `organisations`. O(pairs × rows × members).
[[nodiscard]] PairStatus overlap_pairs_hidden(const CombinationTable& table, const CombinationStatus& status,
                                              const Policy& policy = {});

// ---- Kaplan–Meier curves ------------------------------------------------------------------------

/// Which points of a Kaplan–Meier curve are published.
struct CurveCoarsening {
  bool drawn = false;               ///< false: no curve at all (a group of fewer than min_cell persons)
  std::vector<std::size_t> points;  ///< indices of the published event times (the origin is always drawn)
  friend bool operator==(const CurveCoarsening&, const CurveCoarsening&) = default;
};

/// A curve of `n_persons` with `events[i]` events and `at_risk[i]` persons at risk at its i-th time
/// (ascending). A point is published only where at least min_cell events occurred since the
/// previously published point and at least min_cell persons are still at risk, so that no step
/// reveals fewer than min_cell events; times without events are never points. A group of no or
/// fewer than min_cell persons has no curve. Throws std::invalid_argument when the columns differ in
/// length.
[[nodiscard]] CurveCoarsening coarsen_curve(std::uint64_t n_persons, std::span<const std::uint64_t> events,
                                            std::span<const std::uint64_t> at_risk, const Policy& policy = {});

/// The number-at-risk table of one group of n persons: year 0 (n itself, hidden as `group_hidden`
/// says, the group's margin in the main table, or when n is below min_cell if not given) followed
/// by the counts still at risk at later times. The persons who left by each time are nested counts
/// with total n (suppress_nested); a later count is hidden with them, with the total, or with
/// year 0. Throws std::invalid_argument when a count at risk exceeds n or the counts increase.
[[nodiscard]] std::vector<bool> at_risk_hidden(std::uint64_t n, std::span<const std::uint64_t> at_risk,
                                               std::optional<bool> group_hidden, const Policy& policy = {});

}  // namespace famgraph::disclosure
