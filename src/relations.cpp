#include "famgraph/relations.hpp"

#include <algorithm>
#include <stdexcept>

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

std::vector<std::pair<Index, Index>> relative_pairs(const PersonTable& P, Relation r) {
  std::vector<std::pair<Index, Index>> pairs;
  std::vector<Index> rel;
  const bool sym = is_symmetric(r);
  for (std::size_t i = 0; i < P.size(); ++i) {
    relatives(P, static_cast<Index>(i), r, rel);
    for (Index j : rel)
      if (!sym || j > i) pairs.emplace_back(static_cast<Index>(i), j);
  }
  return pairs;
}

}  // namespace famgraph
