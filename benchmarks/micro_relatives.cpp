// Relatives lookup: relatives(persons, i, r, out) for random persons, and the bulk pair enumeration.
#include <benchmark/benchmark.h>

#include "micro_fixture.hpp"

namespace {

using famgraph::Relation;
using famgraph::bench::MicroFixture;

void BM_Relatives(benchmark::State& state, Relation r) {
  const auto& f = MicroFixture::get();
  const auto& P = f.ds.persons;
  const famgraph::bench::Stream rng(5, 5);
  std::vector<famgraph::Index> who(4096);
  for (std::size_t q = 0; q < who.size(); ++q) who[q] = static_cast<famgraph::Index>(rng.below(q, 0, P.size()));
  std::vector<famgraph::Index> out;
  std::size_t k = 0, found = 0;
  for (auto _ : state) {
    famgraph::relatives(P, who[k++ & 4095], r, out);
    found += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["relatives_per_lookup"] =
      static_cast<double>(found) / static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
}
BENCHMARK_CAPTURE(BM_Relatives, parent, Relation::parent);
BENCHMARK_CAPTURE(BM_Relatives, child, Relation::child);
BENCHMARK_CAPTURE(BM_Relatives, full_sibling, Relation::full_sibling);
BENCHMARK_CAPTURE(BM_Relatives, half_sibling, Relation::half_sibling);
BENCHMARK_CAPTURE(BM_Relatives, grandparent, Relation::grandparent);
BENCHMARK_CAPTURE(BM_Relatives, aunt_uncle, Relation::aunt_uncle);
BENCHMARK_CAPTURE(BM_Relatives, first_cousin, Relation::first_cousin);
BENCHMARK_CAPTURE(BM_Relatives, partner, Relation::partner);

void BM_RelativePairs(benchmark::State& state, Relation r) {
  const auto& f = MicroFixture::get();
  std::size_t pairs = 0;
  for (auto _ : state) {
    auto v = famgraph::relative_pairs(f.ds.persons, r);
    pairs = v.size();
    benchmark::DoNotOptimize(v.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.ds.persons.size()));
  state.counters["pairs"] = static_cast<double>(pairs);
}
BENCHMARK_CAPTURE(BM_RelativePairs, full_sibling, Relation::full_sibling)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RelativePairs, first_cousin, Relation::first_cousin)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RelativePairs, grandparent, Relation::grandparent)->Unit(benchmark::kMillisecond);

}  // namespace
