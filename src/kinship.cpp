#include "famgraph/kinship.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace famgraph {

// Why the kernel looks like this. On a register-sized pedigree nothing of a query's ancestry is in
// cache, and the earlier kernel paid about five cache misses per visited ancestor, twice per pair:
// the ancestor's mother and father (two arrays), the rank of each parent (a third), and a dense
// n-sized coefficient array per thread (8 B per person per thread). Now
//  - the parents and D of a person are one 16-byte record at the person's topological rank, so an
//    ancestor costs one load, ranks are the heap keys directly, and the record is prefetched when
//    the ancestor is first seen (it is read only when popped, several steps later);
//  - the coefficients live in a small hash table (Scratch) that stays in L1/L2;
//  - the two rows are walked together, a common ancestor is visited once, and the walk stops as
//    soon as one side has no ancestor left to visit (nothing further can be common).
// Summation order is unchanged (decreasing rank over the common ancestors, each term T_ik·T_jk·D_k
// with T_ik and T_jk accumulated in the same order as a separate walk would), so results are
// bitwise those of the earlier kernel.
//
// Persons are numbered by FamilyGraph's topological order (generation, then index), so no
// numbering of our own is stored. Numbering them so that families are contiguous (generation, then
// the parents' new numbers; benchmarks/kinship_proto.cpp) does not pay: at 10M persons it costs
// 1.9 s of set-up (a sort per generation) and two more 4-byte arrays per person, and saved the
// prototype 0.9 s of inbreeding and 0.1 s per million pairs, while this kernel, prefetching, already
// computes the inbreeding in 2.7 s and a million pairs in 0.6 s without it
// (benchmarks/results/kinship-kernel-2026-11-23.json).

namespace {

inline void prefetch(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

int arena_threads(int requested) {
  return requested > 0 ? requested : tbb::this_task_arena::max_concurrency();
}

}  // namespace

/// Working memory of one query: the coefficients (T_ik, T_jk) of the ancestors k seen so far, in an
/// open-addressing table keyed by rank (Fibonacci hashing, linear probing, at most half full), and
/// the max-heap of the ranks still to visit. 256 slots (5 KB) hold up to 128 ancestors, the whole
/// ancestry of a pair in a register pedigree of five or six generations; the table doubles for
/// deeper ancestries and keeps its size for the thread's later queries. Emptying it costs only the
/// entries used.
struct KinshipCalculator::Scratch {
  struct Coef {
    double i, j;  // T_ik, T_jk
  };
  std::vector<Index> key;            // rank of the slot's ancestor, NONE = empty
  std::vector<Coef> coef;            // its coefficients (separate from key: probing scans keys only)
  std::vector<std::uint32_t> used;   // occupied slots, to empty the table afterwards
  std::vector<std::uint64_t> heap;   // rank << 32 | slot: max-heap on rank, and no re-probe on pop
  unsigned shift;                    // 32 − log2(table size)

  Scratch() : key(256, NONE), coef(256), shift(32 - 8) {}

  /// The slot holding rank k, or the empty slot where k belongs.
  [[nodiscard]] std::uint32_t find(Index k) const noexcept {
    const auto mask = static_cast<std::uint32_t>(key.size() - 1);
    std::uint32_t h = static_cast<std::uint32_t>(k * 0x9E3779B1u) >> shift;
    while (key[h] != k && key[h] != NONE) h = (h + 1) & mask;
    return h;
  }

  /// Doubles the table, moving the occupied slots (and the slots named in the heap). Allocates
  /// before changing anything, so an exception leaves the scratch consistent.
  void grow() {
    std::vector<Index> old_key(key.size() * 2, NONE);
    std::vector<Coef> old_coef(old_key.size());
    key.swap(old_key);
    coef.swap(old_coef);
    --shift;
    for (auto& u : used) {
      const Index k = old_key[u];
      const auto h = find(k);
      key[h] = k;
      coef[h] = old_coef[u];
      u = h;
    }
    // Ranks in the heap are distinct, so the heap order only depends on the rank bits.
    for (auto& e : heap) e = (e & ~std::uint64_t{0xFFFFFFFF}) | find(static_cast<Index>(e >> 32));
  }

  void clear() noexcept {
    for (auto u : used) key[u] = NONE;
    used.clear();
    heap.clear();
  }
};

namespace {

/// The calling thread's scratch. Scratch no longer depends on the pedigree (it used to be n-sized
/// and pooled per calculator), so one per thread serves every calculator; a query never yields to
/// another task while using it, so nested TBB work on the same thread cannot interleave with it.
KinshipCalculator::Scratch& thread_scratch() {
  thread_local KinshipCalculator::Scratch s;
  return s;
}

}  // namespace

double KinshipCalculator::a_ranks(Index ri, Index rj, Scratch& s) const {
  // Leave the table empty however we leave (bad_alloc included). Entries are recorded in `used`
  // before their key is written, so clearing is safe at any point.
  struct ClearOnExit {
    Scratch& s;
    ~ClearOnExit() { s.clear(); }
  } guard{s};
  const Node* node = node_.data();
  // The slot of rank k, entered with zero coefficients (and pushed on the heap) when k is new.
  auto slot_of = [&](Index k) -> std::uint32_t {
    std::uint32_t h = s.find(k);
    if (s.key[h] == k) return h;
    if (2 * (s.used.size() + 1) > s.key.size()) {
      s.grow();
      h = s.find(k);
    }
    s.used.push_back(h);
    s.heap.push_back(std::uint64_t{k} << 32 | h);
    s.key[h] = k;
    s.coef[h] = {0.0, 0.0};
    std::push_heap(s.heap.begin(), s.heap.end());
    prefetch(node + k);
    return h;
  };
  s.coef[slot_of(ri)].i = 1.0;
  s.coef[slot_of(rj)].j = 1.0;
  // Heap entries with a non-zero i / j coefficient. Once either count is zero, no ancestor left
  // can be common to both. A coefficient is complete when its rank is popped: every descendant on
  // a path from i or j has a higher rank and was popped before.
  std::size_t open_i = 1, open_j = 1;
  double sum = 0.0;
  while (open_i > 0 && open_j > 0) {
    std::pop_heap(s.heap.begin(), s.heap.end());
    const std::uint64_t top = s.heap.back();
    s.heap.pop_back();
    const auto k = static_cast<Index>(top >> 32);
    const auto [ci, cj] = s.coef[static_cast<std::uint32_t>(top)];
    open_i -= ci != 0.0;
    open_j -= cj != 0.0;
    const Node nd = node[k];
    if (ci != 0.0 && cj != 0.0) sum += ci * cj * nd.D;
    for (Index p : {nd.m, nd.f}) {
      if (p == NONE) continue;
      auto& cp = s.coef[slot_of(p)];  // (slot_of may grow the table: take the reference after it)
      if (ci != 0.0) {
        open_i += cp.i == 0.0;
        cp.i += 0.5 * ci;
      }
      if (cj != 0.0) {
        open_j += cp.j == 0.0;
        cp.j += 0.5 * cj;
      }
    }
  }
  return sum;
}

KinshipCalculator::~KinshipCalculator() = default;

KinshipCalculator::KinshipCalculator(const FamilyGraph& g, const KinshipOptions& options)
    : g_(&g), options_(options) {
  const auto& P = g.persons();
  const std::size_t n = P.size();
  const auto topo = g.topological_order();
  const auto rank = g.topological_rank();
  const auto gen = g.generation();
  F_.assign(n, 0.0);
  D_.assign(n, 1.0);
  node_.resize(n);
  tbb::task_arena arena(arena_threads(options.threads));
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 4096), [&](const auto& r) {
      for (std::size_t q = r.begin(); q < r.end(); ++q) {
        const Index m = P.mother[topo[q]], f = P.father[topo[q]];
        node_[q] = {m == NONE ? NONE : rank[m], f == NONE ? NONE : rank[f], 1.0};
      }
    });
  });

  // Full siblings share F: only the lowest-index child of each couple is computed. Children lists
  // are ascending, so the scan stops at i at the latest. The father is tested first: the mother's
  // children almost always have her as mother, so only the father tells them apart, and each test
  // is a cache miss. The scan is for mothers of at most `scan_limit` children; for the children of
  // a larger family (a placeholder mother id shared by thousands of records, by many fathers) it
  // would cost the square of the family's size, so their representatives are found beforehand by
  // sorting the family by father, and kept in the D slot of their records until their generation
  // is computed (a person index is exact as a double).
  constexpr std::size_t scan_limit = 32;
  auto big = [&](Index m) { return P.child_offsets[m + 1] - P.child_offsets[m] > scan_limit; };
  {
    std::vector<std::pair<Index, Index>> by_father;  // (father, child) of one mother
    for (std::size_t m = 0; m < n; ++m) {
      if (!big(static_cast<Index>(m))) continue;
      by_father.clear();
      for (Index c : P.children_of(static_cast<Index>(m)))
        if (P.mother[c] == m && P.father[c] != NONE) by_father.emplace_back(P.father[c], c);
      std::sort(by_father.begin(), by_father.end());
      for (std::size_t k = 0; k < by_father.size(); ++k) {
        const bool first = k == 0 || by_father[k].first != by_father[k - 1].first;
        const Index rep = first ? by_father[k].second : static_cast<Index>(node_[rank[by_father[k - 1].second]].D);
        node_[rank[by_father[k].second]].D = static_cast<double>(rep);
      }
      work_ += 2 * by_father.size() + 1;
    }
  }
  std::atomic<std::uint64_t> scan_work{0};
  auto representative = [&](Index i, std::uint64_t& steps) -> Index {
    const Index m = P.mother[i], f = P.father[i];
    if (big(m)) return static_cast<Index>(node_[rank[i]].D);
    for (Index c : P.children_of(m)) {
      ++steps;
      if (c == i || (P.father[c] == f && P.mother[c] == m)) return c;
    }
    return i;
  };
  // Everything person q needs is a chain of dependent cache misses (its parents, the mother's
  // children list, the parents' records), so the loop below requests each link a few persons ahead.
  auto prefetch_ahead = [&](std::size_t q, std::size_t end) {
    if (q + 16 >= end) return;
    const Index i16 = topo[q + 16];
    prefetch(&P.mother[i16]);
    prefetch(&P.father[i16]);
    const Index m8 = P.mother[topo[q + 8]];
    if (m8 != NONE) prefetch(&P.child_offsets[m8]);
    const Index m4 = P.mother[topo[q + 4]];
    if (m4 != NONE) prefetch(&P.children[P.child_offsets[m4]]);
    const Node& n8 = node_[q + 8];
    if (n8.m != NONE) prefetch(&node_[n8.m]);
    if (n8.f != NONE) prefetch(&node_[n8.f]);
  };

  for (std::size_t begin = 0, end = 0; begin < n; begin = end) {
    // One generation at a time (a contiguous range of ranks): F within a generation depends only on
    // the D of earlier generations, which are final.
    while (end < n && gen[topo[end]] == gen[topo[begin]]) ++end;
    arena.execute([&] {
      // F of each couple's representative child.
      tbb::parallel_for(tbb::blocked_range<std::size_t>(begin, end, 256), [&](const auto& r) {
        auto& s = thread_scratch();
        std::uint64_t steps = 0;
        for (std::size_t q = r.begin(); q < r.end(); ++q) {
          prefetch_ahead(q, r.end());
          Node& nd = node_[q];
          if (nd.m == NONE || nd.f == NONE) continue;
          const Index i = topo[q];
          const Index rep = representative(i, steps);
          // This generation's D is not read before the pass below sets it, so its slot carries the
          // representative there (a person index is exact as a double).
          nd.D = static_cast<double>(rep);
          if (rep == i) F_[i] = 0.5 * a_ranks(nd.m, nd.f, s);
        }
        scan_work.fetch_add(steps + (r.end() - r.begin()), std::memory_order_relaxed);
      });
      // F of the other full siblings, and D. Reads F only of this generation's representatives
      // (final above) and of earlier generations, so it is parallel too.
      tbb::parallel_for(tbb::blocked_range<std::size_t>(begin, end, 1024), [&](const auto& r) {
        for (std::size_t q = r.begin(); q < r.end(); ++q) {
          const Index i = topo[q];
          const Index m = P.mother[i], f = P.father[i];
          double D = 1.0;
          if (m != NONE && f != NONE) {
            const auto rep = static_cast<Index>(node_[q].D);
            if (rep != i) F_[i] = F_[rep];
            D = 0.5 - 0.25 * (F_[m] + F_[f]);
          } else if (m != NONE) {
            D = 0.75 - 0.25 * F_[m];
          } else if (f != NONE) {
            D = 0.75 - 0.25 * F_[f];
          }
          D_[i] = D;
          node_[q].D = D;
        }
      });
    });
  }
  work_ += scan_work.load() + n;
}

double KinshipCalculator::kinship(Index i, Index j) const {
  if (i >= g_->size() || j >= g_->size()) throw std::out_of_range("kinship: person index out of range");
  if (i == j) return 0.5 * (1.0 + F_[i]);
  const auto rank = g_->topological_rank();
  return 0.5 * a_ranks(rank[i], rank[j], thread_scratch());
}

std::vector<double> KinshipCalculator::kinship(std::span<const Index> a, std::span<const Index> b) const {
  if (a.size() != b.size()) throw std::invalid_argument("kinship: the two index lists differ in length");
  const std::size_t n = g_->size();
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a[k] >= n || b[k] >= n) throw std::out_of_range("kinship: person index out of range");
  std::vector<double> out(a.size());
  const auto rank = g_->topological_rank();
  tbb::task_arena arena(arena_threads(options_.threads));
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, a.size(), 1024), [&](const auto& r) {
      auto& s = thread_scratch();
      for (std::size_t k = r.begin(); k < r.end(); ++k) {
        // The pair's ranks and then its two records are cache misses: request them ahead.
        if (k + 16 < r.end()) {
          prefetch(&rank[a[k + 16]]);
          prefetch(&rank[b[k + 16]]);
          prefetch(&node_[rank[a[k + 8]]]);
          prefetch(&node_[rank[b[k + 8]]]);
        }
        out[k] = a[k] == b[k] ? 0.5 * (1.0 + F_[a[k]]) : 0.5 * a_ranks(rank[a[k]], rank[b[k]], s);
      }
    });
  });
  return out;
}

std::vector<double> KinshipCalculator::relationship_times(std::span<const double> x) const {
  const auto& P = g_->persons();
  const std::size_t n = P.size();
  if (x.size() != n) throw std::invalid_argument("relationship_times: x must have one entry per person");
  const auto topo = g_->topological_order();
  // v = Tᵀx: children before parents.
  std::vector<double> v(x.begin(), x.end());
  for (std::size_t q = n; q-- > 0;) {
    const Index i = topo[q];
    for (Index p : {P.mother[i], P.father[i]})
      if (p != NONE) v[p] += 0.5 * v[i];
  }
  // y = T(Dv): parents before children.
  for (std::size_t q = 0; q < n; ++q) {
    const Index i = topo[q];
    double y = D_[i] * v[i];
    for (Index p : {P.mother[i], P.father[i]})
      if (p != NONE) y += 0.5 * v[p];
    v[i] = y;
  }
  return v;
}

std::vector<double> inbreeding(const FamilyGraph& g, const KinshipOptions& options) {
  KinshipCalculator k(g, options);
  auto f = k.inbreeding();
  return {f.begin(), f.end()};
}

}  // namespace famgraph
