// FamilyGraph, relations and kinship. Indices are dense person indices; famgraph.graph maps ids.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/typing.h>

#include <memory>
#include <mutex>

#include "famgraph/graph.hpp"
#include "famgraph/kinship.hpp"
#include "famgraph/relations.hpp"
#include "famgraph/relative_counts.hpp"
#include "famgraph/summary.hpp"
#include "graph_handle.hpp"
#include "record.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {


void register_graph(py::module_& m) {
  using DS = DatasetSummary;
  Record<DS>(m, "DatasetSummary", "Descriptive counts of a dataset and its graph (summary.hpp).")
      .field("persons", &DS::persons)
      .field("founders", &DS::founders)
      .field("added_parents", &DS::added_parents)
      .field("without_birth_date", &DS::without_birth_date)
      .field("generations", &DS::generations)
      .field("family_components", &DS::family_components)
      .field("largest_component", &DS::largest_component)
      .field("partnerships", &DS::partnerships)
      .field("event_rows", &DS::event_rows)
      .field("incidents", &DS::incidents)
      .field("contacts", &DS::contacts)
      .field("organisations", &DS::organisations)
      .column(
          "events_by_role",
          [](const DS& s) {
            py::typing::Dict<py::str, py::int_> roles;
            for (int r = 0; r < n_roles; ++r)
              roles[py::str(std::string(to_string(static_cast<Role>(r))))] =
                  py::int_(s.events_by_role[static_cast<std::size_t>(r)]);
            return roles;
          },
          "event rows by role name (in the core's role order)")
      .field("inbred", &DS::inbred)
      .field("mean_inbreeding", &DS::mean_inbreeding)
      .field("max_inbreeding", &DS::max_inbreeding)
      .field("warnings", &DS::warnings)
      .done();

  py::class_<Graph>(m, "FamilyGraph")
      .def(py::init<std::shared_ptr<const Dataset>>(), py::arg("dataset"))
      .def_property_readonly("n_persons", [](const Graph& g) { return g.graph().size(); })
      .def_property_readonly("n_components", [](const Graph& g) { return g.graph().n_components(); })
      .def_property_readonly("max_generation", [](const Graph& g) { return g.graph().max_generation(); })
      .def("generation", [](const Graph& g) { return to_array(g.graph().generation()); })
      .def("topological_order", [](const Graph& g) { return to_array(g.graph().topological_order()); })
      .def("component", [](const Graph& g) { return to_array(g.graph().component()); })
      .def("ancestors", [](const Graph& g, Index i, int depth) {
        g.check(i);
        return to_array(g.graph().ancestors(i, depth));
      }, py::arg("i"), py::arg("max_depth") = -1)
      .def("descendants", [](const Graph& g, Index i, int depth) {
        g.check(i);
        return to_array(g.graph().descendants(i, depth));
      }, py::arg("i"), py::arg("max_depth") = -1)
      .def("relatives", [](const Graph& g, Index i, const std::string& r) {
        g.check(i);
        return to_array(g.graph().relatives(i, parse_relation(r)));
      }, py::arg("i"), py::arg("relation"))
      .def("pairs", [](const Graph& g, const std::string& r) {
        const Relation rel = parse_relation(r);
        std::vector<std::pair<Index, Index>> p;
        {
          py::gil_scoped_release release;
          p = g.graph().pairs(rel);
        }
        py::array_t<Index> a(static_cast<py::ssize_t>(p.size())), b(static_cast<py::ssize_t>(p.size()));
        auto* pa = a.mutable_data();
        auto* pb = b.mutable_data();
        for (std::size_t k = 0; k < p.size(); ++k) {
          pa[k] = p[k].first;
          pb[k] = p[k].second;
        }
        return py::typing::Tuple<py::array_t<Index>, py::array_t<Index>>(py::make_tuple(a, b));
      }, py::arg("relation"))
      .def("relative_counts", [](const Graph& g, const std::string& r,
                                 py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast> flags, int bits) {
        const Relation rel = parse_relation(r);
        std::span<const std::uint8_t> f(flags.data(), static_cast<std::size_t>(flags.size()));
        RelativeCounts c;
        {
          py::gil_scoped_release release;
          c = relative_counts(g.dataset().persons, rel, f, bits);
        }
        py::array_t<std::uint32_t> out({static_cast<py::ssize_t>(g.graph().size()), static_cast<py::ssize_t>(bits)});
        std::copy(c.counts.begin(), c.counts.end(), out.mutable_data());
        return py::typing::Tuple<py::array_t<std::uint32_t>, py::int_>(py::make_tuple(out, c.work));
      }, py::arg("relation"), py::arg("flags"), py::arg("bits"),
      "(counts, work): counts[i, b] = relatives of person i by the relation with bit b of flags set, "
      "counted by aggregation (relative_counts.hpp); work = elementary steps")
      .def("inbreeding", [](const Graph& g) { return to_array(g.kinship().inbreeding()); })
      .def("kinship_setup_work", [](const Graph& g) { return g.kinship().setup_work(); },
           "steps taken to build the kinship calculator outside the kinship walks (complexity tests)")
      .def("kinship", [](const Graph& g, Index i, Index j) {
        g.check(i);
        g.check(j);
        return g.kinship().kinship(i, j);
      }, py::arg("i"), py::arg("j"))
      .def("kinship_pairs", [](const Graph& g, py::array_t<Index, py::array::c_style | py::array::forcecast> a,
                               py::array_t<Index, py::array::c_style | py::array::forcecast> b) {
        std::span<const Index> sa(a.data(), static_cast<std::size_t>(a.size()));
        std::span<const Index> sb(b.data(), static_cast<std::size_t>(b.size()));
        const auto& k = g.kinship();
        std::vector<double> out;
        {
          py::gil_scoped_release release;
          out = k.kinship(sa, sb);
        }
        return to_array(out);
      }, py::arg("a"), py::arg("b"))
      .def("relationship_times", [](const Graph& g, py::array_t<double, py::array::c_style | py::array::forcecast> x) {
        std::span<const double> sx(x.data(), static_cast<std::size_t>(x.size()));
        return to_array(g.kinship().relationship_times(sx));
      }, py::arg("x"))
      .def("summary", [](const Graph& g) { return summarise(g.dataset(), g.graph(), g.kinship()); });
  py::list rels;
  for (auto r : all_relations) rels.append(py::str(std::string(to_string(r))));
  m.attr_with_type_hint<py::typing::Tuple<py::str, py::ellipsis>>("RELATIONS") = py::tuple(rels);
}

}  // namespace famgraph::python
