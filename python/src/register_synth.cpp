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
      "synth_generate",
      [](const std::map<std::string, double>& values, int threads, std::size_t chunk,
         std::optional<std::function<void(double)>> progress) {
        synth::Params p;
        for (const auto& [k, v] : values) synth::set_parameter(p, k, v);
        synth::validate(p);
        synth::Options opt;
        opt.threads = threads;
        opt.lineages_per_chunk = chunk;
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
      py::arg("progress") = py::none());
}

}  // namespace famgraph::python
