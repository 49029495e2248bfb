#pragma once
// A shared in-memory dataset for the microbenchmarks: the benchmark pedigree model (default 200,000
// persons; FAMGRAPH_MICRO_PERSONS overrides), its CSV text, the Dataset, graph and a single-thread
// kinship calculator. Built once, on first use.
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "famgraph/dataset.hpp"
#include "famgraph/graph.hpp"
#include "famgraph/kinship.hpp"
#include "famgraph/relations.hpp"
#include "pedigree_model.hpp"

namespace famgraph::bench {

struct MicroFixture {
  Pedigree pedigree;
  std::string persons_csv, events_csv;
  Dataset ds;
  std::unique_ptr<FamilyGraph> graph;
  std::unique_ptr<KinshipCalculator> kin;

  MicroFixture() {
    PedigreeParams prm;
    prm.persons = 200'000;
    if (const char* e = std::getenv("FAMGRAPH_MICRO_PERSONS")) prm.persons = std::stoull(e);
    prm.seed = 12345;
    pedigree = generate_pedigree(prm);
    write_persons_csv(pedigree, persons_csv);
    write_events_csv(pedigree, events_csv);
    ds = build_dataset(to_raw_tables(pedigree));
    graph = std::make_unique<FamilyGraph>(ds.persons);  // refers to ds: never copy or move this
    kin = std::make_unique<KinshipCalculator>(*graph, KinshipOptions{1});
  }
  MicroFixture(const MicroFixture&) = delete;
  MicroFixture& operator=(const MicroFixture&) = delete;

  static const MicroFixture& get() {
    static const MicroFixture f;
    return f;
  }

  /// Up to `k` pairs of relation r, spread evenly over the enumeration.
  [[nodiscard]] std::vector<std::pair<Index, Index>> sample(Relation r, std::size_t k) const {
    auto all = relative_pairs(ds.persons, r);
    std::vector<std::pair<Index, Index>> out;
    if (all.empty()) return out;
    const Stream rng(99, static_cast<std::uint64_t>(r));
    for (std::size_t q = 0; q < k; ++q) out.push_back(all[rng.below(q, 0, all.size())]);
    return out;
  }
  /// k pairs of persons drawn uniformly (mostly unrelated).
  [[nodiscard]] std::vector<std::pair<Index, Index>> random_pairs(std::size_t k) const {
    const Stream rng(99, 1000);
    const std::size_t n = ds.persons.size();
    std::vector<std::pair<Index, Index>> out;
    for (std::size_t q = 0; q < k; ++q)
      out.emplace_back(static_cast<Index>(rng.below(q, 0, n)), static_cast<Index>(rng.below(q, 1, n)));
    return out;
  }
};

}  // namespace famgraph::bench
