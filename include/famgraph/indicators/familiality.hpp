#pragma once
// Indicators 4c and 4d (docs/spec/indicators.md §gif, §fir): the genealogical index of familiality (GIF, Hill
// 1980) with its matched permutation test, and the familial incidence rate (FIR, Kerber 1995).
//
// Both are kinship-weighted sums computed without enumerating pairs: with A = 2Φ (kinship.hpp),
// for the indicator vector x of a set S, Σ_{i≠j∈S} φ_ij = ½(xᵀAx − Σ_{i∈S} A_ii), A_ii = 1 + F_i,
// and A·x costs two linear passes over the pedigree (Colleau 2002). The permutation test pushes a
// block of control sets through the same passes at once, so the pedigree is streamed once per
// block, not once per set.
//
// Cost, with n the persons that can be drawn (observed, in a stratum with a case) or are their
// ancestors, and k = 8 control sets per pass:
//   gif: O(n · (n_sim + 1)) time (⌈n_sim/k⌉ passes of O(n · k), plus O(n_cases) per set to draw
//        it), O(n · k) memory per thread (the dense n × k block of doubles, 64 bytes per person)
//        plus about 80 bytes per person shared (kinship calculator, pedigree rows, strata);
//   fir: O(n) time and memory (one pass with 2 columns).
// Results are bitwise identical for any number of threads: control set k is drawn from its own
// counter-based random stream keyed by (seed, k), and every control set's value is computed by one
// thread, in a fixed order.
#include <cstdint>
#include <limits>
#include <vector>

#include "famgraph/graph.hpp"
#include "famgraph/indicators/common.hpp"
#include "famgraph/kinship.hpp"

namespace famgraph::indicators {

struct GifOptions {
  Window window;
  RoleSet case_roles = roles({Role::perpetrator});
  int n_sim = 1000;         ///< control sets for the permutation test, 0 ≤ n_sim ≤ 10⁷ (0: no test)
  std::uint64_t seed = 1;   ///< control set k is a pure function of (seed, k)
  /// The first control set computed: sets first_sim … first_sim + n_sim − 1, so that a run split
  /// into parts (Dask tasks) gives exactly the sets of one whole run.
  std::uint64_t first_sim = 0;
  int threads = 0;          ///< 0 = all available; results do not depend on this
};

/// The birth decade of persons without a birth date (their own stratum,
/// docs/spec/common_rules.md §no-birth-date).
inline constexpr int UNKNOWN_DECADE = std::numeric_limits<int>::min();

/// A matching stratum: birth decade (⌊year/10⌋·10 of the imputed birth date) × sex.
struct GifStratum {
  int decade = UNKNOWN_DECADE;
  Sex sex = Sex::U;
  std::uint64_t n_cases = 0;     ///< observed cases in the stratum: each control set draws this many
  std::uint64_t n_observed = 0;  ///< observed persons in the stratum (cases included): the pool
  friend bool operator==(const GifStratum&, const GifStratum&) = default;
};

/// Relative tolerance of the comparison GIF_sim ≥ GIF_obs. A control set equal to the case set gets
/// bitwise the observed value (the same computation), but another set with mathematically the same
/// GIF (say, one sib swapped for another of the same stratum) is summed along other paths and may
/// differ in the last bits: GIF_sim ≥ GIF_obs·(1 − GIF_TIE_TOLERANCE) counts such ties as ≥.
inline constexpr double GIF_TIE_TOLERANCE = 1e-12;

struct GifResult {
  Window window;
  std::uint64_t n_cases = 0;   ///< observed cases
  double n_pairs = 0;          ///< n_cases·(n_cases − 1)/2 unordered pairs
  double kinship_sum = 0;      ///< Σ_{i<j∈S} φ_ij over the cases (NaN with fewer than 2 cases)
  double gif = std::numeric_limits<double>::quiet_NaN();  ///< 10⁵ · kinship_sum / n_pairs
  /// GIF of control set k = 0 .. n_sim−1 (empty when the GIF is undefined or n_sim = 0).
  std::vector<double> sims;
  std::uint64_t n_ge = 0;  ///< #{k : sims[k] ≥ gif·(1 − GIF_TIE_TOLERANCE)}
  /// (1 + n_ge) / (n_sim + 1); NaN when there is no test (fewer than 2 cases, or n_sim = 0).
  double p_value = std::numeric_limits<double>::quiet_NaN();
  /// Every stratum with at least one observed person: known decades ascending, then the unknown
  /// decade; within a decade F, M, U.
  std::vector<GifStratum> strata;
};

/// GIF = 10⁵ · mean φ over the unordered pairs of distinct observed cases (a case: an observed
/// person with an in-window event whose role is in case_roles, as case_status()), with the
/// permutation p-value against n_sim control sets drawn, within each stratum of GifStratum, without
/// replacement from the stratum's observed persons, as many as it has cases. Fewer than 2 cases:
/// the GIF is undefined (NaN) and no test is run. Throws std::invalid_argument naming the option
/// for n_sim or threads out of range.
GifResult gif(const Dataset& ds, const GifOptions& options = {});
/// The same with a graph and kinship calculator built on ds.persons (reused across calls).
GifResult gif(const Dataset& ds, const FamilyGraph& g, const KinshipCalculator& kinship,
              const GifOptions& options = {});

/// The persons (indices, in draw order: strata in the order of GifResult::strata) of control set
/// `sim` that gif() with these options draws. For audits and tests; costs O(n).
std::vector<Index> gif_control_set(const Dataset& ds, const GifOptions& options, std::uint64_t sim);

struct FirOptions {
  Window window;
  RoleSet case_roles = roles({Role::perpetrator});
};

struct FirResult {
  Window window;
  /// FIR_i = Σ_{j≠i} φ_ij·case_j / Σ_{j≠i} φ_ij·observed_j for every observed person i; NaN for
  /// persons not observed and when the denominator is 0 (no observed relative).
  std::vector<double> fir;
  /// The numerator and denominator kinship sums (0 for persons not observed).
  std::vector<double> case_kinship, observed_kinship;
  std::vector<std::uint8_t> observed, is_case;
};

FirResult fir(const Dataset& ds, const FirOptions& options = {});
FirResult fir(const Dataset& ds, const FamilyGraph& g, const KinshipCalculator& kinship,
              const FirOptions& options = {});

}  // namespace famgraph::indicators
