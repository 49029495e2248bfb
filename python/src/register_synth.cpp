// The synthetic population generator: parameters, generation (GIL released, progress callback),
// CSV output and conversion into an in-memory Dataset.
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/typing.h>

#include <memory>

#include "famgraph/dataset.hpp"
#include "famgraph/synth/generator.hpp"
#include "record.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {

/// A generated population; its tables move into a Dataset on first `dataset()` call.
struct SynthPopulation {
  synth::Population pop;
  std::shared_ptr<Dataset> ds;
};

/// The eligible persons of the matched pathway design (Options::design_detail), one column each.
struct DesignPersons {
  std::vector<synth::DesignTruth::Person> rows;
};
using Person = synth::DesignTruth::Person;

template <class T, class F>
py::array_t<T> person_column(const DesignPersons& d, F&& get) {
  py::array_t<T> out(static_cast<py::ssize_t>(d.rows.size()));
  auto o = out.template mutable_unchecked<1>();
  for (std::size_t i = 0; i < d.rows.size(); ++i) o(static_cast<py::ssize_t>(i)) = static_cast<T>(get(d.rows[i]));
  return out;
}

}  // namespace

void register_synth(py::module_& m) {
  using P = Person;
  Record<DesignPersons>(m, "DesignPersons",
                        "The eligible persons of the simulated pathway design as columns: sex 0/1/2 = F/M/U, "
                        "flags 0/1, times in days from the 18th birthday.")
      .column("person_id", [](const DesignPersons& d) { return person_column<std::int64_t>(d, [](const P& p) { return p.id; }); })
      .column("birth_year",
              [](const DesignPersons& d) { return person_column<std::int32_t>(d, [](const P& p) { return p.birth_year; }); })
      .column("sex", [](const DesignPersons& d) { return person_column<std::uint8_t>(d, [](const P& p) { return p.sex; }); })
      .column("parents_known",
              [](const DesignPersons& d) { return person_column<std::uint8_t>(d, [](const P& p) { return p.parents_known; }); })
      .column("exposed_complete",
              [](const DesignPersons& d) { return person_column<std::uint8_t>(d, [](const P& p) { return p.exposed_complete; }); })
      .column("exposed_recorded",
              [](const DesignPersons& d) { return person_column<std::uint8_t>(d, [](const P& p) { return p.exposed_recorded; }); })
      .column("event_complete",
              [](const DesignPersons& d) { return person_column<std::uint8_t>(d, [](const P& p) { return p.event_complete; }); })
      .column("event_recorded",
              [](const DesignPersons& d) { return person_column<std::uint8_t>(d, [](const P& p) { return p.event_recorded; }); })
      .column("time_complete",
              [](const DesignPersons& d) { return person_column<std::int32_t>(d, [](const P& p) { return p.time_complete; }); })
      .column("time_recorded",
              [](const DesignPersons& d) { return person_column<std::int32_t>(d, [](const P& p) { return p.time_recorded; }); })
      .done();
  using PI = synth::ParamInfo;
  Record<PI>(m, "ParamInfo", "One generator parameter: allowed closed range [lo, hi], default and meaning.")
      .field("name", &PI::name)
      .column("default", [](const PI& p) { return synth::get_parameter(synth::Params{}, p.name); })
      .field("lo", &PI::lo)
      .field("hi", &PI::hi)
      .field("integer", &PI::integer)
      .field("doc", &PI::doc)
      .done();

  py::class_<SynthPopulation, std::shared_ptr<SynthPopulation>>(m, "SynthPopulation")
      .def("truth_json", [](const SynthPopulation& s) { return synth::truth_json(s.pop); })
      .def("write_csv", [](const SynthPopulation& s, const std::string& dir) {
        if (s.ds) throw py::value_error("write_csv must be called before dataset()");
        py::gil_scoped_release release;
        synth::write_csv(s.pop, dir);
      }, py::arg("dir"))
      .def("design_persons", [](const SynthPopulation& s) { return DesignPersons{s.pop.design.persons}; },
           "One row per eligible person of the matched pathway design (needs design_detail=True).")
      .def("dataset", [](SynthPopulation& s) {
        if (!s.ds) {
          py::gil_scoped_release release;
          s.ds = std::make_shared<Dataset>(build_dataset(std::move(s.pop.tables)));
        }
        return s.ds;
      });

  m.def("synth_parameters", [] { return synth::parameter_info(); },
        "Every settable parameter (persons and seed included), in documentation order.");

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
