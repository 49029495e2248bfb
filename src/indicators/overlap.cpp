// Indicator 6, multi-agency overlap (docs/spec/indicators.md §agency_overlap).
#include "famgraph/indicators/overlap.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

#include "famgraph/families.hpp"

namespace famgraph::indicators {

namespace {

/// Counts units by their exact set of organisations; the pairwise counts and the totals are
/// derived at the end from the distinct sets (overlap_from_combinations), so a unit costs O(its
/// set), not O(organisations²).
class Tally {
 public:
  explicit Tally(OverlapCounts& oc) : oc_(oc) {}
  void add(std::vector<std::uint16_t>& orgs, std::optional<std::uint64_t> key) {
    if (orgs.empty()) return;
    std::sort(orgs.begin(), orgs.end());
    ++oc_.combinations[orgs];
    if (key) oc_.combination_key_sums[orgs] += *key;
  }
  void finish(std::size_t n_org, std::uint64_t& work) {
    OverlapCounts sums = overlap_from_combinations(oc_.combinations, n_org);
    oc_.both = std::move(sums.both);
    oc_.either = std::move(sums.either);
    oc_.known_1plus = sums.known_1plus;
    oc_.known_2plus = sums.known_2plus;
    for (const auto& [orgs, count] : oc_.combinations) work += 1 + orgs.size() * orgs.size();
    work += n_org * n_org;
  }

 private:
  OverlapCounts& oc_;
};

}  // namespace

OverlapCounts overlap_from_combinations(const Combinations& combinations, std::size_t n_org) {
  OverlapCounts oc;
  oc.both.assign(n_org, std::vector<std::uint64_t>(n_org, 0));
  oc.either.assign(n_org, std::vector<std::uint64_t>(n_org, 0));
  std::vector<std::uint64_t> known(n_org, 0);
  for (const auto& [orgs, count] : combinations) {
    if (count == 0) continue;
    for (auto o : orgs)
      if (o >= n_org)
        throw std::invalid_argument("overlap_from_combinations: organisation code " + std::to_string(o) +
                                    " is not below the number of organisations, " + std::to_string(n_org));
    oc.combinations.emplace(orgs, count);
    oc.known_1plus += count;
    if (orgs.size() >= 2) oc.known_2plus += count;
    for (std::size_t a = 0; a < orgs.size(); ++a) {
      known[orgs[a]] += count;
      for (std::size_t b = a + 1; b < orgs.size(); ++b) oc.both[orgs[a]][orgs[b]] += count;
    }
  }
  for (std::size_t x = 0; x < n_org; ++x)
    for (std::size_t y = x + 1; y < n_org; ++y) oc.either[x][y] = known[x] + known[y] - oc.both[x][y];
  return oc;
}

AgencyOverlapCounts agency_overlap_counts(const Dataset& ds, const AgencyOverlapOptions& opt) {
  AgencyOverlapCounts out;
  const Window w = resolve_window(ds, opt.window);
  out.window = w;
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const auto& C = ds.contacts;
  const std::size_t n = P.size(), n_org = ds.sources.size();
  out.organisations = n_org;
  disclosure::check_person_keys(opt.person_keys, n);
  const bool keyed = !opt.person_keys.empty();
  // Each person's distinct organisations (CSR), deduplicated with a stamp per organisation.
  std::vector<std::uint32_t> offsets(n + 1, 0);
  std::vector<std::uint16_t> orgs_of;
  std::vector<Index> stamp(n_org, NONE);
  for (std::size_t i = 0; i < n; ++i) {
    auto take = [&](std::uint16_t o) {
      if (stamp[o] == i) return;
      stamp[o] = static_cast<Index>(i);
      orgs_of.push_back(o);
    };
    for (auto k = E.person_offsets[i]; k < E.person_offsets[i + 1]; ++k)
      if (in_window(E.date[k], w)) take(E.source[k]);
    for (auto k = C.person_offsets[i]; k < C.person_offsets[i + 1]; ++k)
      if (C.start[k] <= w.end && (C.end_precision[k] == DatePrecision::missing || C.end[k] >= w.start))
        take(C.source[k]);
    offsets[i + 1] = static_cast<std::uint32_t>(orgs_of.size());
    out.work += 1 + (E.person_offsets[i + 1] - E.person_offsets[i]) + (C.person_offsets[i + 1] - C.person_offsets[i]);
  }
  std::vector<std::uint16_t> orgs;
  Tally persons(out.persons);
  for (std::size_t i = 0; i < n; ++i) {
    orgs.assign(orgs_of.begin() + offsets[i], orgs_of.begin() + offsets[i + 1]);
    persons.add(orgs, keyed ? std::optional(opt.person_keys[i]) : std::nullopt);
    out.work += 1 + orgs.size();
  }
  persons.finish(n_org, out.work);
  const NuclearFamilies F = nuclear_families(P);
  out.work += 2 * n;
  std::fill(stamp.begin(), stamp.end(), NONE);
  Tally families(out.families);
  for (std::size_t f = 0; f < F.size(); ++f) {
    orgs.clear();
    for (Index m : F.members_of(f)) {
      ++out.work;
      for (auto k = offsets[m]; k < offsets[m + 1]; ++k) {
        ++out.work;
        const auto o = orgs_of[k];
        if (stamp[o] == f) continue;
        stamp[o] = static_cast<Index>(f);
        orgs.push_back(o);
      }
    }
    std::optional<std::uint64_t> key;
    if (keyed) {
      const bool two = F.parent_b[f] != NONE;
      key = disclosure::family_key(opt.person_keys[F.parent_a[f]], two ? opt.person_keys[F.parent_b[f]] : 0, two);
    }
    families.add(orgs, key);
  }
  families.finish(n_org, out.work);
  return out;
}

}  // namespace famgraph::indicators
