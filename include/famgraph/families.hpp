#pragma once
// Nuclear families (docs/spec/common_rules.md §nuclear-family): keyed by the recorded parents of a child as
// an unordered pair of persons — that pair and all their common children; a child with one known parent makes
// a family of that parent and their children whose other parent is unknown. A person can belong to several
// families (as a child and as a parent).
#include <cstdint>
#include <span>
#include <vector>

#include "famgraph/dataset.hpp"

namespace famgraph {

struct NuclearFamilies {
  /// The parents of each family (b = NONE for single-parent families), a < b, sorted.
  std::vector<Index> parent_a, parent_b;
  /// CSR: members of family f (its parents, then its children ascending).
  std::vector<std::uint32_t> member_offsets;
  std::vector<Index> members;

  [[nodiscard]] std::size_t size() const noexcept { return parent_a.size(); }
  [[nodiscard]] std::span<const Index> members_of(std::size_t f) const noexcept {
    return {members.data() + member_offsets[f], members.data() + member_offsets[f + 1]};
  }
};

NuclearFamilies nuclear_families(const PersonTable& persons);

}  // namespace famgraph
