#include "famgraph/graph.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <unordered_set>

namespace famgraph {

FamilyGraph::FamilyGraph(const PersonTable& persons) : p_(&persons) {
  const auto& P = persons;
  const std::size_t n = P.size();
  // Generations by Kahn's algorithm from the founders (the loader has rejected cycles).
  std::vector<std::uint8_t> pending(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    pending[i] = static_cast<std::uint8_t>((P.mother[i] != NONE) +
                                           (P.father[i] != NONE && P.father[i] != P.mother[i]));
  generation_.assign(n, 0);
  std::vector<Index> queue;
  queue.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    if (pending[i] == 0) queue.push_back(static_cast<Index>(i));
  for (std::size_t h = 0; h < queue.size(); ++h) {
    const Index v = queue[h];
    // A generation is below n (a longest path visits distinct persons), so 32 bits always suffice.
    for (Index c : P.children_of(v)) {
      generation_[c] = std::max(generation_[c], generation_[v] + 1);
      if (--pending[c] == 0) queue.push_back(c);
    }
  }
  if (queue.size() != n)
    throw std::logic_error("FamilyGraph: the pedigree has a cycle (the loader should have refused it)");
  max_generation_ = n ? static_cast<int>(*std::max_element(generation_.begin(), generation_.end())) : 0;
  // Topological order: counting sort by generation, stable in index.
  std::vector<std::uint32_t> start(static_cast<std::size_t>(max_generation_) + 2, 0);
  for (auto g : generation_) ++start[g + 1];
  std::partial_sum(start.begin(), start.end(), start.begin());
  topo_.resize(n);
  rank_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto pos = start[generation_[i]]++;
    topo_[pos] = static_cast<Index>(i);
    rank_[i] = pos;
  }
  // Components of parent–child links: union–find, then relabel by lowest member.
  std::vector<Index> parent(n);
  std::iota(parent.begin(), parent.end(), Index{0});
  auto find = [&](Index x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  auto unite = [&](Index a, Index b) {
    a = find(a);
    b = find(b);
    if (a != b) {
      if (a < b) std::swap(a, b);
      parent[a] = b;  // the root is always the lowest index
    }
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (P.mother[i] != NONE) unite(static_cast<Index>(i), P.mother[i]);
    if (P.father[i] != NONE) unite(static_cast<Index>(i), P.father[i]);
  }
  component_.assign(n, NONE);
  n_components_ = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Index r = find(static_cast<Index>(i));
    if (component_[r] == NONE) component_[r] = static_cast<Index>(n_components_++);
    component_[i] = component_[r];
  }
}

namespace {
/// Breadth-first walk from i, level by level (so max_depth counts generations), each person once:
/// O(k) expected for k persons reached plus the final sort, and no recursion or per-level merge, so
/// a 70,000-generation line costs no more than 70,000 unrelated persons.
template <class Next>
std::vector<Index> walk(Index i, int max_depth, Next next) {
  std::vector<Index> frontier{i}, out, nxt;
  std::unordered_set<Index> seen{i};
  for (int depth = 0; (max_depth < 0 || depth < max_depth) && !frontier.empty(); ++depth) {
    nxt.clear();
    for (Index v : frontier)
      next(v, [&](Index u) {
        if (seen.insert(u).second) nxt.push_back(u);  // inbreeding loops reach some twice
      });
    out.insert(out.end(), nxt.begin(), nxt.end());
    frontier.swap(nxt);
  }
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

std::vector<Index> FamilyGraph::ancestors(Index i, int max_depth) const {
  const auto& P = *p_;
  return walk(i, max_depth, [&](Index v, auto&& visit) {
    if (P.mother[v] != NONE) visit(P.mother[v]);
    if (P.father[v] != NONE) visit(P.father[v]);
  });
}

std::vector<Index> FamilyGraph::descendants(Index i, int max_depth) const {
  const auto& P = *p_;
  return walk(i, max_depth, [&](Index v, auto&& visit) {
    for (Index c : P.children_of(v)) visit(c);
  });
}

}  // namespace famgraph
