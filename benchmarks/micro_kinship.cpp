// The kinship pair kernel: φ(i, j) per relation through the single-pair API, the bulk API on one
// thread, and the inbreeding pass (F of everyone) on the fixture pedigree.
#include <benchmark/benchmark.h>

#include "micro_fixture.hpp"

namespace {

using famgraph::Relation;
using famgraph::bench::MicroFixture;

void BM_KinshipPair(benchmark::State& state, Relation r) {
  const auto& f = MicroFixture::get();
  const auto pairs = f.sample(r, 4096);
  if (pairs.empty()) {
    state.SkipWithError("no pairs of this relation");
    return;
  }
  std::size_t k = 0;
  for (auto _ : state) {
    const auto& [a, b] = pairs[k++ & 4095];
    benchmark::DoNotOptimize(f.kin->kinship(a, b));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_KinshipPair, parent, Relation::parent);
BENCHMARK_CAPTURE(BM_KinshipPair, full_sibling, Relation::full_sibling);
BENCHMARK_CAPTURE(BM_KinshipPair, half_sibling, Relation::half_sibling);
BENCHMARK_CAPTURE(BM_KinshipPair, grandparent, Relation::grandparent);
BENCHMARK_CAPTURE(BM_KinshipPair, first_cousin, Relation::first_cousin);

void BM_KinshipPair_Random(benchmark::State& state) {
  const auto& f = MicroFixture::get();
  const auto pairs = f.random_pairs(4096);
  std::size_t k = 0;
  for (auto _ : state) {
    const auto& [a, b] = pairs[k++ & 4095];
    benchmark::DoNotOptimize(f.kin->kinship(a, b));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KinshipPair_Random);

void BM_KinshipBulk(benchmark::State& state) {
  const auto& f = MicroFixture::get();
  std::vector<famgraph::Index> a, b;
  for (auto r : {Relation::full_sibling, Relation::half_sibling, Relation::first_cousin,
                 Relation::grandparent, Relation::parent})
    for (auto [x, y] : f.sample(r, 20'000)) {
      a.push_back(x);
      b.push_back(y);
    }
  for (auto _ : state) benchmark::DoNotOptimize(f.kin->kinship(a, b));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * a.size()));
}
BENCHMARK(BM_KinshipBulk)->Unit(benchmark::kMillisecond);

void BM_Inbreeding(benchmark::State& state) {
  const auto& f = MicroFixture::get();
  for (auto _ : state) {
    famgraph::KinshipCalculator k(*f.graph, famgraph::KinshipOptions{static_cast<int>(state.range(0))});
    benchmark::DoNotOptimize(k.inbreeding().data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.ds.persons.size()));
}
BENCHMARK(BM_Inbreeding)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
