#pragma once
// The cell key method (ABS TableBuilder; the 2021 European censuses): every published count gets
// additive noise read from a perturbation table (p-table) at a position given by the cell's key,
// so that the same cell always gets the same noise. docs/disclosure.md ("The cell key method")
// gives the method, the construction of the p-table, the choice of defaults, the threat model and
// the effect on estimates; this header is the engine only.
//
// Keys are unsigned 64-bit integers on the grid of 2^64 points of [0, 1): key k stands for
// k / 2^64. A record key is computed by the caller (famgraph.privacy derives it with HMAC-SHA256
// from a secret and the record's pseudonymised id; this library does no cryptography). A cell's key
// sum is the sum of its records' keys modulo 2^64 — exact, order-free integer arithmetic, so a
// cell's key does not depend on how or in which order its records were counted. The cell key that
// selects the noise is the key sum itself (scope "records", pure ABS) or a keyed pseudo-random
// function of it (scope "data", computed by the caller: famgraph.privacy.cell_keys).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "famgraph/disclosure.hpp"

namespace famgraph::disclosure {

inline constexpr int default_max_deviation = 3;
inline constexpr double default_variance = 2.0;
/// The largest max_deviation accepted (counts need far less; the monotone construction
/// enumerates 2^D pooling patterns per row).
inline constexpr int max_max_deviation = 10;

/// Parameters of the maximum-entropy p-table (Giessing 2016; the R package ptable).
struct PTableOptions {
  int max_deviation = default_max_deviation;  ///< D: |noise| ≤ D
  double variance = default_variance;         ///< V: the noise variance (an upper bound for small counts)
  /// Perturbed counts 1..js never occur: a positive count becomes 0 or at least js + 1.
  /// 0 ≤ js < D.
  int js = 0;
  /// As ptable's `mono`: for v ≤ 0, p(i → i + v) does not decrease towards v = 0, so that a
  /// small count is not more likely to shrink than to stay.
  bool monotone = true;
  friend bool operator==(const PTableOptions&, const PTableOptions&) = default;
};

/// A perturbation table: for each original count i = 0 .. i_max the probabilities p(i → i + v),
/// v = −D .. D; the row i_max applies to every count ≥ i_max. Built by make_ptable or
/// ptable_from_probabilities, which also fix the lookup intervals; immutable afterwards.
class PTable {
 public:
  PTable() = default;
  [[nodiscard]] int max_deviation() const noexcept { return max_deviation_; }
  /// The first count whose row applies to every larger count.
  [[nodiscard]] std::uint64_t i_max() const noexcept { return rows_.size() - 1; }
  /// The options it was built from (for a table from probabilities: D, the largest row variance,
  /// js = 0, monotone = false).
  [[nodiscard]] const PTableOptions& options() const noexcept { return options_; }
  /// Probabilities of v = −D .. D (2D + 1 values) for original count `count` (rows beyond i_max:
  /// the row i_max).
  [[nodiscard]] std::span<const double> row(std::uint64_t count) const noexcept;
  [[nodiscard]] double mean(std::uint64_t count) const noexcept;
  [[nodiscard]] double variance(std::uint64_t count) const noexcept;
  /// The lookup intervals of a row: the noise v is chosen for cell key k when
  /// lower[j] ≤ k < lower[j + 1] (the last interval ends at 2^64). Values of v with probability
  /// below 2^−64 get no interval.
  struct Interval {
    std::uint64_t lower;
    std::int32_t v;
  };
  [[nodiscard]] std::span<const Interval> intervals(std::uint64_t count) const noexcept;
  /// The noise of a cell with original count `count` and cell key `cell_key`.
  [[nodiscard]] std::int32_t noise(std::uint64_t count, std::uint64_t cell_key) const noexcept;

  friend bool operator==(const PTable& x, const PTable& y) noexcept {
    return x.max_deviation_ == y.max_deviation_ && x.rows_ == y.rows_;
  }

 private:
  friend PTable make_ptable(const PTableOptions&);
  friend PTable ptable_from_probabilities(int, std::vector<std::vector<double>>);
  void build_intervals();

  int max_deviation_ = 0;
  PTableOptions options_{};
  std::vector<std::vector<double>> rows_{{1.0}};
  std::vector<std::vector<Interval>> intervals_{{Interval{0, 0}}};
};

/// The maximum-entropy p-table: row i maximises the entropy −Σ p log p over v = −D..D with
/// i + v = 0 or i + v > js, subject to mean 0 and variance ≤ V (and, with `monotone`,
/// non-decreasing probabilities for v ≤ 0). Where the variance constraint binds the solution is
/// p(v) ∝ exp(λ₁v + λ₂v²), found by Newton's method on the two Lagrange multipliers; row 0 is
/// p(0 → 0) = 1. Throws std::invalid_argument naming the option when D is not in 1..10, V is not
/// positive and finite, js is not in 0..D−1, or V is too small for a row to have mean 0.
[[nodiscard]] PTable make_ptable(const PTableOptions& options = {});

/// A p-table from given probabilities, e.g. one published by a statistical office: `rows[i]` holds
/// p(i → i + v) for v = −D..D (2D + 1 values), i = 0..rows.size() − 1, the last row applying to
/// every larger count. Checked: row 0 is {v = 0: 1}; probabilities are finite and ≥ 0 and each row
/// sums to 1 within 1e−9 (the interval of its last v absorbs the difference); no count becomes
/// negative (also the counts beyond the last row). Not checked: mean 0 (see PTable::mean).
[[nodiscard]] PTable ptable_from_probabilities(int max_deviation, std::vector<std::vector<double>> rows);

/// The perturbed count: count + noise (never negative).
[[nodiscard]] inline std::uint64_t perturbed(const PTable& table, std::uint64_t count,
                                             std::uint64_t cell_key) noexcept {
  const std::int32_t v = table.noise(count, cell_key);  // v ≥ −count by construction of every row
  const auto magnitude = static_cast<std::uint64_t>(v >= 0 ? std::int64_t{v} : -std::int64_t{v});
  return v >= 0 ? count + magnitude : count - magnitude;
}

/// Perturbed counts of many cells (counts[k] with cell_keys[k]); throws std::invalid_argument when
/// the lengths differ. Elementwise and deterministic.
[[nodiscard]] std::vector<std::uint64_t> perturb(const PTable& table, std::span<const std::uint64_t> counts,
                                                 std::span<const std::uint64_t> cell_keys);

/// The noise of many cells (perturbed − original).
[[nodiscard]] std::vector<std::int32_t> noise(const PTable& table, std::span<const std::uint64_t> counts,
                                              std::span<const std::uint64_t> cell_keys);

/// The key sum of a set of records: Σ keys mod 2^64.
[[nodiscard]] constexpr std::uint64_t key_sum(std::span<const std::uint64_t> record_keys) noexcept {
  std::uint64_t s = 0;
  for (std::uint64_t k : record_keys) s += k;  // unsigned: wraps modulo 2^64 by definition
  return s;
}

/// A key as a number in [0, 1) (k / 2^64, rounded to double), for display.
[[nodiscard]] constexpr double key_fraction(std::uint64_t key) noexcept {
  return static_cast<double>(key) * 0x1p-64;
}

/// Counts and key sums of cells.
struct KeyedCounts {
  std::vector<std::uint64_t> counts;
  std::vector<std::uint64_t> key_sums;
};

/// Counts and key sums per cell: record r belongs to cell cells[r] (0 ≤ cells[r] < n_cells).
/// Throws std::invalid_argument when the lengths differ or a cell is out of range.
[[nodiscard]] KeyedCounts tabulate(std::span<const std::uint32_t> cells,
                                   std::span<const std::uint64_t> record_keys, std::size_t n_cells);

/// The key sums of the four cells of a 2×2 table (a, b, c, d as in Table2x2Counts). A margin's or
/// the total's record set is the disjoint union of cells', so its key sum is the sum of theirs.
struct KeySums2x2 {
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
  void add(bool exposed, bool outcome, std::uint64_t key) noexcept {
    if (exposed) (outcome ? a : b) += key;
    else (outcome ? c : d) += key;
  }
  [[nodiscard]] constexpr std::uint64_t value(Field2x2 f) const noexcept {
    switch (f) {
      case Field2x2::a: return a;
      case Field2x2::b: return b;
      case Field2x2::c: return c;
      case Field2x2::d: return d;
      case Field2x2::exposed: return a + b;
      case Field2x2::unexposed: return c + d;
      case Field2x2::outcome: return a + c;
      case Field2x2::no_outcome: return b + d;
      case Field2x2::total: return a + b + c + d;
    }
    return 0;
  }
  friend bool operator==(const KeySums2x2&, const KeySums2x2&) = default;
};

/// The splitmix64 finaliser: a fixed bijection of 64-bit integers that spreads every input bit.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// The key of a record made of two persons (a parent → child link; a nuclear family of two
/// parents), from the persons' keys: mix64(mix64(first) + second). Ordered (pair_key(x, y) is not
/// pair_key(y, x)); as unpredictable as the persons' keys, which are secret. A family passes its
/// parents' keys in ascending order, a single-parent family its parent's key and 0, so that a family
/// keeps its key whatever the order of the persons (docs/disclosure.md, "Using it").
[[nodiscard]] constexpr std::uint64_t pair_key(std::uint64_t first, std::uint64_t second) noexcept {
  return mix64(mix64(first) + second);
}

/// The record key of a nuclear family from its parents' keys (b_key = 0 without a second parent).
[[nodiscard]] constexpr std::uint64_t family_key(std::uint64_t a_key, std::uint64_t b_key, bool two_parents) noexcept {
  if (!two_parents) return pair_key(a_key, 0);
  return a_key <= b_key ? pair_key(a_key, b_key) : pair_key(b_key, a_key);
}

/// Checks optional per-person keys: empty (no key sums wanted) or one per person. Throws
/// std::invalid_argument naming `person_keys` otherwise.
void check_person_keys(std::span<const std::uint64_t> person_keys, std::size_t n_persons);

}  // namespace famgraph::disclosure
