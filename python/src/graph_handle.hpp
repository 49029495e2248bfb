#pragma once
// famgraph._core.FamilyGraph: the graph of one dataset, built once and cached by famgraph.Dataset
// (Dataset.graph), so that the indicator bindings that need a graph take it instead of building
// one per call (register_indicators.cpp).
#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <string>

#include "famgraph/dataset.hpp"
#include "famgraph/graph.hpp"
#include "famgraph/kinship.hpp"

namespace famgraph::python {

/// Keeps the dataset alive for as long as the graph (and its kinship cache) exist.
class Graph {
 public:
  explicit Graph(std::shared_ptr<const Dataset> ds) : ds_(std::move(ds)), g_(ds_->persons) {}
  const FamilyGraph& graph() const { return g_; }
  const Dataset& dataset() const { return *ds_; }
  const KinshipCalculator& kinship() const {
    std::call_once(once_, [&] {
      pybind11::gil_scoped_release release;
      k_ = std::make_unique<KinshipCalculator>(g_);
    });
    return *k_;
  }
  void check(Index i) const {
    if (i >= g_.size()) throw pybind11::index_error("person index " + std::to_string(i) + " out of range");
  }

 private:
  std::shared_ptr<const Dataset> ds_;
  FamilyGraph g_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<KinshipCalculator> k_;
};

}  // namespace famgraph::python
