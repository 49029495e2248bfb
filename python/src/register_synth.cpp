// The synthetic population generator: parameters, generation (GIL released, progress callback),
// CSV output and conversion into an in-memory Dataset.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <memory>

#include "famgraph/dataset.hpp"
#include "famgraph/synth/generator.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {

/// A generated population; its tables move into a Dataset on first `dataset()` call.
struct SynthPopulation {
  synth::Population pop;
  std::shared_ptr<Dataset> ds;
};

}  // namespace

void register_synth(py::module_& m) {
  py::class_<SynthPopulation, std::shared_ptr<SynthPopulation>>(m, "SynthPopulation")
      .def("truth_json", [](const SynthPopulation& s) { return synth::truth_json(s.pop); })
      .def("write_csv", [](const SynthPopulation& s, const std::string& dir) {
        if (s.ds) throw py::value_error("write_csv must be called before dataset()");
        py::gil_scoped_release release;
        synth::write_csv(s.pop, dir);
      }, py::arg("dir"))
      .def("design_persons", [](const SynthPopulation& s) {
        // One row per eligible person of the matched pathway design (needs design_detail=True).
        const auto& v = s.pop.design.persons;
        const std::size_t n = v.size();
        std::vector<std::int64_t> id(n);
        std::vector<std::int32_t> year(n), t_c(n), t_r(n);
        std::vector<std::uint8_t> sex(n), pk(n), x_c(n), x_r(n), e_c(n), e_r(n);
        for (std::size_t i = 0; i < n; ++i) {
          id[i] = v[i].id;
          year[i] = v[i].birth_year;
          sex[i] = static_cast<std::uint8_t>(v[i].sex);
          pk[i] = v[i].parents_known;
          x_c[i] = v[i].exposed_complete;
          x_r[i] = v[i].exposed_recorded;
          e_c[i] = v[i].event_complete;
          e_r[i] = v[i].event_recorded;
          t_c[i] = v[i].time_complete;
          t_r[i] = v[i].time_recorded;
        }
        py::dict d;
        d["person_id"] = to_array(std::move(id));
        d["birth_year"] = to_array(std::move(year));
        d["sex"] = to_array(std::move(sex));
        d["parents_known"] = to_array(std::move(pk));
        d["exposed_complete"] = to_array(std::move(x_c));
        d["exposed_recorded"] = to_array(std::move(x_r));
        d["event_complete"] = to_array(std::move(e_c));
        d["event_recorded"] = to_array(std::move(e_r));
        d["time_complete"] = to_array(std::move(t_c));
        d["time_recorded"] = to_array(std::move(t_r));
        return d;
      })
      .def("dataset", [](SynthPopulation& s) {
        if (!s.ds) {
          py::gil_scoped_release release;
          s.ds = std::make_shared<Dataset>(build_dataset(std::move(s.pop.tables)));
        }
        return s.ds;
      });

  m.def("synth_parameters", [] {
    py::list out;
    const synth::Params defaults;
    for (const auto& p : synth::parameter_info()) {
      py::dict d;
      d["name"] = p.name;
      d["default"] = synth::get_parameter(defaults, p.name);
      d["min"] = p.lo;
      d["max"] = p.hi;
      d["integer"] = p.integer;
      d["doc"] = p.doc;
      out.append(d);
    }
    return out;
  });

  m.def(
      "synth_check_parameters",
      [](const std::map<std::string, double>& values) {
        synth::Params p;
        for (const auto& [k, v] : values) synth::set_parameter(p, k, v);
        synth::validate(p);
      },
      py::arg("params"), "Raises ValueError for an unknown parameter or a value out of range.");

  m.def(
      "synth_generate",
      [](const std::map<std::string, double>& values, int threads, std::size_t chunk,
         std::optional<std::function<void(double)>> progress, bool design_detail) {
        synth::Params p;
        for (const auto& [k, v] : values) synth::set_parameter(p, k, v);
        synth::validate(p);
        synth::Options opt;
        opt.threads = threads;
        opt.lineages_per_chunk = chunk;
        opt.design_detail = design_detail;
        if (progress) {
          auto fn = *progress;
          opt.progress = [fn](double f) {
            py::gil_scoped_acquire acquire;
            fn(f);
          };
        }
        auto out = std::make_shared<SynthPopulation>();
        {
          py::gil_scoped_release release;
          out->pop = synth::generate(p, opt);
        }
        return out;
      },
      py::arg("params"), py::arg("threads") = 0, py::arg("lineages_per_chunk") = 2048,
      py::arg("progress") = py::none(), py::arg("design_detail") = false);
}

}  // namespace famgraph::python
