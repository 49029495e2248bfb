// famgraph::disclosure for Python, as the submodule famgraph._core.disclosure: the suppression rules
// of famgraph/disclosure.hpp in column form (wrapped by famgraph.disclosure, a pandas adapter) and the
// cell key engine (wrapped by famgraph.cell_key; keys are derived in famgraph.privacy). Status
// columns cross as uint8 codes: 0 none, 1 primary, 2 secondary (the values of dc::Suppression).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/typing.h>

#include <array>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "famgraph/cell_key.hpp"
#include "famgraph/disclosure.hpp"
#include "record.hpp"
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

using U8Array = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;
using BoolArray = py::array_t<bool, py::array::c_style | py::array::forcecast>;

/// min_cell from a Python integer of any size, with the core's messages for the values it rejects.
famgraph::disclosure::Policy policy_of(const py::int_& value) {
  namespace dc = famgraph::disclosure;
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  const std::string text = py::str(value);
  if (overflow < 0 || (overflow == 0 && v < 0))
    throw std::invalid_argument(dc::invalid_min_cell_message(text));
  if (overflow == 0) return dc::Policy{static_cast<std::uint64_t>(v)};
  const unsigned long long u = PyLong_AsUnsignedLongLong(value.ptr());
  if (u == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
    PyErr_Clear();
    throw std::invalid_argument(dc::min_cell_too_large_message(text));
  }
  return dc::Policy{static_cast<std::uint64_t>(u)};
}

std::vector<famgraph::disclosure::Suppression> statuses_of(const std::uint8_t* p, std::size_t n) {
  namespace dc = famgraph::disclosure;
  std::vector<dc::Suppression> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] > 2) throw py::value_error("status codes are 0 (none), 1 (primary) or 2 (secondary), got " +
                                        std::to_string(p[i]));
    out[i] = static_cast<dc::Suppression>(p[i]);
  }
  return out;
}

py::array_t<bool> bool_array(const std::vector<bool>& v) {
  py::array_t<bool> out(static_cast<py::ssize_t>(v.size()));
  bool* p = out.mutable_data();
  for (std::size_t i = 0; i < v.size(); ++i) p[i] = v[i];
  return out;
}

void register_rules(py::module_& d) {
  namespace dc = famgraph::disclosure;
  d.attr("default_min_cell") = dc::default_min_cell;
  d.attr("missing_text") = std::string(dc::missing_text);
  {
    py::list fields, json_names, estimates;
    for (dc::Field2x2 f : dc::fields_2x2) {
      fields.append(std::string(dc::field_name(f)));
      json_names.append(std::string(dc::json_name(f)));
    }
    for (dc::Estimate2x2 e : dc::estimates_2x2) {
      py::list src;
      for (dc::Field2x2 f : dc::estimate_sources(e)) src.append(std::string(dc::field_name(f)));
      estimates.append(py::make_tuple(std::string(dc::to_string(e)), py::tuple(src)));
    }
    // Declared types, kept in the module's __annotations__ for the stubs (scripts/gen_stubs.py).
    using Names = py::typing::Tuple<py::str, py::ellipsis>;
    d.attr_with_type_hint<Names>("fields_2x2") = py::tuple(fields);
    d.attr_with_type_hint<Names>("json_names_2x2") = py::tuple(json_names);
    d.attr_with_type_hint<py::typing::Tuple<py::typing::Tuple<py::str, Names>, py::ellipsis>>("estimates_2x2") =
        py::tuple(estimates);
  }

  d.def(
      "check_min_cell", [](const py::int_& v) { return policy_of(v).min_cell; }, py::arg("min_cell"),
      "min_cell as a non-negative 64-bit integer, or ValueError with the core's message.");
  d.def("stamp", [](std::uint64_t m) { return dc::stamp(dc::Policy{m}); }, py::arg("min_cell"));
  d.def("marker", [](std::uint64_t m) { return dc::marker(dc::Policy{m}); }, py::arg("min_cell"));
  d.def("invalid_min_cell_message", &dc::invalid_min_cell_message, py::arg("got"));
  d.def("invalid_count_message", &dc::invalid_count_message, py::arg("name"), py::arg("got"));
  d.def("invalid_count_column_message", &dc::invalid_count_column_message, py::arg("column"), py::arg("got"));
  d.def("count_too_large_message", &dc::count_too_large_message, py::arg("name"), py::arg("got"));
  d.def("margin_mismatch_message", &dc::margin_mismatch_message, py::arg("column"), py::arg("field"),
        py::arg("given"), py::arg("row"), py::arg("sum"));

  d.def(
      "suppress_2x2",
      [](const U64Array& ca, const U64Array& cb, const U64Array& cc, const U64Array& cd, std::uint64_t m) {
        const auto sa = span_of(ca, "a"), sb = span_of(cb, "b"), sc = span_of(cc, "c"), sd = span_of(cd, "d");
        dc::Suppressed2x2Columns s;
        {
          py::gil_scoped_release release;
          s = dc::suppress_2x2_columns(sa, sb, sc, sd, dc::Policy{m});
        }
        const auto n = static_cast<py::ssize_t>(sa.size());
        py::array_t<std::uint8_t> out({py::ssize_t{9}, n});
        auto O = out.mutable_unchecked<2>();
        for (std::size_t f = 0; f < 9; ++f)
          for (py::ssize_t i = 0; i < n; ++i) {
            const auto code = s.status[f][static_cast<std::size_t>(i)];
            O(static_cast<py::ssize_t>(f), i) = static_cast<std::uint8_t>(code);
          }
        return out;
      },
      py::arg("a"), py::arg("b"), py::arg("c"), py::arg("d"), py::arg("min_cell"),
      "Statuses (9, n) of n 2x2 tables, fields in fields_2x2 order.");

  d.def(
      "values_2x2",
      [](const U64Array& ca, const U64Array& cb, const U64Array& cc, const U64Array& cd) {
        const auto sa = span_of(ca, "a"), sb = span_of(cb, "b"), sc = span_of(cc, "c"), sd = span_of(cd, "d");
        const auto v = dc::values_2x2_columns(sa, sb, sc, sd);
        const auto n = static_cast<py::ssize_t>(sa.size());
        py::array_t<std::uint64_t> out({py::ssize_t{9}, n});
        auto O = out.mutable_unchecked<2>();
        for (py::ssize_t f = 0; f < 9; ++f)
          for (py::ssize_t i = 0; i < n; ++i)
            O(f, i) = v[static_cast<std::size_t>(f)][static_cast<std::size_t>(i)];
        return out;
      },
      py::arg("a"), py::arg("b"), py::arg("c"), py::arg("d"),
      "The nine numbers (9, n) of n 2x2 tables; OverflowError when a margin exceeds 2^64 - 1.");

  d.def(
      "suppress_one_way",
      [](const U64Array& counts, std::uint64_t m, bool total_published) {
        const auto total = total_published ? dc::Total::published : dc::Total::not_published;
        const auto s = dc::suppress_one_way(span_of(counts, "counts"), dc::Policy{m}, total);
        py::array_t<std::uint8_t> out(static_cast<py::ssize_t>(s.counts.size()));
        auto* p = out.mutable_data();
        for (std::size_t i = 0; i < s.counts.size(); ++i) p[i] = static_cast<std::uint8_t>(s.counts[i]);
        return py::make_tuple(out, static_cast<int>(s.total));
      },
      py::arg("counts"), py::arg("min_cell"), py::arg("total_published") = true,
      "(statuses of the counts, status of the total) of a one-way table.");

  d.def(
      "estimate_suppressed",
      [](const U8Array& sources) {
        if (sources.ndim() != 2)
          throw py::value_error("sources: expected a two-dimensional array (sources x rows) of status codes");
        const auto k = static_cast<std::size_t>(sources.shape(0));
        const auto n = static_cast<std::size_t>(sources.shape(1));
        std::vector<std::vector<dc::Suppression>> cols(k);
        std::vector<std::span<const dc::Suppression>> spans(k);
        for (std::size_t j = 0; j < k; ++j) {
          cols[j] = statuses_of(sources.data() + j * n, n);
          spans[j] = cols[j];
        }
        return bool_array(dc::estimate_suppressed_columns(spans, n));
      },
      py::arg("sources"),
      "Row i: whether an estimate computed from the counts of column i of `sources` (k x n status "
      "codes) is suppressed.");

  d.def("format_count", &dc::format_count, py::arg("value"));
  d.def(
      "format_counts",
      [](const DoubleArray& values, const BoolArray& hidden, std::uint64_t m) {
        if (values.ndim() != 1 || hidden.ndim() != 1)
          throw py::value_error("format_counts: expected one-dimensional arrays");
        const std::span<const double> v{values.data(), static_cast<std::size_t>(values.size())};
        const std::span<const bool> h{hidden.data(), static_cast<std::size_t>(hidden.size())};
        return dc::format_count_column(v, h, dc::Policy{m});
      },
      py::arg("values"), py::arg("hidden"), py::arg("min_cell"),
      "The text of a count column: the marker where hidden, NA where NaN, else the integer part.");
}

}  // namespace

void register_disclosure(py::module_& m) {
  namespace dc = famgraph::disclosure;
  py::module_ d =
      m.def_submodule("disclosure",
                      "famgraph::disclosure: suppression rules and the cell key engine (internal; use "
                      "famgraph.disclosure and famgraph.cell_key)");
  register_rules(d);
  d.attr("default_max_deviation") = dc::default_max_deviation;
  d.attr("default_variance") = dc::default_variance;
  d.attr("max_max_deviation") = dc::max_max_deviation;

  py::class_<dc::PTable>(d, "PTable")
      .def_property_readonly("max_deviation", &dc::PTable::max_deviation)
      .def_property_readonly("i_max", &dc::PTable::i_max)
      .def_property_readonly("options",
                             [](const dc::PTable& t) {
                               const auto& o = t.options();
                               // max_deviation, js: int; variance: float; monotone: bool.
                               py::typing::Dict<py::str, py::typing::Union<py::int_, py::float_, py::bool_>> out;
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
      // As `py::self == py::self` did, but typed like object.__eq__ (any other object; NotImplemented
      // for a non-PTable, so Python falls back to the other operand, then identity). pybind11 still
      // sets __hash__ = None (a PTable is not hashable); gen_stubs.py marks that line as typeshed does.
      .def(
          "__eq__",
          [](const dc::PTable& a, const Object& other) -> EqResult {
            if (!py::isinstance<dc::PTable>(other)) return EqResult(py::reinterpret_borrow<py::object>(Py_NotImplemented));
            return EqResult(py::bool_(a == other.cast<const dc::PTable&>()));
          },
          py::is_operator())
      .def("__reduce__", [](const dc::PTable&) -> py::typing::NoReturn {
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
