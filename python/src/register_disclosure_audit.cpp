// famgraph/disclosure_audit.hpp for Python: the LP audit of a suppression pattern and its repair,
// added to the submodule famgraph._core.disclosure. The problem crosses as NumPy arrays in the
// compressed-row layout of scipy.sparse.csr_matrix (indptr, indices, data) for the rows, the groups'
// counts and the targets; the results are bound C++ structs (record.hpp).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "famgraph/disclosure_audit.hpp"
#include "record.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {
namespace dc = famgraph::disclosure;

using I64Array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
using F64Array = py::array_t<double, py::array::c_style | py::array::forcecast>;
using BoolArray = py::array_t<bool, py::array::c_style | py::array::forcecast>;

template <class T>
std::span<const T> span_of(const py::array_t<T, py::array::c_style | py::array::forcecast>& a,
                           const char* what) {
  if (a.ndim() != 1)
    throw py::value_error(std::string(what) + ": expected a one-dimensional array, got " +
                          std::to_string(a.ndim()) + " dimensions");
  return {a.data(), static_cast<std::size_t>(a.size())};
}

/// Expressions from a CSR triple: expression i is indices/data[indptr[i] : indptr[i + 1]].
std::vector<std::vector<dc::AuditTerm>> expressions(const I64Array& indptr_a, const I64Array& indices_a,
                                                    const F64Array& data_a, const std::string& name) {
  const auto indptr = span_of(indptr_a, (name + "_indptr").c_str());
  const auto indices = span_of(indices_a, (name + "_indices").c_str());
  const auto data = span_of(data_a, (name + "_data").c_str());
  if (indptr.empty()) throw py::value_error(name + "_indptr: expected at least one entry (0), got none");
  if (indices.size() != data.size())
    throw py::value_error(name + "_indices and " + name + "_data differ in length: " +
                          std::to_string(indices.size()) + " and " + std::to_string(data.size()));
  if (indptr.front() != 0 || indptr.back() != static_cast<std::int64_t>(indices.size()))
    throw py::value_error(name + "_indptr: expected to start at 0 and end at " +
                          std::to_string(indices.size()) + " (the number of terms), got " +
                          std::to_string(indptr.front()) + " and " + std::to_string(indptr.back()));
  std::vector<std::vector<dc::AuditTerm>> out(indptr.size() - 1);
  for (std::size_t i = 0; i + 1 < indptr.size(); ++i) {
    if (indptr[i + 1] < indptr[i])
      throw py::value_error(name + "_indptr: expected non-decreasing values, got " +
                            std::to_string(indptr[i]) + " then " + std::to_string(indptr[i + 1]) + " at " +
                            std::to_string(i));
    for (auto k = indptr[i]; k < indptr[i + 1]; ++k) {
      const auto j = static_cast<std::size_t>(k);
      if (indices[j] < 0)
        throw py::value_error(name + "_indices: expected atom indices >= 0, got " +
                              std::to_string(indices[j]));
      out[i].push_back(dc::AuditTerm{static_cast<std::size_t>(indices[j]), data[j]});
    }
  }
  return out;
}

dc::AuditProblem make_problem(const F64Array& truth, const I64Array& row_indptr, const I64Array& row_indices,
                              const F64Array& row_data, const F64Array& lower, const F64Array& upper,
                              const I64Array& row_group, const F64Array& group_value,
                              const BoolArray& group_suppressible, const I64Array& group_indptr,
                              const I64Array& group_indices, const F64Array& group_data,
                              const I64Array& target_indptr, const I64Array& target_indices,
                              const F64Array& target_data, const std::optional<F64Array>& atom_upper) {
  dc::AuditProblem p;
  const auto t = span_of(truth, "truth");
  p.truth.assign(t.begin(), t.end());
  if (atom_upper) {
    const auto u = span_of(*atom_upper, "atom_upper");
    p.atom_upper.assign(u.begin(), u.end());
  }
  auto rows = expressions(row_indptr, row_indices, row_data, "row");
  const auto lo = span_of(lower, "lower");
  const auto hi = span_of(upper, "upper");
  const auto grp = span_of(row_group, "row_group");
  if (lo.size() != rows.size() || hi.size() != rows.size() || grp.size() != rows.size())
    throw py::value_error("lower, upper and row_group must have one entry per row (" +
                          std::to_string(rows.size()) + "), got " + std::to_string(lo.size()) + ", " +
                          std::to_string(hi.size()) + " and " + std::to_string(grp.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (grp[i] < 0)
      throw py::value_error("row_group: expected group indices >= 0, got " + std::to_string(grp[i]));
    p.rows.push_back(dc::AuditRow{std::move(rows[i]), lo[i], hi[i], static_cast<std::size_t>(grp[i])});
  }
  auto counts = expressions(group_indptr, group_indices, group_data, "group");
  const auto val = span_of(group_value, "group_value");
  const auto sup = span_of(group_suppressible, "group_suppressible");
  if (val.size() != counts.size() || sup.size() != counts.size())
    throw py::value_error("group_value and group_suppressible must have one entry per group (" +
                          std::to_string(counts.size()) + ", from group_indptr), got " +
                          std::to_string(val.size()) + " and " + std::to_string(sup.size()));
  for (std::size_t g = 0; g < counts.size(); ++g)
    p.groups.push_back(dc::AuditGroup{val[g], std::move(counts[g]), sup[g]});
  p.targets = expressions(target_indptr, target_indices, target_data, "target");
  return p;
}

dc::AuditOptions options_of(std::uint64_t min_cell, bool zero_is_small, double tolerance) {
  dc::AuditOptions o;
  o.policy = dc::Policy{min_cell};
  o.zero = zero_is_small ? dc::Zero::small : dc::Zero::safe;
  o.tolerance = tolerance;
  return o;
}

py::array_t<bool> bool_array(const std::vector<bool>& v) {
  py::array_t<bool> out(static_cast<py::ssize_t>(v.size()));
  bool* p = out.mutable_data();
  for (std::size_t i = 0; i < v.size(); ++i) p[i] = v[i];
  return out;
}

template <class F>
py::array_t<double> range_column(const std::vector<dc::TargetRange>& ts, F&& get) {
  py::array_t<double> out(static_cast<py::ssize_t>(ts.size()));
  double* p = out.mutable_data();
  for (std::size_t i = 0; i < ts.size(); ++i) p[i] = get(ts[i]);
  return out;
}

}  // namespace

void register_disclosure_audit(py::module_& m) {
  auto d = m.attr("disclosure").cast<py::module_>();

  py::class_<dc::AuditProblem>(d, "AuditProblem",
                               "What a reader knows (published rows over atoms) and what must stay uncertain "
                               "(targets): famgraph/disclosure_audit.hpp. Rows, group counts and targets are "
                               "given in CSR form (indptr, indices = atom, data = coefficient), as "
                               "scipy.sparse.csr_matrix holds them.")
      .def(py::init(&make_problem), py::kw_only(), py::arg("truth"), py::arg("row_indptr"),
           py::arg("row_indices"), py::arg("row_data"), py::arg("lower"), py::arg("upper"),
           py::arg("row_group"), py::arg("group_value"), py::arg("group_suppressible"),
           py::arg("group_indptr"), py::arg("group_indices"), py::arg("group_data"), py::arg("target_indptr"),
           py::arg("target_indices"), py::arg("target_data"), py::arg("atom_upper") = py::none(),
           "Row i: lower[i] <= sum(row_data[k] * x[row_indices[k]]) <= upper[i] over "
           "k in row_indptr[i]:row_indptr[i+1], published with group row_group[i]. Group g: true count "
           "group_value[g], its count as an expression (group_*), suppressible or not. Target t: an "
           "expression (target_*). truth: the true count of every atom (>= 0).")
      .def_property_readonly("n_atoms", [](const dc::AuditProblem& p) { return p.truth.size(); })
      .def_property_readonly("n_rows", [](const dc::AuditProblem& p) { return p.rows.size(); })
      .def_property_readonly("n_groups", [](const dc::AuditProblem& p) { return p.groups.size(); })
      .def_property_readonly("n_targets", [](const dc::AuditProblem& p) { return p.targets.size(); })
      .def("__repr__", [](const dc::AuditProblem& p) {
        return "AuditProblem(n_atoms=" + std::to_string(p.truth.size()) +
               ", n_rows=" + std::to_string(p.rows.size()) + ", n_groups=" + std::to_string(p.groups.size()) +
               ", n_targets=" + std::to_string(p.targets.size()) + ")";
      });

  Record<dc::TargetRange>(d, "TargetRange",
                          "The range of one hidden count given the published rows, with the rows "
                          "(certificate_min, certificate_max) from which each bound follows.")
      .field("truth", &dc::TargetRange::truth)
      .field("minimum", &dc::TargetRange::minimum, "-inf when unbounded below")
      .field("maximum", &dc::TargetRange::maximum, "inf when unbounded above")
      .field("disclosed", &dc::TargetRange::disclosed)
      .field("certificate_min", &dc::TargetRange::certificate_min)
      .field("certificate_max", &dc::TargetRange::certificate_max)
      .done();

  Record<dc::AuditResult>(d, "AuditResult", "audit(): one TargetRange per target, how many are disclosed.")
      .field("targets", &dc::AuditResult::targets)
      .field("disclosed", &dc::AuditResult::disclosed)
      .field("lp_solves", &dc::AuditResult::lp_solves)
      .column(
          "minimum",
          [](const dc::AuditResult& r) {
            return range_column(r.targets, [](const auto& t) { return t.minimum; });
          },
          "the targets' minima as an array")
      .column(
          "maximum",
          [](const dc::AuditResult& r) {
            return range_column(r.targets, [](const auto& t) { return t.maximum; });
          },
          "the targets' maxima as an array")
      .done();

  Record<dc::ProtectResult>(d, "ProtectResult",
                            "protect(): the groups suppressed by the repair, the final ranges (the problem's "
                            "targets, then one per suppressed group), the targets still disclosed.")
      .column(
          "group_suppressed", [](const dc::ProtectResult& r) { return bool_array(r.group_suppressed); },
          "one per group: suppressed by the repair")
      .field("suppressed", &dc::ProtectResult::suppressed)
      .field("targets", &dc::ProtectResult::targets)
      .field("still_disclosed", &dc::ProtectResult::still_disclosed)
      .field("protected_all", &dc::ProtectResult::protected_all)
      .field("rounds", &dc::ProtectResult::rounds)
      .field("lp_solves", &dc::ProtectResult::lp_solves)
      .done();

  d.def(
      "audit",
      [](const dc::AuditProblem& p, std::uint64_t min_cell, bool zero_is_small, double tolerance) {
        const auto o = options_of(min_cell, zero_is_small, tolerance);
        py::gil_scoped_release release;
        return dc::audit(p, o);
      },
      py::arg("problem"), py::kw_only(), py::arg("min_cell") = dc::default_min_cell,
      py::arg("zero_is_small") = true, py::arg("tolerance") = dc::AuditOptions{}.tolerance,
      "The min and max of every target over the published rows (LP, COIN-OR CLP); disclosed: "
      "max - min < min_cell - tolerance (famgraph/disclosure_audit.hpp).");
  d.def(
      "protect",
      [](const dc::AuditProblem& p, std::uint64_t min_cell, bool zero_is_small, double tolerance) {
        const auto o = options_of(min_cell, zero_is_small, tolerance);
        py::gil_scoped_release release;
        return dc::protect(p, o);
      },
      py::arg("problem"), py::kw_only(), py::arg("min_cell") = dc::default_min_cell,
      py::arg("zero_is_small") = true, py::arg("tolerance") = dc::AuditOptions{}.tolerance,
      "Audit, then suppress groups of the disclosed targets' certificates (smallest value first) and "
      "re-audit until nothing is disclosed or nothing suppressible is left.");
}

}  // namespace famgraph::python
