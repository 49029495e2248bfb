// famgraph._core: the thin pybind11 layer over the C++ core. Conversions to pandas live in Python.
#include "famgraph/version.hpp"
#include "register.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "famgraph C++ core (internal; use the famgraph package)";
  m.attr("__version__") = famgraph::version;
  famgraph::python::register_errors(m);
  famgraph::python::register_dataset(m);
  famgraph::python::register_graph(m);
  famgraph::python::register_synth(m);
  famgraph::python::register_stats(m);
  famgraph::python::register_disclosure(m);
  famgraph::python::register_disclosure_linked(m);  // adds to _core.disclosure
  famgraph::python::register_disclosure_patterns(m);
  famgraph::python::register_disclosure_audit(m);
  famgraph::python::register_indicators(m);
  famgraph::python::register_familiality(m);
  famgraph::python::register_design(m);
}
