#pragma once
// Read-only result classes for the extension module: a C++ result struct bound field by field
// (py::class_ + def_readonly, names as in C++), with a __repr__ that lists those fields, so that the
// generated stubs (scripts/gen_stubs.py) give mypy the exact type of every result that crosses the
// boundary (docs/architecture.md §binding-boundary).
#include <pybind11/pybind11.h>
#include <pybind11/typing.h>

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace famgraph::python {

template <class T>
class Record {
 public:
  Record(pybind11::handle scope, const char* name, const char* doc) : cls_(scope, name, doc), name_(name) {}

  /// A data member (of T or of a base of T), read-only from Python.
  template <class M, class C>
  Record& field(const char* f, M C::*member, const char* doc = "") {
    static_assert(std::is_base_of_v<C, T>);
    cls_.def_readonly(f, member, doc);
    fields_.emplace_back(f);
    return *this;
  }
  /// A derived column (e.g. one field of every row as a NumPy array), read-only.
  template <class F>
  Record& column(const char* f, F&& getter, const char* doc = "") {
    cls_.def_property_readonly(f, std::forward<F>(getter), doc);
    fields_.emplace_back(f);
    return *this;
  }
  /// Adds __repr__ ("Name(field=value, ...)") and returns the class for further definitions.
  pybind11::class_<T>& done() {
    cls_.def("__repr__", [name = name_, fields = fields_](const pybind11::object& self) {
      std::string s = name + "(";
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) s += ", ";
        s += fields[i] + "=" + pybind11::repr(self.attr(fields[i].c_str())).template cast<std::string>();
      }
      return s + ")";
    });
    return cls_;
  }

 private:
  pybind11::class_<T> cls_;
  std::string name_;
  std::vector<std::string> fields_;
};

}  // namespace famgraph::python

namespace famgraph::python {
/// A Python object of any type, spelled `builtins.object` in the generated stubs (py::object is
/// spelled `typing.Any`, which mypy does not check): the arguments that take any value
/// (date_bounds, PTable.__eq__).
class Object : public pybind11::object {
 public:
  using pybind11::object::object;
  /// Any object is one (so that an argument of this type accepts everything, as py::object does).
  static bool check_(pybind11::handle h) { return h.ptr() != nullptr; }
};
}  // namespace famgraph::python

template <>
struct pybind11::detail::handle_type_name<famgraph::python::Object> {
  static constexpr auto name = const_name("builtins.object");
};

namespace famgraph::python {
/// A famgraph._errors.DataIssue (a Python class, built in register_errors.cpp), spelled so in the
/// generated stubs: Dataset.warnings and DataError.errors hold these.
class DataIssueObject : public pybind11::object {
 public:
  using pybind11::object::object;
};
using IssueList = pybind11::typing::List<DataIssueObject>;
}  // namespace famgraph::python

template <>
struct pybind11::detail::handle_type_name<famgraph::python::DataIssueObject> {
  static constexpr auto name = const_name("famgraph._errors.DataIssue");
};

namespace famgraph::python {
/// The result of a bound __eq__: a bool, or NotImplemented for an operand of another type; spelled
/// `bool` as typeshed spells object.__eq__.
class EqResult : public pybind11::object {
 public:
  using pybind11::object::object;
  explicit EqResult(pybind11::object o) : pybind11::object(std::move(o)) {}
};
}  // namespace famgraph::python

template <>
struct pybind11::detail::handle_type_name<famgraph::python::EqResult> {
  static constexpr auto name = const_name("bool");
};
