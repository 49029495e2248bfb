#pragma once
// Declarations shared by the register_<area>.cpp translation units of the extension module.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "famgraph/indicators/common.hpp"

#include <optional>
#include <span>
#include <vector>

namespace famgraph::python {

/// A NumPy copy of a C++ column (the C++ object may not outlive the call).
template <class T>
pybind11::array_t<T> to_array(std::span<const T> v) {
  return pybind11::array_t<T>(static_cast<pybind11::ssize_t>(v.size()), v.data());
}
template <class T>
pybind11::array_t<T> to_array(const std::vector<T>& v) {
  return to_array(std::span<const T>(v));
}

/// An indicator window from optional day numbers (None = from the data).
inline indicators::Window window_of(std::optional<Day> start, std::optional<Day> end) {
  return {start.value_or(NO_DAY), end.value_or(NO_DAY)};
}
/// A resolved window as (start, end) day numbers.
inline pybind11::tuple window_tuple(indicators::Window w) { return pybind11::make_tuple(w.start, w.end); }

void register_errors(pybind11::module_& m);
void register_dataset(pybind11::module_& m);
void register_graph(pybind11::module_& m);
void register_synth(pybind11::module_& m);
void register_stats(pybind11::module_& m);
void register_disclosure(pybind11::module_& m);
/// Adds the rules of linked tables to the disclosure submodule (call after register_disclosure).
void register_disclosure_linked(pybind11::module_& m);
/// Adds the pattern rules (disclosure_patterns.hpp) to the disclosure submodule (call after register_disclosure).
void register_disclosure_patterns(pybind11::module_& m);
/// Adds the LP audit and repair (disclosure_audit.hpp) to the disclosure submodule (call after register_disclosure).
void register_disclosure_audit(pybind11::module_& m);
void register_indicators(pybind11::module_& m);
/// Adds gif/fir to the indicators submodule (call after register_indicators).
void register_familiality(pybind11::module_& m);
/// Adds the design diagnostics to the indicators submodule (call after register_indicators).
void register_design(pybind11::module_& m);
}  // namespace famgraph::python

namespace famgraph::python {
/// The result classes of the matched estimate and the design (register_design.cpp): VerdictResult,
/// MatchedEstimate, MatchedResult, PathwayCohort, PathwayFollowUp, MatchedPathway, CohortDesign,
/// PerpetrationAges. Called by register_indicators before the classes that hold them.
void bind_matched_classes(pybind11::module_& indicators);
/// Stratified counts from rows (birth_year, sex, parents_known, a, b, c, d).
indicators::StratifiedCounts2x2 strata_from_rows(const pybind11::list& rows);
}  // namespace famgraph::python
