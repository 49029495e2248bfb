#pragma once
// Declarations shared by the register_<area>.cpp translation units of the extension module.
#include <pybind11/pybind11.h>

namespace famgraph::python {
void register_errors(pybind11::module_& m);
void register_dataset(pybind11::module_& m);
void register_graph(pybind11::module_& m);
void register_synth(pybind11::module_& m);
void register_stats(pybind11::module_& m);
void register_indicators(pybind11::module_& m);
}  // namespace famgraph::python
