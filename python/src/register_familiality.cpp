// GIF and FIR (famgraph._core.indicators.gif / fir / gif_control_set): the kinship-weighted
// indicators 4c and 4d, returned as plain dicts; famgraph.indicators adds disclosure control.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "famgraph/indicators/familiality.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {

/// A seed as an unsigned 64-bit integer, with an error naming the option (pybind11's own message
/// for a negative int would only list the signature).
std::uint64_t seed_of(const py::int_& seed) {
  if (seed < py::int_(0) || seed > py::int_(std::numeric_limits<std::uint64_t>::max()))
    throw py::value_error("seed: " + std::string(py::str(seed)) +
                          " is out of range (allowed: 0 to 2**64 - 1)");
  return seed.cast<std::uint64_t>();
}

indicators::GifOptions gif_options(std::optional<Day> ws, std::optional<Day> we,
                                   const std::vector<std::string>& case_roles, int n_sim,
                                   const py::int_& seed, int threads) {
  indicators::GifOptions o;
  o.window = window_of(ws, we);
  o.case_roles = indicators::parse_roles(case_roles, "case_roles");
  o.n_sim = n_sim;
  o.seed = seed_of(seed);
  o.threads = threads;
  return o;
}

}  // namespace

void register_familiality(py::module_& root) {
  auto m = root.attr("indicators").cast<py::module_>();
  m.def(
      "gif",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& case_roles, int n_sim, const py::int_& seed, int threads,
         std::uint64_t first_sim) {
        auto o = gif_options(ws, we, case_roles, n_sim, seed, threads);
        o.first_sim = first_sim;
        indicators::GifResult r;
        {
          py::gil_scoped_release release;
          r = indicators::gif(*ds, o);
        }
        py::dict d;
        d["window"] = window_tuple(r.window);
        d["n_cases"] = r.n_cases;
        d["n_pairs"] = r.n_pairs;
        d["kinship_sum"] = r.kinship_sum;
        d["gif"] = r.gif;
        d["sims"] = to_array(r.sims);
        d["n_ge"] = r.n_ge;
        d["p_value"] = r.p_value;
        d["tie_tolerance"] = indicators::GIF_TIE_TOLERANCE;
        py::list strata;
        for (const auto& s : r.strata)
          strata.append(py::make_tuple(s.decade == indicators::UNKNOWN_DECADE ? py::object(py::none())
                                                                             : py::object(py::int_(s.decade)),
                                       std::string(to_string(s.sex)), s.n_cases, s.n_observed));
        d["strata"] = strata;
        return d;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("case_roles") = std::vector<std::string>{"perpetrator"}, py::arg("n_sim") = 1000,
      py::arg("seed") = 1, py::arg("threads") = 0, py::arg("first_sim") = 0,
      "GIF = 1e5 * mean kinship over pairs of observed cases, with the birth-decade x sex matched "
      "permutation test (docs/spec/indicators.md §gif). strata: (decade or None, sex, n_cases, n_observed).");
  m.def(
      "gif_control_set",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& case_roles, const py::int_& seed, std::uint64_t sim) {
        const auto o = gif_options(ws, we, case_roles, 0, seed, 0);
        std::vector<Index> set;
        {
          py::gil_scoped_release release;
          set = indicators::gif_control_set(*ds, o, sim);
        }
        return to_array(set);
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("case_roles") = std::vector<std::string>{"perpetrator"}, py::arg("seed") = 1,
      py::arg("sim") = 0,
      "Person indices (draw order) of control set `sim` of gif() with the same arguments; for audits "
      "and tests.");
  m.def(
      "fir",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& case_roles) {
        indicators::FirOptions o;
        o.window = window_of(ws, we);
        o.case_roles = indicators::parse_roles(case_roles, "case_roles");
        indicators::FirResult r;
        {
          py::gil_scoped_release release;
          r = indicators::fir(*ds, o);
        }
        py::dict d;
        d["window"] = window_tuple(r.window);
        d["fir"] = to_array(r.fir);
        d["case_kinship"] = to_array(r.case_kinship);
        d["observed_kinship"] = to_array(r.observed_kinship);
        d["observed"] = to_array(r.observed).attr("astype")("bool");
        d["is_case"] = to_array(r.is_case).attr("astype")("bool");
        return d;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("case_roles") = std::vector<std::string>{"perpetrator"},
      "FIR_i = sum_{j != i} phi_ij case_j / sum_{j != i} phi_ij observed_j per person index (NaN for "
      "persons not observed and for a zero denominator) (docs/spec/indicators.md §fir).");
}

}  // namespace famgraph::python
