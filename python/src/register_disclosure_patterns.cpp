// famgraph/disclosure_patterns.hpp for Python: the suppression rules of the recurring shapes of
// published numbers (a count, a difference, a proportion, a nested count, merged levels, the
// data-quality rows, the match rates), added to the submodule famgraph._core.disclosure and wrapped by
// famgraph.disclosure. Zeros cross as `zero_is_small` (dc::Zero::small when true).
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "famgraph/disclosure_patterns.hpp"
#include "record.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {
namespace dc = famgraph::disclosure;

constexpr dc::Zero zero_of(bool zero_is_small) noexcept { return zero_is_small ? dc::Zero::small : dc::Zero::safe; }
}  // namespace

void register_disclosure_patterns(py::module_& m) {
  auto d = m.attr("disclosure").cast<py::module_>();
  d.def(
      "count_hidden",
      [](std::uint64_t count, std::uint64_t min_cell, bool zero_is_small) {
        return dc::count_hidden(count, dc::Policy{min_cell}, zero_of(zero_is_small));
      },
      py::arg("count"), py::arg("min_cell"), py::arg("zero_is_small") = true,
      "Whether a count published on its own is hidden (below min_cell).");
  d.def(
      "difference_hidden",
      [](std::uint64_t whole, std::uint64_t part, std::uint64_t min_cell, bool zero_is_small) {
        return dc::difference_hidden(whole, part, dc::Policy{min_cell}, zero_of(zero_is_small));
      },
      py::arg("whole"), py::arg("part"), py::arg("min_cell"), py::arg("zero_is_small") = true,
      "Whether the difference whole - part of two published counts is hidden.");
  d.def(
      "proportion_hidden",
      [](std::uint64_t k, std::uint64_t n, std::uint64_t min_cell, bool zero_is_small) {
        return dc::proportion_hidden(k, n, dc::Policy{min_cell}, zero_of(zero_is_small));
      },
      py::arg("k"), py::arg("n"), py::arg("min_cell"), py::arg("zero_is_small") = true,
      "Whether a proportion k of n, published with n, is hidden (k or n - k small).");
  d.def(
      "nested_count_hidden",
      [](std::uint64_t inner, std::uint64_t x, std::uint64_t outer, std::uint64_t min_cell) {
        return dc::nested_count_hidden(inner, x, outer, dc::Policy{min_cell});
      },
      py::arg("inner"), py::arg("x"), py::arg("outer"), py::arg("min_cell"),
      "Whether a count between two published counts inner <= x <= outer is hidden.");
  d.def(
      "merge_adjacent_levels",
      [](const std::vector<std::uint64_t>& k, const std::vector<std::uint64_t>& n, std::uint64_t min_cell) {
        return dc::merge_adjacent_levels(k, n, dc::Policy{min_cell});
      },
      py::arg("k"), py::arg("n"), py::arg("min_cell"),
      "For each ordered level, the first level of its merged group (every group with at least min_cell "
      "outcomes and non-outcomes where possible).");

  Record<dc::QualityRowStatus>(d, "QualityRowStatus", "What of a data-quality row is hidden: its value, its n.")
      .field("value", &dc::QualityRowStatus::value)
      .field("n", &dc::QualityRowStatus::n)
      .done();
  d.def(
      "quality_row_status",
      [](std::optional<std::uint64_t> n, std::optional<std::uint64_t> k, const std::string& kind,
         bool completeness, std::optional<std::uint64_t> table_rows, std::uint64_t min_cell) {
        dc::QualityKind q = dc::QualityKind::share;
        if (kind == "linkability")
          q = dc::QualityKind::linkability;
        else if (kind == "consistency")
          q = dc::QualityKind::consistency;
        else if (kind != "share")
          throw py::value_error("kind must be 'share', 'linkability' or 'consistency', got '" + kind + "'");
        return dc::quality_row_status(dc::QualityRow{n, k, q, completeness, table_rows}, dc::Policy{min_cell});
      },
      py::arg("n"), py::arg("k"), py::arg("kind"), py::arg("completeness"), py::arg("table_rows"),
      py::arg("min_cell"),
      "The suppression of one data-quality row (kind 'share', 'linkability' or 'consistency').");

  Record<dc::MatchRateStatus>(d, "MatchRateStatus",
                              "Match-rate suppression: n_hidden per organisation, found_hidden k x k "
                              "row-major, all_pairs_hidden.")
      .field("n_hidden", &dc::MatchRateStatus::n_hidden)
      .field("found_hidden", &dc::MatchRateStatus::found_hidden)
      .field("all_pairs_hidden", &dc::MatchRateStatus::all_pairs_hidden)
      .done();
  d.def(
      "suppress_match_rates",
      [](const std::vector<std::uint64_t>& n, const std::vector<std::uint64_t>& found,
         const std::vector<std::string>& names, const std::vector<bool>& n_hidden, std::uint64_t persons,
         bool unlinked_hidden, std::uint64_t min_cell) {
        dc::MatchRateStatus s;
        {
          py::gil_scoped_release release;
          s = dc::suppress_match_rates(dc::MatchRateCounts{n, found, names, n_hidden, persons, unlinked_hidden},
                                       dc::Policy{min_cell});
        }
        return s;
      },
      py::arg("n"), py::arg("found"), py::arg("names"), py::arg("n_hidden"), py::arg("persons"),
      py::arg("unlinked_hidden"), py::arg("min_cell"),
      "Secondary suppression of the match-rate table of the linkage report (disclosure_patterns.hpp).");
}

}  // namespace famgraph::python
