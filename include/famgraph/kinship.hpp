#pragma once
// Exact kinship φ(i,j) and inbreeding F(i) (DESIGN.md §3), without an n×n matrix.
//
// With A = 2Φ = T·D·Tᵀ (T = (I − P)⁻¹ with P holding ½ at each recorded parent, D the Mendelian
// sampling variances), a_ij = Σ_k T_ik·T_jk·D_k over the common ancestors k of i and j (each
// counting as its own ancestor). The row T_i· is found by walking i's ancestors in decreasing
// topological rank, so φ(i,j) costs O((|anc(i)| + |anc(j)|)·log) and F(i) = φ(mother, father)
// for everyone costs the same per person (Meuwissen & Luo 1992). D_k = ½ − ¼(F_m + F_f) with both
// parents known, ¾ − ¼·F_p with one, 1 for a founder. Unknown parents are distinct founders.
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "famgraph/graph.hpp"

namespace famgraph {

struct KinshipOptions {
  int threads = 0;  ///< 0 = all available; results do not depend on this
};

/// Computes and caches the inbreeding coefficients of everyone on construction, then answers
/// kinship queries. Holds a reference to the graph, which must outlive it. Thread-safe.
/// Memory: 16 bytes per person, plus 9 bytes per person per concurrently querying thread.
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

  struct Scratch;

 private:
  double a_ij(Index i, Index j, Scratch& s) const;
  std::unique_ptr<Scratch> acquire() const;
  void release(std::unique_ptr<Scratch> s) const;

  const FamilyGraph* g_;
  KinshipOptions options_;
  std::vector<double> F_, D_;
  mutable std::mutex pool_mutex_;
  mutable std::vector<std::unique_ptr<Scratch>> pool_;
};

/// Inbreeding coefficient of every person.
std::vector<double> inbreeding(const FamilyGraph& g, const KinshipOptions& options = {});

}  // namespace famgraph
