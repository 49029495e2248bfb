#pragma once
// Exact kinship φ(i,j) and inbreeding F(i) (docs/spec/data_contract.md §kinship), without an n×n matrix.
//
// With A = 2Φ = T·D·Tᵀ (T = (I − P)⁻¹ with P holding ½ at each recorded parent, D the Mendelian
// sampling variances), a_ij = Σ_k T_ik·T_jk·D_k over the common ancestors k of i and j (each
// counting as its own ancestor). The rows T_i· and T_j· are found by walking the ancestors of i and
// j in decreasing topological rank, so φ(i,j) costs O((|anc(i)| + |anc(j)|)·log) and F(i) =
// φ(mother, father) for everyone costs the same per person (Meuwissen & Luo 1992). D_k = ½ − ¼(F_m
// + F_f) with both parents known, ¾ − ¼·F_p with one, 1 for a founder. Unknown parents are distinct
// founders.
//
// The walk is bound by memory latency (a cache miss per visited ancestor on a large pedigree), so
// the kernel is laid out for it (see kinship.cpp): the pedigree is kept a second time indexed by
// topological rank as packed 16-byte records {mother's rank, father's rank, D}, so an ancestor
// costs one load and its rank is the heap key; both rows are walked together in one max-heap pass
// that stops when either side has nothing left to contribute; and the per-query coefficients live
// in a small hash table that stays in cache. Terms are summed in decreasing rank, exactly as the
// earlier implementation did, so every result is bitwise the same and independent of the number of
// threads.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "famgraph/graph.hpp"

namespace famgraph {

struct KinshipOptions {
  int threads = 0;  ///< 0 = all available; results do not depend on this
};

/// Computes and caches the inbreeding coefficients of everyone on construction, then answers
/// kinship queries. Holds a reference to the graph (and uses its topological order and rank), which
/// must outlive it. Thread-safe: any number of threads may query concurrently.
/// Memory: 32 bytes per person — F and D by person (16 B, the spans returned below) and the
/// rank-indexed parent records (16 B) — plus a few kilobytes of scratch per querying thread,
/// independent of the pedigree's size. (The previous kernel held 16 B per person plus an 8 B per
/// person scratch array per querying thread: as much as this one with two threads.)
class KinshipCalculator {
 public:
  explicit KinshipCalculator(const FamilyGraph& g, const KinshipOptions& options = {});
  ~KinshipCalculator();
  KinshipCalculator(const KinshipCalculator&) = delete;
  KinshipCalculator& operator=(const KinshipCalculator&) = delete;

  /// F(i) for every person.
  [[nodiscard]] std::span<const double> inbreeding() const noexcept { return F_; }
  /// Mendelian sampling variance D_k for every person.
  [[nodiscard]] std::span<const double> mendelian_variance() const noexcept { return D_; }
  /// φ(i, j); φ(i, i) = ½(1 + F(i)).
  [[nodiscard]] double kinship(Index i, Index j) const;
  /// φ for each pair (a[k], b[k]); `a` and `b` must have the same length.
  [[nodiscard]] std::vector<double> kinship(std::span<const Index> a, std::span<const Index> b) const;
  /// y = A·x = 2Φ·x in two linear passes over the pedigree (Colleau 2002).
  [[nodiscard]] std::vector<double> relationship_times(std::span<const double> x) const;
  /// Steps taken on construction outside the kinship walks (persons visited, sibling scans): linear
  /// in the persons whatever the family sizes (for the complexity tests; indicators/common.hpp).
  [[nodiscard]] std::uint64_t setup_work() const noexcept { return work_; }

  /// Per-thread working memory of a query (defined in kinship.cpp).
  struct Scratch;

 private:
  /// A person as the kernel sees it, stored at the person's topological rank.
  struct Node {
    Index m, f;  ///< ranks of mother and father, NONE if unknown
    double D;    ///< Mendelian sampling variance
  };
  static_assert(sizeof(Node) == 16);

  /// a_ij = 2φ(i, j) for the persons of topological ranks ri and rj.
  double a_ranks(Index ri, Index rj, Scratch& s) const;

  const FamilyGraph* g_;
  KinshipOptions options_;
  std::vector<double> F_, D_;  // by person
  std::vector<Node> node_;     // by topological rank
  std::uint64_t work_ = 0;
};

/// Inbreeding coefficient of every person.
std::vector<double> inbreeding(const FamilyGraph& g, const KinshipOptions& options = {});

}  // namespace famgraph
