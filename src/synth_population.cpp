// Assembling lineages into one population of exact size: recording by organisations, contacts,
// the observation window, and the complete-data truth (computed from the simulation state).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "famgraph/synth/generator.hpp"
#include "famgraph/version.hpp"
#include "synth_internal.hpp"

namespace famgraph::synth {

using detail::Lineage;
using detail::none;
using detail::Stream;

namespace {

constexpr PersonId id_base = 100001;
const char* const kind_names[2] = {"child_maltreatment", "partner_violence"};

Date day(Day d) { return d == NO_DAY ? Date{} : Date{d, DatePrecision::day}; }

/// Global view of the kept part of every lineage.
struct Assembled {
  std::vector<std::size_t> offset;  // global index of each lineage's first person
  std::vector<std::size_t> kept;    // persons kept per lineage
};

void compute_truth(const std::vector<Lineage>& L, const Assembled& A, std::size_t n, Day ws, Day we,
                   Truth& t) {
  std::vector<Day> birth(n), last(n), bd18(n);
  std::vector<std::int64_t> mother(n, -1), father(n, -1);
  for (std::size_t l = 0; l < L.size(); ++l)
    for (std::size_t i = 0; i < A.kept[l]; ++i) {
      const auto& s = L[l].persons[i];
      const std::size_t g = A.offset[l] + i;
      birth[g] = s.birth;
      last[g] = s.exit == NO_DAY ? we : s.exit;
      bd18[g] = add_years(s.birth, 18);
      if (s.mother != none) mother[g] = static_cast<std::int64_t>(A.offset[l]) + s.mother;
      if (s.father != none && s.father_recorded) father[g] = static_cast<std::int64_t>(A.offset[l]) + s.father;
    }
  std::vector<std::uint8_t> exposed(n, 0), outcome(n, 0), is_case(n, 0);
  std::vector<std::pair<std::size_t, std::size_t>> links;  // (child, parent)
  for (std::size_t l = 0; l < L.size(); ++l) {
    const auto& lin = L[l];
    for (const auto& inc : lin.incidents) {
      bool kept = true;
      for (std::uint32_t r = 0; r < inc.n_rows; ++r)
        kept = kept && static_cast<std::size_t>(lin.rows[inc.first_row + r].person) < A.kept[l];
      if (!kept) continue;
      ++t.incidents[inc.kind];
      std::size_t perp = SIZE_MAX;
      for (std::uint32_t r = 0; r < inc.n_rows; ++r) {
        const auto& row = lin.rows[inc.first_row + r];
        const std::size_t g = A.offset[l] + static_cast<std::size_t>(row.person);
        const bool child = inc.date < bd18[g];
        if (child && (row.role == Role::victim || row.role == Role::witness)) exposed[g] = 1;
        if (!child && row.role == Role::perpetrator) outcome[g] = 1;
        if (row.role == Role::perpetrator) {
          is_case[g] = 1;
          perp = g;
        }
      }
      if (perp == SIZE_MAX) continue;
      for (std::uint32_t r = 0; r < inc.n_rows; ++r) {
        const auto& row = lin.rows[inc.first_row + r];
        const std::size_t c = A.offset[l] + static_cast<std::size_t>(row.person);
        if (row.role != Role::victim || inc.date >= bd18[c]) continue;
        if (mother[c] == static_cast<std::int64_t>(perp) || father[c] == static_cast<std::int64_t>(perp))
          links.emplace_back(c, perp);
      }
    }
  }
  // 1. Victim→perpetrator 2×2 over the eligible: ws < 18th birthday <= min(we, exit).
  for (std::size_t g = 0; g < n; ++g) {
    if (!(ws < bd18[g] && bd18[g] <= std::min(we, last[g]))) continue;
    if (exposed[g]) (outcome[g] ? t.vp_a : t.vp_b)++;
    else (outcome[g] ? t.vp_c : t.vp_d)++;
  }
  // 3. Longest chain of links ending at each person (parents have lower global indices).
  std::sort(links.begin(), links.end());
  std::vector<std::uint32_t> chain(n, 0);
  for (auto [c, p] : links) chain[c] = std::max(chain[c], chain[p] + 1);
  for (auto c : chain) {
    t.chains_ge1 += c >= 1;
    t.chains_ge2 += c >= 2;
    t.chains_ge3 += c >= 3;
  }
  // 4a. λ_R for parents, full and half siblings; everyone is observed in the complete data.
  std::vector<std::vector<std::size_t>> kids_m(n), kids_f(n);
  for (std::size_t g = 0; g < n; ++g) {
    if (mother[g] >= 0) kids_m[static_cast<std::size_t>(mother[g])].push_back(g);
    if (father[g] >= 0) kids_f[static_cast<std::size_t>(father[g])].push_back(g);
  }
  std::uint64_t cases = 0;
  for (auto c : is_case) cases += c;
  for (Truth::Lambda* lam : {&t.lambda_parent, &t.lambda_full_sibling, &t.lambda_half_sibling}) {
    lam->observed = n;
    lam->cases = cases;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_case[i]) continue;
    for (auto par : {mother[i], father[i]})
      if (par >= 0) {
        ++t.lambda_parent.relatives;
        t.lambda_parent.case_relatives += is_case[static_cast<std::size_t>(par)];
      }
    if (mother[i] >= 0) {
      for (auto c : kids_m[static_cast<std::size_t>(mother[i])]) {
        if (c == i) continue;
        const bool same_father = father[i] >= 0 && father[c] == father[i];
        auto& lam = same_father ? t.lambda_full_sibling : t.lambda_half_sibling;
        ++lam.relatives;
        lam.case_relatives += is_case[c];
      }
    }
    if (father[i] >= 0)
      for (auto c : kids_f[static_cast<std::size_t>(father[i])]) {
        if (c == i || mother[c] == mother[i]) continue;  // same mother: counted above
        ++t.lambda_half_sibling.relatives;
        t.lambda_half_sibling.case_relatives += is_case[c];
      }
  }
  for (Truth::Lambda* lam : {&t.lambda_parent, &t.lambda_full_sibling, &t.lambda_half_sibling}) {
    lam->K = n ? static_cast<double>(cases) / static_cast<double>(n) : 0.0;
    lam->K_R = lam->relatives ? static_cast<double>(lam->case_relatives) / static_cast<double>(lam->relatives) : 0.0;
    lam->lambda = lam->K > 0 ? lam->K_R / lam->K : 0.0;
  }
  // Generations from recorded parents (parents precede children in global order).
  std::vector<int> gen(n, 0);
  int max_gen = n ? 0 : -1;
  for (std::size_t g = 0; g < n; ++g) {
    if (mother[g] >= 0) gen[g] = std::max(gen[g], gen[static_cast<std::size_t>(mother[g])] + 1);
    if (father[g] >= 0) gen[g] = std::max(gen[g], gen[static_cast<std::size_t>(father[g])] + 1);
    max_gen = std::max(max_gen, gen[g]);
  }
  t.generations = max_gen + 1;
  // Child-years at risk (whole years of childhood inside the simulation and the person's life).
  for (std::size_t l = 0; l < L.size(); ++l) {
    const auto& lin = L[l];
    for (const auto& inc : lin.incidents) {
      if (inc.kind != 0) continue;
      // only incidents that are written out: every participant kept (as for t.incidents above)
      bool kept = true;
      for (std::uint32_t r = 0; r < inc.n_rows; ++r)
        kept = kept && static_cast<std::size_t>(lin.rows[inc.first_row + r].person) < A.kept[l];
      if (!kept) continue;
      for (std::uint32_t r = 0; r < inc.n_rows; ++r) {
        const auto& row = lin.rows[inc.first_row + r];
        if (row.role != Role::victim || static_cast<std::size_t>(row.person) >= A.kept[l]) continue;
        const auto& s = lin.persons[static_cast<std::size_t>(row.person)];
        if (inc.date < add_years(s.birth, 18)) ++t.maltreated_child_years;
      }
    }
    for (std::size_t i = 0; i < A.kept[l]; ++i) {
      const auto& s = lin.persons[i];
      const Day lastday = std::min(s.exit == NO_DAY ? we : s.exit, we);
      for (int y = 0; y < 18; ++y) {
        const Day ys = add_years(s.birth, y), ye = add_years(s.birth, y + 1) - 1;
        if (ye > lastday) break;
        if (ys >= ws) ++t.child_years;
      }
    }
  }
}

}  // namespace

Population generate(const Params& params, const Options& options) {
  validate(params);
  Population pop;
  pop.params = params;
  const Params& p = params;
  pop.simulation_start = days_from_civil(p.start_year, 1, 1);
  pop.simulation_end = days_from_civil(p.end_year, 12, 31);
  pop.window_start = days_from_civil(p.end_year - p.window_years + 1, 1, 1);
  pop.window_end = pop.simulation_end;
  const auto N = static_cast<std::size_t>(p.persons);

  // Lineages in order until there are enough persons; each is a pure function of its index, so
  // the chunk size and thread count cannot change the result.
  std::vector<Lineage> L;
  Assembled A;
  std::size_t total = 0;
  const std::size_t chunk = std::max<std::size_t>(1, options.lineages_per_chunk);
  std::uint64_t next = 0;
  while (total < N) {
    auto batch = detail::simulate_lineages(p, pop.simulation_start, pop.simulation_end, next, chunk, options.threads);
    next += chunk;
    for (auto& lin : batch) {
      if (total >= N) break;
      const std::size_t keep = std::min(lin.persons.size(), N - total);
      A.offset.push_back(total);
      A.kept.push_back(keep);
      total += keep;
      L.push_back(std::move(lin));
    }
    if (options.progress) options.progress(0.7 * static_cast<double>(total) / static_cast<double>(N));
    if (total < N && next > 50ULL * N + 100000)
      throw std::invalid_argument("synth: the lineages produce too few persons for these parameters");
  }

  io::RawTables& T = pop.tables;
  T.persons.source.file = "persons (synthetic)";
  T.partnerships.source.file = "partnerships (synthetic)";
  T.events.source.file = "events (synthetic)";
  T.contacts.source.file = "contacts (synthetic)";
  for (auto org : organisations) T.sources.intern(org);
  for (auto k : kind_names) T.kinds.intern(k);
  const std::uint16_t kind_support = *T.kinds.intern("support");
  const std::uint16_t kind_advice = *T.kinds.intern("advice");

  auto& P = T.persons;
  P.id.reserve(N);
  P.sex.reserve(N);
  P.birth.reserve(N);
  P.exit.reserve(N);
  P.mother.reserve(N);
  P.father.reserve(N);
  for (std::size_t l = 0; l < L.size(); ++l) {
    const auto base = static_cast<PersonId>(id_base + A.offset[l]);
    for (std::size_t i = 0; i < A.kept[l]; ++i) {
      const auto& s = L[l].persons[i];
      P.id.push_back(base + static_cast<PersonId>(i));
      P.sex.push_back(s.sex);
      P.birth.push_back(day(s.birth));
      P.exit.push_back(day(s.exit));
      P.mother.push_back(s.mother == none ? io::NO_ID : base + s.mother);
      P.father.push_back(s.father != none && s.father_recorded ? base + s.father : io::NO_ID);
    }
    for (const auto& u : L[l].unions) {
      if (static_cast<std::size_t>(std::max(u.a, u.b)) >= A.kept[l]) continue;
      T.partnerships.a.push_back(base + u.a);
      T.partnerships.b.push_back(base + u.b);
      T.partnerships.start.push_back(day(u.start));
      T.partnerships.end.push_back(day(u.end));
    }
  }
  if (options.progress) options.progress(0.8);

  // Recording: each organisation records a window incident with its coverage; the recorded
  // incident appears once, attributed to one of the organisations that recorded it.
  Truth& truth = pop.truth;
  auto& E = T.events;
  auto& C = T.contacts;
  PersonId next_incident = 1;
  std::vector<Day> first_recorded;
  std::vector<std::uint16_t> first_source;
  std::vector<std::vector<std::uint8_t>> written(L.size());  // per incident: appears in events
  for (std::size_t l = 0; l < L.size(); ++l) {
    const auto& lin = L[l];
    const auto base = static_cast<PersonId>(id_base + A.offset[l]);
    Stream rec(p.seed, l, detail::recording), con(p.seed, l, detail::contacts);
    first_recorded.assign(A.kept[l], NO_DAY);
    first_source.assign(A.kept[l], 0);
    written[l].assign(lin.incidents.size(), 0);
    for (std::size_t k = 0; k < lin.incidents.size(); ++k) {
      const auto& inc = lin.incidents[k];
      std::uint8_t mask = 0;
      for (int o = 0; o < n_organisations; ++o)
        if (rec.bernoulli(p.coverage[o][inc.kind])) mask = static_cast<std::uint8_t>(mask | (1u << o));
      const std::uint64_t pick = rec.next();
      bool kept = true;
      for (std::uint32_t r = 0; r < inc.n_rows; ++r)
        kept = kept && static_cast<std::size_t>(lin.rows[inc.first_row + r].person) < A.kept[l];
      if (!kept || inc.date < pop.window_start || inc.date > pop.window_end) continue;
      ++truth.window_incidents[inc.kind];
      for (int o = 0; o < n_organisations; ++o) truth.recorded_by[o][inc.kind] += (mask >> o) & 1u;
      if (!mask) continue;
      ++truth.recorded_incidents;
      written[l][k] = 1;
      const int n_rec = __builtin_popcount(mask);
      int which = static_cast<int>(pick % static_cast<std::uint64_t>(n_rec));
      std::uint16_t source = 0;
      for (int o = 0; o < n_organisations; ++o)
        if ((mask >> o) & 1u && which-- == 0) source = static_cast<std::uint16_t>(o);
      for (std::uint32_t r = 0; r < inc.n_rows; ++r) {
        const auto& row = lin.rows[inc.first_row + r];
        E.incident.push_back(next_incident);
        E.person.push_back(base + row.person);
        E.role.push_back(static_cast<std::uint8_t>(row.role));
        E.date.push_back(day(inc.date));
        E.kind.push_back(inc.kind);
        E.src.push_back(source);
        auto& f = first_recorded[static_cast<std::size_t>(row.person)];
        if (f == NO_DAY || inc.date < f) {
          f = inc.date;
          first_source[static_cast<std::size_t>(row.person)] = source;
        }
      }
      ++next_incident;
    }
    // Contacts: some recorded persons were known to an organisation before their first incident;
    // a few others have an unrelated contact during the window.
    for (std::size_t i = 0; i < A.kept[l]; ++i) {
      const auto& s = lin.persons[i];
      const Day lastday = s.exit == NO_DAY ? pop.window_end : std::min(s.exit, pop.window_end);
      const bool prior = con.bernoulli(p.contact_before);
      const Day lead = static_cast<Day>(30 + con.next() % (5 * 365));
      const Day dur = static_cast<Day>(con.exponential(180.0));
      const bool background = con.bernoulli(p.background_contact);
      const std::uint64_t r1 = con.next(), r2 = con.next();
      const Day t0 = first_recorded[i];
      if (t0 != NO_DAY && prior && t0 - lead >= s.birth) {
        const Day start = t0 - lead;
        const Day end = start + dur;
        C.person.push_back(base + static_cast<PersonId>(i));
        C.src.push_back(first_source[i]);
        C.kind.push_back(kind_support);
        C.start.push_back(day(start));
        C.end.push_back(end <= pop.window_end ? day(end) : Date{});
      }
      const Day lo = std::max(pop.window_start, s.birth);
      if (background && lo <= lastday) {
        const Day start = lo + static_cast<Day>(r1 % static_cast<std::uint64_t>(lastday - lo + 1));
        const Day end = start + static_cast<Day>(r2 % 90);
        C.person.push_back(base + static_cast<PersonId>(i));
        C.src.push_back(static_cast<std::uint16_t>((r1 >> 32) % n_organisations));
        C.kind.push_back(kind_advice);
        C.start.push_back(day(start));
        C.end.push_back(end <= pop.window_end ? day(end) : Date{});
      }
    }
  }
  if (options.progress) options.progress(0.9);
  compute_truth(L, A, N, pop.simulation_start, pop.simulation_end, truth);
  detail::compute_design_truth(L, A.offset, A.kept, written, pop.window_start, pop.window_end, id_base,
                               options.design_detail, pop.design);
  if (options.progress) options.progress(1.0);
  return pop;
}

namespace {

void write_strata(std::ostream& o, const char* name, const std::vector<DesignStratum>& strata, bool last) {
  o << "    \"" << name << "\": {\"columns\": [\"birth_year\", \"sex\", \"parents_known\", \"a\", \"b\", \"c\", \"d\"],";
  for (int v = 0; v < 2; ++v) {
    o << (v ? ",\n      \"recorded\": [" : "\n      \"complete\": [");
    for (std::size_t k = 0; k < strata.size(); ++k) {
      const auto& st = strata[k];
      const auto& c = v ? st.recorded : st.complete;
      o << (k ? ", " : "") << "[" << st.birth_year << ", \"" << to_string(st.sex) << "\", "
        << (st.parents_known ? "true" : "false") << ", " << c[0] << ", " << c[1] << ", " << c[2] << ", " << c[3] << "]";
    }
    o << "]";
  }
  o << "}" << (last ? "\n" : ",\n");
}

void write_design(std::ostream& o, const DesignTruth& d) {
  o << "  \"design\": {\n    \"definition\": \"cohort-matched designs in the generator's window, strata = "
       "single birth year x sex x parents_known (a mother or father recorded); complete = every simulated "
       "incident, recorded = the incidents in events.csv; a, b, c, d as in the 2x2 tables\",\n";
  o << "    \"window\": {\"start\": \"" << format_day(d.window_start) << "\", \"end\": \"" << format_day(d.window_end)
    << "\"},\n";
  write_strata(o, "victim_to_perpetrator", d.pathway, false);
  write_strata(o, "continuation", d.continuation, true);
  o << "  },\n";
}

}  // namespace

std::string truth_json(const Population& pop) {
  const Truth& t = pop.truth;
  std::ostringstream o;
  o.precision(17);
  o << "{\n  \"famgraph_version\": \"" << famgraph::version << "\",\n";
  o << "  \"generator\": \"famgraph.synth lineage model v1\",\n";
  o << "  \"seed\": " << pop.params.seed << ",\n  \"parameters\": {";
  bool first = true;
  for (const auto& [k, v] : parameters(pop.params)) {
    if (k == "seed") continue;
    o << (first ? "\n" : ",\n") << "    \"" << k << "\": " << v;
    first = false;
  }
  o << "\n  },\n";
  o << "  \"simulation\": {\"start\": \"" << format_day(pop.simulation_start) << "\", \"end\": \""
    << format_day(pop.simulation_end) << "\"},\n";
  o << "  \"window\": {\"start\": \"" << format_day(pop.window_start) << "\", \"end\": \""
    << format_day(pop.window_end) << "\"},\n";
  o << "  \"complete_data\": {\n";
  o << "    \"definition\": \"every simulated incident, no coverage loss, window = whole simulation, "
       "recorded parent links\",\n";
  o << "    \"victim_to_perpetrator\": {\"exposed\": {\"outcome\": " << t.vp_a << ", \"no_outcome\": " << t.vp_b
    << "}, \"unexposed\": {\"outcome\": " << t.vp_c << ", \"no_outcome\": " << t.vp_d << "}},\n";
  o << "    \"chains\": {\"ge1\": " << t.chains_ge1 << ", \"ge2\": " << t.chains_ge2 << ", \"ge3\": " << t.chains_ge3
    << "},\n";
  o << "    \"recurrence_risk\": {";
  const std::pair<const char*, const Truth::Lambda*> lams[] = {
      {"parent", &t.lambda_parent}, {"full_sibling", &t.lambda_full_sibling}, {"half_sibling", &t.lambda_half_sibling}};
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& l = *lams[k].second;
    o << (k ? ", " : "") << "\n      \"" << lams[k].first << "\": {\"observed\": " << l.observed
      << ", \"cases\": " << l.cases << ", \"case_relatives\": " << l.case_relatives
      << ", \"relatives\": " << l.relatives << ", \"K\": " << l.K << ", \"K_R\": " << l.K_R
      << ", \"lambda\": " << l.lambda << "}";
  }
  o << "\n    },\n";
  o << "    \"incidents\": {\"child_maltreatment\": " << t.incidents[0] << ", \"partner_violence\": " << t.incidents[1]
    << "},\n";
  o << "    \"child_years\": " << t.child_years << ", \"maltreated_child_years\": " << t.maltreated_child_years
    << ",\n    \"generations\": " << t.generations << "\n  },\n";
  write_design(o, pop.design);
  o << "  \"recording\": {\n    \"window_incidents\": {\"child_maltreatment\": " << t.window_incidents[0]
    << ", \"partner_violence\": " << t.window_incidents[1] << "},\n    \"recorded_incidents\": "
    << t.recorded_incidents << ",\n    \"recorded_by\": {";
  for (int org = 0; org < n_organisations; ++org)
    o << (org ? ", " : "") << "\"" << organisations[org] << "\": {\"child_maltreatment\": " << t.recorded_by[org][0]
      << ", \"partner_violence\": " << t.recorded_by[org][1] << "}";
  o << "}\n  }\n}\n";
  return o.str();
}

}  // namespace famgraph::synth
