#include "famgraph/families.hpp"

#include <algorithm>
#include <tuple>

#include "counting_sort.hpp"

namespace famgraph {

NuclearFamilies nuclear_families(const PersonTable& P) {
  // (parent a, parent b, child) for every child with a recorded parent; unordered pairs.
  std::vector<std::tuple<Index, Index, Index>> rows;
  for (std::size_t c = 0; c < P.size(); ++c) {
    Index a = P.mother[c], b = P.father[c];
    if (a == NONE && b == NONE) continue;
    if (a == NONE || (b != NONE && b < a)) std::swap(a, b);
    rows.emplace_back(a, b, static_cast<Index>(c));
  }
  // Sorted by (a, b, child) with b = NONE last, in O(n): the rows are made in child order, and two
  // stable counting sorts order them by b, then by a.
  const std::size_t n = P.size();
  detail::counting_sort(rows, n + 1, [&](const auto& r) { return std::get<1>(r) == NONE ? n : std::get<1>(r); });
  detail::counting_sort(rows, n, [](const auto& r) { return std::get<0>(r); });
  NuclearFamilies f;
  f.member_offsets.push_back(0);
  for (std::size_t k = 0; k < rows.size();) {
    const auto [a, b, c0] = rows[k];
    (void)c0;
    f.parent_a.push_back(a);
    f.parent_b.push_back(b);
    f.members.push_back(a);
    if (b != NONE) f.members.push_back(b);
    for (; k < rows.size() && std::get<0>(rows[k]) == a && std::get<1>(rows[k]) == b; ++k)
      f.members.push_back(std::get<2>(rows[k]));
    f.member_offsets.push_back(static_cast<std::uint32_t>(f.members.size()));
  }
  return f;
}

}  // namespace famgraph
