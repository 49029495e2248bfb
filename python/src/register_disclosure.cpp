// The cell key engine of famgraph::disclosure for Python, as the submodule famgraph._core.disclosure
// (wrapped by famgraph.cell_key; keys are derived in famgraph.privacy).
#include <pybind11/numpy.h>
#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "famgraph/cell_key.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {

using U64Array = py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>;
using U32Array = py::array_t<std::uint32_t, py::array::c_style | py::array::forcecast>;
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::span<const std::uint64_t> span_of(const U64Array& a, const char* what) {
  if (a.ndim() != 1) throw py::value_error(std::string(what) + ": expected a one-dimensional array");
  return {a.data(), static_cast<std::size_t>(a.size())};
}

}  // namespace

void register_disclosure(py::module_& m) {
  namespace dc = famgraph::disclosure;
  py::module_ d =
      m.def_submodule("disclosure", "famgraph::disclosure cell key engine (internal; use famgraph.cell_key)");
  d.attr("default_max_deviation") = dc::default_max_deviation;
  d.attr("default_variance") = dc::default_variance;
  d.attr("max_max_deviation") = dc::max_max_deviation;

  py::class_<dc::PTable>(d, "PTable")
      .def_property_readonly("max_deviation", &dc::PTable::max_deviation)
      .def_property_readonly("i_max", &dc::PTable::i_max)
      .def_property_readonly("options",
                             [](const dc::PTable& t) {
                               const auto& o = t.options();
                               py::dict out;
                               out["max_deviation"] = o.max_deviation;
                               out["variance"] = o.variance;
                               out["js"] = o.js;
                               out["monotone"] = o.monotone;
                               return out;
                             })
      .def("probabilities",
           [](const dc::PTable& t) {
             const auto rows = static_cast<py::ssize_t>(t.i_max() + 1);
             const auto width = static_cast<py::ssize_t>(2 * t.max_deviation() + 1);
             py::array_t<double> out({rows, width});
             auto P = out.mutable_unchecked<2>();
             for (py::ssize_t i = 0; i < rows; ++i) {
               const auto r = t.row(static_cast<std::uint64_t>(i));
               for (py::ssize_t k = 0; k < width; ++k) P(i, k) = r[static_cast<std::size_t>(k)];
             }
             return out;
           })
      .def("mean", &dc::PTable::mean, py::arg("count"))
      .def("variance", &dc::PTable::variance, py::arg("count"))
      .def(
          "intervals",
          [](const dc::PTable& t, std::uint64_t count) {
            const auto iv = t.intervals(count);
            py::array_t<std::uint64_t> lower(static_cast<py::ssize_t>(iv.size()));
            py::array_t<std::int32_t> v(static_cast<py::ssize_t>(iv.size()));
            for (std::size_t k = 0; k < iv.size(); ++k) {
              lower.mutable_at(static_cast<py::ssize_t>(k)) = iv[k].lower;
              v.mutable_at(static_cast<py::ssize_t>(k)) = iv[k].v;
            }
            return py::make_tuple(lower, v);
          },
          py::arg("count"))
      .def(py::self == py::self)
      .def("__reduce__", [](const dc::PTable&) -> py::object {
        throw py::type_error(
            "famgraph._core.disclosure.PTable is not picklable; rebuild it from its options");
      });

  d.def(
      "make_ptable",
      [](int max_deviation, double variance, int js, bool monotone) {
        return dc::make_ptable({max_deviation, variance, js, monotone});
      },
      py::arg("max_deviation") = dc::default_max_deviation, py::arg("variance") = dc::default_variance,
      py::arg("js") = 0, py::arg("monotone") = true);

  d.def(
      "ptable_from_probabilities",
      [](int max_deviation, const DoubleArray& rows) {
        if (rows.ndim() != 2)
          throw py::value_error("probabilities: expected a two-dimensional array (counts x v)");
        std::vector<std::vector<double>> r(static_cast<std::size_t>(rows.shape(0)));
        auto R = rows.unchecked<2>();
        for (py::ssize_t i = 0; i < rows.shape(0); ++i)
          for (py::ssize_t k = 0; k < rows.shape(1); ++k) r[static_cast<std::size_t>(i)].push_back(R(i, k));
        return dc::ptable_from_probabilities(max_deviation, std::move(r));
      },
      py::arg("max_deviation"), py::arg("probabilities"));

  d.def(
      "perturb",
      [](const dc::PTable& t, const U64Array& counts, const U64Array& cell_keys) {
        const auto c = span_of(counts, "counts");
        const auto k = span_of(cell_keys, "cell_keys");
        std::vector<std::uint64_t> out;
        {
          py::gil_scoped_release release;
          out = dc::perturb(t, c, k);
        }
        return to_array(out);
      },
      py::arg("ptable"), py::arg("counts"), py::arg("cell_keys"));

  d.def(
      "noise",
      [](const dc::PTable& t, const U64Array& counts, const U64Array& cell_keys) {
        const auto c = span_of(counts, "counts");
        const auto k = span_of(cell_keys, "cell_keys");
        std::vector<std::int32_t> out;
        {
          py::gil_scoped_release release;
          out = dc::noise(t, c, k);
        }
        return to_array(out);
      },
      py::arg("ptable"), py::arg("counts"), py::arg("cell_keys"));

  d.def(
      "tabulate",
      [](const U32Array& cells, const U64Array& record_keys, std::size_t n_cells) {
        if (cells.ndim() != 1) throw py::value_error("cells: expected a one-dimensional array");
        const std::span<const std::uint32_t> c{cells.data(), static_cast<std::size_t>(cells.size())};
        const auto k = span_of(record_keys, "record_keys");
        dc::KeyedCounts out;
        {
          py::gil_scoped_release release;
          out = dc::tabulate(c, k, n_cells);
        }
        return py::make_tuple(to_array(out.counts), to_array(out.key_sums));
      },
      py::arg("cells"), py::arg("record_keys"), py::arg("n_cells"));

  d.def(
      "key_sum", [](const U64Array& keys) { return dc::key_sum(span_of(keys, "keys")); }, py::arg("keys"));
}

}  // namespace famgraph::python
