// Indicator counting kernels (docs/spec/indicators.md, indicators 1-6): each *_counts function on a
// synthetic population of the generator (docs/spec/synthetic.md; default 200,000 persons,
// FAMGRAPH_MICRO_INDICATOR_PERSONS overrides), default window and options. The population has
// events and contacts, which the benchmark pedigree of micro_fixture.hpp lacks; it is generated once, on
// first use.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "famgraph/dataset.hpp"
#include "famgraph/graph.hpp"
#include "famgraph/indicators/chains.hpp"
#include "famgraph/indicators/overlap.hpp"
#include "famgraph/indicators/recurrence.hpp"
#include "famgraph/indicators/signalling.hpp"
#include "famgraph/indicators/transmission.hpp"
#include "famgraph/synth/generator.hpp"

namespace {

namespace ind = famgraph::indicators;

struct IndicatorFixture {
  famgraph::Dataset ds;
  std::unique_ptr<famgraph::FamilyGraph> graph;

  IndicatorFixture() {
    famgraph::synth::Params p;
    p.persons = 200'000;
    if (const char* e = std::getenv("FAMGRAPH_MICRO_INDICATOR_PERSONS")) p.persons = std::stoll(e);
    p.seed = 7;
    auto pop = famgraph::synth::generate(p);
    ds = famgraph::build_dataset(std::move(pop.tables));
    graph = std::make_unique<famgraph::FamilyGraph>(ds.persons);  // refers to ds: never copy or move this
  }
  IndicatorFixture(const IndicatorFixture&) = delete;
  IndicatorFixture& operator=(const IndicatorFixture&) = delete;

  static const IndicatorFixture& get() {
    static const IndicatorFixture f;
    return f;
  }
};

// Items are persons, so items_per_second reads as persons per second through the whole rule.
void finish(benchmark::State& state, const IndicatorFixture& f) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(f.ds.persons.size()));
  state.counters["persons"] = static_cast<double>(f.ds.persons.size());
  state.counters["event_rows"] = static_cast<double>(f.ds.events.size());
}

void BM_VictimToPerpetrator(benchmark::State& state) {
  const auto& f = IndicatorFixture::get();
  for (auto _ : state) {
    auto c = ind::victim_to_perpetrator_counts(f.ds);
    benchmark::DoNotOptimize(c.overall.a);
  }
  finish(state, f);
}
BENCHMARK(BM_VictimToPerpetrator)->Unit(benchmark::kMillisecond);

void BM_Chains(benchmark::State& state) {
  const auto& f = IndicatorFixture::get();
  for (auto _ : state) {
    auto c = ind::chains_counts(f.ds, *f.graph);
    benchmark::DoNotOptimize(c.ge1);
  }
  finish(state, f);
}
BENCHMARK(BM_Chains)->Unit(benchmark::kMillisecond);

void BM_RecurrenceRisk(benchmark::State& state) {
  const auto& f = IndicatorFixture::get();
  for (auto _ : state) {
    auto c = ind::recurrence_counts(f.ds);
    benchmark::DoNotOptimize(c.by_relation.data());
  }
  finish(state, f);
}
BENCHMARK(BM_RecurrenceRisk)->Unit(benchmark::kMillisecond);

void BM_RepeatIncidents(benchmark::State& state) {
  const auto& f = IndicatorFixture::get();
  for (auto _ : state) {
    auto c = ind::repeat_incidents_counts(f.ds);
    benchmark::DoNotOptimize(c.persons.repeat);
  }
  finish(state, f);
}
BENCHMARK(BM_RepeatIncidents)->Unit(benchmark::kMillisecond);

void BM_EarlySignalling(benchmark::State& state) {
  const auto& f = IndicatorFixture::get();
  for (auto _ : state) {
    auto c = ind::early_signalling_counts(f.ds);
    benchmark::DoNotOptimize(c.first_incidents);
  }
  finish(state, f);
}
BENCHMARK(BM_EarlySignalling)->Unit(benchmark::kMillisecond);

void BM_AgencyOverlap(benchmark::State& state) {
  const auto& f = IndicatorFixture::get();
  for (auto _ : state) {
    auto c = ind::agency_overlap_counts(f.ds);
    benchmark::DoNotOptimize(c.persons.known_1plus);
  }
  finish(state, f);
}
BENCHMARK(BM_AgencyOverlap)->Unit(benchmark::kMillisecond);

}  // namespace
