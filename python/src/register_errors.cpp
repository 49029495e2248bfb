// Translates famgraph::DataError into famgraph.DataError (defined in Python) with structured records.
#include <pybind11/stl.h>

#include "famgraph/data_error.hpp"
#include "famgraph/io/files.hpp"
#include "record.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {
py::object issue_to_python(const DataIssue& e) {
  static py::object cls = py::module_::import("famgraph._errors").attr("DataIssue");
  return cls(e.severity == Severity::error ? "error" : "warning", e.rule, e.file, e.line, e.column,
             e.value, e.message);
}
}  // namespace

IssueList issues_to_python(const std::vector<DataIssue>& issues) {
  IssueList out;
  for (const auto& e : issues) out.append(issue_to_python(e));
  return out;
}

void register_errors(py::module_& m) {
  (void)m;
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const DataError& e) {
      py::object cls = py::module_::import("famgraph._errors").attr("DataError");
      py::object exc = cls(e.what(), issues_to_python(e.errors()), e.truncated());
      PyErr_SetObject(cls.ptr(), exc.ptr());
    } catch (const io::FileError& e) {
      // OSError(errno, message) is an instance of the matching subclass (FileNotFoundError, ...).
      py::object exc = py::reinterpret_borrow<py::object>(PyExc_OSError)(e.code(), e.what());
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
    } catch (const io::OutputPathError& e) {
      py::object cls = py::module_::import("famgraph._files").attr("OutputPathError");
      PyErr_SetObject(cls.ptr(), cls(e.what()).ptr());
    }
  });
}

}  // namespace famgraph::python
