// Indicators 4c (GIF with its matched permutation test) and 4d (FIR) (docs/spec/indicators.md §gif, §fir).
#include "famgraph/indicators/familiality.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <tuple>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "famgraph/indicators/recurrence.hpp"

namespace famgraph::indicators {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr int max_n_sim = 10'000'000;
/// Control sets per Colleau pass (at most 8: the sets of a pass are a bit mask per row). A row of 8
/// doubles is one cache line (the block is 64-byte aligned), so a parent's row costs one miss for 8
/// sets; the memory is n · 8 · 8 bytes per thread (20M persons: 1.3 GB per thread). (Blocks of 4,
/// 8, 16 and 32 sets cost the same CPU time per set in a first version of this kernel, on 1M persons.)
constexpr int block_width = 8;
constexpr std::size_t cache_line = 64;

/// A buffer of doubles aligned to a cache line (so that no row of a block straddles two lines).
class AlignedBlock {
 public:
  void resize(std::size_t n) {
    if (n == n_) return;
    data_.reset(static_cast<double*>(::operator new[](n * sizeof(double), std::align_val_t{cache_line})));
    n_ = n;
  }
  [[nodiscard]] double* data() noexcept { return data_.get(); }

 private:
  struct Free {
    void operator()(double* p) const noexcept { ::operator delete[](p, std::align_val_t{cache_line}); }
  };
  std::unique_ptr<double[], Free> data_;
  std::size_t n_ = 0;
};

inline void prefetch(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

// ------------------------------------------------------------------ random streams
constexpr std::uint64_t mix(std::uint64_t x) noexcept {  // splitmix64 finaliser
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// Counter-based stream of control set `sim`: the t-th draw is a pure function of (seed, sim, t),
/// so a control set does not depend on which thread draws it, or on what was drawn before.
class Stream {
 public:
  Stream(std::uint64_t seed, std::uint64_t sim)
      : key_(mix(mix(seed ^ 0x4749462D5045524DULL /* "GIF-PERM" */) ^ mix(sim + 0x632BE59BD9B4E019ULL))) {}
  std::uint32_t next32() noexcept {
    return static_cast<std::uint32_t>(mix(key_ + 0xD1B54A32D192ED03ULL * ++ctr_) >> 32);
  }
  /// Uniform on [0, m), m ≥ 1, without modulo bias (Lemire 2019, rejection on the low word).
  std::uint32_t below(std::uint32_t m) noexcept {
    std::uint64_t x = std::uint64_t{next32()} * m;
    auto low = static_cast<std::uint32_t>(x);
    if (low < m) {
      const std::uint32_t t = (0u - m) % m;
      while (low < t) {
        x = std::uint64_t{next32()} * m;
        low = static_cast<std::uint32_t>(x);
      }
    }
    return static_cast<std::uint32_t>(x >> 32);
  }

 private:
  std::uint64_t key_, ctr_ = 0;
};

// ------------------------------------------------------------------ strata
int birth_decade(const PersonTable& P, Index i) {
  if (P.birth_precision[i] == DatePrecision::missing) return UNKNOWN_DECADE;
  return decade_of_day(P.birth[i]);
}

/// The observed persons grouped by stratum: stratum s holds members[offset[s] .. offset[s+1]),
/// ascending person indices.
struct DecadeStrata {
  std::vector<GifStratum> info;
  std::vector<std::size_t> offset;
  std::vector<Index> members;
};

DecadeStrata make_strata(const PersonTable& P, const CaseStatus& cs) {
  const std::size_t n = P.size();
  // Sort key: known decades ascending, the unknown decade last; then sex F, M, U.
  using Key = std::tuple<bool, int, int>;
  std::map<Key, std::uint32_t> ids;
  std::vector<std::uint32_t> of(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!cs.observed[i]) continue;
    const int dec = birth_decade(P, static_cast<Index>(i));
    of[i] = ids.try_emplace(Key{dec == UNKNOWN_DECADE, dec, static_cast<int>(P.sex[i])}, 0).first->second;
  }
  // Number the strata in key order only now that all are known.
  DecadeStrata st;
  std::uint32_t next = 0;
  for (auto& [key, id] : ids) {
    id = next++;
    st.info.push_back({std::get<1>(key), static_cast<Sex>(std::get<2>(key)), 0, 0});
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!cs.observed[i]) continue;
    const int dec = birth_decade(P, static_cast<Index>(i));
    of[i] = ids.at(Key{dec == UNKNOWN_DECADE, dec, static_cast<int>(P.sex[i])});
    ++st.info[of[i]].n_observed;
    st.info[of[i]].n_cases += cs.is_case[i];
  }
  st.offset.assign(st.info.size() + 1, 0);
  for (std::size_t s = 0; s < st.info.size(); ++s) st.offset[s + 1] = st.offset[s] + st.info[s].n_observed;
  st.members.resize(st.offset.back());
  std::vector<std::size_t> fill(st.offset.begin(), st.offset.end() - 1);
  for (std::size_t i = 0; i < n; ++i)
    if (cs.observed[i]) st.members[fill[of[i]]++] = static_cast<Index>(i);
  return st;
}

/// Draws control set `sim` into out[0 .. n_cases): within each stratum (in order), a partial
/// Fisher–Yates shuffle of the stratum's slice of `pool` (in the order of DecadeStrata::members; it holds
/// either those person indices or their positions). The swaps are undone afterwards, so the pool is
/// in its canonical order again and the next set does not depend on this one. O(n_cases).
void draw_control_set(std::vector<Index>& pool, const DecadeStrata& st, std::uint64_t seed, std::uint64_t sim,
                      std::vector<std::pair<std::size_t, std::size_t>>& swaps, Index* out) {
  Stream rng(seed, sim);
  swaps.clear();
  std::size_t o = 0;
  for (std::size_t s = 0; s < st.info.size(); ++s) {
    const std::size_t c = st.info[s].n_cases, m = st.info[s].n_observed, base = st.offset[s];
    for (std::size_t t = 0; t < c; ++t) {
      const std::size_t j = t + rng.below(static_cast<std::uint32_t>(m - t));
      std::swap(pool[base + t], pool[base + j]);
      swaps.emplace_back(base + t, base + j);
      out[o++] = pool[base + t];
    }
  }
  for (auto it = swaps.rbegin(); it != swaps.rend(); ++it) std::swap(pool[it->first], pool[it->second]);
}

// ------------------------------------------------------------------ the pedigree and A·x
/// The part of the pedigree a computation needs: the given persons and all their ancestors
/// (nobody else can carry a non-zero x, or lie on a path between two such persons), one row each,
/// in FamilyGraph's topological order (generation, then person index), so that parents come before
/// children and the passes stream the rows in order. Ordering a generation by the parents' rows
/// instead, to make the parent accesses sweep in order, was slower: in register-like data sibs
/// already have neighbouring indices, and 74% of the rows have a parent of the previous row (61%
/// after the sort; a 1M-person synthetic population).
struct Pedigree {
  struct Rec {
    Index m, f;  ///< rows of mother and father, NONE if unknown
    double D;    ///< Mendelian sampling variance
  };
  std::vector<Rec> rec;        ///< by row
  std::vector<double> Aii;     ///< 1 + F by row
  std::vector<Index> person;   ///< by row
  std::vector<Index> row;      ///< by person: row, or NONE
  [[nodiscard]] std::size_t size() const noexcept { return rec.size(); }
};

Pedigree make_pedigree(const FamilyGraph& g, const KinshipCalculator& kin,
                       const std::vector<std::uint8_t>& keep) {
  const auto& P = g.persons();
  const std::size_t n = P.size();
  const auto topo = g.topological_order();
  const auto F = kin.inbreeding();
  const auto D = kin.mendelian_variance();
  std::vector<std::uint8_t> need(keep);
  for (std::size_t q = n; q-- > 0;) {
    const Index i = topo[q];
    if (!need[i]) continue;
    for (Index p : {P.mother[i], P.father[i]})
      if (p != NONE) need[p] = 1;
  }
  Pedigree ped;
  ped.row.assign(n, NONE);
  for (std::size_t q = 0; q < n; ++q)
    if (need[topo[q]]) {
      ped.row[topo[q]] = static_cast<Index>(ped.person.size());
      ped.person.push_back(topo[q]);
    }
  const std::size_t rows = ped.person.size();
  ped.rec.resize(rows);
  ped.Aii.resize(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    const Index i = ped.person[r], m = P.mother[i], f = P.father[i];
    ped.rec[r] = {m == NONE ? NONE : ped.row[m], f == NONE ? NONE : ped.row[f], D[i]};
    ped.Aii[r] = 1.0 + F[i];
  }
  return ped;
}

/// Y = A·X for a block of K column vectors stored row-major (row r at B + r·K), by Colleau's two
/// passes: v = Tᵀx (children before parents: v_p += ½ v_i), then y = T(Dv) (parents before
/// children: y_i = D_i v_i + ½(y_m + y_f)), as KinshipCalculator::relationship_times does for one
/// column. x is written row by row by init(r, row), and each final y_r is handed to visit(r, y_r)
/// during the second pass, so that callers that need y only at the members of their sets read it
/// in row order instead of by a random access per member, and sum it in an order that does not
/// depend on how the set was drawn. The operations on a column are the same, in the same order,
/// whatever K and the other columns, so a column's result depends on its own x only.
template <int K, class Init, class Visit>
void colleau_passes(const Pedigree& ped, double* B, Init&& init, Visit&& visit) {
  const std::size_t n = ped.size();
  const Pedigree::Rec* rec = ped.rec.data();
  // A parent's row is a cache miss on a large pedigree: request it a few persons ahead.
  auto prefetch_parents = [&](std::size_t r) {
    for (Index p : {rec[r].m, rec[r].f}) {
      if (p == NONE) continue;
      const double* row = B + std::size_t{p} * K;
      for (int c = 0; c < K; c += 8) prefetch(row + c);
    }
  };
  constexpr std::size_t ahead = 8;
  for (std::size_t r = 0; r < n; ++r) init(r, B + r * K);
  for (std::size_t r = n; r-- > 0;) {
    if (r >= ahead) prefetch_parents(r - ahead);
    const double* v = B + r * K;
    for (Index p : {rec[r].m, rec[r].f}) {
      if (p == NONE) continue;
      double* vp = B + std::size_t{p} * K;
      for (int c = 0; c < K; ++c) vp[c] += 0.5 * v[c];
    }
  }
  for (std::size_t r = 0; r < n; ++r) {
    if (r + ahead < n) prefetch_parents(r + ahead);
    double* v = B + r * K;
    double y[K];
    for (int c = 0; c < K; ++c) y[c] = rec[r].D * v[c];
    for (Index p : {rec[r].m, rec[r].f}) {
      if (p == NONE) continue;
      const double* yp = B + std::size_t{p} * K;
      for (int c = 0; c < K; ++c) y[c] += 0.5 * yp[c];
    }
    for (int c = 0; c < K; ++c) v[c] = y[c];
    visit(r, static_cast<const double*>(v));
  }
}

/// (A·x)_i − A_ii for a member i of the set: Σ_{j≠i∈S} A_ij. The subtraction cancels the diagonal;
/// what is left below 10⁻¹² of (A·x)_i is rounding (every term is ≥ 0 and a true kinship that small
/// needs a common ancestor ~40 generations back), so it is set to exactly 0, which keeps "no
/// relative in the set" an exact 0 rather than a ±10⁻¹⁶ that would turn FIR = 0/0 into a number.
inline double off_diagonal(double y, double aii) noexcept {
  const double d = y - aii;
  return d <= 1e-12 * y ? 0.0 : d;
}

/// 10⁵ · mean φ over unordered pairs from Σ_{i∈S} Σ_{j≠i∈S} A_ij (= 4 Σ_{i<j} φ_ij).
inline double gif_of(double sum_offdiag, double n_pairs) noexcept {
  return 1e5 * (0.25 * sum_offdiag) / n_pairs;
}

/// sums[c] = Σ_{i∈S_c} Σ_{j≠i∈S_c} A_ij for up to K ≤ 8 sets given as a bit mask per row (bit c:
/// the row's person is in S_c), summed over the rows in order; the mask is cleared on the way.
template <int K>
void gif_sums(const Pedigree& ped, std::uint8_t* mask, double* B, double* sums) {
  static_assert(K >= 1 && K <= 8);
  for (int c = 0; c < K; ++c) sums[c] = 0.0;
  colleau_passes<K>(
      ped, B,
      [&](std::size_t r, double* x) {
        const unsigned m = mask[r];
        for (int c = 0; c < K; ++c) x[c] = (m >> c) & 1u ? 1.0 : 0.0;
      },
      [&](std::size_t r, const double* y) {
        const unsigned m = mask[r];
        if (!m) return;
        for (int c = 0; c < K; ++c)
          if ((m >> c) & 1u) sums[c] += off_diagonal(y[c], ped.Aii[r]);
        mask[r] = 0;
      });
}

void check_options(int n_sim, int threads) {
  if (n_sim < 0 || n_sim > max_n_sim)
    throw std::invalid_argument("n_sim: " + std::to_string(n_sim) + " is out of range (allowed: 0 to " +
                                std::to_string(max_n_sim) + "; 0 = no permutation test)");
  if (threads < 0)
    throw std::invalid_argument("threads: " + std::to_string(threads) +
                                " is out of range (allowed: 0 = all available, or a positive count)");
}

void check_sizes(const Dataset& ds, const FamilyGraph& g, const KinshipCalculator& kin) {
  if (g.size() != ds.persons.size() || kin.inbreeding().size() != ds.persons.size())
    throw std::invalid_argument(
        "gif/fir: the graph and kinship calculator must be built on the dataset's persons");
}

}  // namespace

// ------------------------------------------------------------------ 4c. GIF
GifResult gif(const Dataset& ds, const GifOptions& opt) {
  check_options(opt.n_sim, opt.threads);
  const FamilyGraph g(ds.persons);
  const KinshipCalculator kin(g, {opt.threads});
  return gif(ds, g, kin, opt);
}

GifResult gif(const Dataset& ds, const FamilyGraph& g, const KinshipCalculator& kin, const GifOptions& opt) {
  check_options(opt.n_sim, opt.threads);
  check_sizes(ds, g, kin);
  GifResult out;
  const Window w = resolve_window(ds, opt.window);
  out.window = w;
  const auto& P = ds.persons;
  const CaseStatus cs = case_status(ds, w, opt.case_roles);
  DecadeStrata st = make_strata(P, cs);
  out.strata = st.info;
  for (const auto& s : st.info) out.n_cases += s.n_cases;
  const std::size_t n_cases = out.n_cases;
  out.n_pairs = 0.5 * static_cast<double>(n_cases) * (static_cast<double>(n_cases) - 1.0);
  if (n_cases < 2) {
    out.kinship_sum = NaN;
    return out;
  }

  // Only persons of a stratum with a case are ever drawn.
  std::vector<std::uint8_t> drawable(P.size(), 0);
  for (std::size_t s = 0; s < st.info.size(); ++s)
    if (st.info[s].n_cases > 0)
      for (std::size_t k = st.offset[s]; k < st.offset[s + 1]; ++k) drawable[st.members[k]] = 1;
  const Pedigree ped = make_pedigree(g, kin, drawable);
  const std::size_t rows = ped.size();
  // Row of each position of st.members (NONE for persons never drawn).
  std::vector<Index> member_row(st.members.size());
  for (std::size_t k = 0; k < st.members.size(); ++k) member_row[k] = ped.row[st.members[k]];

  // The observed value: the same computation with one column, so that a control set equal to the
  // case set gets bitwise the same value.
  {
    std::vector<std::uint8_t> mask(rows, 0);
    for (std::size_t k = 0; k < st.members.size(); ++k)
      if (cs.is_case[st.members[k]]) mask[member_row[k]] = 1;
    std::vector<double> B(rows);
    double sum = 0.0;
    gif_sums<1>(ped, mask.data(), B.data(), &sum);
    out.kinship_sum = 0.25 * sum;
    out.gif = gif_of(sum, out.n_pairs);
  }
  if (opt.n_sim == 0) return out;

  // The control sets, block_width per pass. The pool holds positions in st.members.
  const auto n_sim = static_cast<std::size_t>(opt.n_sim);
  out.sims.assign(n_sim, NaN);
  std::vector<Index> pool(st.members.size());
  for (std::size_t k = 0; k < pool.size(); ++k) pool[k] = static_cast<Index>(k);
  struct Work {
    std::vector<Index> pool, set;
    std::vector<std::uint8_t> mask;
    AlignedBlock block;
    std::vector<std::pair<std::size_t, std::size_t>> swaps;
  };
  tbb::enumerable_thread_specific<Work> work([&] { return Work{pool, {}, {}, {}, {}}; });
  const std::size_t n_blocks = (n_sim + block_width - 1) / block_width;
  tbb::task_arena arena(opt.threads > 0 ? opt.threads : tbb::this_task_arena::max_concurrency());
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n_blocks, 1), [&](const auto& range) {
      Work& W = work.local();
      W.block.resize(rows * block_width);
      W.set.resize(n_cases);
      W.mask.resize(rows, 0);  // gif_sums leaves it cleared
      for (std::size_t b = range.begin(); b < range.end(); ++b) {
        const std::size_t k0 = b * block_width, kc = std::min<std::size_t>(block_width, n_sim - k0);
        for (std::size_t c = 0; c < kc; ++c) {
          draw_control_set(W.pool, st, opt.seed, opt.first_sim + k0 + c, W.swaps, W.set.data());
          for (Index u : W.set) W.mask[member_row[u]] |= static_cast<std::uint8_t>(1u << c);
        }
        double sums[block_width];
        gif_sums<block_width>(ped, W.mask.data(), W.block.data(), sums);
        for (std::size_t c = 0; c < kc; ++c) out.sims[k0 + c] = gif_of(sums[c], out.n_pairs);
      }
    });
  });
  const double bar = out.gif * (1.0 - GIF_TIE_TOLERANCE);
  for (double s : out.sims) out.n_ge += s >= bar;
  out.p_value = (1.0 + static_cast<double>(out.n_ge)) / (static_cast<double>(n_sim) + 1.0);
  return out;
}

std::vector<Index> gif_control_set(const Dataset& ds, const GifOptions& opt, std::uint64_t sim) {
  const Window w = resolve_window(ds, opt.window);
  const CaseStatus cs = case_status(ds, w, opt.case_roles);
  DecadeStrata st = make_strata(ds.persons, cs);
  std::size_t n_cases = 0;
  for (const auto& s : st.info) n_cases += s.n_cases;
  std::vector<Index> out(n_cases);
  std::vector<std::pair<std::size_t, std::size_t>> swaps;
  draw_control_set(st.members, st, opt.seed, sim, swaps, out.data());
  return out;
}

// ------------------------------------------------------------------ 4d. FIR
FirResult fir(const Dataset& ds, const FirOptions& opt) {
  const FamilyGraph g(ds.persons);
  const KinshipCalculator kin(g);
  return fir(ds, g, kin, opt);
}

FirResult fir(const Dataset& ds, const FamilyGraph& g, const KinshipCalculator& kin, const FirOptions& opt) {
  check_sizes(ds, g, kin);
  FirResult out;
  const Window w = resolve_window(ds, opt.window);
  out.window = w;
  const std::size_t N = ds.persons.size();
  CaseStatus cs = case_status(ds, w, opt.case_roles);
  const Pedigree ped = make_pedigree(g, kin, cs.observed);
  out.fir.assign(N, NaN);
  out.case_kinship.assign(N, 0.0);
  out.observed_kinship.assign(N, 0.0);
  // Column 0: the cases; column 1: the observed persons.
  std::vector<double> B(ped.size() * 2);
  colleau_passes<2>(
      ped, B.data(),
      [&](std::size_t r, double* x) {
        const Index i = ped.person[r];
        x[0] = cs.is_case[i] ? 1.0 : 0.0;
        x[1] = cs.observed[i] ? 1.0 : 0.0;
      },
      [&](std::size_t r, const double* y) {
        const Index i = ped.person[r];
        if (!cs.observed[i]) return;
        const double num = cs.is_case[i] ? off_diagonal(y[0], ped.Aii[r]) : y[0];
        const double den = off_diagonal(y[1], ped.Aii[r]);
        // Halving is exact, so the ratio of the A sums is the ratio of the φ sums.
        out.case_kinship[i] = 0.5 * num;
        out.observed_kinship[i] = 0.5 * den;
        if (den > 0.0) out.fir[i] = num / den;
      });
  out.observed = std::move(cs.observed);
  out.is_case = std::move(cs.is_case);
  return out;
}

}  // namespace famgraph::indicators
