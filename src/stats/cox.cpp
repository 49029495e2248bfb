// Cox proportional hazards (see include/famgraph/stats/cox.hpp).
#include "famgraph/stats/cox.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "newton.hpp"

namespace famgraph::stats {

namespace {

struct Key {
  std::int64_t stratum;
  double time;
  std::size_t index;
};

/// The data sorted by (stratum, time descending, input position): a total order, so the sort and
/// every sum below are the same for any number of threads.
struct Sorted {
  std::size_t n = 0, p = 0;
  std::vector<double> x;      ///< n × p, row-major, columns centred on their overall mean
  std::vector<double> time;   ///< descending within a stratum
  std::vector<std::uint8_t> event;
  std::vector<std::size_t> stratum_begin;  ///< boundaries of strata that have an event (+ end)
  std::vector<std::size_t> stratum_end;
};

/// ℓ, score and information (upper triangle, row-major p × p) of one stratum [b, e) given η.
void stratum_eval(const Sorted& s, const double* eta, std::size_t b, std::size_t e, bool efron, double& ll,
                  double* grad, double* info, std::vector<double>& work) {
  const std::size_t p = s.p;
  double c = -std::numeric_limits<double>::infinity();
  for (std::size_t i = b; i < e; ++i) c = std::max(c, eta[i]);
  // work: S1, S2, D1, D2, m (p, p², p, p², p)
  work.assign(3 * p + 2 * p * p, 0.0);
  double* S1 = work.data();
  double* S2 = S1 + p;
  double* D1 = S2 + p * p;
  double* D2 = D1 + p;
  double* m = D2 + p * p;
  double S0 = 0.0;
  ll = 0.0;
  std::fill(grad, grad + p, 0.0);
  std::fill(info, info + p * p, 0.0);
  for (std::size_t i = b; i < e;) {
    const double t = s.time[i];
    std::size_t d = 0;
    double D0 = 0.0;
    std::fill(D1, D1 + p, 0.0);
    std::fill(D2, D2 + p * p, 0.0);
    std::size_t j = i;
    for (; j < e && s.time[j] == t; ++j) {
      const double* x = &s.x[j * p];
      const double w = std::exp(eta[j] - c);
      S0 += w;
      for (std::size_t r = 0; r < p; ++r) {
        const double wx = w * x[r];
        S1[r] += wx;
        for (std::size_t q = r; q < p; ++q) S2[r * p + q] += wx * x[q];
      }
      if (s.event[j]) {
        ++d;
        D0 += w;
        ll += eta[j];
        for (std::size_t r = 0; r < p; ++r) {
          const double wx = w * x[r];
          grad[r] += x[r];
          D1[r] += wx;
          for (std::size_t q = r; q < p; ++q) D2[r * p + q] += wx * x[q];
        }
      }
    }
    i = j;
    if (d == 0) continue;
    const double dd = static_cast<double>(d);
    // Efron: the l-th of the d tied events sees the risk set less l/d of the tied events' weight.
    // Breslow: every one sees the full risk set, so the d terms are equal.
    const std::size_t terms = efron ? d : 1;
    const double mult = efron ? 1.0 : dd;
    for (std::size_t l = 0; l < terms; ++l) {
      const double phi = efron ? static_cast<double>(l) / dd : 0.0;
      const double s0 = S0 - phi * D0;
      ll -= mult * (std::log(s0) + c);
      for (std::size_t r = 0; r < p; ++r) m[r] = (S1[r] - phi * D1[r]) / s0;
      for (std::size_t r = 0; r < p; ++r) {
        grad[r] -= mult * m[r];
        for (std::size_t q = r; q < p; ++q)
          info[r * p + q] += mult * ((S2[r * p + q] - phi * D2[r * p + q]) / s0 - m[r] * m[q]);
      }
    }
  }
}

}  // namespace

CoxResult cox_ph(std::span<const double> time, std::span<const std::uint8_t> event,
                 const Eigen::Ref<const Eigen::MatrixXd>& X, std::span<const std::int64_t> strata,
                 const CoxOptions& options) {
  const std::string who = "cox";
  if (options.max_iterations < 1) throw std::invalid_argument("cox: max_iterations must be >= 1");
  if (!(options.tolerance > 0.0)) throw std::invalid_argument("cox: tolerance must be > 0");
  CoxResult r;
  r.level = options.level;
  r.z = z_for_level(options.level);
  const std::size_t n = time.size();
  const auto p = static_cast<std::size_t>(X.cols());
  if (event.size() != n || static_cast<std::size_t>(X.rows()) != n || (!strata.empty() && strata.size() != n))
    throw std::invalid_argument("cox: time has " + std::to_string(n) + " values, event " +
                                std::to_string(event.size()) + ", X " + std::to_string(X.rows()) +
                                " rows and strata " + std::to_string(strata.size()) +
                                " ids (strata may also be empty); they must be equal");
  if (p == 0) throw std::invalid_argument("cox: the design matrix has no columns");
  if (n == 0) throw std::invalid_argument("cox: no observations");
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(time[i]))
      throw std::invalid_argument("cox: time[" + std::to_string(i) + "] is not finite");
    if (event[i] > 1)
      throw std::invalid_argument("cox: event[" + std::to_string(i) + "] = " + std::to_string(event[i]) +
                                  " is not 0 or 1");
  }
  if (!X.allFinite()) throw std::invalid_argument("cox: X contains NaN or infinity");
  r.n_obs = n;

  // Sort by (stratum, time descending, input position): a counting sort on dense stratum ranks
  // (ids in a range of at most 4n values, the usual case, need no map), then each stratum by
  // time in parallel. A total order, so every sum below is the same for any number of threads.
  std::vector<std::size_t> rank(strata.empty() ? 0 : n);
  std::vector<std::int64_t> rank_id;  // rank -> stratum id
  if (!strata.empty()) {
    const auto [lo_it, hi_it] = std::minmax_element(strata.begin(), strata.end());
    const std::int64_t lo = *lo_it;
    // Unsigned arithmetic: hi − lo may not fit in int64, and the modular difference is exact.
    const auto off = [lo](std::int64_t id) { return static_cast<std::uint64_t>(id) - static_cast<std::uint64_t>(lo); };
    const std::uint64_t span = off(*hi_it);
    if (span < 4 * static_cast<std::uint64_t>(n)) {
      std::vector<std::size_t> seen(static_cast<std::size_t>(span) + 1, 0);
      for (const auto id : strata) seen[off(id)] = 1;
      std::size_t next = 0;
      for (std::size_t v = 0; v < seen.size(); ++v)
        if (seen[v]) {
          seen[v] = next++;
          rank_id.push_back(lo + static_cast<std::int64_t>(v));
        }
      for (std::size_t i = 0; i < n; ++i) rank[i] = seen[off(strata[i])];
    } else {
      rank_id.assign(strata.begin(), strata.end());
      tbb::parallel_sort(rank_id.begin(), rank_id.end());
      rank_id.erase(std::unique(rank_id.begin(), rank_id.end()), rank_id.end());
      for (std::size_t i = 0; i < n; ++i)
        rank[i] = static_cast<std::size_t>(std::lower_bound(rank_id.begin(), rank_id.end(), strata[i]) - rank_id.begin());
    }
  }
  const std::size_t n_ranks = strata.empty() ? 1 : rank_id.size();
  std::vector<std::size_t> offset(n_ranks + 1, 0);
  for (std::size_t i = 0; i < n; ++i) ++offset[(strata.empty() ? 0 : rank[i]) + 1];
  for (std::size_t k = 0; k < n_ranks; ++k) offset[k + 1] += offset[k];
  std::vector<Key> keys(n);
  {
    std::vector<std::size_t> fill(offset.begin(), offset.end() - 1);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t k = strata.empty() ? 0 : rank[i];
      keys[fill[k]++] = {strata.empty() ? 0 : strata[i], time[i], i};
    }
  }
  rank = {};
  tbb::parallel_for(std::size_t{0}, n_ranks, [&](std::size_t k) {
    tbb::parallel_sort(keys.begin() + static_cast<std::ptrdiff_t>(offset[k]),
                       keys.begin() + static_cast<std::ptrdiff_t>(offset[k + 1]), [](const Key& a, const Key& b) {
                         if (a.time != b.time) return a.time > b.time;
                         return a.index < b.index;
                       });
  });

  Sorted s;
  s.n = n;
  s.p = p;
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p));
  for (Eigen::Index c = 0; c < X.cols(); ++c) mean[c] = X.col(c).sum() / static_cast<double>(n);
  s.x.resize(n * p);
  s.time.resize(n);
  s.event.resize(n);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n), [&](const tbb::blocked_range<std::size_t>& rg) {
    // A gather in random order: each row is a cache miss per column, so the rows a few steps ahead
    // are prefetched (halves the setup at 1M rows).
    constexpr std::size_t ahead = 16;
    for (std::size_t i = rg.begin(); i != rg.end(); ++i) {
      if (i + ahead < rg.end()) {
        const auto next = static_cast<Eigen::Index>(keys[i + ahead].index);
        for (Eigen::Index c = 0; c < X.cols(); ++c) __builtin_prefetch(X.data() + next + c * X.outerStride());
        __builtin_prefetch(&event[keys[i + ahead].index]);
      }
      const auto src = static_cast<Eigen::Index>(keys[i].index);
      for (std::size_t c = 0; c < p; ++c)
        s.x[i * p + c] = X(src, static_cast<Eigen::Index>(c)) - mean[static_cast<Eigen::Index>(c)];
      s.time[i] = keys[i].time;
      s.event[i] = event[keys[i].index];
    }
  });
  for (std::size_t lo = 0; lo < n;) {
    std::size_t hi = lo;
    bool any_event = false;
    while (hi < n && keys[hi].stratum == keys[lo].stratum) any_event |= s.event[hi++] != 0;
    ++r.n_strata;
    if (any_event) {
      s.stratum_begin.push_back(lo);
      s.stratum_end.push_back(hi);
    }
    lo = hi;
  }
  keys = {};
  for (auto e : s.event) r.n_events += e;
  r.n_strata_with_events = s.stratum_begin.size();
  if (r.n_events == 0) throw std::invalid_argument("cox: there are no events");

  const std::size_t K = s.stratum_begin.size();
  const bool efron = options.ties == CoxTies::efron;
  std::vector<double> eta(n), lls(K), grads(K * p), infos(K * p * p);
  const auto eval = [&](const Eigen::VectorXd& beta) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 14), [&](const tbb::blocked_range<std::size_t>& rg) {
      for (std::size_t i = rg.begin(); i != rg.end(); ++i) {
        double v = 0.0;
        for (std::size_t c = 0; c < p; ++c) v += s.x[i * p + c] * beta[static_cast<Eigen::Index>(c)];
        eta[i] = v;
      }
    });
    tbb::parallel_for(std::size_t{0}, K, [&](std::size_t k) {
      thread_local std::vector<double> work;
      stratum_eval(s, eta.data(), s.stratum_begin[k], s.stratum_end[k], efron, lls[k], &grads[k * p],
                   &infos[k * p * p], work);
    });
    detail::Evaluation e;
    e.grad = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p));
    e.info = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p));
    for (std::size_t k = 0; k < K; ++k) {  // stratum order: independent of the thread count
      e.ll += lls[k];
      for (std::size_t a = 0; a < p; ++a) {
        e.grad[static_cast<Eigen::Index>(a)] += grads[k * p + a];
        for (std::size_t b = a; b < p; ++b)
          e.info(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) += infos[k * p * p + a * p + b];
      }
    }
    e.info.triangularView<Eigen::StrictlyLower>() = e.info.transpose().triangularView<Eigen::StrictlyLower>();
    if (!std::isfinite(e.ll)) e.ll = -std::numeric_limits<double>::infinity();
    return e;
  };

  const auto pe = static_cast<Eigen::Index>(p);
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(pe);
  detail::Evaluation start = eval(beta);
  // Scale of the information a covariate varying on its raw scale would have: events × mean x².
  Eigen::VectorXd scale(pe);
  for (Eigen::Index c = 0; c < pe; ++c)
    scale[c] = static_cast<double>(r.n_events) * X.col(c).squaredNorm() / static_cast<double>(n);
  detail::check_identifiable(start.info, scale, who,
                             "do not vary within the risk sets at the event times (constant within every "
                             "stratum with events, or collinear there), so their effects are not identifiable");
  r.log_likelihood_null = start.ll;
  {
    const Eigen::VectorXd u = start.grad;
    const double score = u.dot(Eigen::LLT<Eigen::MatrixXd>(start.info).solve(u));
    r.score_test = ChiSquareTest{score, static_cast<int>(p), detail::chi2_upper(score, static_cast<int>(p))};
  }
  const auto fit = detail::newton_maximise(eval, beta, std::move(start), options.max_iterations, options.tolerance, who);
  detail::check_not_flat(
      eval, fit,
      [&](const Eigen::VectorXd& v) {
        double ss = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
          double e = 0.0;
          for (std::size_t c = 0; c < p; ++c) e += s.x[i * p + c] * v[static_cast<Eigen::Index>(c)];
          ss += e * e;
        }
        return std::sqrt(ss / static_cast<double>(n));
      },
      who);
  r.coef = fit.beta;
  r.covariance = Eigen::LLT<Eigen::MatrixXd>(fit.at.info).solve(Eigen::MatrixXd::Identity(pe, pe));
  r.se = r.covariance.diagonal().cwiseSqrt();
  r.hazard_ratio = r.coef.array().exp();
  for (Eigen::Index j = 0; j < pe; ++j) {
    const Interval ci{r.coef[j] - r.z * r.se[j], r.coef[j] + r.z * r.se[j]};
    r.ci.push_back(ci);
    r.hr_ci.push_back({std::exp(ci.lower), std::exp(ci.upper)});
  }
  r.log_likelihood = fit.at.ll;
  r.converged = fit.converged;
  r.iterations = fit.iterations;
  const double lr = std::max(2.0 * (r.log_likelihood - r.log_likelihood_null), 0.0);
  r.lr_test = ChiSquareTest{lr, static_cast<int>(p), detail::chi2_upper(lr, static_cast<int>(p))};
  const double wald = r.coef.dot(fit.at.info * r.coef);
  r.wald_test = ChiSquareTest{wald, static_cast<int>(p), detail::chi2_upper(wald, static_cast<int>(p))};
  return r;
}

}  // namespace famgraph::stats
