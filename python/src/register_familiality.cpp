// GIF and FIR (famgraph._core.indicators.gif / fir). Filled in with the C++ kernels.
#include "register.hpp"

namespace famgraph::python {

void register_familiality(pybind11::module_& /*root*/) {}

}  // namespace famgraph::python
