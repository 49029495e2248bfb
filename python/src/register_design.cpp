// Design diagnostics (famgraph._core.indicators.verdict / cohort_design / oldest_eligible_age /
// first_perpetration_ages): what a window can show, docs/estimands.md.
#include <pybind11/stl.h>
#include <pybind11/typing.h>

#include <optional>

#include "famgraph/indicators/design.hpp"
#include "famgraph/indicators/matched.hpp"
#include "record.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {

/// {"verdict": name, "code", "rule", "reason"}: kept a dict because matched_dict and the
/// matched_pathway of register_indicators.cpp nest the same layout.
using VerdictDict = py::typing::Dict<py::str, py::typing::Union<py::str, py::int_>>;

py::object estimate_tuple(const std::optional<stats::PooledEstimate>& e) {
  if (!e) return py::none();
  if (!e->ci) return py::make_tuple(e->value, py::none(), py::none());
  return py::make_tuple(e->value, e->ci->lower, e->ci->upper);
}

py::dict verdict_dict(const indicators::VerdictResult& r) {
  py::dict d;
  d["verdict"] = std::string(indicators::to_string(r.verdict));
  d["code"] = static_cast<int>(r.verdict);
  d["rule"] = r.rule;
  d["reason"] = r.reason;
  return d;
}

}  // namespace

py::dict matched_dict(const indicators::MatchedEstimate& m) {
  py::dict d;
  d["strata"] = m.strata;
  d["informative_strata"] = m.informative_strata;
  d["informative_strata_or"] = m.mh.n_informative;
  d["outcomes_exposed"] = m.outcomes_exposed;
  d["outcomes_unexposed"] = m.outcomes_unexposed;
  py::dict cells;
  cells["a"] = m.informative_cells.a;
  cells["b"] = m.informative_cells.b;
  cells["c"] = m.informative_cells.c;
  cells["d"] = m.informative_cells.d;
  d["cells"] = cells;
  d["or_mh"] = estimate_tuple(m.mh.odds_ratio);
  d["rr_mh"] = estimate_tuple(m.mh.risk_ratio);
  d["or_clr"] = estimate_tuple(m.clr);
  d["clr_note"] = m.clr_note;
  d["cmh_p"] = m.mh.cmh ? py::object(py::float_(m.mh.cmh->p_value)) : py::object(py::none());
  return d;
}

py::dict matched_pathway_dict(const indicators::MatchedPathway& p) {
  py::dict d;
  d["matched"] = matched_dict(p.matched);
  d["verdict"] = verdict_dict(p.verdict);
  py::list cohorts;
  for (const auto& c : p.cohorts)
    cohorts.append(
        py::make_tuple(c.birth_year, c.childhood_years, c.adult_years, c.persons, c.person_years, c.contributes));
  d["cohorts"] = cohorts;
  d["oldest_age"] = p.oldest_age;
  py::dict ages;
  ages["persons"] = p.ages.persons;
  ages["q1"] = p.ages.q1;
  ages["median"] = p.ages.median;
  ages["q3"] = p.ages.q3;
  d["ages"] = ages;
  const auto& f = p.follow_up;
  py::dict fu;
  fu["events_unexposed"] = f.events[0];
  fu["events_exposed"] = f.events[1];
  fu["person_years_unexposed"] = f.person_years[0];
  fu["person_years_exposed"] = f.person_years[1];
  fu["rate_ratio_mh"] = estimate_tuple(f.rate_ratio.rate_ratio);
  fu["rate_ratio_informative_strata"] = f.rate_ratio.n_informative;
  if (f.cox) {
    const auto& c = *f.cox;
    fu["cox"] = py::make_tuple(c.hazard_ratio[0], c.hr_ci[0].lower, c.hr_ci[0].upper);
    fu["cox_p"] = c.wald_test.p_value;
    fu["cox_strata_with_events"] = c.n_strata_with_events;
  } else {
    fu["cox"] = py::none();
    fu["cox_p"] = py::none();
    fu["cox_strata_with_events"] = 0;
  }
  fu["cox_note"] = f.cox_note;
  d["follow_up"] = fu;
  return d;
}

indicators::StratifiedCounts2x2 strata_from_rows(const py::list& rows) {
  indicators::StratifiedCounts2x2 t;
  t.strata.reserve(rows.size());
  for (const auto& item : rows) {
    const auto r = item.cast<py::tuple>();
    if (r.size() != 7)
      throw py::value_error("a stratum row is (birth_year, sex, parents_known, a, b, c, d)");
    indicators::StratumCounts2x2 s;
    s.birth_year = r[0].cast<int>();
    s.parents_known = r[2].cast<bool>();
    s.counts.a = r[3].cast<std::uint64_t>();
    s.counts.b = r[4].cast<std::uint64_t>();
    s.counts.c = r[5].cast<std::uint64_t>();
    s.counts.d = r[6].cast<std::uint64_t>();
    t.strata.push_back(s);
  }
  return t;
}

namespace {

// The matched estimate of stratified counts with its count-free verdict, as the dict that
// famgraph.indicators._matched reads (both overloads of `matched` return it).
py::typing::Dict<py::str, Object> matched_with_verdict(const indicators::StratifiedCounts2x2& t, double level) {
  indicators::MatchedEstimate m;
  {
    py::gil_scoped_release release;
    m = indicators::matched_estimate(t, level);
  }
  py::dict d = matched_dict(m);
  d["verdict"] = verdict_dict(indicators::verdict(indicators::verdict_inputs(m)));
  return py::typing::Dict<py::str, Object>(d);
}

}  // namespace

void register_design(py::module_& m) {
  py::module_ s = m.attr("indicators").cast<py::module_>();
  using CD = indicators::CohortDesign;
  Record<CD>(s, "CohortDesign", "One birth year of the window's design: years of childhood and adulthood in the window.")
      .field("birth_year", &CD::birth_year)
      .field("childhood_years", &CD::childhood_years)
      .field("adult_years", &CD::adult_years)
      .done();
  using PA = indicators::PerpetrationAges;
  Record<PA>(s, "PerpetrationAges", "Ages at the first in-window perpetration: persons and numpy-default quartiles.")
      .field("persons", &PA::persons)
      .field("q1", &PA::q1)
      .field("median", &PA::median)
      .field("q3", &PA::q3)
      .done();
  s.def(
      "verdict",
      [](std::uint64_t informative_strata, std::uint64_t outcomes_exposed, std::uint64_t outcomes_unexposed,
         std::optional<double> ci_lower, std::optional<double> ci_upper, bool age_rule,
         std::optional<int> oldest_age, std::optional<double> age_q1, std::optional<double> age_median,
         std::uint64_t min_outcomes, std::uint64_t precise_outcomes, double max_ci_ratio) {
        indicators::VerdictInputs in;
        in.informative_strata = informative_strata;
        in.outcomes_exposed = outcomes_exposed;
        in.outcomes_unexposed = outcomes_unexposed;
        in.ci_lower = ci_lower;
        in.ci_upper = ci_upper;
        in.age_rule = age_rule;
        in.oldest_age = oldest_age;
        in.age_q1 = age_q1;
        in.age_median = age_median;
        indicators::DesignRules rules;
        rules.min_outcomes = min_outcomes;
        rules.precise_outcomes = precise_outcomes;
        rules.max_ci_ratio = max_ci_ratio;
        return VerdictDict(verdict_dict(indicators::verdict(in, rules)));
      },
      py::arg("informative_strata"), py::arg("outcomes_exposed"), py::arg("outcomes_unexposed"),
      py::arg("ci_lower") = py::none(), py::arg("ci_upper") = py::none(), py::arg("age_rule") = false,
      py::arg("oldest_age") = py::none(), py::arg("age_q1") = py::none(), py::arg("age_median") = py::none(),
      py::arg("min_outcomes") = indicators::DesignRules{}.min_outcomes,
      py::arg("precise_outcomes") = indicators::DesignRules{}.precise_outcomes,
      py::arg("max_ci_ratio") = indicators::DesignRules{}.max_ci_ratio);
  s.def(
      "count_verdict",
      [](std::uint64_t units, const std::string& what) {
        return VerdictDict(verdict_dict(indicators::count_verdict(units, what)));
      },
      py::arg("units"), py::arg("what"),
      "The verdict of an indicator resting on `units` (no age rule): fewer than 10 not estimable, fewer than 20 "
      "imprecise");
  s.def(
      "cohort_design",
      [](Day ws, Day we) { return indicators::cohort_design({ws, we}); },
      py::arg("window_start"), py::arg("window_end"));
  s.def(
      "oldest_eligible_age", [](Day ws, Day we) { return indicators::oldest_eligible_age({ws, we}); },
      py::arg("window_start"), py::arg("window_end"));
  s.def(
      "first_perpetration_ages",
      [](const Dataset& ds, Day ws, Day we) {
        py::gil_scoped_release release;
        return indicators::first_perpetration_ages(ds, {ws, we});
      },
      py::arg("dataset"), py::arg("window_start"), py::arg("window_end"));
  s.def(
      "matched",
      [](const py::typing::List<py::typing::Tuple<int, py::str, bool, std::uint64_t, std::uint64_t, std::uint64_t,
                                                   std::uint64_t>>& rows,
         double level) {
        return matched_with_verdict(strata_from_rows(rows), level);
      },
      py::arg("strata"), py::arg("level") = 0.95,
      "The matched estimate of stratified 2x2 counts [(birth_year, sex, parents_known, a, b, c, d)] with its "
      "verdict (no age rule): a dict (see matched_dict in register.hpp)");
  s.def(
      "matched",
      [](const indicators::StratifiedCounts2x2& t, double level) { return matched_with_verdict(t, level); },
      py::arg("strata"), py::arg("level") = 0.95,
      "The same for the StratifiedCounts2x2 of an indicator result (passed back to the core without conversion)");
}

}  // namespace famgraph::python
