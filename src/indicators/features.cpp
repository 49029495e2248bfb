// The person-level feature table (indicators/features.hpp, docs/spec/indicators.md §feature_table).
#include "famgraph/indicators/features.hpp"

#include <algorithm>
#include <limits>

#include "famgraph/indicators/transmission.hpp"

namespace famgraph::indicators {

FeatureTable feature_table(const Dataset& ds, const FamilyGraph& graph, const FeatureTableOptions& opt) {
  FeatureTable t;
  const Window w = resolve_window(ds, opt.window);
  t.window = w;
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const auto& C = ds.contacts;
  const std::size_t n = P.size();
  const PersonDates pd = person_dates(P);
  const auto gen = graph.generation();

  t.person_id.assign(P.id.begin(), P.id.end());
  t.sex.resize(n);
  t.birth_known.resize(n);
  t.birth_year.assign(n, 0);
  t.generation.resize(n);
  t.observed.resize(n);
  for (int r = 0; r < n_roles; ++r) {
    t.child[r].assign(n, 0);
    t.adult[r].assign(n, 0);
    t.total[r].assign(n, 0);
  }
  t.n_organisations.assign(n, 0);
  t.has_lead_time.assign(n, 0);
  t.lead_time_days.assign(n, 0);

  // Per person: the in-window event rows by role and age, the first in-window day (rows are
  // sorted by date), and the organisations known to (a stamp per organisation deduplicates).
  std::vector<Index> stamp(ds.sources.size(), NONE);
  for (std::size_t i = 0; i < n; ++i) {
    const Index ii = static_cast<Index>(i);
    const bool known = pd.birth[i] != NO_DAY;
    t.sex[i] = static_cast<std::uint8_t>(P.sex[i]);
    t.birth_known[i] = known;
    if (known) t.birth_year[i] = civil_from_days(pd.birth[i]).year;
    t.generation[i] = gen[i];
    t.observed[i] = observed(pd, ii, w);
    std::int64_t orgs = 0;
    auto take = [&](std::uint16_t o) {
      if (stamp[o] == ii) return;
      stamp[o] = ii;
      ++orgs;
    };
    Day first = NO_DAY;
    for (auto k = E.person_offsets[i]; k < E.person_offsets[i + 1]; ++k) {
      ++t.work;
      const Day d = E.date[k];
      if (!in_window(d, w)) continue;
      if (first == NO_DAY) first = d;
      const auto r = static_cast<std::size_t>(E.role[k]);
      ++t.total[r][i];
      if (known) ++(d < pd.adult[i] ? t.child[r][i] : t.adult[r][i]);
      take(E.source[k]);
    }
    const auto cb = C.person_offsets[i], ce = C.person_offsets[i + 1];
    for (auto k = cb; k < ce; ++k) {
      ++t.work;
      if (C.start[k] <= w.end && (C.end_precision[k] == DatePrecision::missing || C.end[k] >= w.start))
        take(C.source[k]);
    }
    t.n_organisations[i] = orgs;
    // Contacts are sorted by start: the first is the earliest (indicator 5's lead time).
    if (first != NO_DAY && cb < ce && C.start[cb] < first) {
      t.has_lead_time[i] = 1;
      t.lead_time_days[i] = static_cast<std::int64_t>(first) - C.start[cb];
    }
  }

  // Parents and grandparents.
  const auto victim = static_cast<std::size_t>(Role::victim);
  const auto perp = static_cast<std::size_t>(Role::perpetrator);
  auto is = [&](Index p, std::size_t r) -> std::uint8_t { return t.total[r][p] > 0; };
  t.has_mother.resize(n);
  t.has_father.resize(n);
  t.mother_victim.assign(n, 0);
  t.mother_perpetrator.assign(n, 0);
  t.father_victim.assign(n, 0);
  t.father_perpetrator.assign(n, 0);
  t.grandparents_known.assign(n, 0);
  t.grandparent_victim.assign(n, 0);
  t.grandparent_perpetrator.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    ++t.work;
    const Index m = P.mother[i], f = P.father[i];
    t.has_mother[i] = m != NONE;
    t.has_father[i] = f != NONE;
    if (m != NONE) {
      t.mother_victim[i] = is(m, victim);
      t.mother_perpetrator[i] = is(m, perp);
    }
    if (f != NONE) {
      t.father_victim[i] = is(f, victim);
      t.father_perpetrator[i] = is(f, perp);
    }
    // At most four grandparents; one reached along two paths (parents who are relatives) counts once.
    std::array<Index, 4> seen{};
    std::size_t n_seen = 0;
    for (Index par : {m, f}) {
      if (par == NONE) continue;
      for (Index g : {P.mother[par], P.father[par]}) {
        if (g == NONE || std::find(seen.begin(), seen.begin() + n_seen, g) != seen.begin() + n_seen) continue;
        seen[n_seen++] = g;
        t.grandparent_victim[i] |= is(g, victim);
        t.grandparent_perpetrator[i] |= is(g, perp);
      }
    }
    t.grandparents_known[i] = static_cast<std::int64_t>(n_seen);
  }

  // Indicator 1, person by person.
  VictimToPerpetratorOptions vo;
  vo.window = w;
  vo.exposure_roles = opt.exposure_roles;
  const VictimToPerpetratorCounts v = victim_to_perpetrator_counts(ds, vo);
  t.work += v.work;
  t.pathway_eligible.assign(n, 0);
  t.pathway_exposed.assign(n, 0);
  t.pathway_outcome.assign(n, 0);
  for (std::size_t k = 0; k < v.person.size(); ++k) {
    const Index i = v.person[k];
    t.pathway_eligible[i] = 1;
    t.pathway_exposed[i] = v.exposed[k];
    t.pathway_outcome[i] = v.event[k];
  }
  return t;
}

}  // namespace famgraph::indicators
