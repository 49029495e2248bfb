#pragma once
// The synthetic population generator (docs/spec/synthetic.md): independent family lineages simulated from
// counter-based random streams keyed by (seed, lineage, purpose), so the output is byte-identical
// for the same seed and parameters whatever the thread count or chunking.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "famgraph/io/raw_tables.hpp"
#include "famgraph/synth/params.hpp"

namespace famgraph::synth {

/// Complete-data values computed inside the generator from its own simulation state: every
/// incident, no coverage loss, the window spanning the whole simulation, recorded parent links.
struct Truth {
  /// Victim→perpetrator 2×2 (exposure roles victim, witness): a, b, c, d as in
  /// docs/spec/common_rules.md §two-by-two-tables.
  std::uint64_t vp_a = 0, vp_b = 0, vp_c = 0, vp_d = 0;
  /// Persons whose longest incoming intergenerational chain has ≥ 1, ≥ 2, ≥ 3 links.
  std::uint64_t chains_ge1 = 0, chains_ge2 = 0, chains_ge3 = 0;
  struct Lambda {
    std::uint64_t observed = 0, cases = 0;
    std::uint64_t case_relatives = 0;  ///< Σ over case probands of relatives that are cases
    std::uint64_t relatives = 0;       ///< Σ over case probands of relatives
    double K = 0, K_R = 0, lambda = 0;
  };
  Lambda lambda_parent, lambda_full_sibling, lambda_half_sibling;
  // Realism bookkeeping.
  std::uint64_t incidents[2] = {0, 0};           ///< all simulated incidents [maltreatment, partner violence]
  std::uint64_t window_incidents[2] = {0, 0};    ///< of which in the window
  std::uint64_t recorded_by[n_organisations][2] = {};  ///< window incidents each organisation recorded
  std::uint64_t recorded_incidents = 0;          ///< window incidents recorded by ≥ 1 organisation
  std::uint64_t child_years = 0;                 ///< child-years at risk of maltreatment simulated
  std::uint64_t maltreated_child_years = 0;      ///< of which with a maltreatment incident
  int generations = 0;                           ///< max generation + 1
};

/// One stratum of a cohort-matched design (single birth year × sex × whether the person's
/// childhood household is in the data, i.e. a mother or father is recorded): the 2×2 counts
/// a, b, c, d with every simulated incident ("complete") and with the recorded ones only.
struct DesignStratum {
  int birth_year = 0;
  Sex sex = Sex::U;
  bool parents_known = false;
  std::array<std::uint64_t, 4> complete{};
  std::array<std::uint64_t, 4> recorded{};
  friend bool operator==(const DesignStratum&, const DesignStratum&) = default;
};

/// The matched designs of the indicators, for the generator's own window, computed from the
/// simulation state (an implementation independent of famgraph::indicators): the target values
/// of the validity study (docs/validity.md).
struct DesignTruth {
  Day window_start = 0, window_end = 0;
  /// Victim→perpetrator pathway: eligible = ws < 18th birthday ≤ min(we, exit); exposed = an
  /// in-window victim or witness row in childhood; outcome = an in-window perpetrator row as an adult.
  std::vector<DesignStratum> pathway;
  /// Continuation (chains): persons whose childhood overlaps the window with a recorded child
  /// observed in childhood; exposed = victim of a link, outcome = perpetrator of a link.
  std::vector<DesignStratum> continuation;
  /// Per eligible person of the pathway (only with Options::design_detail): the follow-up from the
  /// 18th birthday to the first adult perpetration (event 1) or to min(we, exit) (event 0), in days.
  struct Person {
    std::int64_t id = 0;
    int birth_year = 0;
    Sex sex = Sex::U;
    bool parents_known = false;
    bool exposed_complete = false, exposed_recorded = false;
    bool event_complete = false, event_recorded = false;
    std::int32_t time_complete = 0, time_recorded = 0;
  };
  std::vector<Person> persons;
};

struct Options {
  int threads = 0;  ///< 0 = all available; never changes the output
  std::size_t lineages_per_chunk = 2048;  ///< work unit; never changes the output
  /// Called with the fraction done (0..1), from the calling thread only.
  std::function<void(double)> progress;
  /// Also keep DesignTruth::persons (one row per eligible person of the pathway).
  bool design_detail = false;
};

struct Population {
  Params params;
  io::RawTables tables;  ///< persons, partnerships, events, contacts (ids: 100001..)
  Truth truth;
  DesignTruth design;
  Day simulation_start = 0, simulation_end = 0, window_start = 0, window_end = 0;
};

/// Simulates a population. Throws std::invalid_argument for invalid parameters.
Population generate(const Params& params, const Options& options = {});

/// truth.json: planted parameters, seed, version, window and the complete-data values.
std::string truth_json(const Population& pop);

enum class Format { csv, parquet };

/// Writes persons.csv, partnerships.csv, events.csv, contacts.csv and truth.json into `dir`
/// atomically: everything goes to a temporary sibling folder that is renamed at the end, so a
/// failed run leaves nothing behind. `dir` must not exist or be an empty folder.
void write_csv(const Population& pop, const std::filesystem::path& dir);

}  // namespace famgraph::synth
