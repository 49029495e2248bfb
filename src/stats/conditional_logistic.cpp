// Conditional logistic regression (see include/famgraph/stats/conditional_logistic.hpp).
#include "famgraph/stats/conditional_logistic.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "newton.hpp"

namespace famgraph::stats {

namespace {

constexpr double neg_inf = -std::numeric_limits<double>::infinity();

double log_choose(double n, double k) {
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
}

/// σ(x) without overflow.
double sigmoid(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

/// One informative stratum of the general path: rows [offset, offset + n) of the centred (and, when
/// the controls are fewer, negated) design, k = min(cases, controls) "chosen" persons, s = the sum
/// of the chosen persons' rows.
struct Stratum {
  std::size_t offset = 0, n = 0, k = 0;
  Eigen::VectorXd s;
};

/// ℓ, score and information of one stratum by the Gail–Lubin–Rubinstein recursion over persons.
/// State for each number of chosen persons kk: log B (the log of the sum over subsets), and the
/// mean g and covariance V of the chosen persons' row sum under the conditional distribution.
/// Adding person j mixes "j not chosen" (weight w1) and "j chosen" (w2 = 1 − w1):
///   g' = w1·gA + w2·(gB + x_j),  V' = w1·VA + w2·VB + w1·w2·(gB + x_j − gA)(…)ᵀ,
/// a convex combination, so it neither overflows nor loses precision to cancellation.
void stratum_eval(const double* X, const Stratum& st, Eigen::Index p, const Eigen::VectorXd& beta,
                  double& ll, Eigen::VectorXd& grad, Eigen::MatrixXd& info) {
  const std::size_t n = st.n, k = st.k;
  const auto P = static_cast<std::size_t>(p);
  std::vector<double> lb(k + 1, neg_inf), g((k + 1) * P, 0.0), V((k + 1) * P * P, 0.0), dv(P);
  lb[0] = 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    const double* x = X + (st.offset + j) * P;
    double eta = 0.0;
    for (std::size_t c = 0; c < P; ++c) eta += x[c] * beta[static_cast<Eigen::Index>(c)];
    const std::size_t hi = std::min(j + 1, k);
    const std::size_t lo = std::max<std::size_t>(1, k + j + 1 > n ? k + j + 1 - n : 1);
    for (std::size_t kk = hi; kk >= lo && kk >= 1; --kk) {
      double* gA = &g[kk * P];
      const double* gB = &g[(kk - 1) * P];
      double* VA = &V[kk * P * P];
      const double* VB = &V[(kk - 1) * P * P];
      const double lbB = lb[kk - 1] + eta;
      if (lb[kk] == neg_inf) {  // kk = j + 1: every person so far is chosen
        lb[kk] = lbB;
        for (std::size_t c = 0; c < P; ++c) gA[c] = gB[c] + x[c];
        std::copy(VB, VB + P * P, VA);
      } else {
        const double diff = lbB - lb[kk];
        const double w2 = sigmoid(diff), w1 = sigmoid(-diff);
        lb[kk] = std::max(lb[kk], lbB) + std::log1p(std::exp(-std::abs(diff)));
        for (std::size_t c = 0; c < P; ++c) dv[c] = gB[c] + x[c] - gA[c];
        for (std::size_t c = 0; c < P; ++c) gA[c] += w2 * dv[c];
        const double w12 = w1 * w2;
        for (std::size_t r = 0; r < P; ++r)
          for (std::size_t c = 0; c < P; ++c)
            VA[r * P + c] = w1 * VA[r * P + c] + w2 * VB[r * P + c] + w12 * dv[r] * dv[c];
      }
      if (kk == 1) break;
    }
  }
  ll = st.s.dot(beta) - lb[k];
  grad.resize(p);
  info.resize(p, p);
  for (Eigen::Index c = 0; c < p; ++c) grad[c] = st.s[c] - g[k * P + static_cast<std::size_t>(c)];
  for (Eigen::Index r = 0; r < p; ++r)
    for (Eigen::Index c = 0; c < p; ++c)
      info(r, c) = V[k * P * P + static_cast<std::size_t>(r) * P + static_cast<std::size_t>(c)];
}

void finish(ConditionalLogisticResult& r, const detail::NewtonOutcome& fit) {
  const Eigen::Index p = fit.beta.size();
  r.coef = fit.beta;
  r.covariance = Eigen::LLT<Eigen::MatrixXd>(fit.at.info).solve(Eigen::MatrixXd::Identity(p, p));
  r.se = r.covariance.diagonal().cwiseSqrt();
  r.odds_ratio = r.coef.array().exp();
  r.ci.clear();
  r.or_ci.clear();
  for (Eigen::Index j = 0; j < p; ++j) {
    const Interval ci{r.coef[j] - r.z * r.se[j], r.coef[j] + r.z * r.se[j]};
    r.ci.push_back(ci);
    r.or_ci.push_back({std::exp(ci.lower), std::exp(ci.upper)});
  }
  r.log_likelihood = fit.at.ll;
  r.converged = fit.converged;
  r.iterations = fit.iterations;
  const double lr = std::max(2.0 * (r.log_likelihood - r.log_likelihood_null), 0.0);
  r.lr_test = ChiSquareTest{lr, static_cast<int>(p), detail::chi2_upper(lr, static_cast<int>(p))};
}

void check_options(const ConditionalLogisticOptions& o, const char* who) {
  if (o.max_iterations < 1) throw std::invalid_argument(std::string(who) + ": max_iterations must be >= 1");
  if (!(o.tolerance > 0.0)) throw std::invalid_argument(std::string(who) + ": tolerance must be > 0");
}

// ---- the 2×2 fast path ----------------------------------------------------------------------

struct FnchMoments {
  double log_norm = 0.0;  ///< log Σ_x C(n1, x)·C(n0, m1 − x)·e^{βx}
  double mean = 0.0, var = 0.0;
};

/// A start for the mode of Fisher's noncentral hypergeometric: the root in [lo, hi] of
/// (ψ − 1)x² − (ψ(n1 + m1) + n0 − m1)x + ψ·n1·m1 = 0 (the "expected" cell of the Breslow–Day test),
/// with the equation divided by ψ when ψ > 1 so that no coefficient overflows for any β.
double fnch_start(double n1, double n0, double m1, double beta, double lo, double hi) {
  double A, B, C;
  if (beta > 0.0) {
    const double inv = std::exp(-beta);  // 1/ψ in (0, 1)
    A = 1.0 - inv;
    B = -((n1 + m1) + (n0 - m1) * inv);
    C = n1 * m1;
  } else {
    const double psi = std::exp(beta);
    A = psi - 1.0;
    B = -(psi * (n1 + m1) + n0 - m1);
    C = psi * n1 * m1;
  }
  double root;
  if (A == 0.0) {
    root = -C / B;
  } else {
    const double disc = std::max(B * B - 4.0 * A * C, 0.0);
    const double q = -0.5 * (B + std::copysign(std::sqrt(disc), B));
    const double r1 = q / A, r2 = q != 0.0 ? C / q : r1;
    const auto dist = [&](double r) { return r < lo ? lo - r : (r > hi ? r - hi : 0.0); };
    root = dist(r1) <= dist(r2) ? r1 : r2;
  }
  if (!std::isfinite(root)) root = beta > 0.0 ? hi : lo;
  return std::clamp(std::round(root), lo, hi);
}

FnchMoments fnch_moments(double n1, double n0, double m1, double beta) {
  const double lo = std::max(0.0, m1 - n0), hi = std::min(n1, m1);
  FnchMoments out;
  const double psi = std::exp(beta);
  // t(x + 1)/t(x); for |β| beyond ~700 ψ over/underflows and the mass sits at one end.
  const auto ratio = [&](double x) { return (n1 - x) * (m1 - x) / ((x + 1.0) * (n0 - m1 + x + 1.0)) * psi; };
  double mode = fnch_start(n1, n0, m1, beta, lo, hi);
  if (!(psi > 0.0)) mode = lo;
  else if (!std::isfinite(psi)) mode = hi;
  else {
    while (mode < hi && ratio(mode) > 1.0) mode += 1.0;
    while (mode > lo && ratio(mode - 1.0) < 1.0) mode -= 1.0;
  }
  // Σ t, Σ t·(x − mode), Σ t·(x − mode)² with t(mode) = 1, outward from the mode. Past the mode
  // the ratios fall (the distribution is log-concave), so after a term t with ratio r < 1 the rest
  // of that tail is at most t·r/(1 − r): stop once that is below 1e-20 of the sum.
  constexpr double eps = 1e-20;
  double s0 = 1.0, s1 = 0.0, s2 = 0.0;
  if (std::isfinite(psi) && psi > 0.0) {
    double t = 1.0;
    for (double x = mode; x < hi;) {
      const double r = ratio(x);
      t *= r;
      x += 1.0;
      const double dx = x - mode;
      s0 += t;
      s1 += t * dx;
      s2 += t * dx * dx;
      if (r < 1.0 && t * r / (1.0 - r) < eps * s0) break;
      if (t == 0.0) break;
    }
    t = 1.0;
    for (double x = mode; x > lo;) {
      const double r = 1.0 / ratio(x - 1.0);  // t(x − 1)/t(x)
      t *= r;
      x -= 1.0;
      const double dx = x - mode;
      s0 += t;
      s1 += t * dx;
      s2 += t * dx * dx;
      if (r < 1.0 && t * r / (1.0 - r) < eps * s0) break;
      if (t == 0.0) break;
    }
  }
  const double m = s1 / s0;
  out.mean = mode + m;
  out.var = std::max(s2 / s0 - m * m, 0.0);
  out.log_norm = log_choose(n1, mode) + log_choose(n0, m1 - mode) + beta * mode + std::log(s0);
  return out;
}

}  // namespace

ConditionalLogisticResult conditional_logistic(const Eigen::Ref<const Eigen::MatrixXd>& X,
                                               const Eigen::Ref<const Eigen::VectorXd>& y,
                                               std::span<const std::int64_t> strata,
                                               const ConditionalLogisticOptions& options) {
  const char* who = "conditional_logistic";
  check_options(options, who);
  ConditionalLogisticResult r;
  r.level = options.level;
  r.z = z_for_level(options.level);
  const Eigen::Index n = X.rows(), p = X.cols();
  if (y.size() != n || static_cast<Eigen::Index>(strata.size()) != n)
    throw std::invalid_argument(std::string(who) + ": X has " + std::to_string(n) + " rows, y has " +
                                std::to_string(y.size()) + " values and strata has " +
                                std::to_string(strata.size()) + "; they must be equal");
  if (p == 0) throw std::invalid_argument(std::string(who) + ": the design matrix has no columns");
  if (!X.allFinite()) throw std::invalid_argument(std::string(who) + ": X contains NaN or infinity");
  for (Eigen::Index i = 0; i < n; ++i)
    if (y[i] != 0.0 && y[i] != 1.0)
      throw std::invalid_argument(std::string(who) + ": y[" + std::to_string(i) + "] = " + std::to_string(y[i]) +
                                  " is not 0 or 1");

  // Group the rows by stratum id (a stable sort keeps the input order inside a stratum).
  std::vector<std::size_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return strata[a] < strata[b]; });

  const auto P = static_cast<std::size_t>(p);
  Eigen::VectorXd scale = Eigen::VectorXd::Zero(p);  // Σ x² · m/n over informative strata (raw x)
  std::vector<double> Xc;  // centred (and possibly negated) rows of informative strata, row-major
  std::vector<Stratum> groups;
  for (std::size_t lo = 0; lo < order.size();) {
    std::size_t hi = lo;
    while (hi < order.size() && strata[order[hi]] == strata[order[lo]]) ++hi;
    ++r.n_strata;
    const std::size_t size = hi - lo;
    std::size_t cases = 0;
    for (std::size_t i = lo; i < hi; ++i) cases += y[static_cast<Eigen::Index>(order[i])] != 0.0;
    if (cases > 0 && cases < size) {
      ++r.n_informative;
      r.n_obs += size;
      r.n_cases += cases;
      r.log_likelihood_null -= log_choose(static_cast<double>(size), static_cast<double>(cases));
      // Centring within the stratum leaves the conditional likelihood unchanged (every subset of
      // the same size shifts by the same amount) and keeps the recursion's moments small. When the
      // controls are fewer, the complement is "chosen" instead with x negated (same likelihood).
      const bool flip = size - cases < cases;
      const double sign = flip ? -1.0 : 1.0;
      Eigen::VectorXd mean = Eigen::VectorXd::Zero(p);
      for (std::size_t i = lo; i < hi; ++i) {
        const auto row = X.row(static_cast<Eigen::Index>(order[i]));
        mean += row.transpose();
        scale += row.transpose().cwiseAbs2() * (static_cast<double>(cases) / static_cast<double>(size));
      }
      mean /= static_cast<double>(size);
      Stratum st;
      st.offset = Xc.size() / P;
      st.n = size;
      st.k = flip ? size - cases : cases;
      st.s = Eigen::VectorXd::Zero(p);
      for (std::size_t i = lo; i < hi; ++i) {
        const auto row = static_cast<Eigen::Index>(order[i]);
        const bool chosen = (y[row] != 0.0) != flip;
        for (Eigen::Index c = 0; c < p; ++c) {
          const double v = sign * (X(row, c) - mean[c]);
          Xc.push_back(v);
          if (chosen) st.s[c] += v;
        }
      }
      groups.push_back(std::move(st));
    }
    lo = hi;
  }
  if (groups.empty())
    throw RankDeficientError(std::string(who) +
                             ": no informative stratum (every stratum has only cases or only non-cases), so "
                             "the conditional likelihood carries no information about the coefficients");

  std::vector<double> lls(groups.size());
  std::vector<Eigen::VectorXd> grads(groups.size());
  std::vector<Eigen::MatrixXd> infos(groups.size());
  const auto eval = [&](const Eigen::VectorXd& beta) {
    tbb::parallel_for(std::size_t{0}, groups.size(),
                      [&](std::size_t g) { stratum_eval(Xc.data(), groups[g], p, beta, lls[g], grads[g], infos[g]); });
    detail::Evaluation e;
    e.grad = Eigen::VectorXd::Zero(p);
    e.info = Eigen::MatrixXd::Zero(p, p);
    for (std::size_t g = 0; g < groups.size(); ++g) {  // fixed order: thread-count independent
      e.ll += lls[g];
      e.grad += grads[g];
      e.info += infos[g];
    }
    return e;
  };
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(p);
  detail::Evaluation start = eval(beta);
  detail::check_identifiable(start.info, scale, who,
                             "are constant within every informative stratum (or collinear there), so their "
                             "conditional effects are not identifiable");
  const auto fit = detail::newton_maximise(eval, beta, std::move(start), options.max_iterations, options.tolerance, who);
  detail::check_not_flat(
      eval, fit,
      [&](const Eigen::VectorXd& v) {
        double ss = 0.0;
        const std::size_t rows = Xc.size() / P;
        for (std::size_t i = 0; i < rows; ++i) {
          double e = 0.0;
          for (std::size_t c = 0; c < P; ++c) e += Xc[i * P + c] * v[static_cast<Eigen::Index>(c)];
          ss += e * e;
        }
        return std::sqrt(ss / static_cast<double>(rows));
      },
      who);
  finish(r, fit);
  return r;
}

ConditionalLogisticResult conditional_logistic_tables(std::span<const Table2x2> strata,
                                                      const ConditionalLogisticOptions& options) {
  const char* who = "conditional_logistic_tables";
  check_options(options, who);
  ConditionalLogisticResult r;
  r.level = options.level;
  r.z = z_for_level(options.level);
  r.n_strata = strata.size();
  struct Cell {
    double a, n1, n0, m1;
  };
  std::vector<Cell> cells;
  double sum_a = 0.0, sum_lo = 0.0, sum_hi = 0.0, ll_constant = 0.0;
  for (const auto& t : strata) {
    const double a = static_cast<double>(t.a), b = static_cast<double>(t.b);
    const double c = static_cast<double>(t.c), d = static_cast<double>(t.d);
    const double n1 = a + b, n0 = c + d, m1 = a + c, m0 = b + d;
    if (m1 == 0.0 || m0 == 0.0) continue;
    // Informative as in the person-level fit: cases and non-cases. A stratum whose exposure is
    // constant adds the constant −log C(n, m1) to ℓ and nothing to the score (as there).
    ++r.n_informative;
    r.n_obs += t.total();
    r.n_cases += t.a + t.c;
    r.log_likelihood_null -= log_choose(n1 + n0, m1);
    if (n1 == 0.0 || n0 == 0.0) {
      ll_constant -= log_choose(n1 + n0, m1);
      continue;
    }
    cells.push_back({a, n1, n0, m1});
    sum_a += a;
    sum_lo += std::max(0.0, m1 - n0);
    sum_hi += std::min(n1, m1);
  }
  if (cells.empty())
    throw RankDeficientError(std::string(who) +
                             ": no informative stratum (none has exposed and unexposed persons, cases and "
                             "non-cases), so the conditional likelihood carries no information");
  if (sum_a == sum_hi || sum_a == sum_lo)
    throw ConvergenceError(
        std::string(who) + ": a is at its " + (sum_a == sum_hi ? "largest" : "smallest") +
        " possible value in every informative stratum (" +
        (sum_a == sum_hi ? "every case is exposed or every exposed person is a case"
                         : "no case is exposed or every unexposed person is a case") +
        "), so the conditional maximum-likelihood odds ratio is " + (sum_a == sum_hi ? "infinite" : "0") +
        " and has no Wald interval; use the Mantel-Haenszel estimate or an exact interval");

  const auto eval = [&](const Eigen::VectorXd& beta) {
    detail::Evaluation e;
    e.ll = ll_constant;
    e.grad = Eigen::VectorXd::Zero(1);
    e.info = Eigen::MatrixXd::Zero(1, 1);
    for (const auto& c : cells) {
      const auto m = fnch_moments(c.n1, c.n0, c.m1, beta[0]);
      e.ll += beta[0] * c.a - m.log_norm;
      e.grad[0] += c.a - m.mean;
      e.info(0, 0) += m.var;
    }
    return e;
  };
  // Start from the Mantel–Haenszel estimate, usually within a few per cent of the conditional MLE.
  const auto mh = mantel_haenszel(strata);
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(1);
  if (mh.odds_ratio && mh.odds_ratio->value > 0.0) beta[0] = std::log(mh.odds_ratio->value);
  detail::Evaluation start = eval(beta);
  const auto fit = detail::newton_maximise(eval, beta, std::move(start), options.max_iterations, options.tolerance, who);
  finish(r, fit);
  return r;
}

}  // namespace famgraph::stats
