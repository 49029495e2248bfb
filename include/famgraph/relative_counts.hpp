#pragma once
// Counting relatives without enumerating relative pairs (docs/performance.md, "Linear time").
//
// For every person i at once and a named relation R: how many of i's relatives carry each of up to
// 8 flags (observed, a case, a role in the window, …),
//     c_b(i) = #{ j ∈ R(i) : bit b of flags[j] is set },
// with R(i) exactly as relatives() defines it (recorded parents only, an unknown parent a distinct
// founder, self excluded, each relative once however many paths lead to them).
//
// Why: in real registers some families are huge — a placeholder parent id shared by thousands of
// records, a parent with many partners. Enumerating everyone's relatives costs Σ_i |R(i)|, which
// is quadratic in the size of such a family (a sibship of 100,000 has 10¹⁰ ordered sibling pairs),
// although the indicators only need these sums.
//
// How: the relatives of a person are made of a few groups — the children of a parent, a sibship
// (the children of one couple), the grandchildren of a person, the children of the members of a
// sibship — whose flag sums are computed once per group. Each person's count combines the groups
// of its relation, with inclusion–exclusion where two groups can share members (a child of two
// grandparents, the children of two siblings who had a child together, a parent who is also an
// aunt): the derivation of every relation is in relative_counts.cpp, and the tests compare every
// relation with a brute-force enumeration on random pedigrees with consanguinity.
//
// Cost: building the counter is O(n) (two counting sorts); a count is O(n + children links +
// partner links) for every relation and every family shape, plus, for aunt_uncle and
// niece_nephew, up to 6 couple look-ups per sibship at O(log d) each (d the smaller of the two
// persons' numbers of co-parents; 1 or 2 in real data). Memory: about 20 bytes per person for the
// counter, and 4·bits bytes per person for the result plus as much again for the group sums while
// counting.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "famgraph/dataset.hpp"
#include "famgraph/relations.hpp"

namespace famgraph {

struct RelativeCounts {
  Relation relation = Relation::parent;
  int bits = 0;
  /// Person i, flag b at [i·bits + b].
  std::vector<std::uint32_t> counts;
  /// Elementary steps the count took (for the complexity tests; see indicators/common.hpp).
  std::uint64_t work = 0;
  [[nodiscard]] std::uint32_t count(Index i, int b) const noexcept {
    return counts[static_cast<std::size_t>(i) * static_cast<std::size_t>(bits) + static_cast<std::size_t>(b)];
  }
};

/// The sibships and couples of a PersonTable, built once and shared by the counts of several
/// relations and flag sets. Holds a reference to the table, which must outlive it.
class RelativeCounter {
 public:
  explicit RelativeCounter(const PersonTable& persons);
  ~RelativeCounter();
  RelativeCounter(RelativeCounter&&) noexcept;
  RelativeCounter& operator=(RelativeCounter&&) noexcept;
  RelativeCounter(const RelativeCounter&) = delete;
  RelativeCounter& operator=(const RelativeCounter&) = delete;

  /// c_b(i) for every person i and flag b < bits, 1 ≤ bits ≤ 8; `flags` has one entry per person.
  /// Throws std::invalid_argument for a wrong size or bits out of range.
  [[nodiscard]] RelativeCounts count(Relation r, std::span<const std::uint8_t> flags, int bits) const;
  /// Steps taken to build the counter.
  [[nodiscard]] std::uint64_t setup_work() const noexcept;
  /// Number of sibships (distinct couples with a common recorded child).
  [[nodiscard]] std::size_t n_sibships() const noexcept;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// The same with a counter built for this one call.
RelativeCounts relative_counts(const PersonTable& persons, Relation r, std::span<const std::uint8_t> flags,
                               int bits);

}  // namespace famgraph
