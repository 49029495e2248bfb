// Indicator counts (famgraph._core.indicators): the exact counting rules, returned as plain
// dicts; famgraph.indicators adds statistics, disclosure control and pandas results.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>

#include "famgraph/graph.hpp"
#include "famgraph/indicators/chains.hpp"
#include "famgraph/indicators/recurrence.hpp"
#include "famgraph/indicators/transmission.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {

indicators::Window window_of(std::optional<Day> start, std::optional<Day> end) {
  return {start.value_or(NO_DAY), end.value_or(NO_DAY)};
}

py::dict table(const indicators::Counts2x2& t) {
  py::dict d;
  d["a"] = t.a;
  d["b"] = t.b;
  d["c"] = t.c;
  d["d"] = t.d;
  return d;
}

py::tuple window_tuple(indicators::Window w) { return py::make_tuple(w.start, w.end); }

}  // namespace

void register_indicators(py::module_& root) {
  auto m = root.def_submodule("indicators", "indicator counting rules (internal)");
  m.def("parse_roles", [](const std::vector<std::string>& names, const std::string& option) {
    return indicators::role_names(indicators::parse_roles(names, option));
  });
  m.def(
      "victim_to_perpetrator",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& exposure_roles) {
        indicators::VictimToPerpetratorOptions o;
        o.window = window_of(ws, we);
        o.exposure_roles = indicators::parse_roles(exposure_roles, "exposure_roles");
        indicators::VictimToPerpetratorCounts c;
        {
          py::gil_scoped_release release;
          c = indicators::victim_to_perpetrator_counts(*ds, o);
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
        d["time"] = py::array_t<std::int32_t>(static_cast<py::ssize_t>(c.time.size()), c.time.data());
        d["event"] = py::array_t<std::uint8_t>(static_cast<py::ssize_t>(c.event.size()), c.event.data());
        d["exposed"] = py::array_t<std::uint8_t>(static_cast<py::ssize_t>(c.exposed.size()), c.exposed.data());
        return d;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("exposure_roles") = std::vector<std::string>{"victim", "witness"});
  m.def(
      "chains",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we) {
        indicators::ChainsCounts c;
        {
          py::gil_scoped_release release;
          const FamilyGraph g(ds->persons);
          c = indicators::chains_counts(*ds, g, {window_of(ws, we)});
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
        return d;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none());
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
        return d;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("case_roles") = std::vector<std::string>{"perpetrator"},
      py::arg("relations") = std::vector<std::string>{"parent", "full_sibling", "half_sibling"});
}

}  // namespace famgraph::python
