#pragma once
// Maximum-likelihood logistic regression by iteratively reweighted least squares (Newton–Raphson
// on the log-likelihood, which for the canonical logit link is the same thing), on Eigen; each
// step is a weighted least-squares solve by column-pivoted QR.
// Standard errors come from the inverse Fisher information at the estimate; intervals are Wald
// intervals. Used by `adjusted_association` (docs/spec/indicators.md §adjusted_association).
//
// Failure is loud: a rank-deficient design throws RankDeficientError before iterating, and a fit
// that does not converge — in practice complete or quasi-complete separation, where the maximum
// likelihood estimate does not exist and some coefficients run off to ±∞ — throws
// ConvergenceError rather than returning huge, meaningless coefficients with tiny-looking p-values.
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "famgraph/stats/interval.hpp"

namespace famgraph::stats {

/// Base of the errors logistic_regression() throws when no estimate exists.
class LogisticError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
/// The design matrix does not have full column rank (duplicated or collinear covariates, an empty
/// dummy category, fewer rows than columns): the coefficients are not identifiable.
class RankDeficientError : public LogisticError {
 public:
  using LogisticError::LogisticError;
};
/// The iterations did not converge, or stopped at a point that certifies (quasi-)complete
/// separation; either way no maximum-likelihood estimate is available.
class ConvergenceError : public LogisticError {
 public:
  using LogisticError::LogisticError;
};

struct LogisticOptions {
  /// Prepend a column of ones, so that coefficient 0 is the intercept. Off by default: the caller
  /// usually builds the design matrix (with dummies) and decides.
  bool add_intercept = false;
  int max_iterations = 100;
  /// Converged when the full Newton step satisfies |Δβ_j| <= tolerance · max(1, |β_j + Δβ_j|) for
  /// every j. A step criterion (not a deviance one) because under separation the deviance creeps
  /// to 0 and its relative change becomes small while the coefficients still grow by ~1 per step.
  double tolerance = 1e-10;
  /// An observation whose fitted |xᵢᵀβ̂| exceeds this (probability within σ(−30) ≈ 9.4e-14 of 0
  /// or 1) counts as perfectly predicted in the separation check that follows an apparent
  /// convergence (see logistic_regression()).
  double extreme_linear_predictor = 30.0;
  double level = 0.95;  ///< level of the Wald intervals
  /// When false, a non-converged fit is returned with converged = false (the numbers are then those
  /// of the last iterate, not estimates) instead of throwing ConvergenceError — unless the
  /// information matrix at that iterate is singular, which still throws.
  bool throw_on_nonconvergence = true;
};

struct LogisticResult {
  Eigen::VectorXd coef;         ///< β̂ (coefficient 0 is the intercept when one was added)
  Eigen::VectorXd se;           ///< sqrt of the diagonal of `covariance`
  Eigen::MatrixXd covariance;   ///< (Xᵀ W X)⁻¹ at β̂, the inverse Fisher information
  std::vector<Interval> ci;     ///< Wald: β̂ ± z·se
  Eigen::VectorXd odds_ratio;   ///< exp(β̂)
  std::vector<Interval> or_ci;  ///< exp of `ci`
  double log_likelihood = 0.0;
  bool converged = false;
  int iterations = 0;  ///< Newton steps taken
  bool intercept_added = false;
  std::size_t n_obs = 0;
  double level = 0.95;
  double z = z975;
};

namespace detail {
// Numerically stable pieces: σ(η) and log(1 + e^x) without overflow, and weights p(1 − p) as
// σ(η)σ(−η) so that they underflow only beyond |η| ≈ 745, not at |η| ≈ 37 where σ(η) rounds to 1.
inline double sigmoid(double eta) {
  if (eta >= 0.0) return 1.0 / (1.0 + std::exp(-eta));
  const double e = std::exp(eta);
  return e / (1.0 + e);
}
inline double softplus(double x) {
  return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

inline double log_likelihood(const Eigen::VectorXd& eta, const Eigen::VectorXd& y) {
  double ll = 0.0;
  for (Eigen::Index i = 0; i < eta.size(); ++i) ll -= y[i] != 0.0 ? softplus(-eta[i]) : softplus(eta[i]);
  return ll;
}

/// True when the fit (β, η = Xβ) has stalled on a separation: with E the observations whose
/// |ηᵢ| > limit and N the others, the component d of β orthogonal to the row space of X_N (so
/// X_N·d = 0: moving along d leaves N's fitted values alone) is non-zero and classifies every
/// observation of E correctly, sᵢ·xᵢᵀd > 0 with sᵢ = 2yᵢ − 1. Then the log-likelihood increases
/// without bound along d, i.e. d certifies (quasi-)complete separation (Albert & Anderson 1984).
/// A genuine extreme fitted value has X_N of full column rank, hence d = 0 and no certificate.
inline bool separation_certificate(const Eigen::MatrixXd& X, const Eigen::Ref<const Eigen::VectorXd>& y,
                                   const Eigen::VectorXd& eta, const Eigen::VectorXd& beta, double limit) {
  std::vector<Eigen::Index> extreme, rest;
  for (Eigen::Index i = 0; i < X.rows(); ++i) (std::abs(eta[i]) > limit ? extreme : rest).push_back(i);
  if (extreme.empty()) return false;
  Eigen::VectorXd d = beta;
  if (!rest.empty()) {
    Eigen::MatrixXd xn(static_cast<Eigen::Index>(rest.size()), X.cols());
    for (std::size_t k = 0; k < rest.size(); ++k) xn.row(static_cast<Eigen::Index>(k)) = X.row(rest[k]);
    // β minus its least-squares projection onto the row space of X_N (minimum-norm solution).
    const Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod(xn);
    d = beta - Eigen::VectorXd(cod.solve(Eigen::VectorXd(xn * beta)));
  }
  if (!(d.norm() > 1e-8 * std::max(1.0, beta.norm()))) return false;
  for (auto i : extreme)
    if (!((y[i] != 0.0 ? 1.0 : -1.0) * X.row(i).dot(d) > 0.0)) return false;
  return true;
}

inline std::string column_list(const std::vector<Eigen::Index>& cols) {
  std::string s;
  for (auto c : cols) s += (s.empty() ? "" : ", ") + std::to_string(c);
  return s;
}
}  // namespace detail

/// Fits P(y = 1 | x) = σ(xᵀβ). X is n × p (with the intercept column unless
/// options.add_intercept), y holds n values that are each exactly 0 or 1.
/// Throws std::invalid_argument on mismatched sizes, an empty design, non-finite X, a y outside
/// {0, 1} or a bad option; RankDeficientError if X lacks full column rank; ConvergenceError if
/// the iterations do not converge (separation) unless options.throw_on_nonconvergence is false.
inline LogisticResult logistic_regression(const Eigen::Ref<const Eigen::MatrixXd>& X_in,
                                          const Eigen::Ref<const Eigen::VectorXd>& y,
                                          const LogisticOptions& options = {}) {
  LogisticResult r;
  r.level = options.level;
  r.z = z_for_level(options.level);
  if (options.max_iterations < 1) throw std::invalid_argument("logistic: max_iterations must be >= 1");
  if (!(options.tolerance > 0.0)) throw std::invalid_argument("logistic: tolerance must be > 0");
  if (!(options.extreme_linear_predictor > 0.0))
    throw std::invalid_argument("logistic: extreme_linear_predictor must be > 0");
  if (X_in.rows() != y.size())
    throw std::invalid_argument("logistic: X has " + std::to_string(X_in.rows()) + " rows but y has " +
                                std::to_string(y.size()) + " values");
  if (X_in.rows() == 0) throw std::invalid_argument("logistic: no observations");
  if (!X_in.allFinite()) throw std::invalid_argument("logistic: X contains NaN or infinity");
  for (Eigen::Index i = 0; i < y.size(); ++i)
    if (y[i] != 0.0 && y[i] != 1.0)
      throw std::invalid_argument("logistic: y[" + std::to_string(i) + "] = " + std::to_string(y[i]) +
                                  " is not 0 or 1");

  Eigen::MatrixXd X;
  if (options.add_intercept) {
    X.resize(X_in.rows(), X_in.cols() + 1);
    X.col(0).setOnes();
    X.rightCols(X_in.cols()) = X_in;
  } else {
    X = X_in;
  }
  r.intercept_added = options.add_intercept;
  r.n_obs = static_cast<std::size_t>(X.rows());
  const Eigen::Index n = X.rows(), p = X.cols();
  if (p == 0) throw std::invalid_argument("logistic: the design matrix has no columns");

  // Identifiability first: the column-pivoted QR finds the columns that add nothing.
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(X);
  if (qr.rank() < p) {
    std::vector<Eigen::Index> dependent;
    for (Eigen::Index k = qr.rank(); k < p; ++k) dependent.push_back(qr.colsPermutation().indices()[k]);
    std::sort(dependent.begin(), dependent.end());
    throw RankDeficientError("logistic: the design matrix (" + std::to_string(n) + " x " + std::to_string(p) +
                             ") has rank " + std::to_string(qr.rank()) + "; column(s) " +
                             detail::column_list(dependent) +
                             " are linear combinations of the others (duplicated or collinear covariate, "
                             "empty category, or fewer observations than coefficients)");
  }

  Eigen::VectorXd beta = Eigen::VectorXd::Zero(p);
  Eigen::VectorXd eta = Eigen::VectorXd::Zero(n);
  double ll = detail::log_likelihood(eta, y);
  const auto separation_hint = [&] {
    const double max_eta = eta.cwiseAbs().maxCoeff();
    return max_eta > options.extreme_linear_predictor
               ? std::string("; fitted probabilities are numerically 0 or 1 (max |x'b| = ") +
                     std::to_string(max_eta) +
                     "), which indicates that the outcome is perfectly predicted by some covariate "
                     "pattern (complete or quasi-complete separation): the maximum-likelihood "
                     "estimate then does not exist"
               : std::string();
  };

  // Each Newton step Δ = (XᵀWX)⁻¹ Xᵀ(y − p) is solved as the weighted least-squares problem
  // min ‖W^½ X Δ − W^−½ (y − p)‖ by column-pivoted QR (as R's glm.fit does) rather than through
  // the normal equations, which square the condition number. That alone does not expose
  // separation: once a separating direction has pushed some weights below ~1e-16 of the others,
  // no double-precision solver resolves the step along it any more, Δ collapses and the fit looks
  // converged (β ≈ ±38, standard errors ≈ 10⁸). Hence the explicit check after the loop.
  Eigen::MatrixXd A(n, p);
  Eigen::VectorXd b(n);
  for (int it = 1; it <= options.max_iterations; ++it) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const double sqrt_w = std::sqrt(detail::sigmoid(eta[i]) * detail::sigmoid(-eta[i]));
      A.row(i) = sqrt_w * X.row(i);
      // (y − p)/√(p(1 − p)) in closed form: e^(−η/2) for y = 1, −e^(η/2) for y = 0.
      b[i] = sqrt_w == 0.0 ? 0.0 : (y[i] != 0.0 ? std::exp(-eta[i] / 2.0) : -std::exp(eta[i] / 2.0));
    }
    const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> wqr(A);
    if (wqr.rank() < p)
      throw ConvergenceError("logistic: the weighted design became singular at iteration " +
                             std::to_string(it) + separation_hint());
    const Eigen::VectorXd delta = wqr.solve(b);
    // Convergence is judged on the full Newton step, never on a halved one (a halved step can be
    // made arbitrarily small without the fit being any closer to an optimum).
    double change = 0.0;
    for (Eigen::Index j = 0; j < p; ++j)
      change = std::max(change, std::abs(delta[j]) / std::max(1.0, std::abs(beta[j] + delta[j])));
    // Step halving: Newton on the concave log-likelihood almost never overshoots, but when it
    // does (far from the optimum) a shorter step in the same ascent direction restores progress.
    // The slack lets a converged step through when rounding makes log L tick down in the last bits.
    const double slack = 1e-12 * (1.0 + std::abs(ll));
    double step = 1.0;
    Eigen::VectorXd next = beta + delta;
    Eigen::VectorXd next_eta = X * next;
    double next_ll = detail::log_likelihood(next_eta, y);
    // At the optimum of a fit on millions of rows the Newton step is rounding noise (of the order
    // 1e-8 relative): it no longer increases log L, and halving it only chases the noise. Such a
    // tiny step that does not ascend means the current β is the optimum in double precision.
    if (!(next_ll >= ll - slack) && change <= 1e-5) {
      r.iterations = it;
      r.converged = true;
      break;
    }
    for (int h = 0; h < 30 && !(next_ll >= ll - slack); ++h) {
      step /= 2.0;
      next = beta + step * delta;
      next_eta = X * next;
      next_ll = detail::log_likelihood(next_eta, y);
    }
    r.iterations = it;
    if (!(next_ll >= ll - slack)) break;  // no ascent along the Newton direction: stuck
    // With millions of rows the rounding in the weighted QR solve alone moves β by ~1e-10
    // relative, so the step criterion can stall for dozens of iterations at the optimum. A full
    // step that no longer changes log L beyond rounding, and moves β by less than 1e-5
    // relative, is at the optimum in double precision.
    const bool flat = step == 1.0 && std::abs(next_ll - ll) <= 1e-13 * (1.0 + std::abs(ll)) && change <= 1e-5;
    beta = next;
    eta = next_eta;
    ll = next_ll;
    if (change <= options.tolerance || flat) {
      r.converged = true;
      break;
    }
  }
  // An apparent optimum with fitted probabilities numerically 0 or 1 may be a stalled separation
  // (see above: the stall happens once every separated observation has |η| ≳ 36, so the default
  // threshold 30 leaves a margin) or a genuine MLE with an extreme covariate value. Only the
  // first has a separation certificate; it decides.
  const bool certified =
      r.converged && detail::separation_certificate(X, y, eta, beta, options.extreme_linear_predictor);
  if (certified) r.converged = false;
  if (certified && options.throw_on_nonconvergence)
    throw ConvergenceError(
        "logistic: the iterations stalled after " + std::to_string(r.iterations) +
        " step(s) on a complete or quasi-complete separation: a combination of the covariates predicts "
        "the outcome of some observations perfectly while leaving the others unchanged, so the "
        "maximum-likelihood estimate does not exist (max |x'b| = " +
        std::to_string(eta.cwiseAbs().maxCoeff()) + ")");
  if (!r.converged && options.throw_on_nonconvergence)
    throw ConvergenceError("logistic: no convergence after " + std::to_string(r.iterations) +
                           " iteration(s)" + separation_hint());

  // Covariance = inverse Fisher information (XᵀWX)⁻¹ at the estimate.
  Eigen::VectorXd w(n);
  for (Eigen::Index i = 0; i < n; ++i) w[i] = detail::sigmoid(eta[i]) * detail::sigmoid(-eta[i]);
  const Eigen::LLT<Eigen::MatrixXd> llt(Eigen::MatrixXd(X.transpose() * w.asDiagonal() * X));
  if (llt.info() != Eigen::Success)
    throw ConvergenceError("logistic: the information matrix is singular at the estimate" +
                           separation_hint());
  r.coef = beta;
  r.covariance = llt.solve(Eigen::MatrixXd::Identity(p, p));
  r.se = r.covariance.diagonal().cwiseSqrt();
  r.odds_ratio = beta.array().exp();
  r.log_likelihood = ll;
  for (Eigen::Index j = 0; j < p; ++j) {
    const Interval ci{beta[j] - r.z * r.se[j], beta[j] + r.z * r.se[j]};
    r.ci.push_back(ci);
    r.or_ci.push_back({std::exp(ci.lower), std::exp(ci.upper)});
  }
  return r;
}

}  // namespace famgraph::stats
