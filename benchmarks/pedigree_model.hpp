#pragma once
// A fast, deterministic synthetic pedigree for benchmarks (famgraph_benchgen, famgraph_micro).
//
// This is not the synthetic generator of the library (docs/spec/synthetic.md; no planted effects,
// no contacts): it is a plain population model whose only job is to look like register data to the
// loader, the graph and the kinship code — ~100 years of births, overlapping generations, couples with 0–4 children,
// re-partnering (half-siblings), ~3% unknown fathers, occasional cousin marriages (so inbreeding is
// non-zero), outside partners (founders entering in later generations), deaths/emigration, and
// ~0.3 event rows per person — and that always passes famgraph's validation.
//
// Every random draw is counter-based: splitmix64 keyed by (seed, stream, entity index, purpose), so
// the same seed and size give byte-identical output.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "famgraph/date.hpp"
#include "famgraph/io/raw_tables.hpp"
#include "famgraph/types.hpp"

namespace famgraph::bench {

constexpr std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// A counter-based random stream: draw `purpose` (< 64) for entity `i` (< 2^58).
class Stream {
 public:
  constexpr Stream(std::uint64_t seed, std::uint64_t stream) noexcept
      : key_(splitmix64(splitmix64(seed) ^ (0xD1B54A32D192ED03ULL * (stream + 1)))) {}
  [[nodiscard]] constexpr std::uint64_t bits(std::uint64_t i, std::uint32_t purpose) const noexcept {
    return splitmix64(key_ ^ splitmix64((i << 6) | purpose));
  }
  /// Uniform in [0, 1).
  [[nodiscard]] constexpr double uniform(std::uint64_t i, std::uint32_t purpose) const noexcept {
    return static_cast<double>(bits(i, purpose) >> 11) * 0x1.0p-53;
  }
  /// Uniform integer in [0, n) (n > 0).
  [[nodiscard]] constexpr std::uint64_t below(std::uint64_t i, std::uint32_t purpose,
                                              std::uint64_t n) const noexcept {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(bits(i, purpose)) * n) >> 64);
  }

 private:
  std::uint64_t key_;
};

struct PedigreeParams {
  std::size_t persons = 1'000'000;
  std::uint64_t seed = 1;
  /// false: ids are a shuffle of 1e9 + [0, 1.25 n) (gaps, but dense enough for a direct lookup
  /// table); true: ids spread over 1e9 + [0, 2^48), like hashed pseudonyms.
  bool sparse_ids = false;
  double childless = 0.12;         ///< women who never have a recorded child
  double repartner = 0.15;         ///< women with a second partnership
  double outside_partner = 0.25;   ///< partner is a founder from outside the pedigree
  double unknown_father = 0.03;    ///< per child
  double cousin_marriage = 0.02;   ///< per first partnership, if a cousin can be found
  double partial_birth = 0.05;     ///< founders born before 1931 whose birth is YYYY or YYYY-MM
  double event_scale = 1.0;        ///< multiplies every incident rate (1.0 ≈ 0.3 rows per person)
};

struct Couple {
  Index woman = NONE, man = NONE;
  Index child_begin = 0, child_end = 0;  ///< children are contiguous indices
  Day start = 0;
};

struct EventRow {
  std::int64_t incident;
  Index person;
  std::uint8_t role;  ///< famgraph::Role
  std::uint8_t kind;  ///< index into event_kinds
  std::uint8_t source;  ///< index into event_sources
  Day date;
};

inline constexpr const char* event_kinds[] = {"child_maltreatment", "partner_violence",
                                              "youth_violence"};
inline constexpr const char* event_sources[] = {"VT", "POL", "JZ", "HA", "SH", "GGD"};

/// Persons in generation order (parents before children). Index i is the generator's index, not
/// famgraph's dense index (famgraph sorts by id).
struct Pedigree {
  std::vector<Sex> sex;
  std::vector<Day> birth, exit;  ///< exit NO_DAY = still observed at the end (2023-12-31)
  std::vector<DatePrecision> birth_precision;
  std::vector<Index> mother, father;
  std::vector<std::uint8_t> pass;  ///< generator pass: 0 founders, k children of pass k-1 couples
  std::vector<PersonId> id;
  std::vector<Couple> couples;
  std::vector<EventRow> events;
  std::size_t n_founders_initial = 0;  ///< pass-0 founders (outside partners come on top)
  std::size_t n_cousin_couples = 0;
  [[nodiscard]] std::size_t size() const noexcept { return sex.size(); }
};

/// Builds exactly params.persons persons (and their events).
Pedigree generate_pedigree(const PedigreeParams& params);

/// persons.csv / events.csv text (header included). `sorted_by_id` writes persons in id order.
void write_persons_csv(const Pedigree& p, std::string& out, bool sorted_by_id = false);
void write_events_csv(const Pedigree& p, std::string& out);

/// Streams persons.csv / events.csv to files (buffered, fast). Returns bytes written.
std::size_t write_persons_file(const Pedigree& p, const std::string& path, bool sorted_by_id = false);
std::size_t write_events_file(const Pedigree& p, const std::string& path);

/// The same data as raw tables (as a loader would produce them), for in-memory benchmarks.
io::RawTables to_raw_tables(const Pedigree& p);

}  // namespace famgraph::bench
