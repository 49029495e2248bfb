#pragma once
// Named family relations built from recorded mother_id/father_id (docs/spec/common_rules.md §relations).
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "famgraph/dataset.hpp"

namespace famgraph {

enum class Relation : std::uint8_t {
  parent,
  child,
  full_sibling,
  half_sibling,
  grandparent,
  grandchild,
  aunt_uncle,
  niece_nephew,
  first_cousin,
  partner
};

inline constexpr std::array<Relation, 10> all_relations{
    Relation::parent,     Relation::child,        Relation::full_sibling, Relation::half_sibling,
    Relation::grandparent, Relation::grandchild,  Relation::aunt_uncle,   Relation::niece_nephew,
    Relation::first_cousin, Relation::partner};

constexpr std::string_view to_string(Relation r) noexcept {
  switch (r) {
    case Relation::parent: return "parent";
    case Relation::child: return "child";
    case Relation::full_sibling: return "full_sibling";
    case Relation::half_sibling: return "half_sibling";
    case Relation::grandparent: return "grandparent";
    case Relation::grandchild: return "grandchild";
    case Relation::aunt_uncle: return "aunt_uncle";
    case Relation::niece_nephew: return "niece_nephew";
    case Relation::first_cousin: return "first_cousin";
    case Relation::partner: return "partner";
  }
  return "?";
}

/// Parses a relation name; throws std::invalid_argument listing the valid names.
Relation parse_relation(std::string_view name);

/// True for relations where j ∈ R(i) ⇔ i ∈ R(j).
constexpr bool is_symmetric(Relation r) noexcept {
  return r == Relation::full_sibling || r == Relation::half_sibling ||
         r == Relation::first_cousin || r == Relation::partner;
}

/// The relation R' with j ∈ R(i) ⇔ i ∈ R'(j).
constexpr Relation inverse(Relation r) noexcept {
  switch (r) {
    case Relation::parent: return Relation::child;
    case Relation::child: return Relation::parent;
    case Relation::grandparent: return Relation::grandchild;
    case Relation::grandchild: return Relation::grandparent;
    case Relation::aunt_uncle: return Relation::niece_nephew;
    case Relation::niece_nephew: return Relation::aunt_uncle;
    default: return r;
  }
}

/// Relatives of person `i` by relation `r`: ascending, unique, never `i` itself. `out` is
/// overwritten (pass the same vector in loops to avoid allocations).
void relatives(const PersonTable& persons, Index i, Relation r, std::vector<Index>& out);
std::vector<Index> relatives(const PersonTable& persons, Index i, Relation r);

/// Every pair (i, j) with j ∈ R(i). For symmetric relations each unordered pair appears once, as
/// i < j; for the others every ordered pair appears. Sorted by (i, j).
std::vector<std::pair<Index, Index>> relative_pairs(const PersonTable& persons, Relation r);

}  // namespace famgraph
