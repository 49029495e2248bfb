#include "famgraph/summary.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace famgraph {

DatasetSummary summarise(const Dataset& ds, const FamilyGraph& g, const KinshipCalculator& k) {
  DatasetSummary s;
  const auto& P = ds.persons;
  s.persons = P.size();
  s.added_parents = P.n_added_parents;
  for (std::size_t i = 0; i < P.size(); ++i) {
    s.founders += P.mother[i] == NONE && P.father[i] == NONE;
    s.without_birth_date += P.birth_precision[i] == DatePrecision::missing;
  }
  s.generations = P.size() ? g.max_generation() + 1 : 0;
  s.family_components = g.n_components();
  std::vector<std::size_t> sizes(g.n_components(), 0);
  for (auto c : g.component()) ++sizes[c];
  s.largest_component = sizes.empty() ? 0 : *std::max_element(sizes.begin(), sizes.end());
  s.partnerships = ds.partnerships.size();
  s.event_rows = ds.events.size();
  s.incidents = ds.events.n_incidents();
  s.contacts = ds.contacts.size();
  s.organisations = ds.sources.size();
  for (auto r : ds.events.role) ++s.events_by_role[static_cast<int>(r)];
  const auto F = k.inbreeding();
  double sum = 0.0;
  for (double f : F) {
    s.inbred += f > 0.0;
    sum += f;
    s.max_inbreeding = std::max(s.max_inbreeding, f);
  }
  s.mean_inbreeding = F.empty() ? 0.0 : sum / static_cast<double>(F.size());
  for (const auto& [rule, n] : ds.report.warning_counts) s.warnings += n;
  return s;
}

std::string to_text(const DatasetSummary& s) {
  char buf[2048];
  std::snprintf(
      buf, sizeof buf,
      "persons              %zu (founders %zu, added parents %zu, without birth date %zu)\n"
      "generations          %d\n"
      "family components    %zu (largest %zu persons)\n"
      "partnerships         %zu\n"
      "incidents            %zu (%zu participant rows)\n"
      "  by role            victim %zu, perpetrator %zu, witness %zu, other %zu\n"
      "contacts             %zu with %zu organisations\n"
      "inbreeding           %zu persons with F > 0; mean F %.6f, max F %.6f\n"
      "warnings             %zu\n",
      s.persons, s.founders, s.added_parents, s.without_birth_date, s.generations,
      s.family_components, s.largest_component, s.partnerships, s.incidents, s.event_rows,
      s.events_by_role[0], s.events_by_role[1], s.events_by_role[2], s.events_by_role[3],
      s.contacts, s.organisations, s.inbred, s.mean_inbreeding, s.max_inbreeding, s.warnings);
  return buf;
}

}  // namespace famgraph
