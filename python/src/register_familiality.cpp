// GIF and FIR (famgraph._core.indicators.gif / fir / gif_control_set): the kinship-weighted
// indicators 4c and 4d, returned as the bound GifResult / FirResult (record.hpp);
// famgraph.indicators.familiality converts them and adds disclosure control.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/typing.h>

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "famgraph/indicators/familiality.hpp"
#include "record.hpp"
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

/// A 0/1 byte column as a NumPy bool array.
py::array_t<bool> bool_array(const std::vector<std::uint8_t>& v) {
  py::array_t<bool> out(static_cast<py::ssize_t>(v.size()));
  auto o = out.mutable_unchecked<1>();
  for (std::size_t i = 0; i < v.size(); ++i) o(static_cast<py::ssize_t>(i)) = v[i] != 0;
  return out;
}

py::typing::Tuple<py::int_, py::int_> window_of_result(const indicators::Window& w) {
  return py::typing::Tuple<py::int_, py::int_>(window_tuple(w));
}

void bind_result_classes(py::module_& m) {
  using GS = indicators::GifStratum;
  Record<GS>(m, "GifStratum", "One birth decade x sex stratum of the GIF permutation test (decade None = unknown).")
      .column("decade",
              [](const GS& s) -> std::optional<int> {
                if (s.decade == indicators::UNKNOWN_DECADE) return std::nullopt;
                return s.decade;
              })
      .column("sex", [](const GS& s) { return std::string(to_string(s.sex)); })
      .field("n_cases", &GS::n_cases)
      .field("n_observed", &GS::n_observed)
      .done();
  using GR = indicators::GifResult;
  Record<GR>(m, "GifResult", "Indicator 4c: GIF with the simulated control sets (docs/spec/indicators.md §gif).")
      .column("window", [](const GR& r) { return window_of_result(r.window); }, "(start, end) day numbers")
      .field("n_cases", &GR::n_cases)
      .field("n_pairs", &GR::n_pairs)
      .field("kinship_sum", &GR::kinship_sum)
      .field("gif", &GR::gif)
      .column("sims", [](const GR& r) { return to_array(r.sims); }, "GIF of control set k = 0 .. n_sim - 1")
      .field("n_ge", &GR::n_ge)
      .field("p_value", &GR::p_value)
      .field("strata", &GR::strata)
      .done();
  using FR = indicators::FirResult;
  Record<FR>(m, "FirResult", "Indicator 4d: FIR per person index (docs/spec/indicators.md §fir).")
      .column("window", [](const FR& r) { return window_of_result(r.window); }, "(start, end) day numbers")
      .column("fir", [](const FR& r) { return to_array(r.fir); })
      .column("case_kinship", [](const FR& r) { return to_array(r.case_kinship); })
      .column("observed_kinship", [](const FR& r) { return to_array(r.observed_kinship); })
      .column("observed", [](const FR& r) { return bool_array(r.observed); })
      .column("is_case", [](const FR& r) { return bool_array(r.is_case); })
      .done();
}

}  // namespace

void register_familiality(py::module_& root) {
  auto m = root.attr("indicators").cast<py::module_>();
  bind_result_classes(m);
  m.attr("GIF_TIE_TOLERANCE") = indicators::GIF_TIE_TOLERANCE;
  m.def(
      "gif",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& case_roles, int n_sim, const py::int_& seed, int threads,
         std::uint64_t first_sim) {
        auto o = gif_options(ws, we, case_roles, n_sim, seed, threads);
        o.first_sim = first_sim;
        py::gil_scoped_release release;
        return indicators::gif(*ds, o);
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("case_roles") = std::vector<std::string>{"perpetrator"}, py::arg("n_sim") = 1000,
      py::arg("seed") = 1, py::arg("threads") = 0, py::arg("first_sim") = 0,
      "GIF = 1e5 * mean kinship over pairs of observed cases, with the birth-decade x sex matched "
      "permutation test (docs/spec/indicators.md §gif).");
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
        py::gil_scoped_release release;
        return indicators::fir(*ds, o);
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("case_roles") = std::vector<std::string>{"perpetrator"},
      "FIR_i = sum_{j != i} phi_ij case_j / sum_{j != i} phi_ij observed_j per person index (NaN for "
      "persons not observed and for a zero denominator) (docs/spec/indicators.md §fir).");
}

}  // namespace famgraph::python
