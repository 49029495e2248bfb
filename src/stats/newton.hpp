#pragma once
// Newton–Raphson with step halving for a concave log-likelihood, shared by the conditional logistic
// and Cox fits (internal; not installed). The stopping rules are those of logistic.hpp: a full
// Newton step below `tolerance` relative to max(1, |β_j|), or a step that no longer changes the
// log-likelihood beyond rounding.
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "famgraph/stats/logistic.hpp"

namespace famgraph::stats::detail {

struct Evaluation {
  double ll = 0.0;
  Eigen::VectorXd grad;  ///< score
  Eigen::MatrixXd info;  ///< observed information (minus the Hessian)
};

struct NewtonOutcome {
  Eigen::VectorXd beta;
  Evaluation at;  ///< the evaluation at `beta`
  int iterations = 0;
  bool converged = false;
};

/// Throws RankDeficientError naming the columns (0-based) that the information at the start
/// cannot separate: they are constant within every risk set / stratum that carries information, or
/// collinear there. `scale[j]` is the information column j would have if it varied on the scale of
/// its raw values (e.g. Σ x_j² over the informative rows times the share of cases); a diagonal
/// below 1e-10 of it is rounding noise from centring a constant, not information.
inline void check_identifiable(const Eigen::MatrixXd& info, const Eigen::VectorXd& scale, const std::string& who,
                               const std::string& why) {
  const Eigen::Index p = info.rows();
  Eigen::VectorXd s(p);
  std::vector<Eigen::Index> dependent;
  for (Eigen::Index j = 0; j < p; ++j) {
    const bool alive = scale[j] > 0.0 && info(j, j) > 1e-10 * scale[j];
    s[j] = alive ? 1.0 / std::sqrt(info(j, j)) : 0.0;
    if (!alive) dependent.push_back(j);
  }
  Eigen::Index rank = p - static_cast<Eigen::Index>(dependent.size());
  if (dependent.empty()) {
    // Scaled to unit diagonal, so the rank decision does not depend on covariate units.
    const Eigen::MatrixXd scaled = s.asDiagonal() * info * s.asDiagonal();
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(scaled);
    qr.setThreshold(1e-10);
    rank = qr.rank();
    for (Eigen::Index k = rank; k < p; ++k) dependent.push_back(qr.colsPermutation().indices()[k]);
  }
  if (dependent.empty()) return;
  std::sort(dependent.begin(), dependent.end());
  throw RankDeficientError(who + ": the information matrix at beta = 0 has rank " + std::to_string(rank) + " < " +
                           std::to_string(p) + "; column(s) " + column_list(dependent) + " " + why);
}

template <class Eval>
NewtonOutcome newton_maximise(Eval&& eval, Eigen::VectorXd beta, Evaluation start, int max_iterations,
                              double tolerance, const std::string& who) {
  NewtonOutcome out;
  Evaluation ev = std::move(start);
  const auto hint = [&] {
    const double big = beta.size() ? beta.cwiseAbs().maxCoeff() : 0.0;
    return big > 10.0 ? std::string("; the estimates run off (max |beta| = ") + std::to_string(big) +
                            "), which indicates a monotone likelihood: some covariate combination orders "
                            "cases before non-cases perfectly (complete or quasi-complete separation), so no "
                            "finite maximum-likelihood estimate exists"
                      : std::string();
  };
  for (int it = 1; it <= max_iterations; ++it) {
    const Eigen::LLT<Eigen::MatrixXd> llt(ev.info);
    if (llt.info() != Eigen::Success || !ev.info.allFinite())
      throw ConvergenceError(who + ": the information matrix is singular at iteration " + std::to_string(it) + hint());
    const Eigen::VectorXd delta = llt.solve(ev.grad);
    double change = 0.0;
    for (Eigen::Index j = 0; j < beta.size(); ++j)
      change = std::max(change, std::abs(delta[j]) / std::max(1.0, std::abs(beta[j] + delta[j])));
    if (!std::isfinite(change))
      throw ConvergenceError(who + ": the Newton step is not finite at iteration " + std::to_string(it) + hint());
    const double slack = 1e-12 * (1.0 + std::abs(ev.ll));
    double step = 1.0;
    Eigen::VectorXd next = beta + delta;
    Evaluation nev = eval(next);
    out.iterations = it;
    if (!(nev.ll >= ev.ll - slack) && change <= 1e-5) {  // at the optimum in double precision
      out.converged = true;
      break;
    }
    for (int h = 0; h < 30 && !(nev.ll >= ev.ll - slack); ++h) {
      step /= 2.0;
      next = beta + step * delta;
      nev = eval(next);
    }
    if (!(nev.ll >= ev.ll - slack)) break;  // no ascent along the Newton direction
    const bool flat = step == 1.0 && std::abs(nev.ll - ev.ll) <= 1e-13 * (1.0 + std::abs(ev.ll)) && change <= 1e-5;
    beta = next;
    ev = std::move(nev);
    if (change <= tolerance || flat) {
      out.converged = true;
      break;
    }
  }
  if (!out.converged)
    throw ConvergenceError(who + ": no convergence after " + std::to_string(out.iterations) + " iteration(s)" + hint());
  const Eigen::LLT<Eigen::MatrixXd> llt(ev.info);
  if (llt.info() != Eigen::Success)
    throw ConvergenceError(who + ": the information matrix is singular at the estimate" + hint());
  out.beta = beta;
  out.at = std::move(ev);
  return out;
}

/// Guards against a false convergence on a monotone likelihood. Once the estimates of a separated
/// fit have run off far enough, the score is the difference of two nearly equal sums and rounds to
/// noise, and Newton steps of that noise can pass the step criterion with a coefficient stuck at,
/// say, 37. There the log-likelihood is flat along the least-determined direction v (the
/// eigenvector of the smallest eigenvalue of the information). The check moves β̂ by ±c·v, with c
/// such that the linear predictor moves by 10 for a typical row (`spread(v)` = RMS of row·v), and
/// throws ConvergenceError if the log-likelihood drops by less than 1e-6 either way: the maximum
/// does not exist, or the data do not determine it. At a genuine maximum the drop is about
/// ½c²λ_min, so the two evaluations are skipped when that predicts a drop above 1000.
template <class Eval, class Spread>
void check_not_flat(Eval&& eval, const NewtonOutcome& fit, Spread&& spread, const std::string& who) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(fit.at.info);
  if (es.info() != Eigen::Success) return;
  const Eigen::VectorXd v = es.eigenvectors().col(0);
  const double lambda = es.eigenvalues()[0];
  const double sd = spread(v);
  if (!(sd > 0.0)) return;
  const double c = 10.0 / sd;
  if (0.5 * c * c * lambda > 1e3) return;
  const double up = eval(Eigen::VectorXd(fit.beta + c * v)).ll;
  const double down = eval(Eigen::VectorXd(fit.beta - c * v)).ll;
  const double worst_drop = fit.at.ll - std::max(up, down);
  if (worst_drop < 1e-6 || std::isnan(worst_drop)) {
    std::string dir;
    for (Eigen::Index j = 0; j < v.size(); ++j) dir += (j ? ", " : "") + std::to_string(v[j]);
    throw ConvergenceError(
        who + ": the likelihood has no finite maximum: it is flat (changes by less than 1e-6) along the "
              "coefficient direction (" + dir + ") over a range that moves the linear predictor by 20, "
              "as happens when some covariate combination orders the cases (events) perfectly before the "
              "others (monotone likelihood, i.e. complete or quasi-complete separation); max |beta| = " +
              std::to_string(fit.beta.cwiseAbs().maxCoeff()));
  }
}

}  // namespace famgraph::stats::detail
