// famgraph/disclosure_linked.hpp for Python: the rules of linked tables, added to the submodule
// famgraph._core.disclosure (register_disclosure creates it). Wrapped by famgraph.indicators._tables,
// .overlap and .transmission, which only convert to and from pandas. Status columns cross as uint8
// codes (0 none, 1 primary, 2 secondary), as in register_disclosure.cpp; additive constraints as
// (whole, parts) pairs of indices.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "famgraph/disclosure_linked.hpp"
#include "record.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {

namespace dc = famgraph::disclosure;

using U64Array = py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>;
using U32Array = py::array_t<std::uint32_t, py::array::c_style | py::array::forcecast>;
using Constraints = std::vector<std::pair<std::size_t, std::vector<std::size_t>>>;

template <class T>
std::span<const T> span_of(const py::array_t<T, py::array::c_style | py::array::forcecast>& a, const char* what) {
  if (a.ndim() != 1) throw py::value_error(std::string(what) + ": expected a one-dimensional array");
  return {a.data(), static_cast<std::size_t>(a.size())};
}

std::vector<dc::AdditiveConstraint> constraints_of(const Constraints& pairs) {
  std::vector<dc::AdditiveConstraint> out;
  out.reserve(pairs.size());
  for (const auto& [whole, parts] : pairs) out.push_back({whole, parts});
  return out;
}

py::array_t<std::uint8_t> codes(const std::vector<dc::Suppression>& s) {
  py::array_t<std::uint8_t> out(static_cast<py::ssize_t>(s.size()));
  auto* p = out.mutable_data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = static_cast<std::uint8_t>(s[i]);
  return out;
}

}  // namespace

void register_disclosure_linked(py::module_& m) {
  py::module_ d = m.attr("disclosure").cast<py::module_>();

  Record<dc::NestedStatus>(d, "NestedStatus", "Status of nested counts k_1 <= ... <= n and of their total n.")
      .field("total_hidden", &dc::NestedStatus::total_hidden)
      .field("hidden", &dc::NestedStatus::hidden, "per cumulative count, in input order")
      .done();
  Record<dc::ShareStatus>(d, "ShareStatus", "Status of shares k/n: n_hidden for n, k_hidden for k and the share.")
      .field("n_hidden", &dc::ShareStatus::n_hidden)
      .field("k_hidden", &dc::ShareStatus::k_hidden)
      .done();
  Record<dc::CombinationStatus>(d, "CombinationStatus",
                                "Status of the combination counts (uint8 codes) and of the two totals.")
      .column("counts", [](const dc::CombinationStatus& s) { return codes(s.counts); })
      .field("known_1plus_hidden", &dc::CombinationStatus::known_1plus_hidden)
      .field("known_2plus_hidden", &dc::CombinationStatus::known_2plus_hidden)
      .done();
  Record<dc::PooledGroup>(d, "PooledGroup", "One group of pooled combinations (indices into the input).")
      .field("listed", &dc::PooledGroup::listed, "listed on their own, largest count first")
      .field("pooled", &dc::PooledGroup::pooled, "the non-empty combinations in the 'other' row")
      .field("pooled_count", &dc::PooledGroup::pooled_count, "the count of the 'other' row")
      .done();
  Record<dc::PooledCombinations>(d, "PooledCombinations", "The single- and the multi-organisation group.")
      .field("single", &dc::PooledCombinations::single)
      .field("multi", &dc::PooledCombinations::multi)
      .done();
  Record<dc::PairStatus>(d, "PairStatus",
                         "Whether the counts of each organisation pair (0,1), (0,2), ..., (1,2), ... are hidden.")
      .field("both_hidden", &dc::PairStatus::both_hidden, "units known to both")
      .field("either_hidden", &dc::PairStatus::either_hidden, "units known to either")
      .done();
  Record<dc::CurveCoarsening>(d, "CurveCoarsening", "Which points of a Kaplan-Meier curve are published.")
      .field("drawn", &dc::CurveCoarsening::drawn, "False: no curve at all")
      .field("points", &dc::CurveCoarsening::points, "indices of the published event times")
      .done();

  d.def(
      "suppress_additive",
      [](const U64Array& values, const Constraints& constraints, std::uint64_t m) {
        const auto c = constraints_of(constraints);
        return codes(dc::suppress_additive(span_of(values, "values"), c, dc::Policy{m}));
      },
      py::arg("values"), py::arg("constraints"), py::arg("min_cell"),
      "Status codes of counts linked by (whole, parts) constraints (whole = sum of parts).");

  d.def(
      "suppress_linked_2x2",
      [](const U64Array& ca, const U64Array& cb, const U64Array& cc, const U64Array& cd, const Constraints& linked,
         std::uint64_t m) {
        const auto sa = span_of(ca, "a"), sb = span_of(cb, "b"), sc = span_of(cc, "c"), sd = span_of(cd, "d");
        if (sb.size() != sa.size() || sc.size() != sa.size() || sd.size() != sa.size())
          throw py::value_error("a, b, c and d must have the same length");
        std::vector<dc::Table2x2Counts> tables(sa.size());
        for (std::size_t i = 0; i < sa.size(); ++i) tables[i] = {sa[i], sb[i], sc[i], sd[i]};
        const auto c = constraints_of(linked);
        std::vector<dc::Suppressed2x2> s;
        {
          py::gil_scoped_release release;
          s = dc::suppress_linked_2x2(tables, c, dc::Policy{m});
        }
        const auto n = static_cast<py::ssize_t>(s.size());
        py::array_t<std::uint8_t> out({py::ssize_t{9}, n});
        auto O = out.mutable_unchecked<2>();
        for (std::size_t f = 0; f < 9; ++f)
          for (py::ssize_t i = 0; i < n; ++i)
            O(static_cast<py::ssize_t>(f), i) =
                static_cast<std::uint8_t>(s[static_cast<std::size_t>(i)].at(dc::fields_2x2[f]));
        return out;
      },
      py::arg("a"), py::arg("b"), py::arg("c"), py::arg("d"), py::arg("linked"), py::arg("min_cell"),
      "Statuses (9, n) of n 2x2 tables protected jointly; linked: (overall row, stratum rows).");

  d.def(
      "suppress_nested",
      [](const U64Array& cumulative, std::uint64_t n, std::uint64_t m) {
        return dc::suppress_nested(span_of(cumulative, "cumulative"), n, dc::Policy{m});
      },
      py::arg("cumulative"), py::arg("n"), py::arg("min_cell"));

  d.def(
      "suppress_shares",
      [](const U64Array& k, const U64Array& n, const std::vector<std::vector<std::size_t>>& nested,
         const Constraints& siblings, std::uint64_t m) {
        const auto c = constraints_of(siblings);
        return dc::suppress_shares(span_of(k, "k"), span_of(n, "n"), nested, c, dc::Policy{m});
      },
      py::arg("k"), py::arg("n"), py::arg("nested"), py::arg("siblings"), py::arg("min_cell"));

  d.def(
      "suppress_combinations",
      [](const U64Array& counts, const U32Array& n_organisations, std::uint64_t m) {
        return dc::suppress_combinations(span_of(counts, "counts"), span_of(n_organisations, "n_organisations"),
                                         dc::Policy{m});
      },
      py::arg("counts"), py::arg("n_organisations"), py::arg("min_cell"));

  d.def(
      "pool_combinations",
      [](const U64Array& counts, const U32Array& n_organisations, std::uint64_t m) {
        return dc::pool_combinations(span_of(counts, "counts"), span_of(n_organisations, "n_organisations"),
                                     dc::Policy{m});
      },
      py::arg("counts"), py::arg("n_organisations"), py::arg("min_cell"),
      "Listed and pooled combinations; the input in name order.");

  d.def(
      "overlap_pairs_hidden",
      [](const std::vector<std::vector<std::uint32_t>>& members, const U32Array& n_organisations,
         const U64Array& counts, std::size_t organisations, bool pooled, const dc::CombinationStatus& status,
         std::uint64_t m) {
        dc::CombinationTable t;
        t.members = members;
        const auto sizes = span_of(n_organisations, "n_organisations");
        const auto values = span_of(counts, "counts");
        t.n_organisations.assign(sizes.begin(), sizes.end());
        t.counts.assign(values.begin(), values.end());
        t.organisations = organisations;
        t.pooled = pooled;
        return dc::overlap_pairs_hidden(t, status, dc::Policy{m});
      },
      py::arg("members"), py::arg("n_organisations"), py::arg("counts"), py::arg("organisations"), py::arg("pooled"),
      py::arg("status"), py::arg("min_cell"),
      "Which pair counts of the overlap may be published: the rows of the combination table (members: "
      "organisation indices, [] for a pooled row) with their suppress_combinations status.");

  d.def(
      "coarsen_curve",
      [](std::uint64_t n_persons, const U64Array& events, const U64Array& at_risk, std::uint64_t m) {
        return dc::coarsen_curve(n_persons, span_of(events, "events"), span_of(at_risk, "at_risk"), dc::Policy{m});
      },
      py::arg("n_persons"), py::arg("events"), py::arg("at_risk"), py::arg("min_cell"));

  d.def(
      "at_risk_hidden",
      [](std::uint64_t n, const U64Array& at_risk, std::optional<bool> group_hidden, std::uint64_t m) {
        return dc::at_risk_hidden(n, span_of(at_risk, "at_risk"), group_hidden, dc::Policy{m});
      },
      py::arg("n"), py::arg("at_risk"), py::arg("group_hidden"), py::arg("min_cell"),
      "Hidden flags of year 0 (n) and of each later number at risk.");
}

}  // namespace famgraph::python
