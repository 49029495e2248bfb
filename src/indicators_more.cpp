// Counting rules of indicators 2, 4b, 5 and 6 (DESIGN.md §4.0, §4.1).
#include <algorithm>
#include <climits>

#include "famgraph/families.hpp"
#include "famgraph/indicators/overlap.hpp"
#include "famgraph/indicators/recurrence.hpp"
#include "famgraph/indicators/signalling.hpp"
#include "famgraph/indicators/transmission.hpp"

namespace famgraph::indicators {

// ------------------------------------------------------------------ 2. relative exposure
std::vector<RelativeExposureCell> relative_exposure_counts(const Dataset& ds, const RelativeExposureOptions& opt) {
  const Window w = resolve_window(ds, opt.window);
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const PersonDates pd = person_dates(P);
  const std::size_t n = P.size();
  // In-window roles of every person, as a bit mask.
  std::vector<RoleSet> has(n, 0);
  for (std::size_t k = 0; k < E.size(); ++k)
    if (in_window(E.date[k], w)) has[E.person[k]] = static_cast<RoleSet>(has[E.person[k]] | role_bit(E.role[k]));
  std::vector<RelativeExposureCell> out;
  std::vector<Index> rel;
  for (Relation r : opt.relations) {
    // Relatives' roles per proband, computed once per relation.
    std::vector<RoleSet> relatives_have(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      if (!observed(pd, static_cast<Index>(i), w)) continue;
      relatives(P, static_cast<Index>(i), r, rel);
      for (Index j : rel) relatives_have[i] = static_cast<RoleSet>(relatives_have[i] | has[j]);
    }
    for (const RolePair& rp : opt.role_pairs) {
      RelativeExposureCell cell{r, rp, {}};
      for (std::size_t i = 0; i < n; ++i) {
        if (!observed(pd, static_cast<Index>(i), w)) continue;
        cell.counts.add(contains(relatives_have[i], rp.relative_role), contains(has[i], rp.proband_role));
      }
      out.push_back(cell);
    }
  }
  return out;
}

// ------------------------------------------------------------------ 4b. repeat incidents
namespace {
/// Given a unit's in-window rows as (date, incident) sorted by date, and its last day: whether it is
/// in the denominator, and whether it has a repeat.
std::pair<bool, bool> repeat_of(std::vector<std::pair<Day, std::uint32_t>>& rows, Day last, int T) {
  if (rows.empty()) return {false, false};
  std::sort(rows.begin(), rows.end());
  const Day t0 = rows.front().first;
  if (static_cast<std::int64_t>(t0) + T > last) return {false, false};
  const std::uint32_t first_incident = rows.front().second;
  for (const auto& [d, inc] : rows) {
    if (static_cast<std::int64_t>(d) > static_cast<std::int64_t>(t0) + T) break;
    if (inc != first_incident) return {true, true};
  }
  // The first day may hold several incidents; any two distinct ids in [t0, t0+T] make a repeat.
  return {true, false};
}
}  // namespace

RepeatIncidentsCounts repeat_incidents_counts(const Dataset& ds, const RepeatIncidentsOptions& opt) {
  if (opt.T < 0) throw std::invalid_argument("T: " + std::to_string(opt.T) + " (expected a number of days >= 0)");
  RepeatIncidentsCounts out;
  const Window w = resolve_window(ds, opt.window);
  out.window = w;
  out.T = opt.T;
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const PersonDates pd = person_dates(P);
  std::vector<std::pair<Day, std::uint32_t>> rows;
  for (std::size_t i = 0; i < P.size(); ++i) {
    rows.clear();
    for (auto k = E.person_offsets[i]; k < E.person_offsets[i + 1]; ++k)
      if (in_window(E.date[k], w)) rows.emplace_back(E.date[k], E.incident[k]);
    const auto [in, rep] = repeat_of(rows, std::min(w.end, pd.last[i]), opt.T);
    out.persons.n += in;
    out.persons.repeat += rep;
  }
  const NuclearFamilies F = nuclear_families(P);
  for (std::size_t f = 0; f < F.size(); ++f) {
    rows.clear();
    Day last = INT32_MIN;
    for (Index m : F.members_of(f)) {
      last = std::max(last, pd.last[m]);
      for (auto k = E.person_offsets[m]; k < E.person_offsets[m + 1]; ++k)
        if (in_window(E.date[k], w)) rows.emplace_back(E.date[k], E.incident[k]);
    }
    const auto [in, rep] = repeat_of(rows, std::min(w.end, last), opt.T);
    out.families.n += in;
    out.families.repeat += rep;
  }
  return out;
}

// ------------------------------------------------------------------ 5. early signalling
EarlySignallingCounts early_signalling_counts(const Dataset& ds, const EarlySignallingOptions& opt) {
  for (int N : opt.years)
    if (N < 0) throw std::invalid_argument("years: " + std::to_string(N) + " (expected whole years >= 0)");
  EarlySignallingCounts out;
  const Window w = resolve_window(ds, opt.window);
  out.window = w;
  out.years = opt.years;
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const auto& C = ds.contacts;
  const PersonDates pd = person_dates(P);
  const std::size_t n_org = ds.sources.size(), ny = opt.years.size();
  out.overall.assign(ny, {});
  out.by_org.assign(n_org, std::vector<SignallingCounts>(ny));
  // Whether person q has a contact (of organisation `org`, or any when org < 0) starting in [lo, hi].
  auto contact_in = [&](Index q, Day lo, Day hi, int org) {
    for (auto k = C.person_offsets[q]; k < C.person_offsets[q + 1]; ++k) {
      if (C.start[k] > hi) break;  // sorted by start
      if (C.start[k] >= lo && (org < 0 || C.source[k] == org)) return true;
    }
    return false;
  };
  for (std::size_t i = 0; i < P.size(); ++i) {
    Day t0 = NO_DAY;
    for (auto k = E.person_offsets[i]; k < E.person_offsets[i + 1]; ++k)
      if (in_window(E.date[k], w)) {
        t0 = E.date[k];  // rows are sorted by date
        break;
      }
    if (t0 == NO_DAY) continue;
    ++out.first_incidents;
    const auto me = static_cast<Index>(i);
    const bool minor = pd.birth[i] != NO_DAY && t0 < pd.adult[i];
    out.minors += minor;
    for (std::size_t y = 0; y < ny; ++y) {
      const Day lo = t0 - 365 * opt.years[y], hi = t0 - 1;
      for (int org = -1; org < static_cast<int>(n_org); ++org) {
        SignallingCounts& s = org < 0 ? out.overall[y] : out.by_org[static_cast<std::size_t>(org)][y];
        const bool own = contact_in(me, lo, hi, org);
        s.preceded += own;
        if (minor) {
          bool any = own;
          for (Index par : {P.mother[i], P.father[i]})
            if (!any && par != NONE) any = contact_in(par, lo, hi, org);
          s.preceded_minor_self_or_parent += any;
        }
      }
    }
    if (C.person_offsets[i] < C.person_offsets[i + 1] && C.start[C.person_offsets[i]] < t0)
      out.lead_times.push_back(t0 - C.start[C.person_offsets[i]]);
  }
  std::sort(out.lead_times.begin(), out.lead_times.end());
  return out;
}

// ------------------------------------------------------------------ 6. agency overlap
namespace {
void tally(OverlapCounts& oc, std::vector<std::uint16_t>& orgs, std::size_t n_org) {
  std::sort(orgs.begin(), orgs.end());
  orgs.erase(std::unique(orgs.begin(), orgs.end()), orgs.end());
  if (orgs.empty()) return;
  ++oc.combinations[orgs];
  ++oc.known_1plus;
  oc.known_2plus += orgs.size() >= 2;
  // both: pairs inside the set; either: pairs with at least one member in the set.
  std::vector<std::uint8_t> in(n_org, 0);
  for (auto o : orgs) in[o] = 1;
  for (std::size_t x = 0; x < n_org; ++x)
    for (std::size_t y = x + 1; y < n_org; ++y) {
      oc.both[x][y] += in[x] && in[y];
      oc.either[x][y] += in[x] || in[y];
    }
}
}  // namespace

AgencyOverlapCounts agency_overlap_counts(const Dataset& ds, const AgencyOverlapOptions& opt) {
  AgencyOverlapCounts out;
  const Window w = resolve_window(ds, opt.window);
  out.window = w;
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const auto& C = ds.contacts;
  const std::size_t n_org = ds.sources.size();
  out.organisations = n_org;
  for (OverlapCounts* oc : {&out.persons, &out.families}) {
    oc->both.assign(n_org, std::vector<std::uint64_t>(n_org, 0));
    oc->either.assign(n_org, std::vector<std::uint64_t>(n_org, 0));
  }
  std::vector<std::vector<std::uint16_t>> known(P.size());
  for (std::size_t k = 0; k < E.size(); ++k)
    if (in_window(E.date[k], w)) known[E.person[k]].push_back(E.source[k]);
  for (std::size_t k = 0; k < C.size(); ++k)
    if (C.start[k] <= w.end && (C.end_precision[k] == DatePrecision::missing || C.end[k] >= w.start))
      known[C.person[k]].push_back(C.source[k]);
  std::vector<std::uint16_t> orgs;
  for (std::size_t i = 0; i < P.size(); ++i) {
    orgs = known[i];
    tally(out.persons, orgs, n_org);
  }
  const NuclearFamilies F = nuclear_families(P);
  for (std::size_t f = 0; f < F.size(); ++f) {
    orgs.clear();
    for (Index m : F.members_of(f)) orgs.insert(orgs.end(), known[m].begin(), known[m].end());
    tally(out.families, orgs, n_org);
  }
  return out;
}

}  // namespace famgraph::indicators
