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

/// The matched estimate of stratified counts with its count-free verdict (the result of `matched`).
struct MatchedResult {
  indicators::MatchedEstimate matched;
  indicators::VerdictResult verdict;
};

std::string verdict_name(const indicators::VerdictResult& r) { return std::string(indicators::to_string(r.verdict)); }

}  // namespace

void bind_matched_classes(py::module_& s) {
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
  using VR = indicators::VerdictResult;
  Record<VR>(s, "VerdictResult", "What a window can show (design.hpp, docs/estimands.md): the first rule that applies.")
      .column("verdict", verdict_name, "estimable, imprecise or not estimable in this window")
      .field("rule", &VR::rule, "the number of the rule that decided (0: none applied, estimable)")
      .field("reason", &VR::reason, "one sentence, empty when estimable")
      .done();
  using ME = indicators::MatchedEstimate;
  Record<ME>(s, "MatchedEstimate", "The pooled estimates of one stratified 2x2 table (matched.hpp).")
      .field("strata", &ME::strata, "non-empty strata given")
      .field("informative_strata", &ME::informative_strata,
             "strata with exposed and unexposed persons and an outcome (the verdict counts these; the odds "
             "ratio's are mh.n_informative)")
      .field("outcomes_exposed", &ME::outcomes_exposed, "sum of a over the informative strata")
      .field("outcomes_unexposed", &ME::outcomes_unexposed, "sum of c over the informative strata")
      .field("informative_cells", &ME::informative_cells, "a, b, c, d summed over the informative strata")
      .field("mh", &ME::mh, "Mantel-Haenszel OR (RBG), RR (Greenland-Robins), CMH, Breslow-Day")
      .field("clr", &ME::clr, "conditional logistic odds ratio with its Wald interval; None: clr_note says why")
      .field("clr_note", &ME::clr_note)
      .done();
  Record<MatchedResult>(s, "MatchedResult", "matched(): the matched estimate with its verdict (no age rule).")
      .field("matched", &MatchedResult::matched)
      .field("verdict", &MatchedResult::verdict)
      .done();
  using PC = indicators::PathwayCohort;
  Record<PC>(s, "PathwayCohort", "One birth cohort of the pathway: the window's design and what the data hold for it.")
      .field("birth_year", &PC::birth_year)
      .field("childhood_years", &PC::childhood_years)
      .field("adult_years", &PC::adult_years)
      .field("persons", &PC::persons, "eligible persons born that year")
      .field("person_years", &PC::person_years, "their adult follow-up inside the window (years of 365.25 days)")
      .field("contributes", &PC::contributes, "a stratum of this year is informative")
      .done();
  using FU = indicators::PathwayFollowUp;
  Record<FU>(s, "PathwayFollowUp", "The follow-up-aware estimates of the pathway; index 0 = unexposed, 1 = exposed.")
      .field("cox", &FU::cox, "stratified Cox model (Efron ties); None: cox_note says why")
      .field("cox_note", &FU::cox_note)
      .field("events", &FU::events, "first adult perpetrations (unexposed, exposed)")
      .field("person_years", &FU::person_years, "adult follow-up inside the window (unexposed, exposed)")
      .field("rate_ratio", &FU::rate_ratio, "Mantel-Haenszel rate ratio over the strata")
      .done();
  using MP = indicators::MatchedPathway;
  Record<MP>(s, "MatchedPathway", "The matched victim -> perpetrator pathway (matched.hpp).")
      .field("matched", &MP::matched)
      .field("follow_up", &MP::follow_up)
      .field("cohorts", &MP::cohorts, "oldest first (cohort_design of the window)")
      .field("oldest_age", &MP::oldest_age, "oldest_eligible_age of the window")
      .field("ages", &MP::ages, "first_perpetration_ages of the window")
      .field("verdict", &MP::verdict, "with the age rule")
      .done();
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

MatchedResult matched_with_verdict(const indicators::StratifiedCounts2x2& t, double level) {
  py::gil_scoped_release release;
  MatchedResult r;
  r.matched = indicators::matched_estimate(t, level);
  r.verdict = indicators::verdict(indicators::verdict_inputs(r.matched));
  return r;
}

}  // namespace

void register_design(py::module_& m) {
  py::module_ s = m.attr("indicators").cast<py::module_>();
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
        return indicators::verdict(in, rules);
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
        return indicators::count_verdict(units, what);
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
      "verdict (no age rule)");
  s.def(
      "matched",
      [](const indicators::StratifiedCounts2x2& t, double level) { return matched_with_verdict(t, level); },
      py::arg("strata"), py::arg("level") = 0.95,
      "The same for the StratifiedCounts2x2 of an indicator result (passed back to the core without conversion)");
}

}  // namespace famgraph::python
