// Indicators 1 (the victim → perpetrator pathway) and 2 (the relative-exposure transmission table)
// (docs/spec/indicators.md §victim_to_perpetrator, §relative_exposure).
#include "famgraph/indicators/transmission.hpp"

#include <algorithm>
#include <climits>

#include "famgraph/relative_counts.hpp"

namespace famgraph::indicators {

// ------------------------------------------------------------------ 1. victim → perpetrator
VictimToPerpetratorCounts victim_to_perpetrator_counts(const Dataset& ds, const VictimToPerpetratorOptions& opt) {
  VictimToPerpetratorCounts out;
  const Window w = resolve_window(ds, opt.window);
  out.window = w;
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const PersonDates pd = person_dates(P);
  const Strata strata(P);
  StratumTally tally(strata);
  disclosure::check_person_keys(opt.person_keys, P.size());
  const bool keyed = !opt.person_keys.empty();
  for (std::size_t i = 0; i < P.size(); ++i) {
    ++out.work;
    if (pd.birth[i] == NO_DAY) {
      ++out.without_birth_date;
      continue;
    }
    const Day a18 = pd.adult[i];
    const Day censor = std::min(w.end, pd.last[i]);
    if (!(w.start < a18 && a18 <= censor)) continue;
    bool exposed = false;
    Day first_perp = NO_DAY;
    for (auto k = E.person_offsets[i]; k < E.person_offsets[i + 1]; ++k) {
      ++out.work;
      const Day d = E.date[k];
      if (!in_window(d, w)) continue;
      if (d < a18 && contains(opt.exposure_roles, E.role[k])) exposed = true;
      if (d >= a18 && E.role[k] == Role::perpetrator && first_perp == NO_DAY) first_perp = d;  // rows by date
    }
    const bool outcome = first_perp != NO_DAY;
    out.overall.add(exposed, outcome);
    out.by_sex[static_cast<std::size_t>(P.sex[i])].add(exposed, outcome);
    const int decade = decade_of_day(pd.birth[i]);
    out.by_decade[decade].add(exposed, outcome);
    tally.add(static_cast<Index>(i), exposed, outcome);
    if (keyed) {
      const std::uint64_t key = opt.person_keys[i];
      out.keys.overall.add(exposed, outcome, key);
      out.keys.by_sex[static_cast<std::size_t>(P.sex[i])].add(exposed, outcome, key);
      out.keys.by_decade[decade].add(exposed, outcome, key);
    }
    out.time.push_back(outcome ? first_perp - a18 : censor - a18);
    out.event.push_back(outcome ? 1 : 0);
    out.exposed.push_back(exposed ? 1 : 0);
    out.person.push_back(static_cast<Index>(i));
  }
  out.strata = tally.result();
  return out;
}

// ------------------------------------------------------------------ 2. relative exposure
RelativeExposureCounts relative_exposure_table(const Dataset& ds, const RelativeExposureOptions& opt) {
  RelativeExposureCounts out;
  const Window w = resolve_window(ds, opt.window);
  out.window = w;
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const PersonDates pd = person_dates(P);
  const std::size_t n = P.size();
  disclosure::check_person_keys(opt.person_keys, n);
  const bool keyed = !opt.person_keys.empty();
  // In-window roles of every person, as a bit mask.
  std::vector<RoleSet> has(n, 0);
  for (std::size_t k = 0; k < E.size(); ++k)
    if (in_window(E.date[k], w)) has[E.person[k]] = static_cast<RoleSet>(has[E.person[k]] | role_bit(E.role[k]));
  std::vector<std::uint8_t> proband(n, 0);
  for (std::size_t i = 0; i < n; ++i) proband[i] = observed(pd, static_cast<Index>(i), w);
  out.work += E.size() + n;
  // The relative roles the table asks about, one flag each: a proband is exposed to role a when
  // at least one relative carries flag a.
  int bit_of[n_roles] = {-1, -1, -1, -1};
  int bits = 0;
  for (const RolePair& rp : opt.role_pairs)
    if (bit_of[static_cast<int>(rp.relative_role)] < 0) bit_of[static_cast<int>(rp.relative_role)] = bits++;
  std::vector<std::uint8_t> flags(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (int r = 0; r < n_roles; ++r)
      if (bit_of[r] >= 0 && contains(has[i], static_cast<Role>(r)))
        flags[i] = static_cast<std::uint8_t>(flags[i] | (1u << bit_of[r]));
  const Strata strata(P);
  std::vector<RoleSet> relatives_have(n, 0);
  if (bits > 0 && !opt.relations.empty()) {  // else there are no cells
    const RelativeCounter counter(P);
    out.work += counter.setup_work();
    for (Relation r : opt.relations) {
      const RelativeCounts rc = counter.count(r, flags, bits);
      out.work += rc.work;
      for (std::size_t i = 0; i < n; ++i) {
        RoleSet s = 0;
        for (int role = 0; role < n_roles; ++role)
          if (bit_of[role] >= 0 && rc.count(static_cast<Index>(i), bit_of[role]) > 0)
            s = static_cast<RoleSet>(s | role_bit(static_cast<Role>(role)));
        relatives_have[i] = s;
      }
      for (const RolePair& rp : opt.role_pairs) {
        RelativeExposureCell cell{r, rp, {}, {}, {}};
        StratumTally tally(strata);
        for (std::size_t i = 0; i < n; ++i) {
          if (!proband[i]) continue;
          const bool exposed = contains(relatives_have[i], rp.relative_role);
          const bool outcome = contains(has[i], rp.proband_role);
          cell.counts.add(exposed, outcome);
          tally.add(static_cast<Index>(i), exposed, outcome);
          if (keyed) cell.keys.add(exposed, outcome, opt.person_keys[i]);
        }
        out.work += n;
        cell.strata = tally.result();
        out.cells.push_back(std::move(cell));
      }
    }
  }
  return out;
}

std::vector<RelativeExposureCell> relative_exposure_counts(const Dataset& ds, const RelativeExposureOptions& opt) {
  return relative_exposure_table(ds, opt).cells;
}

}  // namespace famgraph::indicators
