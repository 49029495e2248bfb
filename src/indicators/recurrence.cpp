// Indicators 4a (familial recurrence risk λ_R) and 4b (repeat incidents) (docs/spec/indicators.md
// §recurrence_risk, §repeat_incidents).
#include "famgraph/indicators/recurrence.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <string>

#include "famgraph/families.hpp"
#include "famgraph/relative_counts.hpp"

namespace famgraph::indicators {

// ------------------------------------------------------------------ 4a. recurrence risk
CaseStatus case_status(const Dataset& ds, Window w, RoleSet case_roles) {
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const PersonDates pd = person_dates(P);
  CaseStatus s;
  s.observed.assign(P.size(), 0);
  s.is_case.assign(P.size(), 0);
  for (std::size_t i = 0; i < P.size(); ++i) {
    s.observed[i] = observed(pd, static_cast<Index>(i), w);
    if (!s.observed[i]) continue;
    for (auto k = E.person_offsets[i]; k < E.person_offsets[i + 1]; ++k)
      if (in_window(E.date[k], w) && contains(case_roles, E.role[k])) {
        s.is_case[i] = 1;
        break;
      }
  }
  return s;
}

RecurrencePersonCounts recurrence_person_counts(const Dataset& ds, const RecurrenceOptions& opt) {
  RecurrencePersonCounts out;
  out.window = resolve_window(ds, opt.window);
  out.status = case_status(ds, out.window, opt.case_roles);
  out.relations = opt.relations;
  const auto& P = ds.persons;
  const auto& s = out.status;
  const std::size_t n = P.size();
  out.work += n + ds.events.size();
  // Flag 0: observed; flag 1: a case (cases are observed). The relatives of every person are
  // counted by aggregation (relative_counts.hpp); only the case probands' counts are kept.
  std::vector<std::uint8_t> flags(n);
  for (std::size_t i = 0; i < n; ++i) flags[i] = static_cast<std::uint8_t>(s.observed[i] | (s.is_case[i] << 1));
  const RelativeCounter counter(P);
  out.work += counter.setup_work();
  for (Relation r : opt.relations) {
    auto& cr = out.case_relatives.emplace_back(n, 0);
    auto& rr = out.relatives.emplace_back(n, 0);
    const RelativeCounts rc = counter.count(r, flags, 2);
    out.work += rc.work + n;
    for (std::size_t i = 0; i < n; ++i) {
      if (!s.is_case[i]) continue;
      rr[i] = rc.count(static_cast<Index>(i), 0);
      cr[i] = rc.count(static_cast<Index>(i), 1);
    }
  }
  return out;
}

RecurrenceResultCounts recurrence_counts(const Dataset& ds, const RecurrenceOptions& opt) {
  const RecurrencePersonCounts pc = recurrence_person_counts(ds, opt);
  RecurrenceResultCounts out;
  out.window = pc.window;
  out.work = pc.work;
  std::uint64_t observed_n = 0, cases = 0;
  for (std::size_t i = 0; i < pc.status.observed.size(); ++i) {
    observed_n += pc.status.observed[i];
    cases += pc.status.is_case[i];
  }
  for (std::size_t k = 0; k < pc.relations.size(); ++k) {
    RecurrenceCounts c{pc.relations[k], observed_n, cases, 0, 0};
    for (std::size_t i = 0; i < pc.status.observed.size(); ++i) {
      c.relatives += pc.relatives[k][i];
      c.case_relatives += pc.case_relatives[k][i];
    }
    out.by_relation.push_back(c);
  }
  out.work += pc.status.observed.size() * (1 + pc.relations.size());
  return out;
}

// ------------------------------------------------------------------ 4b. repeat incidents
// A unit (a person, or a nuclear family) with in-window rows has its first row at t0 (the earliest
// date, and on that date the lowest incident); it is in the denominator when t0 + T ≤ min(we,
// exit), and has a repeat when a row of another incident is dated in [t0, t0 + T]. For a person
// that is the next row of another incident after its first in-window row (rows are sorted by
// date, then incident). For a family, t0 is the earliest t0 of its members, and every member's
// rows in [t0, t0 + T] start at the member's own first in-window row: the family has a repeat when
// one member has two incidents in the period, or two members have different first incidents in it.
// So each member is read in O(1), and a parent who belongs to many families (one per partner) is
// not re-read in full for each.
RepeatIncidentsCounts repeat_incidents_counts(const Dataset& ds, const RepeatIncidentsOptions& opt) {
  if (opt.T < 0) throw std::invalid_argument("T: " + std::to_string(opt.T) + " (expected a number of days >= 0)");
  RepeatIncidentsCounts out;
  const Window w = resolve_window(ds, opt.window);
  out.window = w;
  out.T = opt.T;
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const PersonDates pd = person_dates(P);
  const std::size_t n = P.size();
  disclosure::check_person_keys(opt.person_keys, n);
  const bool keyed = !opt.person_keys.empty();
  // Units by whether they repeat; the key sums of the two (the cell key method).
  auto tally = [keyed](RepeatCounts& rc, bool repeat, std::uint64_t key) {
    ++rc.n;
    rc.repeat += repeat;
    if (keyed) (repeat ? rc.repeat_key_sum : rc.no_repeat_key_sum) += key;
  };
  constexpr std::uint32_t no_row = UINT32_MAX;
  // first[i]: i's first in-window row; other[k]: the next row of i after row k of another incident.
  std::vector<std::uint32_t> first(n, no_row), other(E.size(), no_row);
  for (std::size_t i = 0; i < n; ++i) {
    const auto b = E.person_offsets[i], e = E.person_offsets[i + 1];
    for (auto k = e; k-- > b;) {
      other[k] = k + 1 < e ? (E.incident[k + 1] != E.incident[k] ? k + 1 : other[k + 1]) : no_row;
      if (in_window(E.date[k], w)) first[i] = k;
    }
    out.work += 1 + (e - b);
  }
  // The member's contribution to a period [t0, hi]: its first incident there (or none) and whether
  // it has a second one there.
  struct Seen {
    std::uint32_t incident = UINT32_MAX;
    bool two = false;
  };
  auto in_period = [&](std::uint32_t k, Day hi) -> Seen {
    if (k == no_row || E.date[k] > hi) return {};
    return {E.incident[k], other[k] != no_row && E.date[other[k]] <= hi};
  };
  auto horizon = [&](Day t0) {
    const std::int64_t h = static_cast<std::int64_t>(t0) + opt.T;
    return static_cast<Day>(std::min<std::int64_t>(h, INT32_MAX));
  };
  for (std::size_t i = 0; i < n; ++i) {
    ++out.work;
    const std::uint32_t k = first[i];
    if (k == no_row) continue;
    const Day t0 = E.date[k];
    if (static_cast<std::int64_t>(t0) + opt.T > std::min(w.end, pd.last[i])) continue;
    tally(out.persons, in_period(k, horizon(t0)).two, keyed ? opt.person_keys[i] : 0);
  }
  const NuclearFamilies F = nuclear_families(P);
  out.work += 2 * n;
  for (std::size_t f = 0; f < F.size(); ++f) {
    Day t0 = INT32_MAX, last = INT32_MIN;
    bool any = false;
    for (Index m : F.members_of(f)) {
      ++out.work;
      last = std::max(last, pd.last[m]);
      if (first[m] != no_row) {
        any = true;
        t0 = std::min(t0, E.date[first[m]]);
      }
    }
    if (!any || static_cast<std::int64_t>(t0) + opt.T > std::min(w.end, last)) continue;
    const Day hi = horizon(t0);
    std::uint32_t seen = UINT32_MAX;
    bool repeat = false;
    for (Index m : F.members_of(f)) {
      ++out.work;
      const Seen s = in_period(first[m], hi);
      if (s.incident == UINT32_MAX) continue;
      if (s.two || (seen != UINT32_MAX && seen != s.incident)) {
        repeat = true;
        break;
      }
      seen = s.incident;
    }
    std::uint64_t key = 0;
    if (keyed) {
      const bool two = F.parent_b[f] != NONE;
      key = disclosure::family_key(opt.person_keys[F.parent_a[f]], two ? opt.person_keys[F.parent_b[f]] : 0, two);
    }
    tally(out.families, repeat, key);
  }
  return out;
}

}  // namespace famgraph::indicators
