// Indicator 7, the design of the adjusted association (indicators/adjusted.hpp).
#include "famgraph/indicators/adjusted.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "famgraph/date.hpp"
#include "famgraph/disclosure_patterns.hpp"

namespace famgraph::indicators {

AdjustedDesign adjusted_design(const Dataset& ds, const VictimToPerpetratorCounts& counts,
                               const AdjustedDesignOptions& options) {
  const auto& P = ds.persons;
  const std::size_t n = counts.person.size();
  if (counts.event.size() != n || counts.exposed.size() != n)
    throw std::invalid_argument("adjusted_design: the counts have " + std::to_string(n) + " persons but " +
                                std::to_string(counts.event.size()) + " outcomes and " +
                                std::to_string(counts.exposed.size()) + " exposures");
  // The model needs an outcome and a non-outcome in every level, whatever the threshold.
  const disclosure::Policy policy{std::max<std::uint64_t>(options.policy.min_cell, 1)};

  AdjustedDesign d;
  d.outcome.assign(counts.event.begin(), counts.event.end());
  d.exposed.assign(counts.exposed.begin(), counts.exposed.end());
  d.sex.resize(n);
  d.birth_decade.resize(n);
  std::array<std::uint64_t, 3> persons_of_sex{}, outcomes_of_sex{};
  for (std::size_t r = 0; r < n; ++r) {
    const Index i = counts.person[r];
    if (i >= P.size() || P.birth_precision[i] == DatePrecision::missing)
      throw std::invalid_argument("adjusted_design: the counts are not of this dataset (eligible person " +
                                  std::to_string(i) + " has no birth date or does not exist)");
    const auto s = static_cast<std::uint8_t>(P.sex[i]);
    d.sex[r] = s;
    d.birth_decade[r] = decade_of_day(P.birth[i]);
    d.crude.add(d.exposed[r] != 0, d.outcome[r] != 0);
    ++persons_of_sex[s];
    outcomes_of_sex[s] += d.outcome[r] != 0;
  }

  // Sexes whose outcomes or non-outcomes are too few leave the model.
  std::array<bool, 3> dropped{};
  for (std::uint8_t s = 0; s < 3; ++s)
    if (persons_of_sex[s] > 0 && disclosure::proportion_hidden(outcomes_of_sex[s], persons_of_sex[s], policy)) {
      dropped[s] = true;
      d.dropped_sexes.push_back(s);
    }
  d.kept.resize(n);
  std::map<std::int32_t, std::array<std::uint64_t, 2>> by_decade;  // decade → (outcomes, persons) of kept rows
  for (std::size_t r = 0; r < n; ++r) {
    d.kept[r] = dropped[d.sex[r]] ? 0 : 1;
    if (!d.kept[r]) continue;
    ++d.rows_kept;
    auto& [k, m] = by_decade[d.birth_decade[r]];
    k += d.outcome[r] != 0;
    ++m;
  }

  // Birth decades of the kept rows with too few outcomes or non-outcomes join a neighbour.
  std::vector<std::int32_t> levels;
  std::vector<std::uint64_t> k, m;
  for (const auto& [decade, km] : by_decade) {
    levels.push_back(decade);
    k.push_back(km[0]);
    m.push_back(km[1]);
  }
  const auto first = disclosure::merge_adjacent_levels(k, m, policy);
  std::map<std::int32_t, std::int32_t> group;
  for (std::size_t l = 0; l < levels.size(); ++l) {
    group[levels[l]] = levels[first[l]];
    if (first[l] != l) d.merged_decades[levels[l]] = levels[first[l]];
  }
  d.decade_group.resize(n);
  for (std::size_t r = 0; r < n; ++r) d.decade_group[r] = d.kept[r] ? group.at(d.birth_decade[r]) : d.birth_decade[r];
  return d;
}

}  // namespace famgraph::indicators
