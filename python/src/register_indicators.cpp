// Indicator counts (famgraph._core.indicators): the exact counting rules, returned as plain
// dicts; famgraph.indicators adds statistics, disclosure control and pandas results.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <span>

#include "famgraph/cell_key.hpp"
#include "famgraph/graph.hpp"
#include "famgraph/indicators/chains.hpp"
#include "famgraph/indicators/features.hpp"
#include "famgraph/indicators/overlap.hpp"
#include "famgraph/indicators/signalling.hpp"
#include "famgraph/indicators/recurrence.hpp"
#include "famgraph/indicators/transmission.hpp"
#include "famgraph/indicators/matched.hpp"
#include "famgraph/relations.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {

py::dict table(const indicators::Counts2x2& t) {
  py::dict d;
  d["a"] = t.a;
  d["b"] = t.b;
  d["c"] = t.c;
  d["d"] = t.d;
  return d;
}

/// Stratified 2×2 counts as a list of (birth_year, sex, parents_known, a, b, c, d), sorted by key.
py::list strata_list(const indicators::StratifiedCounts2x2& t) {
  py::list out;
  for (const auto& s : t.strata)
    out.append(py::make_tuple(s.birth_year, std::string(to_string(s.sex)), s.parents_known, s.counts.a, s.counts.b,
                              s.counts.c, s.counts.d));
  return out;
}

using KeyArray = std::optional<py::array_t<std::uint64_t, py::array::c_style>>;

/// The optional per-person record keys of the cell key method as a span (empty when not given).
std::span<const std::uint64_t> key_span(const KeyArray& keys) {
  if (!keys) return {};
  if (keys->ndim() != 1) throw py::value_error("person_keys: expected a one-dimensional uint64 array");
  return {keys->data(), static_cast<std::size_t>(keys->size())};
}

py::dict key_table(const disclosure::KeySums2x2& k) {
  py::dict d;
  d["a"] = k.a;
  d["b"] = k.b;
  d["c"] = k.c;
  d["d"] = k.d;
  return d;
}

Role role_of(const std::string& name, const char* option) {
  const auto set = indicators::parse_roles({name}, option);
  for (int r = 0; r < n_roles; ++r)
    if (indicators::contains(set, static_cast<Role>(r))) return static_cast<Role>(r);
  throw py::value_error(option);
}

py::dict overlap(const indicators::OverlapCounts& oc, const Dataset& ds, bool keyed) {
  py::dict d;
  py::list combos;
  for (const auto& [orgs, count] : oc.combinations) {
    py::list names;
    for (auto o : orgs) names.append(ds.sources[o]);
    combos.append(py::make_tuple(py::tuple(names), count));
  }
  d["combinations"] = combos;
  py::list pairs;
  for (std::size_t x = 0; x < oc.both.size(); ++x)
    for (std::size_t y = x + 1; y < oc.both.size(); ++y)
      pairs.append(py::make_tuple(ds.sources[x], ds.sources[y], oc.both[x][y], oc.either[x][y]));
  d["pairs"] = pairs;
  d["known_1plus"] = oc.known_1plus;
  d["known_2plus"] = oc.known_2plus;
  if (keyed) {
    py::list sums;
    for (const auto& [orgs, count] : oc.combinations) sums.append(oc.combination_key_sums.at(orgs));
    d["combination_key_sums"] = sums;  // in the order of "combinations"
  }
  return d;
}


/// A NumPy array that takes over a C++ column without copying it (the feature table is the size of
/// the population times ~30 columns: a copy would double its peak memory). With `as_bool`, a 0/1
/// byte column is viewed as numpy bool.
template <class T>
py::array adopt(std::vector<T>&& v, bool as_bool = false) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  const auto n = static_cast<py::ssize_t>(heap->size());
  if constexpr (sizeof(T) == 1) {
    if (as_bool) return py::array(py::dtype("bool"), {n}, {py::ssize_t{1}}, heap->data(), owner);
  }
  return py::array_t<T>({n}, {static_cast<py::ssize_t>(sizeof(T))}, heap->data(), owner);
}

/// The "missing" mask (true = no value) of a validity column.
py::array missing_of(const std::vector<std::uint8_t>& valid) {
  py::array_t<bool> out(static_cast<py::ssize_t>(valid.size()));
  auto* o = out.mutable_data();
  for (std::size_t k = 0; k < valid.size(); ++k) o[k] = valid[k] == 0;
  return out;
}

py::list feature_columns(indicators::FeatureTable&& t) {
  py::list cols;
  // (name, values, missing or None), in the published column order (docs/spec/indicators.md).
  auto add = [&](const std::string& name, py::array values, py::object missing) {
    cols.append(py::make_tuple(name, std::move(values), std::move(missing)));
  };
  const py::object none = py::none();
  const py::array no_birth = missing_of(t.birth_known);
  add("person_id", adopt(std::move(t.person_id)), none);
  add("sex", adopt(std::move(t.sex)), none);
  add("birth_year", adopt(std::move(t.birth_year)), no_birth);
  add("generation", adopt(std::move(t.generation)), none);
  add("observed", adopt(std::move(t.observed), true), none);
  for (int r = 0; r < n_roles; ++r) {
    const std::string role(to_string(static_cast<Role>(r)));
    add(role + "_child", adopt(std::move(t.child[r])), no_birth);
    add(role + "_adult", adopt(std::move(t.adult[r])), no_birth);
    add(role + "_total", adopt(std::move(t.total[r])), none);
  }
  const py::array no_mother = missing_of(t.has_mother), no_father = missing_of(t.has_father);
  add("mother_victim", adopt(std::move(t.mother_victim), true), no_mother);
  add("mother_perpetrator", adopt(std::move(t.mother_perpetrator), true), no_mother);
  add("father_victim", adopt(std::move(t.father_victim), true), no_father);
  add("father_perpetrator", adopt(std::move(t.father_perpetrator), true), no_father);
  std::vector<std::uint8_t> any_gp(t.grandparents_known.size());
  for (std::size_t k = 0; k < any_gp.size(); ++k) any_gp[k] = t.grandparents_known[k] > 0;
  const py::array no_gp = missing_of(any_gp);
  add("grandparents_known", adopt(std::move(t.grandparents_known)), none);
  add("grandparent_victim", adopt(std::move(t.grandparent_victim), true), no_gp);
  add("grandparent_perpetrator", adopt(std::move(t.grandparent_perpetrator), true), no_gp);
  add("n_organisations", adopt(std::move(t.n_organisations)), none);
  add("lead_time_days", adopt(std::move(t.lead_time_days)), missing_of(t.has_lead_time));
  const py::array not_eligible = missing_of(t.pathway_eligible);
  add("pathway_eligible", adopt(std::move(t.pathway_eligible), true), none);
  add("pathway_exposed", adopt(std::move(t.pathway_exposed), true), not_eligible);
  add("pathway_outcome", adopt(std::move(t.pathway_outcome), true), not_eligible);
  return cols;
}

std::vector<std::string> default_relation_names() {
  std::vector<std::string> out;
  for (auto r : indicators::RecurrenceOptions{}.relations) out.emplace_back(to_string(r));
  return out;
}

py::tuple names_of(indicators::RoleSet s) {
  py::list out;
  for (const auto& n : indicators::role_names(s)) out.append(n);
  return py::tuple(out);
}

}  // namespace

void register_indicators(py::module_& root) {
  auto m = root.def_submodule("indicators", "indicator counting rules (internal)");

  // The shared rules and defaults (common.hpp), so that no other layer restates them.
  {
    py::list roles_;
    for (int r = 0; r < n_roles; ++r) roles_.append(std::string(to_string(static_cast<Role>(r))));
    m.attr("ROLES") = py::tuple(roles_);
    py::list sexes;
    for (int s = 0; s < 3; ++s) sexes.append(std::string(to_string(static_cast<Sex>(s))));
    m.attr("SEXES") = py::tuple(sexes);
    m.attr("NO_DAY") = NO_DAY;
    m.attr("NO_INDEX") = NONE;
    m.attr("DEFAULT_EXPOSURE_ROLES") = names_of(indicators::default_exposure_roles);
    m.attr("DEFAULT_CASE_ROLES") = names_of(indicators::default_case_roles);
    m.attr("DEFAULT_RECURRENCE_RELATIONS") = py::tuple(py::cast(default_relation_names()));
  }
  m.def(
      "resolve_window",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we) {
        return window_tuple(indicators::resolve_window(*ds, window_of(ws, we)));
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      "The window as inclusive (start, end) day numbers: a missing end is the first / last event date "
      "(ValueError when the data has no events, or when the end is before the start).");
  m.def(
      "feature_table",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& exposure_roles) {
        indicators::FeatureTableOptions o;
        o.window = window_of(ws, we);
        o.exposure_roles = indicators::parse_roles(exposure_roles, "exposure_roles");
        indicators::FeatureTable t;
        {
          py::gil_scoped_release release;
          const FamilyGraph g(ds->persons);
          t = indicators::feature_table(*ds, g, o);
        }
        py::dict d;
        d["window"] = window_tuple(t.window);
        d["work"] = t.work;
        d["columns"] = feature_columns(std::move(t));
        return d;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("exposure_roles") = indicators::role_names(indicators::default_exposure_roles),
      "The person-level feature table: {'window': (start, end), 'work': steps, 'columns': [(name, values, "
      "missing or None)]} in the published column order; 'sex' holds codes into SEXES.");
  m.def("parse_roles", [](const std::vector<std::string>& names, const std::string& option) {
    return indicators::role_names(indicators::parse_roles(names, option));
  });
  m.def(
      "victim_to_perpetrator",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& exposure_roles, const KeyArray& person_keys, bool matched,
         double level) {
        indicators::VictimToPerpetratorOptions o;
        o.window = window_of(ws, we);
        o.exposure_roles = indicators::parse_roles(exposure_roles, "exposure_roles");
        o.person_keys = key_span(person_keys);
        indicators::VictimToPerpetratorCounts c;
        std::optional<indicators::MatchedPathway> mp;
        {
          py::gil_scoped_release release;
          c = indicators::victim_to_perpetrator_counts(*ds, o);
          if (matched) {
            indicators::MatchedOptions mo;
            mo.level = level;
            mp = indicators::matched_pathway(*ds, c, mo);
          }
        }
        py::dict d;
        d["window"] = window_tuple(c.window);
        d["overall"] = table(c.overall);
        py::dict sex;
        for (int s = 0; s < 3; ++s) sex[py::str(std::string(to_string(static_cast<Sex>(s))))] = table(c.by_sex[s]);
        d["by_sex"] = sex;
        py::dict dec;
        for (const auto& [k, v] : c.by_decade) dec[py::int_(k)] = table(v);
        d["by_decade"] = dec;
        d["without_birth_date"] = c.without_birth_date;
        d["time"] = to_array(c.time);
        d["event"] = to_array(c.event);
        d["exposed"] = to_array(c.exposed);
        d["person"] = to_array(c.person);
        d["strata"] = strata_list(c.strata);
        d["strata_without_birth_date"] = c.strata.without_birth_date;
        d["work"] = c.work;
        if (person_keys) {
          py::dict k;
          k["overall"] = key_table(c.keys.overall);
          py::dict ks;
          for (int s = 0; s < 3; ++s)
            ks[py::str(std::string(to_string(static_cast<Sex>(s))))] = key_table(c.keys.by_sex[s]);
          k["by_sex"] = ks;
          py::dict kd;
          for (const auto& [dec_, v] : c.keys.by_decade) kd[py::int_(dec_)] = key_table(v);
          k["by_decade"] = kd;
          d["key_sums"] = k;
        }
        if (mp) d["matched_pathway"] = matched_pathway_dict(*mp);
        return d;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("exposure_roles") = indicators::role_names(indicators::default_exposure_roles), py::arg("person_keys") = py::none(),
      py::arg("matched") = false, py::arg("level") = 0.95);
  m.def(
      "person_dates",
      [](std::shared_ptr<const Dataset> ds) {
        const indicators::PersonDates pd = indicators::person_dates(ds->persons);
        py::dict d;
        d["birth"] = to_array(pd.birth);
        d["adult"] = to_array(pd.adult);
        d["last"] = to_array(pd.last);
        return d;
      },
      py::arg("dataset"), "birth day, 18th birthday (NO_DAY when unknown) and last observed day per person");
  m.def(
      "chains",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we, const KeyArray& person_keys) {
        indicators::ChainsCounts c;
        {
          py::gil_scoped_release release;
          const FamilyGraph g(ds->persons);
          c = indicators::chains_counts(*ds, g, {window_of(ws, we), key_span(person_keys)});
        }
        py::dict d;
        d["window"] = window_tuple(c.window);
        d["ge1"] = c.ge1;
        d["ge2"] = c.ge2;
        d["ge3"] = c.ge3;
        d["longest"] = c.longest;
        d["continuation"] = table(c.continuation);
        py::array_t<std::int64_t> p(static_cast<py::ssize_t>(c.links.size())), ch(static_cast<py::ssize_t>(c.links.size()));
        for (std::size_t k = 0; k < c.links.size(); ++k) {
          p.mutable_data()[k] = ds->persons.id[c.links[k].first];
          ch.mutable_data()[k] = ds->persons.id[c.links[k].second];
        }
        d["links"] = py::make_tuple(p, ch);
        d["continuation_strata"] = strata_list(c.continuation_strata);
        d["continuation_strata_without_birth_date"] = c.continuation_strata.without_birth_date;
        d["work"] = c.work;
        if (person_keys) {
          py::dict k;
          k["links"] = c.links_key_sum;
          k["chain_exactly"] = py::make_tuple(c.chain_key_sums[0], c.chain_key_sums[1], c.chain_key_sums[2]);
          k["continuation"] = key_table(c.continuation_keys);
          d["key_sums"] = k;
        }
        return d;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("person_keys") = py::none());
  m.def(
      "recurrence_risk",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& case_roles, const std::vector<std::string>& relations) {
        indicators::RecurrenceOptions o;
        o.window = window_of(ws, we);
        o.case_roles = indicators::parse_roles(case_roles, "case_roles");
        o.relations.clear();
        for (const auto& r : relations) o.relations.push_back(parse_relation(r));
        indicators::RecurrenceResultCounts c;
        {
          py::gil_scoped_release release;
          c = indicators::recurrence_counts(*ds, o);
        }
        py::dict d;
        d["window"] = window_tuple(c.window);
        py::dict rel;
        for (const auto& r : c.by_relation) {
          py::dict x;
          x["observed"] = r.observed;
          x["cases"] = r.cases;
          x["case_relatives"] = r.case_relatives;
          x["relatives"] = r.relatives;
          x["K"] = r.K();
          x["K_R"] = r.K_R();
          x["lambda"] = r.lambda();
          rel[py::str(std::string(to_string(r.relation)))] = x;
        }
        d["by_relation"] = rel;
        d["work"] = c.work;
        return d;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("case_roles") = indicators::role_names(indicators::default_case_roles),
      py::arg("relations") = default_relation_names());
  m.def(
      "recurrence_person_counts",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& case_roles, const std::vector<std::string>& relations) {
        indicators::RecurrenceOptions o;
        o.window = window_of(ws, we);
        o.case_roles = indicators::parse_roles(case_roles, "case_roles");
        o.relations.clear();
        for (const auto& r : relations) o.relations.push_back(parse_relation(r));
        indicators::RecurrencePersonCounts c;
        std::vector<Index> component;
        {
          py::gil_scoped_release release;
          c = indicators::recurrence_person_counts(*ds, o);
          const FamilyGraph g(ds->persons);
          component.assign(g.component().begin(), g.component().end());
        }
        py::dict d;
        d["window"] = window_tuple(c.window);
        d["observed"] = to_array(c.status.observed);
        d["is_case"] = to_array(c.status.is_case);
        d["component"] = to_array(component);
        py::dict rel;
        for (std::size_t k = 0; k < c.relations.size(); ++k)
          rel[py::str(std::string(to_string(c.relations[k])))] =
              py::make_tuple(to_array(c.case_relatives[k]), to_array(c.relatives[k]));
        d["by_relation"] = rel;
        d["work"] = c.work;
        return d;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("case_roles") = indicators::role_names(indicators::default_case_roles),
      py::arg("relations") = default_relation_names());
  m.def(
      "relative_exposure",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& relations, const std::vector<std::pair<std::string, std::string>>& role_pairs,
         bool strata, const KeyArray& person_keys) {
        indicators::RelativeExposureOptions o;
        o.window = window_of(ws, we);
        o.person_keys = key_span(person_keys);
        o.relations.clear();
        for (const auto& r : relations) o.relations.push_back(parse_relation(r));
        o.role_pairs.clear();
        for (const auto& [a, b] : role_pairs)
          o.role_pairs.push_back({role_of(a, "role_pairs (relative role)"), role_of(b, "role_pairs (proband role)")});
        indicators::RelativeExposureCounts t;
        {
          py::gil_scoped_release release;
          t = indicators::relative_exposure_table(*ds, o);
        }
        py::list out;
        for (const auto& c : t.cells) {
          py::dict counts = table(c.counts);
          if (strata) {
            counts["strata"] = strata_list(c.strata);
            counts["strata_without_birth_date"] = c.strata.without_birth_date;
            counts["work"] = t.work;
          }
          if (person_keys) counts["key_sums"] = key_table(c.keys);
          out.append(py::make_tuple(std::string(to_string(c.relation)), std::string(to_string(c.roles.relative_role)),
                                    std::string(to_string(c.roles.proband_role)), counts));
        }
        return py::make_tuple(window_tuple(t.window), out);
      },
      py::arg("dataset"), py::arg("window_start"), py::arg("window_end"), py::arg("relations"), py::arg("role_pairs"),
      py::arg("strata") = false, py::arg("person_keys") = py::none(),
      "(window, [(relation, relative_role, proband_role, {a, b, c, d})]); with strata=True each dict also holds "
      "'strata' [(birth_year, sex, parents_known, a, b, c, d)] (single birth year x sex x parents recorded of the "
      "proband, non-empty strata sorted), 'strata_without_birth_date' (probands in no stratum) and 'work' (steps of "
      "the whole table); with person_keys (one uint64 per person) also 'key_sums' {a, b, c, d}");
  m.def(
      "repeat_incidents",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we, int T,
         const KeyArray& person_keys) {
        indicators::RepeatIncidentsCounts c;
        {
          py::gil_scoped_release release;
          c = indicators::repeat_incidents_counts(*ds, {window_of(ws, we), T, key_span(person_keys)});
        }
        auto unit = [&](const indicators::RepeatCounts& r) {
          py::dict u(py::arg("n") = r.n, py::arg("repeat") = r.repeat);
          if (person_keys) u["key_sums"] = py::make_tuple(r.repeat_key_sum, r.no_repeat_key_sum);
          return u;
        };
        py::dict d;
        d["window"] = window_tuple(c.window);
        d["T"] = c.T;
        d["persons"] = unit(c.persons);
        d["families"] = unit(c.families);
        d["work"] = c.work;
        return d;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(), py::arg("T") = 365,
      py::arg("person_keys") = py::none());
  m.def(
      "early_signalling",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we, std::vector<int> years) {
        indicators::EarlySignallingCounts c;
        {
          py::gil_scoped_release release;
          c = indicators::early_signalling_counts(*ds, {window_of(ws, we), years});
        }
        py::dict d;
        d["window"] = window_tuple(c.window);
        d["first_incidents"] = c.first_incidents;
        d["minors"] = c.minors;
        d["years"] = c.years;
        py::list overall;
        for (const auto& s : c.overall) overall.append(py::make_tuple(s.preceded, s.preceded_minor_self_or_parent));
        d["overall"] = overall;
        py::dict by_org;
        for (std::size_t o = 0; o < c.by_org.size(); ++o) {
          py::list l;
          for (const auto& s : c.by_org[o]) l.append(py::make_tuple(s.preceded, s.preceded_minor_self_or_parent));
          by_org[py::str(ds->sources[o])] = l;
        }
        d["by_org"] = by_org;
        d["lead_times"] = to_array(c.lead_times);
        d["work"] = c.work;
        return d;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("years") = std::vector<int>{1, 2, 5});
  m.def(
      "agency_overlap",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we, const KeyArray& person_keys) {
        indicators::AgencyOverlapCounts c;
        {
          py::gil_scoped_release release;
          c = indicators::agency_overlap_counts(*ds, {window_of(ws, we), key_span(person_keys)});
        }
        py::dict d;
        d["window"] = window_tuple(c.window);
        d["persons"] = overlap(c.persons, *ds, person_keys.has_value());
        d["families"] = overlap(c.families, *ds, person_keys.has_value());
        d["work"] = c.work;
        return d;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("person_keys") = py::none());
}

}  // namespace famgraph::python
