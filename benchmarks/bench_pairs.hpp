#pragma once
// The kinship benchmark's pair sample: N pairs drawn from relative_pairs over several relations plus
// random pairs of parents, shuffled. Deterministic given the seed.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "famgraph/dataset.hpp"
#include "famgraph/relations.hpp"
#include "pedigree_model.hpp"  // Stream

namespace famgraph::bench {

struct PairSample {
  std::vector<Index> a, b;
  std::vector<std::uint8_t> group;  ///< index into groups
  std::vector<std::string> groups;
  std::vector<std::size_t> per_group;
};

/// Relations the sample draws from (relative_pairs of each must be supplied to sample_pairs).
inline const std::vector<Relation>& sampled_relations() {
  static const std::vector<Relation> r{Relation::full_sibling, Relation::half_sibling,
                                       Relation::first_cousin, Relation::grandparent,
                                       Relation::aunt_uncle,   Relation::parent};
  return r;
}

/// Mix: share of pairs per relation; "random_parent_pairs" are two persons drawn at random among
/// those with a recorded child (mostly unrelated or distantly related: the far-apart case).
inline const std::vector<std::pair<std::string, double>>& pair_mix() {
  static const std::vector<std::pair<std::string, double>> m{
      {"full_sibling", 0.20}, {"half_sibling", 0.15}, {"first_cousin", 0.20}, {"grandparent", 0.15},
      {"aunt_uncle", 0.10},   {"parent", 0.10},       {"random_parent_pairs", 0.10}};
  return m;
}

inline PairSample sample_pairs(const PersonTable& P,
                               const std::map<Relation, std::vector<std::pair<Index, Index>>>& by_rel,
                               std::size_t n_pairs, std::uint64_t seed) {
  const Stream rng(seed, 11);
  const std::size_t n = P.size();
  std::vector<Index> parents;
  for (std::size_t i = 0; i < n; ++i)
    if (P.child_offsets[i + 1] > P.child_offsets[i]) parents.push_back(static_cast<Index>(i));
  PairSample s;
  std::uint64_t draw = 0;
  const auto& mix = pair_mix();
  for (std::size_t gi = 0; gi < mix.size(); ++gi) {
    const auto& [name, share] = mix[gi];
    std::size_t want = static_cast<std::size_t>(std::llround(share * static_cast<double>(n_pairs)));
    if (gi + 1 == mix.size()) want = n_pairs - s.a.size();
    s.groups.push_back(name);
    std::size_t got = 0;
    if (name == "random_parent_pairs") {
      if (parents.size() >= 2)
        for (; got < want; ++got, ++draw) {
          Index x = parents[rng.below(draw, 0, parents.size())];
          Index y = parents[rng.below(draw, 1, parents.size())];
          if (x == y) y = parents[(rng.below(draw, 1, parents.size()) + 1) % parents.size()];
          s.a.push_back(x);
          s.b.push_back(y);
          s.group.push_back(static_cast<std::uint8_t>(gi));
        }
    } else {
      const auto& v = by_rel.at(parse_relation(name));
      if (!v.empty())
        for (; got < want; ++got, ++draw) {
          const auto& pr = v[rng.below(draw, 2, v.size())];
          // Random orientation, as a user's list would have.
          const bool swap = rng.bits(draw, 3) & 1;
          s.a.push_back(swap ? pr.second : pr.first);
          s.b.push_back(swap ? pr.first : pr.second);
          s.group.push_back(static_cast<std::uint8_t>(gi));
        }
    }
    s.per_group.push_back(got);
  }
  // Shuffle (Fisher–Yates with the counter-based stream) so relations are interleaved.
  for (std::size_t k = s.a.size(); k > 1; --k) {
    const std::size_t r = rng.below(k, 4, k);
    std::swap(s.a[k - 1], s.a[r]);
    std::swap(s.b[k - 1], s.b[r]);
    std::swap(s.group[k - 1], s.group[r]);
  }
  return s;
}

}  // namespace famgraph::bench
