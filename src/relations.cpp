#include "famgraph/relations.hpp"

#include <algorithm>
#include <stdexcept>

#include "counting_sort.hpp"

namespace famgraph {

Relation parse_relation(std::string_view name) {
  for (auto r : all_relations)
    if (to_string(r) == name) return r;
  std::string valid;
  for (auto r : all_relations) valid += (valid.empty() ? "" : ", ") + std::string(to_string(r));
  throw std::invalid_argument("unknown relation '" + std::string(name) + "' (expected one of: " +
                              valid + ")");
}

namespace {

void finish(std::vector<Index>& out, Index self) {
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  auto it = std::lower_bound(out.begin(), out.end(), self);
  if (it != out.end() && *it == self) out.erase(it);
}

// Number of recorded parents i and c have in common, compared as sets of persons.
int common_parents(const PersonTable& P, Index i, Index c) {
  int n = 0;
  for (Index a : {P.mother[i], P.father[i]}) {
    if (a == NONE) continue;
    if (a == P.mother[c] || a == P.father[c]) ++n;
  }
  return n;
}

bool both_known(const PersonTable& P, Index i) { return P.mother[i] != NONE && P.father[i] != NONE; }

// Appends the full (full=true) or half siblings of i (unsorted, may repeat).
void siblings(const PersonTable& P, Index i, bool full, std::vector<Index>& out) {
  for (Index p : {P.mother[i], P.father[i]}) {
    if (p == NONE) continue;
    for (Index c : P.children_of(p)) {
      if (c == i) continue;
      const int k = common_parents(P, i, c);
      if (full ? (k == 2 && both_known(P, i) && both_known(P, c)) : k == 1) out.push_back(c);
    }
  }
}

void append_parents(const PersonTable& P, Index i, std::vector<Index>& out) {
  if (P.mother[i] != NONE) out.push_back(P.mother[i]);
  if (P.father[i] != NONE) out.push_back(P.father[i]);
}

}  // namespace

void relatives(const PersonTable& P, Index i, Relation r, std::vector<Index>& out) {
  out.clear();
  std::vector<Index> tmp;
  switch (r) {
    case Relation::parent: append_parents(P, i, out); break;
    case Relation::child: {
      auto c = P.children_of(i);
      out.assign(c.begin(), c.end());
      break;
    }
    case Relation::full_sibling: siblings(P, i, true, out); break;
    case Relation::half_sibling: siblings(P, i, false, out); break;
    case Relation::grandparent:
      append_parents(P, i, tmp);
      for (Index p : tmp) append_parents(P, p, out);
      break;
    case Relation::grandchild:
      for (Index c : P.children_of(i))
        for (Index g : P.children_of(c)) out.push_back(g);
      break;
    case Relation::aunt_uncle:
      append_parents(P, i, tmp);
      for (Index p : tmp) {
        siblings(P, p, true, out);
        siblings(P, p, false, out);
      }
      break;
    case Relation::niece_nephew:
      siblings(P, i, true, tmp);
      siblings(P, i, false, tmp);
      for (Index s : tmp)
        for (Index c : P.children_of(s)) out.push_back(c);
      break;
    case Relation::first_cousin: {
      append_parents(P, i, tmp);
      std::vector<Index> sibs;
      for (Index p : tmp) siblings(P, p, true, sibs);
      for (Index s : sibs)
        for (Index c : P.children_of(s)) out.push_back(c);
      break;
    }
    case Relation::partner: {
      auto c = P.partners_of(i);
      out.assign(c.begin(), c.end());
      break;
    }
  }
  finish(out, i);
}

std::vector<Index> relatives(const PersonTable& persons, Index i, Relation r) {
  std::vector<Index> out;
  relatives(persons, i, r, out);
  return out;
}

namespace {

using Pair = std::pair<Index, Index>;

// The distinct grandparents of i (at most 4).
void distinct_grandparents(const PersonTable& P, Index i, std::vector<Index>& out) {
  out.clear();
  for (Index p : {P.mother[i], P.father[i]}) {
    if (p == NONE) continue;
    for (Index g : {P.mother[p], P.father[p]})
      if (g != NONE && std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
  }
}

bool two_parents(const PersonTable& P, Index i) {
  return P.mother[i] != NONE && P.father[i] != NONE && P.mother[i] != P.father[i];
}

// Persons with two recorded parents, grouped by their (unordered) parent pair: sibships as
// consecutive runs, members ascending within a run. O(n) (counting sorts).
std::vector<Index> sibship_order(const PersonTable& P) {
  std::vector<Index> order;
  for (std::size_t i = 0; i < P.size(); ++i)
    if (two_parents(P, static_cast<Index>(i))) order.push_back(static_cast<Index>(i));
  detail::counting_sort(order, P.size(), [&](Index i) { return std::max(P.mother[i], P.father[i]); });
  detail::counting_sort(order, P.size(), [&](Index i) { return std::min(P.mother[i], P.father[i]); });
  return order;
}

bool same_parents(const PersonTable& P, Index a, Index b) {
  return std::min(P.mother[a], P.father[a]) == std::min(P.mother[b], P.father[b]) &&
         std::max(P.mother[a], P.father[a]) == std::max(P.mother[b], P.father[b]);
}

// Half siblings share exactly one recorded parent g, so each pair is found once, under g: the
// children of g grouped by their other parent (unknown last), every pair across two groups and
// every pair inside the unknown group. Nothing else is visited: O(n + pairs).
void half_sibling_pairs(const PersonTable& P, std::vector<Pair>& out) {
  const std::size_t n = P.size();
  struct Entry {
    Index g, other, child;
  };
  std::vector<Entry> e;
  for (std::size_t x = 0; x < n; ++x) {
    const Index m = P.mother[x], f = P.father[x];
    const bool two = two_parents(P, static_cast<Index>(x));
    if (m != NONE) e.push_back({m, two ? f : NONE, static_cast<Index>(x)});
    if (f != NONE && f != m) e.push_back({f, two ? m : NONE, static_cast<Index>(x)});
  }
  detail::counting_sort(e, n + 1, [&](const Entry& x) { return x.other == NONE ? n : x.other; });
  detail::counting_sort(e, n, [](const Entry& x) { return x.g; });
  for (std::size_t b0 = 0, b1 = 0; b0 < e.size(); b0 = b1) {
    for (b1 = b0; b1 < e.size() && e[b1].g == e[b0].g; ++b1) {
    }
    for (std::size_t u = b0, g_end = b0; u < b1; ++u) {
      if (u == g_end)
        for (g_end = u; g_end < b1 && e[g_end].other == e[u].other; ++g_end) {
        }
      for (std::size_t v = e[u].other == NONE ? u + 1 : g_end; v < b1; ++v)
        out.emplace_back(std::min(e[u].child, e[v].child), std::max(e[u].child, e[v].child));
    }
  }
}

// First cousins: children of two different members of one sibship. Only members with children are
// paired, so every pair of members visited yields at least one candidate; a candidate pair arises
// at most 4 times (once per choice of the two parents) and (c, c) only for a child of two siblings.
void first_cousin_pairs(const PersonTable& P, std::vector<Pair>& out) {
  const auto order = sibship_order(P);
  std::vector<Index> with_children;
  for (std::size_t a = 0, b = 0; a < order.size(); a = b) {
    with_children.clear();
    for (b = a; b < order.size() && same_parents(P, order[a], order[b]); ++b)
      if (!P.children_of(order[b]).empty()) with_children.push_back(order[b]);
    for (Index s : with_children)
      for (Index t : with_children) {
        if (s == t) continue;
        for (Index c : P.children_of(s))
          for (Index d : P.children_of(t))
            if (c < d) out.emplace_back(c, d);
      }
  }
}

}  // namespace

std::vector<std::pair<Index, Index>> relative_pairs(const PersonTable& P, Relation r) {
  // Every relation is enumerated from the groups its pairs come from, so the cost is O(n + pairs
  // reported) (docs/performance.md): looping over persons and listing each one's relatives would
  // visit, for a full sibling of a 100,000-child placeholder parent, all 100,000 children.
  const std::size_t n = P.size();
  std::vector<Pair> pairs;
  std::vector<Index> tmp;
  switch (r) {
    case Relation::parent:
      for (std::size_t i = 0; i < n; ++i) {
        if (P.mother[i] != NONE) pairs.emplace_back(static_cast<Index>(i), P.mother[i]);
        if (P.father[i] != NONE) pairs.emplace_back(static_cast<Index>(i), P.father[i]);
      }
      break;
    case Relation::child:
      for (std::size_t i = 0; i < n; ++i)
        for (Index c : P.children_of(static_cast<Index>(i))) pairs.emplace_back(static_cast<Index>(i), c);
      break;
    case Relation::partner:
      for (std::size_t i = 0; i < n; ++i)
        for (Index q : P.partners_of(static_cast<Index>(i)))
          if (q > i) pairs.emplace_back(static_cast<Index>(i), q);
      break;
    case Relation::grandparent:
    case Relation::grandchild:
      for (std::size_t i = 0; i < n; ++i) {
        distinct_grandparents(P, static_cast<Index>(i), tmp);
        for (Index g : tmp)
          if (r == Relation::grandparent) pairs.emplace_back(static_cast<Index>(i), g);
          else pairs.emplace_back(g, static_cast<Index>(i));
      }
      break;
    case Relation::full_sibling: {
      const auto order = sibship_order(P);
      for (std::size_t a = 0, b = 0; a < order.size(); a = b) {
        for (b = a; b < order.size() && same_parents(P, order[a], order[b]); ++b) {
        }
        for (std::size_t u = a; u < b; ++u)
          for (std::size_t v = u + 1; v < b; ++v) pairs.emplace_back(order[u], order[v]);
      }
      break;
    }
    case Relation::half_sibling: half_sibling_pairs(P, pairs); break;
    case Relation::aunt_uncle:
    case Relation::niece_nephew:
      // Listing i's aunts and uncles visits the children of i's grandparents, each of whom is one
      // (or i, or i's parent): proportional to the output. Nieces and nephews are the inverse.
      for (std::size_t i = 0; i < n; ++i) {
        relatives(P, static_cast<Index>(i), Relation::aunt_uncle, tmp);
        for (Index j : tmp)
          if (r == Relation::aunt_uncle) pairs.emplace_back(static_cast<Index>(i), j);
          else pairs.emplace_back(j, static_cast<Index>(i));
      }
      break;
    case Relation::first_cousin: first_cousin_pairs(P, pairs); break;
  }
  std::erase_if(pairs, [](const Pair& p) { return p.first == p.second; });
  detail::sort_unique_pairs(pairs, n);
  return pairs;
}

}  // namespace famgraph
