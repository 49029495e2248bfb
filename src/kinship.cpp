#include "famgraph/kinship.hpp"

#include <algorithm>
#include <queue>
#include <stdexcept>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace famgraph {

/// Per-thread working memory: a dense coefficient array with the list of touched entries, so a
/// query costs only the ancestors it visits.
struct KinshipCalculator::Scratch {
  std::vector<double> coef;
  std::vector<Index> touched;
  std::vector<std::pair<Index, Index>> heap;  // (topological rank, person)
  std::vector<std::pair<Index, double>> row;  // (person, T coefficient) of the first row
  explicit Scratch(std::size_t n) : coef(n, 0.0) {}
};

namespace {

int arena_threads(int requested) {
  return requested > 0 ? requested : tbb::this_task_arena::max_concurrency();
}

// Walks the ancestors of i (i included) in decreasing topological rank; calls visit(k, T_ik).
// A person's coefficient is complete when popped, since all its descendants on paths from i have
// higher rank and were popped before.
template <class Visit>
void t_row(const PersonTable& P, std::span<const Index> rank, Index i,
           KinshipCalculator::Scratch& s, Visit visit) {
  auto& heap = s.heap;
  heap.clear();
  s.coef[i] = 1.0;
  s.touched.push_back(i);
  heap.emplace_back(rank[i], i);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end());
    const Index k = heap.back().second;
    heap.pop_back();
    const double c = s.coef[k];
    visit(k, c);
    for (Index p : {P.mother[k], P.father[k]}) {
      if (p == NONE) continue;
      if (s.coef[p] == 0.0) {
        s.touched.push_back(p);
        heap.emplace_back(rank[p], p);
        std::push_heap(heap.begin(), heap.end());
      }
      s.coef[p] += 0.5 * c;
    }
  }
}

void clear(KinshipCalculator::Scratch& s) {
  for (Index k : s.touched) s.coef[k] = 0.0;
  s.touched.clear();
}

}  // namespace

double KinshipCalculator::a_ij(Index i, Index j, Scratch& s) const {
  const auto& P = g_->persons();
  const auto rank = g_->topological_rank();
  s.row.clear();
  t_row(P, rank, i, s, [&](Index k, double c) { s.row.emplace_back(k, c); });
  clear(s);
  double sum = 0.0;
  t_row(P, rank, j, s, [](Index, double) {});
  // Sum in the (deterministic) order of i's row so results are reproducible bit for bit.
  for (auto [k, c] : s.row) {
    const double cj = s.coef[k];
    if (cj != 0.0) sum += c * cj * D_[k];
  }
  clear(s);
  return sum;
}

std::unique_ptr<KinshipCalculator::Scratch> KinshipCalculator::acquire() const {
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (!pool_.empty()) {
      auto s = std::move(pool_.back());
      pool_.pop_back();
      return s;
    }
  }
  return std::make_unique<Scratch>(g_->size());
}

void KinshipCalculator::release(std::unique_ptr<Scratch> s) const {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  pool_.push_back(std::move(s));
}

KinshipCalculator::~KinshipCalculator() = default;

KinshipCalculator::KinshipCalculator(const FamilyGraph& g, const KinshipOptions& options)
    : g_(&g), options_(options) {
  const auto& P = g.persons();
  const std::size_t n = P.size();
  F_.assign(n, 0.0);
  D_.assign(n, 1.0);
  const auto topo = g.topological_order();
  const auto gen = g.generation();
  auto set_D = [&](Index i) {
    const Index m = P.mother[i], f = P.father[i];
    if (m != NONE && f != NONE) D_[i] = 0.5 - 0.25 * (F_[m] + F_[f]);
    else if (m != NONE) D_[i] = 0.75 - 0.25 * F_[m];
    else if (f != NONE) D_[i] = 0.75 - 0.25 * F_[f];
    else D_[i] = 1.0;
  };
  // Full siblings share F: only the lowest-index child of each couple is computed.
  auto representative = [&](Index i) -> Index {
    const Index m = P.mother[i], f = P.father[i];
    for (Index c : P.children_of(m))
      if (P.mother[c] == m && P.father[c] == f) return c;
    return i;
  };
  tbb::task_arena arena(arena_threads(options.threads));
  tbb::enumerable_thread_specific<Scratch> scratch([n] { return Scratch(n); });
  std::size_t begin = 0;
  while (begin < n) {
    // One generation at a time: F within a generation depends only on earlier generations.
    std::size_t end = begin;
    while (end < n && gen[topo[end]] == gen[topo[begin]]) ++end;
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(begin, end, 256),
                        [&](const tbb::blocked_range<std::size_t>& r) {
                          auto& s = scratch.local();
                          for (std::size_t q = r.begin(); q < r.end(); ++q) {
                            const Index i = topo[q];
                            const Index m = P.mother[i], f = P.father[i];
                            if (m == NONE || f == NONE || representative(i) != i) continue;
                            F_[i] = 0.5 * a_ij(m, f, s);
                          }
                        });
    });
    for (std::size_t q = begin; q < end; ++q) {
      const Index i = topo[q];
      if (P.mother[i] != NONE && P.father[i] != NONE) {
        const Index r = representative(i);
        if (r != i) F_[i] = F_[r];
      }
      set_D(i);
    }
    begin = end;
  }
}

double KinshipCalculator::kinship(Index i, Index j) const {
  if (i >= g_->size() || j >= g_->size()) throw std::out_of_range("kinship: person index out of range");
  if (i == j) return 0.5 * (1.0 + F_[i]);
  auto s = acquire();
  const double a = a_ij(i, j, *s);
  release(std::move(s));
  return 0.5 * a;
}

std::vector<double> KinshipCalculator::kinship(std::span<const Index> a, std::span<const Index> b) const {
  if (a.size() != b.size()) throw std::invalid_argument("kinship: the two index lists differ in length");
  const std::size_t n = g_->size();
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a[k] >= n || b[k] >= n) throw std::out_of_range("kinship: person index out of range");
  std::vector<double> out(a.size());
  tbb::task_arena arena(arena_threads(options_.threads));
  tbb::enumerable_thread_specific<std::unique_ptr<Scratch>> local([this] { return acquire(); });
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, a.size(), 1024),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        auto& s = *local.local();
                        for (std::size_t k = r.begin(); k < r.end(); ++k)
                          out[k] = a[k] == b[k] ? 0.5 * (1.0 + F_[a[k]]) : 0.5 * a_ij(a[k], b[k], s);
                      });
  });
  for (auto& s : local) release(std::move(s));
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
