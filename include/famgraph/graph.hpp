#pragma once
// FamilyGraph: the multi-generation family graph over a PersonTable
// (docs/spec/data_contract.md §family-graph). It models the
// Boost.Graph concepts IncidenceGraph, BidirectionalGraph, VertexListGraph and AdjacencyGraph, so
// BGL algorithms run on it unchanged; hot paths use the CSR arrays of the PersonTable directly.
#include <boost/graph/graph_traits.hpp>
#include <boost/graph/properties.hpp>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/iterator_facade.hpp>
#include <boost/property_map/property_map.hpp>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "famgraph/dataset.hpp"
#include "famgraph/relations.hpp"

namespace famgraph {

enum class EdgeKind : std::uint8_t { parent_child, partner };

/// An edge of the family graph. For parent_child edges of FamilyGraph, source is the parent.
struct FamilyEdge {
  Index source = NONE;
  Index target = NONE;
  EdgeKind kind = EdgeKind::parent_child;
  friend bool operator==(const FamilyEdge&, const FamilyEdge&) = default;
};

namespace detail {

/// Which incident edges an iterator visits.
enum EdgeSlots : unsigned { slot_parents = 1, slot_children = 2, slot_partners = 4 };

/// Walks the edges incident to v as a virtual list of slots: [mother, father, children...,
/// partners...], skipping slots outside `mask` and unknown parents. `outgoing` decides whether v is
/// the edge's source (out-edges) or target (in-edges).
class SlotEdgeIterator
    : public boost::iterator_facade<SlotEdgeIterator, FamilyEdge, std::forward_iterator_tag,
                                    FamilyEdge> {
 public:
  SlotEdgeIterator() = default;
  SlotEdgeIterator(const PersonTable* p, Index v, unsigned mask, bool outgoing, bool at_end)
      : p_(p), v_(v), mask_(mask), outgoing_(outgoing) {
    nc_ = p->child_offsets[v + 1] - p->child_offsets[v];
    np_ = p->partner_offsets[v + 1] - p->partner_offsets[v];
    k_ = at_end ? end_slot() : 0;
    if (!at_end) skip();
  }

 private:
  friend class boost::iterator_core_access;
  [[nodiscard]] std::uint32_t end_slot() const noexcept { return 2 + nc_ + np_; }
  [[nodiscard]] bool usable(std::uint32_t k) const noexcept {
    if (k < 2) return (mask_ & slot_parents) && (k == 0 ? p_->mother[v_] : p_->father[v_]) != NONE &&
                      !(k == 1 && p_->father[v_] == p_->mother[v_]);
    if (k < 2 + nc_) return (mask_ & slot_children) != 0;
    return (mask_ & slot_partners) != 0;
  }
  void skip() noexcept {
    while (k_ < end_slot() && !usable(k_)) ++k_;
  }
  void increment() noexcept {
    ++k_;
    skip();
  }
  [[nodiscard]] bool equal(const SlotEdgeIterator& o) const noexcept { return k_ == o.k_ && v_ == o.v_; }
  [[nodiscard]] FamilyEdge dereference() const noexcept {
    Index other;
    EdgeKind kind = EdgeKind::parent_child;
    if (k_ < 2) {
      other = k_ == 0 ? p_->mother[v_] : p_->father[v_];
    } else if (k_ < 2 + nc_) {
      other = p_->children[p_->child_offsets[v_] + (k_ - 2)];
    } else {
      other = p_->partners[p_->partner_offsets[v_] + (k_ - 2 - nc_)];
      kind = EdgeKind::partner;
    }
    return outgoing_ ? FamilyEdge{v_, other, kind} : FamilyEdge{other, v_, kind};
  }

  const PersonTable* p_ = nullptr;
  Index v_ = NONE;
  unsigned mask_ = 0;
  bool outgoing_ = true;
  std::uint32_t nc_ = 0, np_ = 0, k_ = 0;
};

/// Maps an edge iterator to the far end of each edge (the adjacency iterator of a graph).
class TargetIterator
    : public boost::iterator_facade<TargetIterator, Index, std::forward_iterator_tag, Index> {
 public:
  TargetIterator() = default;
  explicit TargetIterator(SlotEdgeIterator it) : it_(it) {}

 private:
  friend class boost::iterator_core_access;
  void increment() { ++it_; }
  [[nodiscard]] bool equal(const TargetIterator& o) const { return it_ == o.it_; }
  [[nodiscard]] Index dereference() const { return (*it_).target; }
  SlotEdgeIterator it_;
};

struct family_graph_traversal_tag : boost::bidirectional_graph_tag,
                                    boost::vertex_list_graph_tag,
                                    boost::adjacency_graph_tag {};
struct undirected_view_traversal_tag : boost::incidence_graph_tag,
                                       boost::vertex_list_graph_tag,
                                       boost::adjacency_graph_tag {};

}  // namespace detail

/// Directed family graph: parent→child edges and partner edges (a partnership is stored as two
/// arcs, one each way). Holds a reference to the PersonTable, which must outlive it.
/// Derived structure (generations, topological order, components) is computed on construction:
/// O(n + links) time, 16 bytes per person. There is no limit on the depth of the pedigree other
/// than the number of persons (generations are 32-bit, and nothing recurses over depth).
class FamilyGraph {
 public:
  // Boost.Graph associated types.
  using vertex_descriptor = Index;
  using edge_descriptor = FamilyEdge;
  using directed_category = boost::bidirectional_tag;
  using edge_parallel_category = boost::allow_parallel_edge_tag;
  using traversal_category = detail::family_graph_traversal_tag;
  using vertex_iterator = boost::counting_iterator<Index>;
  using out_edge_iterator = detail::SlotEdgeIterator;
  using in_edge_iterator = detail::SlotEdgeIterator;
  using adjacency_iterator = detail::TargetIterator;
  using vertices_size_type = std::size_t;
  using edges_size_type = std::size_t;
  using degree_size_type = std::size_t;
  static Index null_vertex() noexcept { return NONE; }

  explicit FamilyGraph(const PersonTable& persons);

  [[nodiscard]] const PersonTable& persons() const noexcept { return *p_; }
  [[nodiscard]] std::size_t size() const noexcept { return p_->size(); }

  /// Longest path (in parent→child links) from a founder; founders are generation 0.
  [[nodiscard]] std::span<const std::uint32_t> generation() const noexcept { return generation_; }
  [[nodiscard]] int max_generation() const noexcept { return max_generation_; }
  /// Every person, parents before children (by generation, then index).
  [[nodiscard]] std::span<const Index> topological_order() const noexcept { return topo_; }
  /// Position of each person in topological_order().
  [[nodiscard]] std::span<const Index> topological_rank() const noexcept { return rank_; }
  /// Family component of each person: connected components of parent–child links (partners are
  /// not joined), numbered 0.. in order of their lowest person index.
  [[nodiscard]] std::span<const Index> component() const noexcept { return component_; }
  [[nodiscard]] std::size_t n_components() const noexcept { return n_components_; }

  /// Ancestors of i up to `max_depth` generations back (parents = depth 1; max_depth < 0 means
  /// unlimited), ascending, unique, without i. O(k log k) for k ancestors, whatever the depth.
  [[nodiscard]] std::vector<Index> ancestors(Index i, int max_depth = -1) const;
  /// Descendants of i up to `max_depth` generations down, ascending, unique, without i.
  [[nodiscard]] std::vector<Index> descendants(Index i, int max_depth = -1) const;
  [[nodiscard]] std::vector<Index> relatives(Index i, Relation r) const {
    return famgraph::relatives(*p_, i, r);
  }
  [[nodiscard]] std::vector<std::pair<Index, Index>> pairs(Relation r) const {
    return relative_pairs(*p_, r);
  }

 private:
  const PersonTable* p_;
  std::vector<std::uint32_t> generation_;
  std::vector<Index> topo_, rank_, component_;
  int max_generation_ = 0;
  std::size_t n_components_ = 0;
};

/// Undirected view of a FamilyGraph for BGL algorithms that need undirected graphs (e.g.
/// boost::connected_components): each vertex's edges go to its parents and children, and to its
/// partners when `with_partners`.
class UndirectedFamilyView {
 public:
  using vertex_descriptor = Index;
  using edge_descriptor = FamilyEdge;
  using directed_category = boost::undirected_tag;
  using edge_parallel_category = boost::allow_parallel_edge_tag;
  using traversal_category = detail::undirected_view_traversal_tag;
  using vertex_iterator = boost::counting_iterator<Index>;
  using out_edge_iterator = detail::SlotEdgeIterator;
  using adjacency_iterator = detail::TargetIterator;
  using vertices_size_type = std::size_t;
  using edges_size_type = std::size_t;
  using degree_size_type = std::size_t;
  // Required by graph_traits even though the view is not bidirectional.
  using in_edge_iterator = void;
  static Index null_vertex() noexcept { return NONE; }

  explicit UndirectedFamilyView(const FamilyGraph& g, bool with_partners = false)
      : p_(&g.persons()),
        mask_(detail::slot_parents | detail::slot_children |
              (with_partners ? detail::slot_partners : 0u)) {}
  [[nodiscard]] const PersonTable& persons() const noexcept { return *p_; }
  [[nodiscard]] unsigned mask() const noexcept { return mask_; }

 private:
  const PersonTable* p_;
  unsigned mask_;
};

// ---- Boost.Graph free functions (found by argument-dependent lookup) -----------------------

inline std::pair<FamilyGraph::vertex_iterator, FamilyGraph::vertex_iterator> vertices(
    const FamilyGraph& g) {
  return {Index{0}, static_cast<Index>(g.size())};
}
inline std::size_t num_vertices(const FamilyGraph& g) { return g.size(); }
inline Index source(const FamilyEdge& e, const FamilyGraph&) { return e.source; }
inline Index target(const FamilyEdge& e, const FamilyGraph&) { return e.target; }

inline std::pair<detail::SlotEdgeIterator, detail::SlotEdgeIterator> out_edges(Index v,
                                                                               const FamilyGraph& g) {
  constexpr unsigned m = detail::slot_children | detail::slot_partners;
  return {{&g.persons(), v, m, true, false}, {&g.persons(), v, m, true, true}};
}
inline std::size_t out_degree(Index v, const FamilyGraph& g) {
  const auto& p = g.persons();
  return (p.child_offsets[v + 1] - p.child_offsets[v]) + (p.partner_offsets[v + 1] - p.partner_offsets[v]);
}
inline std::pair<detail::SlotEdgeIterator, detail::SlotEdgeIterator> in_edges(Index v,
                                                                              const FamilyGraph& g) {
  constexpr unsigned m = detail::slot_parents | detail::slot_partners;
  return {{&g.persons(), v, m, false, false}, {&g.persons(), v, m, false, true}};
}
inline std::size_t in_degree(Index v, const FamilyGraph& g) {
  const auto& p = g.persons();
  std::size_t d = p.partner_offsets[v + 1] - p.partner_offsets[v];
  d += p.mother[v] != NONE;
  d += p.father[v] != NONE && p.father[v] != p.mother[v];
  return d;
}
inline std::size_t degree(Index v, const FamilyGraph& g) { return in_degree(v, g) + out_degree(v, g); }
inline std::pair<detail::TargetIterator, detail::TargetIterator> adjacent_vertices(
    Index v, const FamilyGraph& g) {
  auto [b, e] = out_edges(v, g);
  return {detail::TargetIterator(b), detail::TargetIterator(e)};
}
inline boost::typed_identity_property_map<Index> get(boost::vertex_index_t, const FamilyGraph&) {
  return {};
}

inline std::pair<UndirectedFamilyView::vertex_iterator, UndirectedFamilyView::vertex_iterator>
vertices(const UndirectedFamilyView& g) {
  return {Index{0}, static_cast<Index>(g.persons().size())};
}
inline std::size_t num_vertices(const UndirectedFamilyView& g) { return g.persons().size(); }
inline Index source(const FamilyEdge& e, const UndirectedFamilyView&) { return e.source; }
inline Index target(const FamilyEdge& e, const UndirectedFamilyView&) { return e.target; }
inline std::pair<detail::SlotEdgeIterator, detail::SlotEdgeIterator> out_edges(
    Index v, const UndirectedFamilyView& g) {
  return {{&g.persons(), v, g.mask(), true, false}, {&g.persons(), v, g.mask(), true, true}};
}
inline std::size_t out_degree(Index v, const UndirectedFamilyView& g) {
  auto [b, e] = out_edges(v, g);
  return static_cast<std::size_t>(std::distance(b, e));
}
inline std::size_t degree(Index v, const UndirectedFamilyView& g) { return out_degree(v, g); }
inline std::pair<detail::TargetIterator, detail::TargetIterator> adjacent_vertices(
    Index v, const UndirectedFamilyView& g) {
  auto [b, e] = out_edges(v, g);
  return {detail::TargetIterator(b), detail::TargetIterator(e)};
}
inline boost::typed_identity_property_map<Index> get(boost::vertex_index_t,
                                                     const UndirectedFamilyView&) {
  return {};
}

}  // namespace famgraph

namespace boost {
template <>
struct property_map<famgraph::FamilyGraph, vertex_index_t> {
  using type = typed_identity_property_map<famgraph::Index>;
  using const_type = type;
};
template <>
struct property_map<famgraph::UndirectedFamilyView, vertex_index_t> {
  using type = typed_identity_property_map<famgraph::Index>;
  using const_type = type;
};
}  // namespace boost
