#pragma once
// The recurring shapes of published numbers and their suppression rules (docs/spec/disclosure.md,
// "Patterns"): a single count, a count published next to a larger one (so that their difference is
// published too), a proportion k of n, a count nested between two published ones, adjacent groups
// merged until each has enough outcomes and non-outcomes, the rows of the data-quality table and the
// match rates of the linkage report. The basic rules (2×2 and one-way tables, estimates) are in
// disclosure.hpp; these reuse its Policy and below_min_cell. Every Python module decides through
// these functions (famgraph.disclosure binds them); none compares a count with min_cell itself.
//
// The comparisons reproduce what the Python call sites did before they moved here, including the
// cases they never meet in practice (a "part" larger than its "whole" gives a negative difference,
// which is below every threshold when zeros count as small, and is no positive count when they do
// not), so that moving the rules here changed no published number.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "famgraph/disclosure.hpp"

namespace famgraph::disclosure {

/// Whether a zero count is a small count. `small`: 0 is below min_cell like 1 … min_cell − 1 (the
/// default of disclosure.hpp: "nobody has it" is as telling about a group as "one person has it").
/// `safe`: only 1 … min_cell − 1 are small; used where a zero singles nobody out and the published
/// output leaves empty categories out anyway (data-quality shares, the quarantine summary).
enum class Zero : std::uint8_t { small = 0, safe = 1 };

/// Whether a count published on its own must be hidden: below min_cell (never when disclosure
/// control is off; with Zero::safe a zero is published).
[[nodiscard]] constexpr bool count_hidden(std::uint64_t count, const Policy& policy,
                                          Zero zero = Zero::small) noexcept {
  if (zero == Zero::safe && count == 0) return false;
  return below_min_cell(count, policy);
}

/// Whether the difference whole − part must be hidden, where both numbers are published, so the
/// reader gets the difference by subtraction (persons without an observed relative = group size −
/// persons with one). A part larger than the whole makes a negative difference: below every
/// threshold with Zero::small, no positive count with Zero::safe (as the Python sites compared).
[[nodiscard]] constexpr bool difference_hidden(std::uint64_t whole, std::uint64_t part, const Policy& policy,
                                               Zero zero = Zero::small) noexcept {
  if (!policy.enabled()) return false;
  if (part > whole) return zero == Zero::small;
  return count_hidden(whole - part, policy, zero);
}

/// Whether a proportion k of n (a share, a recurrence proportion, cases among those observed) must be
/// hidden when n is published too: then both k and n − k are published, and either being small
/// singles out a small group (with Zero::safe: a small non-zero group).
[[nodiscard]] constexpr bool proportion_hidden(std::uint64_t k, std::uint64_t n, const Policy& policy,
                                               Zero zero = Zero::small) noexcept {
  return count_hidden(k, policy, zero) || difference_hidden(n, k, policy, zero);
}

/// Whether a count x published between two published counts inner ≤ x ≤ outer (persons with any
/// earlier contact, between those with one within the longest look-back and all first incidents)
/// must be hidden: x, x − inner and outer − x are all published numbers, zeros small.
[[nodiscard]] constexpr bool nested_count_hidden(std::uint64_t inner, std::uint64_t x, std::uint64_t outer,
                                                 const Policy& policy) noexcept {
  return count_hidden(x, policy) || difference_hidden(x, inner, policy) || difference_hidden(outer, x, policy);
}

// ---- merged groups -------------------------------------------------------------------------------

/// Groups of adjacent ordered levels (birth decades) such that every group has at least min_cell
/// outcomes and min_cell non-outcomes, for a model whose per-group coefficients would otherwise give
/// small counts away. `k[i]` outcomes among `n[i]` persons at level i (levels in order). While more
/// than one group is left and some group has k or n − k below min_cell, the offending group with the
/// fewest persons (the first such) joins its neighbour with fewer persons (the earlier one on a tie;
/// the only neighbour at either end). Returns, for each level, the index of the first level of its
/// group. Throws std::invalid_argument when the spans differ in length or some k[i] > n[i].
[[nodiscard]] std::vector<std::size_t> merge_adjacent_levels(std::span<const std::uint64_t> k,
                                                             std::span<const std::uint64_t> n,
                                                             const Policy& policy);

// ---- the data-quality table ------------------------------------------------------------------------

/// What the value of a data-quality row is (docs/data_quality.md).
enum class QualityKind : std::uint8_t {
  share = 0,        ///< k of n records pass (completeness, validity, timeliness, …)
  linkability = 1,  ///< k of n persons are linkable: both k and n − k are counts of persons
  consistency = 2,  ///< k of n persons agree across organisations: n − k disagree
};

/// One row of the data-quality table as the suppression rule sees it.
struct QualityRow {
  std::optional<std::uint64_t> n;  ///< the denominator (records, persons), if any
  std::optional<std::uint64_t> k;  ///< the numerator, if the value is a share
  QualityKind kind = QualityKind::share;
  bool completeness = false;  ///< a completeness row: its n is the number of rows of the table
  /// The rows of the row's table, where a completeness row publishes them; not for completeness rows.
  std::optional<std::uint64_t> table_rows;
};

/// What of a data-quality row is hidden: the value (with its score) and, separately, its n.
struct QualityRowStatus {
  bool value = false;  ///< the value and its score are hidden (the row is marked suppressed)
  bool n = false;      ///< the n is hidden too
  friend bool operator==(const QualityRowStatus&, const QualityRowStatus&) = default;
};

/// Disclosure control of one data-quality row (docs/data_quality.md):
/// 1. n below min_cell: the value is hidden, and n.
/// 2. share: a small non-zero k or n − k hides the value (the records that pass and those that fail;
///    a zero singles nobody out and the report leaves empty categories out); linkability: a small k
///    or n − k, zeros included (counts of persons); consistency: a small non-zero n − k.
/// 3. The table's rows are published (the n of its completeness rows), so the n of any other row
///    gives the rows without a value: a small non-zero table_rows − n hides the value and n.
[[nodiscard]] QualityRowStatus quality_row_status(const QualityRow& row, const Policy& policy);

// ---- the match rates of the linkage report -----------------------------------------------------------

/// The suppression of the match-rate table: per organisation whether its linked persons n are
/// hidden, per ordered pair (a, b) whether found(a, b) = |A ∩ B| is hidden (row-major, k × k, the
/// diagonal false), and whether every pair was hidden to protect the linked persons U.
struct MatchRateStatus {
  std::vector<bool> n_hidden;
  std::vector<bool> found_hidden;
  bool all_pairs_hidden = false;
  friend bool operator==(const MatchRateStatus&, const MatchRateStatus&) = default;
};

/// The counts of the match-rate table of k organisations.
struct MatchRateCounts {
  std::span<const std::uint64_t> n;      ///< linked persons of each organisation
  std::span<const std::uint64_t> found;  ///< k × k, row-major: |A ∩ B| (symmetric; diagonal unused)
  /// The organisations' names: break ties when the largest published n is hidden (largest name).
  std::span<const std::string> names;
  /// Whether each n is already hidden (by the one-way table of persons per organisation).
  std::vector<bool> n_hidden;
  std::uint64_t persons = 0;     ///< persons of the linked dataset (published)
  bool unlinked_hidden = false;  ///< whether the unlinked persons (persons − U) are hidden
};

/// Secondary suppression of the match rates (docs/linkage.md, "Match rates"):
/// 1. found(a, b), published in rows (a, b) and (b, a) next to n_a and n_b, is hidden when it is
///    small, when n_a − found or n_b − found is small, or when n_a or n_b is hidden (zeros small).
/// 2. "Room": U − n_B = |A \ B| + |R \ (A ∪ B)|, R the other organisations, so a hidden pair is
///    given away by n_A, n_B and U unless the persons of R outside A ∪ B (bounded from above by what
///    is published) may be min_cell or more; otherwise n_A and n_B are hidden too, until nothing
///    changes (pairs in the order of `names`).
/// 3. With the unlinked persons hidden and two or more organisations, U must not follow from the
///    match rates either: while the published numbers leave U a range narrower than min_cell
///    (upper bounds n_B + Σ_A |A \ B| and persons, lower bounds n_B + max_A |A \ B| and the
///    Bonferroni bounds Σ_S n − Σ_{pairs of S} found over sets S of up to 12 published n), every
///    pair is hidden, then the largest published n (ties: the largest name), then step 2 again.
/// Counts are assumed below 2^62 (persons of a country). Throws std::invalid_argument when the
/// sizes of the inputs disagree.
[[nodiscard]] MatchRateStatus suppress_match_rates(const MatchRateCounts& counts, const Policy& policy);

}  // namespace famgraph::disclosure
