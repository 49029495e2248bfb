#pragma once
// Stable counting sort (internal): the linear-time sort behind the sibship, couple, family and pair
// orderings, so that no step of a count depends on a comparison sort of n items.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace famgraph::detail {

/// Reorders `items` stably by key(item) ∈ [0, n_keys): O(items + n_keys) time, `items` + n_keys
/// words of scratch. `key` must return a value below n_keys.
template <class T, class Key>
void counting_sort(std::vector<T>& items, std::size_t n_keys, Key&& key) {
  std::vector<std::uint32_t> start(n_keys + 1, 0);
  for (const T& x : items) ++start[static_cast<std::size_t>(key(x)) + 1];
  for (std::size_t k = 0; k < n_keys; ++k) start[k + 1] += start[k];
  std::vector<T> out(items.size());
  for (const T& x : items) out[start[static_cast<std::size_t>(key(x))]++] = x;
  items.swap(out);
}

/// Pairs (a, b) with a, b < n sorted by (a, b) and made unique, in O(pairs + n).
template <class Pair>
void sort_unique_pairs(std::vector<Pair>& pairs, std::size_t n) {
  counting_sort(pairs, n, [](const Pair& p) { return p.second; });
  counting_sort(pairs, n, [](const Pair& p) { return p.first; });
  std::size_t w = 0;
  for (std::size_t r = 0; r < pairs.size(); ++r)
    if (w == 0 || !(pairs[r] == pairs[w - 1])) pairs[w++] = pairs[r];
  pairs.resize(w);
}

}  // namespace famgraph::detail
