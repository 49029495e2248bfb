// Counting rules of indicators 1, 3 and 4a (DESIGN.md §4.0, §4.1).
#include <algorithm>
#include <climits>
#include <stdexcept>

#include "famgraph/indicators/chains.hpp"
#include "famgraph/indicators/common.hpp"
#include "famgraph/indicators/recurrence.hpp"
#include "famgraph/indicators/transmission.hpp"

namespace famgraph::indicators {

Window resolve_window(const Dataset& ds, Window w) {
  if (w.start == NO_DAY || w.end == NO_DAY) {
    const auto& dates = ds.events.date;
    if (dates.empty())
      throw std::invalid_argument(
          "window: the data has no events, so the default window (first to last event date) is "
          "undefined; give window=(start, end)");
    const auto [lo, hi] = std::minmax_element(dates.begin(), dates.end());
    if (w.start == NO_DAY) w.start = *lo;
    if (w.end == NO_DAY) w.end = *hi;
  }
  if (w.end < w.start)
    throw std::invalid_argument("window: end " + format_day(w.end) + " is before start " +
                                format_day(w.start) + " (expected start <= end)");
  return w;
}

RoleSet parse_roles(const std::vector<std::string>& names, std::string_view option) {
  if (names.empty())
    throw std::invalid_argument(std::string(option) +
                                ": at least one role is needed (allowed: victim, perpetrator, witness, other)");
  RoleSet s = 0;
  for (const auto& n : names) {
    bool found = false;
    for (int r = 0; r < n_roles; ++r)
      if (to_string(static_cast<Role>(r)) == n) {
        s = static_cast<RoleSet>(s | role_bit(static_cast<Role>(r)));
        found = true;
      }
    if (!found)
      throw std::invalid_argument(std::string(option) + ": unknown role '" + n +
                                  "' (allowed: victim, perpetrator, witness, other)");
  }
  return s;
}

std::vector<std::string> role_names(RoleSet s) {
  std::vector<std::string> out;
  for (int r = 0; r < n_roles; ++r)
    if (contains(s, static_cast<Role>(r))) out.emplace_back(to_string(static_cast<Role>(r)));
  return out;
}

PersonDates person_dates(const PersonTable& P) {
  PersonDates pd;
  const std::size_t n = P.size();
  pd.birth.resize(n);
  pd.adult.resize(n);
  pd.last.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const bool known = P.birth_precision[i] != DatePrecision::missing;
    pd.birth[i] = known ? P.birth[i] : NO_DAY;
    pd.adult[i] = known ? add_years(P.birth[i], 18) : NO_DAY;
    pd.last[i] = P.exit_precision[i] != DatePrecision::missing ? P.exit[i] : INT32_MAX;
  }
  return pd;
}

// ------------------------------------------------------------------ 1. victim → perpetrator
VictimToPerpetratorCounts victim_to_perpetrator_counts(const Dataset& ds, const VictimToPerpetratorOptions& opt) {
  VictimToPerpetratorCounts out;
  const Window w = resolve_window(ds, opt.window);
  out.window = w;
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const PersonDates pd = person_dates(P);
  for (std::size_t i = 0; i < P.size(); ++i) {
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
      const Day d = E.date[k];
      if (!in_window(d, w)) continue;
      if (d < a18 && contains(opt.exposure_roles, E.role[k])) exposed = true;
      if (d >= a18 && E.role[k] == Role::perpetrator && first_perp == NO_DAY) first_perp = d;  // rows by date
    }
    const bool outcome = first_perp != NO_DAY;
    out.overall.add(exposed, outcome);
    out.by_sex[static_cast<std::size_t>(P.sex[i])].add(exposed, outcome);
    const int year = civil_from_days(pd.birth[i]).year;
    const int decade = (year >= 0 ? year / 10 : (year - 9) / 10) * 10;
    out.by_decade[decade].add(exposed, outcome);
    out.time.push_back(outcome ? first_perp - a18 : censor - a18);
    out.event.push_back(outcome ? 1 : 0);
    out.exposed.push_back(exposed ? 1 : 0);
    out.person.push_back(static_cast<Index>(i));
  }
  return out;
}

// ------------------------------------------------------------------ 3. chains
ChainsCounts chains_counts(const Dataset& ds, const FamilyGraph& g, const ChainsOptions& opt) {
  ChainsCounts out;
  const Window w = resolve_window(ds, opt.window);
  out.window = w;
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const PersonDates pd = person_dates(P);
  // Links, incident by incident.
  for (std::size_t inc = 0; inc < E.n_incidents(); ++inc) {
    const auto b = E.incident_offsets[inc], e = E.incident_offsets[inc + 1];
    for (auto x = b; x < e; ++x) {
      const auto rp = E.incident_rows[x];
      if (E.role[rp] != Role::perpetrator || !in_window(E.date[rp], w)) continue;
      const Index p = E.person[rp];
      for (auto y = b; y < e; ++y) {
        const auto rc = E.incident_rows[y];
        if (E.role[rc] != Role::victim || !in_window(E.date[rc], w)) continue;
        const Index c = E.person[rc];
        if (pd.birth[c] == NO_DAY || E.date[rc] >= pd.adult[c]) continue;
        if (P.mother[c] == p || P.father[c] == p) out.links.emplace_back(p, c);
      }
    }
  }
  std::sort(out.links.begin(), out.links.end(), [](const auto& x, const auto& y) {
    return std::tie(x.second, x.first) < std::tie(y.second, y.first);
  });
  out.links.erase(std::unique(out.links.begin(), out.links.end()), out.links.end());
  // Longest chain ending at each person: links go parent → child, so the topological order works.
  const std::size_t n = P.size();
  std::vector<std::uint32_t> first(n + 1, 0);
  for (auto& [p, c] : out.links) ++first[c + 1];
  for (std::size_t i = 0; i < n; ++i) first[i + 1] += first[i];
  std::vector<int> len(n, 0);
  for (Index c : g.topological_order())
    for (auto k = first[c]; k < first[c + 1]; ++k) len[c] = std::max(len[c], len[out.links[k].first] + 1);
  for (int l : len) {
    out.ge1 += l >= 1;
    out.ge2 += l >= 2;
    out.ge3 += l >= 3;
    out.longest = std::max(out.longest, l);
  }
  std::sort(out.links.begin(), out.links.end());
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
  for (std::size_t i = 0; i < n; ++i) {
    if (pd.birth[i] == NO_DAY || pd.birth[i] > w.end || pd.adult[i] <= w.start) continue;
    bool has_child = false;
    for (Index c : P.children_of(static_cast<Index>(i)))
      if (child_observed_in_childhood(c)) {
        has_child = true;
        break;
      }
    if (has_child) out.continuation.add(victim[i] != 0, perp[i] != 0);
  }
  return out;
}

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
  std::vector<Index> rel;
  for (Relation r : opt.relations) {
    auto& cr = out.case_relatives.emplace_back(P.size(), 0);
    auto& rr = out.relatives.emplace_back(P.size(), 0);
    for (std::size_t i = 0; i < P.size(); ++i) {
      if (!s.is_case[i]) continue;
      relatives(P, static_cast<Index>(i), r, rel);
      for (Index j : rel) {
        if (!s.observed[j]) continue;
        ++rr[i];
        cr[i] += s.is_case[j];
      }
    }
  }
  return out;
}

RecurrenceResultCounts recurrence_counts(const Dataset& ds, const RecurrenceOptions& opt) {
  const RecurrencePersonCounts pc = recurrence_person_counts(ds, opt);
  RecurrenceResultCounts out;
  out.window = pc.window;
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
  return out;
}

}  // namespace famgraph::indicators
