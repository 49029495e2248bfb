// The target values of the validity study (docs/validity.md): the cohort-matched designs of the
// victim→perpetrator pathway and of the continuation table, computed from the generator's own
// simulation state — every simulated incident ("complete") and the recorded ones only — with code
// that shares nothing with famgraph::indicators, so that a test comparing the two can fail.
#include <algorithm>
#include <map>
#include <tuple>

#include "synth_internal.hpp"

namespace famgraph::synth::detail {

namespace {

struct Key {
  int year;
  int sex;
  bool parents;
  friend auto operator<=>(const Key&, const Key&) = default;
};

/// 0 = a (exposed, outcome), 1 = b, 2 = c, 3 = d.
int cell(bool exposed, bool outcome) { return exposed ? (outcome ? 0 : 1) : (outcome ? 2 : 3); }

std::vector<DesignStratum> flatten(const std::map<Key, DesignStratum>& m) {
  std::vector<DesignStratum> out;
  out.reserve(m.size());
  for (const auto& [k, v] : m) out.push_back(v);
  return out;
}

}  // namespace

void compute_design_truth(const std::vector<Lineage>& L, const std::vector<std::size_t>& offset,
                          const std::vector<std::size_t>& kept,
                          const std::vector<std::vector<std::uint8_t>>& recorded, Day ws, Day we,
                          std::int64_t id_base, bool detail, DesignTruth& out) {
  out.window_start = ws;
  out.window_end = we;
  std::map<Key, DesignStratum> pathway, continuation;
  auto stratum = [](std::map<Key, DesignStratum>& m, const SimPerson& s) -> DesignStratum& {
    const bool pk = s.mother != none || (s.father != none && s.father_recorded);
    const Key k{civil_from_days(s.birth).year, static_cast<int>(s.sex), pk};
    auto [it, fresh] = m.try_emplace(k);
    if (fresh) {
      it->second.birth_year = k.year;
      it->second.sex = s.sex;
      it->second.parents_known = pk;
    }
    return it->second;
  };
  // Lineages are independent (no person belongs to two), so each is handled on its own.
  for (std::size_t l = 0; l < L.size(); ++l) {
    const Lineage& lin = L[l];
    const std::size_t n = kept[l];
    // Per person, [0] complete / [1] recorded.
    std::vector<std::array<std::uint8_t, 2>> exposed(n, {0, 0}), linked_victim(n, {0, 0}),
        linked_perp(n, {0, 0});
    std::vector<std::array<Day, 2>> first_perp(n, {NO_DAY, NO_DAY});
    std::vector<Day> adult(n);
    for (std::size_t i = 0; i < n; ++i) adult[i] = add_years(lin.persons[i].birth, 18);
    auto recorded_parent = [&](std::size_t c, std::int32_t p) {
      const SimPerson& s = lin.persons[c];
      return s.mother == p || (s.father == p && s.father_recorded);
    };
    for (std::size_t k = 0; k < lin.incidents.size(); ++k) {
      const SimIncident& inc = lin.incidents[k];
      if (inc.date < ws || inc.date > we) continue;
      bool all_kept = true;
      for (std::uint32_t r = 0; r < inc.n_rows; ++r)
        all_kept = all_kept && static_cast<std::size_t>(lin.rows[inc.first_row + r].person) < n;
      if (!all_kept) continue;  // such an incident is never written
      const bool rec = recorded[l][k] != 0;
      for (std::uint32_t r = 0; r < inc.n_rows; ++r) {
        const SimRow& row = lin.rows[inc.first_row + r];
        const auto i = static_cast<std::size_t>(row.person);
        const bool child = inc.date < adult[i];
        for (int v = 0; v < 2; ++v) {
          if (v == 1 && !rec) continue;
          if (child && (row.role == Role::victim || row.role == Role::witness)) exposed[i][v] = 1;
          if (!child && row.role == Role::perpetrator && (first_perp[i][v] == NO_DAY || inc.date < first_perp[i][v]))
            first_perp[i][v] = inc.date;
        }
      }
      // Links: a recorded parent perpetrator and their child as victim, in childhood.
      for (std::uint32_t r = 0; r < inc.n_rows; ++r) {
        const SimRow& pr = lin.rows[inc.first_row + r];
        if (pr.role != Role::perpetrator) continue;
        for (std::uint32_t q = 0; q < inc.n_rows; ++q) {
          const SimRow& cr = lin.rows[inc.first_row + q];
          const auto c = static_cast<std::size_t>(cr.person);
          if (cr.role != Role::victim || inc.date >= adult[c] || !recorded_parent(c, pr.person)) continue;
          for (int v = 0; v < 2; ++v) {
            if (v == 1 && !rec) continue;
            linked_victim[c][v] = 1;
            linked_perp[static_cast<std::size_t>(pr.person)][v] = 1;
          }
        }
      }
    }
    // A child observed in childhood: max(birth, ws) <= min(we, exit, 18th birthday - 1 day).
    std::vector<std::uint8_t> has_observed_child(n, 0);
    for (std::size_t c = 0; c < n; ++c) {
      const SimPerson& s = lin.persons[c];
      const Day last = s.exit == NO_DAY ? we : std::min(s.exit, we);
      if (std::max(s.birth, ws) > std::min(last, adult[c] - 1)) continue;
      if (s.mother != none) has_observed_child[static_cast<std::size_t>(s.mother)] = 1;
      if (s.father != none && s.father_recorded) has_observed_child[static_cast<std::size_t>(s.father)] = 1;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const SimPerson& s = lin.persons[i];
      const Day last = s.exit == NO_DAY ? we : std::min(s.exit, we);
      if (ws < adult[i] && adult[i] <= last) {
        DesignStratum& st = stratum(pathway, s);
        ++st.complete[static_cast<std::size_t>(cell(exposed[i][0] != 0, first_perp[i][0] != NO_DAY))];
        ++st.recorded[static_cast<std::size_t>(cell(exposed[i][1] != 0, first_perp[i][1] != NO_DAY))];
        if (detail) {
          DesignTruth::Person p;
          p.id = id_base + static_cast<std::int64_t>(offset[l] + i);
          p.birth_year = st.birth_year;
          p.sex = s.sex;
          p.parents_known = st.parents_known;
          p.exposed_complete = exposed[i][0] != 0;
          p.exposed_recorded = exposed[i][1] != 0;
          p.event_complete = first_perp[i][0] != NO_DAY;
          p.event_recorded = first_perp[i][1] != NO_DAY;
          p.time_complete = (p.event_complete ? first_perp[i][0] : last) - adult[i];
          p.time_recorded = (p.event_recorded ? first_perp[i][1] : last) - adult[i];
          out.persons.push_back(p);
        }
      }
      if (s.birth <= we && adult[i] > ws && has_observed_child[i]) {
        DesignStratum& st = stratum(continuation, s);
        ++st.complete[static_cast<std::size_t>(cell(linked_victim[i][0] != 0, linked_perp[i][0] != 0))];
        ++st.recorded[static_cast<std::size_t>(cell(linked_victim[i][1] != 0, linked_perp[i][1] != 0))];
      }
    }
  }
  out.pathway = flatten(pathway);
  out.continuation = flatten(continuation);
}

}  // namespace famgraph::synth::detail
