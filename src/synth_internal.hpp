#pragma once
// Internal pieces of the synthetic generator shared by its translation units.
#include <cmath>
#include <cstdint>
#include <vector>

#include "famgraph/date.hpp"
#include "famgraph/synth/generator.hpp"
#include "famgraph/synth/params.hpp"
#include "famgraph/types.hpp"

namespace famgraph::synth::detail {

constexpr double days_per_year = 365.2425;

constexpr std::uint64_t mix(std::uint64_t x) noexcept {  // splitmix64 finaliser
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

enum Purpose : std::uint64_t { demography = 1, violence = 2, recording = 3, contacts = 4 };

/// Counter-based stream: the k-th draw is a pure function of (seed, lineage, purpose, k).
class Stream {
 public:
  Stream(std::uint64_t seed, std::uint64_t lineage, Purpose purpose)
      : key_(mix(mix(seed) ^ mix(lineage * 0x632BE59BD9B4E019ULL + purpose))) {}
  std::uint64_t next() noexcept { return mix(key_ + 0xD1B54A32D192ED03ULL * ++ctr_); }
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool bernoulli(double p) noexcept { return uniform() < p; }
  double normal() noexcept {
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double exponential(double mean) noexcept { return -mean * std::log(1.0 - uniform()); }
  int poisson(double lambda) noexcept {
    const double l = std::exp(-lambda);
    int k = 0;
    double p = uniform();
    while (p > l && k < 64) {
      ++k;
      p *= uniform();
    }
    return k;
  }
  Day day_in(Day lo, Day hi) noexcept {  // uniform in [lo, hi]
    return lo + static_cast<Day>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }

 private:
  std::uint64_t key_, ctr_ = 0;
};

inline double logit(double p) { return std::log(p / (1.0 - p)); }
inline double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
/// p shifted by `shift` on the log-odds scale (p = 0 stays 0, p = 1 stays 1).
inline double shifted(double p, double shift) {
  if (p <= 0.0 || p >= 1.0) return p;
  return logistic(logit(p) + shift);
}
inline Day years(double y) { return static_cast<Day>(std::lround(y * days_per_year)); }

constexpr std::uint8_t child_victim = 1, child_witness = 2;
constexpr std::int32_t none = -1;

struct SimPerson {
  Day birth = 0, exit = NO_DAY;  // exit NO_DAY = beyond the simulation
  std::int32_t mother = none, father = none;  // local indices; father = the biological father
  bool father_recorded = true;
  bool lineage = false;  // lineage members live their adult lives; in-laws only join a union
  Sex sex = Sex::U;
  std::uint8_t flags = 0;
  [[nodiscard]] Day last_day(Day sim_end) const { return exit == NO_DAY ? sim_end : exit; }
};

struct SimIncident {
  Day date;
  std::uint8_t kind;  // 0 child maltreatment, 1 partner violence
  std::uint32_t first_row, n_rows;
};

struct SimRow {
  std::int32_t person;
  Role role;
};

struct SimUnion {
  std::int32_t a, b;  // woman, man
  Day start, end;     // end NO_DAY = not dissolved within the simulation
};

struct Lineage {
  std::vector<SimPerson> persons;
  std::vector<SimIncident> incidents;
  std::vector<SimRow> rows;
  std::vector<SimUnion> unions;
};

/// The matched designs for the window [ws, we] from the simulation state (synth_design_truth.cpp).
/// `offset[l]`/`kept[l]`: the global index of lineage l's first person and how many of its persons
/// are kept; `recorded[l][k]`: whether incident k of lineage l appears in the events table.
void compute_design_truth(const std::vector<Lineage>& L, const std::vector<std::size_t>& offset,
                          const std::vector<std::size_t>& kept,
                          const std::vector<std::vector<std::uint8_t>>& recorded, Day ws, Day we,
                          std::int64_t id_base, bool detail, DesignTruth& out);

/// Simulates lineages first .. first+count-1 (in parallel; each a pure function of its index).
std::vector<Lineage> simulate_lineages(const Params& p, Day sim_start, Day sim_end, std::uint64_t first,
                                       std::uint64_t count, int threads);

}  // namespace famgraph::synth::detail
