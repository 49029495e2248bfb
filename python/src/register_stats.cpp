// famgraph::stats and famgraph::disclosure for Python (famgraph.stats, famgraph.disclosure).
#include "register.hpp"

namespace famgraph::python {
void register_stats(pybind11::module_& m) { (void)m; }
}  // namespace famgraph::python
