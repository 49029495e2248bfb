// Design diagnostics (famgraph._core.indicators.verdict / cohort_design / oldest_eligible_age /
// first_perpetration_ages): what a window can show, docs/estimands.md.
#include <pybind11/stl.h>

#include <optional>

#include "famgraph/indicators/design.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

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
        const auto r = indicators::verdict(in, rules);
        py::dict d;
        d["verdict"] = std::string(indicators::to_string(r.verdict));
        d["code"] = static_cast<int>(r.verdict);
        d["rule"] = r.rule;
        d["reason"] = r.reason;
        return d;
      },
      py::arg("informative_strata"), py::arg("outcomes_exposed"), py::arg("outcomes_unexposed"),
      py::arg("ci_lower") = py::none(), py::arg("ci_upper") = py::none(), py::arg("age_rule") = false,
      py::arg("oldest_age") = py::none(), py::arg("age_q1") = py::none(), py::arg("age_median") = py::none(),
      py::arg("min_outcomes") = indicators::DesignRules{}.min_outcomes,
      py::arg("precise_outcomes") = indicators::DesignRules{}.precise_outcomes,
      py::arg("max_ci_ratio") = indicators::DesignRules{}.max_ci_ratio);
  s.def(
      "cohort_design",
      [](Day ws, Day we) {
        py::list out;
        for (const auto& c : indicators::cohort_design({ws, we}))
          out.append(py::make_tuple(c.birth_year, c.childhood_years, c.adult_years));
        return out;
      },
      py::arg("window_start"), py::arg("window_end"));
  s.def(
      "oldest_eligible_age", [](Day ws, Day we) { return indicators::oldest_eligible_age({ws, we}); },
      py::arg("window_start"), py::arg("window_end"));
  s.def(
      "first_perpetration_ages",
      [](const Dataset& ds, Day ws, Day we) {
        indicators::PerpetrationAges a;
        {
          py::gil_scoped_release release;
          a = indicators::first_perpetration_ages(ds, {ws, we});
        }
        py::dict d;
        d["persons"] = a.persons;
        d["q1"] = a.q1;
        d["median"] = a.median;
        d["q3"] = a.q3;
        return d;
      },
      py::arg("dataset"), py::arg("window_start"), py::arg("window_end"));
}

}  // namespace famgraph::python
