// CSV parsing throughput: the streaming reader alone, persons/events parsed into raw rows, the
// validation/build step, and the field parsers (dates, ids).
#include <benchmark/benchmark.h>

#include "famgraph/data_error.hpp"
#include "famgraph/date.hpp"
#include "famgraph/io/csv.hpp"
#include "famgraph/io/csv_reader.hpp"
#include "micro_fixture.hpp"

namespace {

using famgraph::bench::MicroFixture;

void BM_CsvReader_Tokenise(benchmark::State& state) {
  const auto& f = MicroFixture::get();
  std::vector<std::string_view> fields;
  std::size_t total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto r = famgraph::io::CsvReader::from_string(f.persons_csv);
    state.ResumeTiming();
    while (r.next(fields)) total += fields.size();
    benchmark::DoNotOptimize(total);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.persons_csv.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.pedigree.size()));
}
BENCHMARK(BM_CsvReader_Tokenise)->Unit(benchmark::kMillisecond);

void BM_ReadTable(benchmark::State& state, const char* table) {
  const auto& f = MicroFixture::get();
  const std::string& text = std::string(table) == "persons" ? f.persons_csv : f.events_csv;
  const std::size_t rows = std::string(table) == "persons" ? f.pedigree.size() : f.pedigree.events.size();
  for (auto _ : state) {
    state.PauseTiming();
    std::string copy = text;
    famgraph::io::RawTables raw;
    famgraph::IssueLog log;
    state.ResumeTiming();
    famgraph::io::read_csv_table_from_string(raw, table, std::move(copy), table, log);
    benchmark::DoNotOptimize(raw);
    state.PauseTiming();
    if (log.has_errors()) state.SkipWithError("parse errors");
    { auto sink = std::move(raw); }
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
}
BENCHMARK_CAPTURE(BM_ReadTable, persons, "persons")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReadTable, events, "events")->Unit(benchmark::kMillisecond);

void BM_BuildDataset(benchmark::State& state) {
  const auto& f = MicroFixture::get();
  const auto proto = famgraph::bench::to_raw_tables(f.pedigree);
  for (auto _ : state) {
    state.PauseTiming();
    auto raw = proto;
    state.ResumeTiming();
    auto ds = famgraph::build_dataset(std::move(raw));
    benchmark::DoNotOptimize(ds);
    state.PauseTiming();
    { auto sink = std::move(ds); }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.pedigree.size()));
}
BENCHMARK(BM_BuildDataset)->Unit(benchmark::kMillisecond);

void BM_ParseDate(benchmark::State& state) {
  const char* dates[] = {"1987-03-14", "2001-12-31", "1923-07", "1911", "2020-02-29", "1999-10-01"};
  std::size_t k = 0;
  for (auto _ : state) {
    auto d = famgraph::parse_date(dates[k++ % 6]);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseDate);

void BM_ParseId(benchmark::State& state) {
  famgraph::IssueLog log;
  famgraph::io::RowSource src{"x", {}};
  famgraph::io::FieldParser fp(log, src);
  const char* ids[] = {"1000048422", "1012345678", "", "1000000001", "123456789012345", " 1000000002"};
  std::size_t k = 0;
  for (auto _ : state) {
    auto v = fp.id(ids[k++ % 6], 0, "person_id", false);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseId);

}  // namespace
