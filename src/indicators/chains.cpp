// Indicator 3, intergenerational chains and their continuation (docs/spec/indicators.md §chains).
#include "famgraph/indicators/chains.hpp"

#include <algorithm>
#include <cstdint>

#include "../counting_sort.hpp"

namespace famgraph::indicators {

ChainsCounts chains_counts(const Dataset& ds, const FamilyGraph& g, const ChainsOptions& opt) {
  ChainsCounts out;
  const Window w = resolve_window(ds, opt.window);
  out.window = w;
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const PersonDates pd = person_dates(P);
  const std::size_t n = P.size();
  disclosure::check_person_keys(opt.person_keys, n);
  const bool keyed = !opt.person_keys.empty();
  // Links, incident by incident. A link needs the victim's recorded parent among the incident's
  // perpetrators: mark the perpetrators (an in-window row) with the incident, then ask for each
  // victim row whether its mother or father is marked. O(rows) for any incident size; pairing each
  // perpetrator with each victim would cost perpetrators × victims (10¹⁰ for 200,000 participants).
  std::vector<std::uint32_t> perpetrator_in(n, UINT32_MAX);
  for (std::size_t inc = 0; inc < E.n_incidents(); ++inc) {
    const auto b = E.incident_offsets[inc], e = E.incident_offsets[inc + 1];
    for (auto x = b; x < e; ++x) {
      const auto r = E.incident_rows[x];
      if (E.role[r] == Role::perpetrator && in_window(E.date[r], w))
        perpetrator_in[E.person[r]] = static_cast<std::uint32_t>(inc);
    }
    for (auto y = b; y < e; ++y) {
      const auto rc = E.incident_rows[y];
      if (E.role[rc] != Role::victim || !in_window(E.date[rc], w)) continue;
      const Index c = E.person[rc];
      if (pd.birth[c] == NO_DAY || E.date[rc] >= pd.adult[c]) continue;
      for (Index p : {P.mother[c], P.father[c]})
        if (p != NONE && perpetrator_in[p] == static_cast<std::uint32_t>(inc)) out.links.emplace_back(p, c);
    }
    out.work += 2 * (e - b);
  }
  out.work += n;
  detail::sort_unique_pairs(out.links, n);  // by (parent, child)
  out.work += out.links.size() + 2 * n;
  // Longest chain ending at each person: links go parent → child, so the topological order works.
  std::vector<std::uint32_t> first(n + 1, 0);
  for (auto& [p, c] : out.links) ++first[c + 1];
  for (std::size_t i = 0; i < n; ++i) first[i + 1] += first[i];
  std::vector<Index> link_parent(out.links.size());
  {
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (auto& [p, c] : out.links) link_parent[fill[c]++] = p;
  }
  std::vector<int> len(n, 0);
  for (Index c : g.topological_order())
    for (auto k = first[c]; k < first[c + 1]; ++k) len[c] = std::max(len[c], len[link_parent[k]] + 1);
  for (std::size_t i = 0; i < n; ++i) {
    const int l = len[i];
    out.ge1 += l >= 1;
    out.ge2 += l >= 2;
    out.ge3 += l >= 3;
    out.longest = std::max(out.longest, l);
    if (keyed && l >= 1) out.chain_key_sums[static_cast<std::size_t>(std::min(l, 3) - 1)] += opt.person_keys[i];
  }
  if (keyed)
    for (const auto& [p, c] : out.links) out.links_key_sum += disclosure::pair_key(opt.person_keys[p], opt.person_keys[c]);
  out.work += 2 * n + out.links.size();
  // Continuation.
  std::vector<std::uint8_t> victim(n, 0), perp(n, 0);
  for (auto& [p, c] : out.links) {
    perp[p] = 1;
    victim[c] = 1;
  }
  auto child_observed_in_childhood = [&](Index c) {
    if (pd.birth[c] == NO_DAY) return false;
    const Day from = std::max(pd.birth[c], w.start);
    const Day to = std::min({w.end, pd.last[c], pd.adult[c] - 1});
    return from <= to;
  };
  const Strata strata(P);
  StratumTally tally(strata);
  for (std::size_t i = 0; i < n; ++i) {
    ++out.work;
    if (pd.birth[i] == NO_DAY || pd.birth[i] > w.end || pd.adult[i] <= w.start) continue;
    bool has_child = false;
    for (Index c : P.children_of(static_cast<Index>(i))) {
      ++out.work;
      if (child_observed_in_childhood(c)) {
        has_child = true;
        break;
      }
    }
    if (!has_child) continue;
    out.continuation.add(victim[i] != 0, perp[i] != 0);
    if (keyed) out.continuation_keys.add(victim[i] != 0, perp[i] != 0, opt.person_keys[i]);
    tally.add(static_cast<Index>(i), victim[i] != 0, perp[i] != 0);
  }
  out.continuation_strata = tally.result();
  return out;
}

}  // namespace famgraph::indicators
