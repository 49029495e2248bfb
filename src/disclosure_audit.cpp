// LP audit of a suppression pattern and its repair (famgraph/disclosure_audit.hpp). The solver is
// COIN-OR CLP, used only here (a private dependency: no CLP type crosses the header).
#include "famgraph/disclosure_audit.hpp"

#include <ClpSimplex.hpp>
#include <CoinError.hpp>
#include <CoinFinite.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace famgraph::disclosure {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

std::string num(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::string s = std::to_string(v);
  // std::to_string prints 6 decimals; trim the zeros for readable messages.
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

[[noreturn]] void invalid(const std::string& what) {
  throw std::invalid_argument("disclosure audit: " + what);
}

/// An expression with its atoms merged (an atom listed twice adds up: CLP's matrix must not hold
/// duplicates) and zero coefficients dropped, atoms ascending.
using Expr = std::vector<std::pair<int, double>>;

Expr merged(const std::vector<AuditTerm>& terms, std::size_t n_atoms, const std::string& where) {
  std::map<std::size_t, double> sum;
  for (std::size_t k = 0; k < terms.size(); ++k) {
    const auto& t = terms[k];
    if (t.atom >= n_atoms)
      invalid(where + ", term " + std::to_string(k) + ": atom " + std::to_string(t.atom) + " out of range (" +
              std::to_string(n_atoms) + " atoms)");
    if (!std::isfinite(t.coef))
      invalid(where + ", term " + std::to_string(k) + ": coefficient " + num(t.coef) + " is not finite");
    sum[t.atom] += t.coef;
  }
  Expr e;
  for (const auto& [a, c] : sum)
    if (c != 0.0) e.emplace_back(static_cast<int>(a), c);
  return e;
}

double value_at(const Expr& e, const std::vector<double>& x) {
  double s = 0.0;
  for (const auto& [a, c] : e) s += c * x[static_cast<std::size_t>(a)];
  return s;
}

double magnitude_at(const Expr& e, const std::vector<double>& x) {
  double s = 0.0;
  for (const auto& [a, c] : e) s += std::abs(c * x[static_cast<std::size_t>(a)]);
  return s;
}

/// The problem checked and in the solver's form.
struct Prepared {
  std::size_t n = 0;
  std::vector<Expr> rows;
  std::vector<Expr> group_count;
  std::vector<Expr> targets;
};

void check_tolerance(double tol) {
  if (!std::isfinite(tol) || tol <= 0.0 || tol >= 0.5)
    invalid("tolerance must be finite, > 0 and < 0.5, got " + num(tol));
}

Prepared prepare(const AuditProblem& p, const AuditOptions& o) {
  check_tolerance(o.tolerance);
  const double tol = o.tolerance;
  Prepared out;
  out.n = p.truth.size();
  if (out.n > static_cast<std::size_t>(std::numeric_limits<int>::max() / 2))
    invalid("too many atoms for the LP solver");
  for (std::size_t a = 0; a < out.n; ++a) {
    const double t = p.truth[a];
    if (!std::isfinite(t) || t < 0.0)
      invalid("atom " + std::to_string(a) + ": truth " + num(t) + " is not a count >= 0");
  }
  if (!p.atom_upper.empty()) {
    if (p.atom_upper.size() != out.n)
      invalid("atom_upper has " + std::to_string(p.atom_upper.size()) + " entries, expected 0 or " +
              std::to_string(out.n) + " (one per atom)");
    for (std::size_t a = 0; a < out.n; ++a) {
      const double u = p.atom_upper[a];
      if (std::isnan(u) || u < p.truth[a] - tol * std::max(1.0, p.truth[a]))
        invalid("atom " + std::to_string(a) + ": upper bound " + num(u) + " is NaN or below its truth " +
                num(p.truth[a]));
    }
  }
  if (p.rows.size() > static_cast<std::size_t>(std::numeric_limits<int>::max() / 2))
    invalid("too many rows for the LP solver");
  out.rows.reserve(p.rows.size());
  for (std::size_t i = 0; i < p.rows.size(); ++i) {
    const auto& r = p.rows[i];
    const std::string where = "row " + std::to_string(i);
    if (std::isnan(r.lower) || std::isnan(r.upper)) invalid(where + ": a bound is NaN");
    if (r.lower > r.upper) invalid(where + ": lower " + num(r.lower) + " > upper " + num(r.upper));
    if (r.group >= p.groups.size())
      invalid(where + ": group " + std::to_string(r.group) + " out of range (" +
              std::to_string(p.groups.size()) + " groups)");
    Expr e = merged(r.terms, out.n, where);
    // The truth must satisfy every published number: a row it violates was mapped wrongly, and
    // an audit of wrong rows would certify nothing.
    const double v = value_at(e, p.truth);
    double scale = std::max(1.0, magnitude_at(e, p.truth));
    if (std::isfinite(r.lower)) scale = std::max(scale, std::abs(r.lower));
    if (std::isfinite(r.upper)) scale = std::max(scale, std::abs(r.upper));
    if (v < r.lower - tol * scale || v > r.upper + tol * scale)
      invalid(where + ": the true atom counts give " + num(v) + ", outside the published [" + num(r.lower) +
              ", " + num(r.upper) + "] (a number mapped wrongly?)");
    out.rows.push_back(std::move(e));
  }
  out.group_count.reserve(p.groups.size());
  for (std::size_t g = 0; g < p.groups.size(); ++g) {
    const auto& gr = p.groups[g];
    const std::string where = "group " + std::to_string(g);
    if (!std::isfinite(gr.value) || gr.value < 0.0)
      invalid(where + ": value " + num(gr.value) + " is not a count >= 0");
    Expr e = merged(gr.count, out.n, where + " count");
    if (gr.suppressible && gr.count.empty())
      invalid(where +
              ": suppressible but without a count expression (the target it becomes when suppressed)");
    if (!gr.count.empty()) {
      const double v = value_at(e, p.truth);
      if (std::abs(v - gr.value) > tol * std::max({1.0, std::abs(gr.value), magnitude_at(e, p.truth)}))
        invalid(where + ": value " + num(gr.value) + " differs from its count at the true atom counts, " +
                num(v));
    }
    out.group_count.push_back(std::move(e));
  }
  out.targets.reserve(p.targets.size());
  for (std::size_t t = 0; t < p.targets.size(); ++t) {
    if (p.targets[t].empty()) invalid("target " + std::to_string(t) + ": no terms");
    out.targets.push_back(merged(p.targets[t], out.n, "target " + std::to_string(t)));
  }
  return out;
}

/// One CLP model over the atoms and the published rows; targets are solved one after the other,
/// each from the previous optimal basis (only the objective changes, so that basis stays primal
/// feasible and the primal simplex goes on from it).
class Lp {
 public:
  Lp(const Prepared& prep, const AuditProblem& p, double tol)
      : rows_(prep.rows),
        tol_(tol),
        n_(prep.n),
        in_rows_(prep.n, 0),
        binding_(prep.rows.size(), false),
        upper_(prep.n, inf) {
    model_.setLogLevel(0);
    // A row without a finite bound says nothing: its atoms are not tied by it.
    for (std::size_t i = 0; i < prep.rows.size(); ++i) {
      binding_[i] = std::isfinite(p.rows[i].lower) || std::isfinite(p.rows[i].upper);
      if (binding_[i])
        for (const auto& [a, c] : prep.rows[i]) ++in_rows_[static_cast<std::size_t>(a)];
    }
    if (!p.atom_upper.empty()) upper_ = p.atom_upper;
    // Column-major copy of the rows.
    std::vector<CoinBigIndex> start(n_ + 1, 0);
    for (const auto& r : prep.rows)
      for (const auto& [a, c] : r) ++start[static_cast<std::size_t>(a) + 1];
    for (std::size_t a = 0; a < n_; ++a) start[a + 1] += start[a];
    std::vector<int> index(static_cast<std::size_t>(start[n_]));
    std::vector<double> value(index.size());
    std::vector<CoinBigIndex> fill(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < prep.rows.size(); ++i)
      for (const auto& [a, c] : prep.rows[i]) {
        const auto k = static_cast<std::size_t>(fill[static_cast<std::size_t>(a)]++);
        index[k] = static_cast<int>(i);
        value[k] = c;
      }
    std::vector<double> col_lo(n_, 0.0), col_up(n_, COIN_DBL_MAX);
    if (!p.atom_upper.empty())
      for (std::size_t a = 0; a < n_; ++a) col_up[a] = clp_bound(std::max(p.atom_upper[a], 0.0));
    std::vector<double> row_lo(p.rows.size()), row_up(p.rows.size());
    for (std::size_t i = 0; i < p.rows.size(); ++i) {
      row_lo[i] = clp_bound(p.rows[i].lower);
      row_up[i] = clp_bound(p.rows[i].upper);
    }
    // The artificial bound of solve_boxed: far beyond every count and bound of the problem.
    double scale = 1.0;
    for (const double t : p.truth) scale += t;
    for (const auto& r : p.rows)
      for (const double b : {r.lower, r.upper})
        if (std::isfinite(b)) scale = std::max(scale, std::abs(b));
    big_ = 1e4 * scale;
    const std::vector<double> zero(n_, 0.0);  // the objective is set per target
    model_.loadProblem(static_cast<int>(n_), static_cast<int>(p.rows.size()), start.data(), index.data(),
                       value.data(), col_lo.data(), col_up.data(), zero.data(), row_lo.data(), row_up.data());
  }

  /// Frees a published row (bounds -inf/+inf): the reader no longer has it. Keeping the row
  /// (rather than deleting it) keeps the row indices and the current basis valid.
  void free_row(std::size_t i) {
    model_.setRowBounds(static_cast<int>(i), -COIN_DBL_MAX, COIN_DBL_MAX);
    if (!binding_[i]) return;
    binding_[i] = false;
    for (const auto& [a, c] : rows_[i]) --in_rows_[static_cast<std::size_t>(a)];
  }

  /// The minimum and maximum of `e` with their certificates.
  void range(const Expr& e, TargetRange& out) {
    out.minimum = minimum(e, 1.0, out.certificate_min);
    out.maximum = 0.0 - minimum(e, -1.0, out.certificate_max);  // 0.0 - 0.0 is +0.0, not -0.0
  }

  [[nodiscard]] std::size_t solves() const noexcept { return solves_; }

 private:
  static double clp_bound(double b) {
    if (b >= COIN_DBL_MAX || std::isinf(b)) return b > 0 ? COIN_DBL_MAX : -COIN_DBL_MAX;
    if (b <= -COIN_DBL_MAX) return -COIN_DBL_MAX;
    return b;
  }

  /// The minimum of sign · e. An atom in no published row is independent of the others: it sits
  /// at 0 or at its upper bound, or makes the minimum -inf; the LP gets only the other atoms.
  /// (Besides saving work, CLP 1.17 mishandles a cost on a column in no row: it reported a
  /// minimum of 0 for -x over such a column, and "infeasible" for other unbounded LPs.)
  double minimum(const Expr& e, double sign, std::vector<std::size_t>& certificate) {
    certificate.clear();
    double separate = 0.0;
    Expr coupled;
    for (const auto& [a, c] : e) {
      const auto k = static_cast<std::size_t>(a);
      if (in_rows_[k] > 0) {
        coupled.emplace_back(a, c);
      } else if (sign * c < 0) {
        if (std::isinf(upper_[k])) {
          ++solves_;
          return -inf;
        }
        separate += sign * c * upper_[k];
      }
    }
    if (coupled.empty()) {
      ++solves_;
      return separate;
    }
    set_objective(coupled, sign);
    return solve(certificate, -inf) + separate;
  }

  void set_objective(const Expr& e, double sign) {
    for (const auto a : touched_) model_.setObjectiveCoefficient(a, 0.0);
    touched_.clear();
    for (const auto& [a, c] : e) {
      model_.setObjectiveCoefficient(a, sign * c);
      touched_.push_back(a);
    }
  }

  /// Minimises the current objective; returns its value (`unbounded` when it has none) and the
  /// rows with a non-zero dual.
  double solve(std::vector<std::size_t>& certificate, double unbounded) {
    ++solves_;
    int status = 0;
    try {
      // startFinishOptions 7: keep the factorization and work areas between solves (1), reuse the
      // factorization (2) and skip re-initialising what did not change (4). Only the objective
      // and row bounds change between solves, never the matrix: this halves the time per LP.
      model_.primal(0, 7);
      status = model_.status();
      if (status != 0 && status != 2) {
        // Trouble from a warm start: once more from the slack basis, initialised afresh.
        model_.allSlackBasis(true);
        model_.primal();
        status = model_.status();
      }
      if (status == 1) return solve_boxed(certificate, unbounded);
      // An unbounded solve leaves the basis at the end of a ray: the next target starts afresh.
      if (status == 2) model_.allSlackBasis(true);
    } catch (const CoinError& e) {
      throw std::runtime_error("disclosure audit: the LP solver (CLP) failed in " + e.methodName() + ": " +
                               e.message());
    }
    if (status == 2) return unbounded;  // dual infeasible: the objective is unbounded below
    if (status != 0)
      throw std::runtime_error("disclosure audit: the LP solver (CLP) ended with status " +
                               std::to_string(status) +
                               " (1 infeasible, 3 iteration limit, 4 numerical failure) although the true "
                               "counts are feasible");
    const double* dual = model_.dualRowSolution();
    const int m = model_.numberRows();
    for (int i = 0; i < m; ++i)
      if (std::abs(dual[i]) > tol_) certificate.push_back(static_cast<std::size_t>(i));
    return model_.objectiveValue();
  }

  /// CLP 1.17 can call a feasible but unbounded LP infeasible (seen when the objective decreases
  /// along a column that is in no row). The truth is feasible, so status 1 is never an answer: the
  /// LP is solved again with every infinite column bound replaced by `big_` (beyond any vertex of
  /// a problem of counts). An optimum with such a bound active and a non-zero reduced cost
  /// improves without end as the bound grows: unbounded. Otherwise the optimum is the answer.
  double solve_boxed(std::vector<std::size_t>& certificate, double unbounded) {
    std::vector<int> boxed;
    for (std::size_t a = 0; a < n_; ++a)
      if (model_.columnUpper()[a] >= COIN_DBL_MAX) boxed.push_back(static_cast<int>(a));
    for (const auto a : boxed) model_.setColumnUpper(a, big_);
    model_.allSlackBasis(true);
    model_.primal();
    const int status = model_.status();
    bool ray = false;
    double value = 0.0;
    if (status == 0) {
      const double* x = model_.primalColumnSolution();
      const double* reduced = model_.dualColumnSolution();
      for (const auto a : boxed)
        if (x[a] >= big_ * (1.0 - 1e-9) && std::abs(reduced[a]) > tol_) ray = true;
      if (!ray) {
        const double* dual = model_.dualRowSolution();
        for (int i = 0; i < model_.numberRows(); ++i)
          if (std::abs(dual[i]) > tol_) certificate.push_back(static_cast<std::size_t>(i));
        value = model_.objectiveValue();
      }
    }
    for (const auto a : boxed) model_.setColumnUpper(a, COIN_DBL_MAX);
    model_.allSlackBasis(true);  // the basis may hold columns at the artificial bounds
    if (status != 0)
      throw std::runtime_error(
          "disclosure audit: the LP solver (CLP) ended with status " + std::to_string(status) +
          " on a bounded copy of a feasible LP (1 infeasible, 3 iteration limit, 4 numerical "
          "failure)");
    return ray ? unbounded : value;
  }

  ClpSimplex model_;
  const std::vector<Expr>& rows_;
  double big_ = 1e12;
  double tol_;
  std::size_t n_;
  std::vector<std::size_t> in_rows_;  ///< binding rows in which each atom appears
  std::vector<bool> binding_;         ///< a published row with a finite bound, not freed
  std::vector<double> upper_;         ///< the atoms' upper bounds (+inf: none)
  std::vector<int> touched_;
  std::size_t solves_ = 0;
};

bool disclosed(const TargetRange& r, const AuditOptions& o) {
  if (!o.policy.enabled()) return false;
  if (o.zero == Zero::safe && std::abs(r.truth) <= o.tolerance) return false;
  if (!std::isfinite(r.minimum) || !std::isfinite(r.maximum)) return false;  // unbounded: wide
  return r.maximum - r.minimum < static_cast<double>(o.policy.min_cell) - o.tolerance;
}

}  // namespace

AuditResult audit(const AuditProblem& problem, const AuditOptions& options) {
  const Prepared prep = prepare(problem, options);
  AuditResult out;
  out.targets.resize(prep.targets.size());
  if (prep.targets.empty()) return out;
  Lp lp(prep, problem, options.tolerance);
  for (std::size_t t = 0; t < prep.targets.size(); ++t) {
    auto& r = out.targets[t];
    r.truth = value_at(prep.targets[t], problem.truth);
    lp.range(prep.targets[t], r);
    r.disclosed = disclosed(r, options);
    out.disclosed += r.disclosed ? 1 : 0;
  }
  out.lp_solves = lp.solves();
  return out;
}

ProtectResult protect(const AuditProblem& problem, const AuditOptions& options) {
  const Prepared prep = prepare(problem, options);
  ProtectResult out;
  out.group_suppressed.assign(problem.groups.size(), false);
  std::vector<Expr> targets = prep.targets;
  if (targets.empty()) {
    out.protected_all = true;
    return out;
  }
  std::vector<std::vector<std::size_t>> rows_of(problem.groups.size());
  for (std::size_t i = 0; i < problem.rows.size(); ++i) rows_of[problem.rows[i].group].push_back(i);

  auto lp = std::make_unique<Lp>(prep, problem, options.tolerance);
  std::size_t solves_before = 0;  // LPs of the models replaced by a fresh one
  std::vector<TargetRange>& ranges = out.targets;
  ranges.resize(targets.size());
  for (std::size_t t = 0; t < targets.size(); ++t) ranges[t].truth = value_at(targets[t], problem.truth);

  // The groups whose rows are in a target's certificates (ascending, distinct).
  auto certificate_groups = [&](const TargetRange& r) {
    std::vector<std::size_t> gs;
    for (const auto i : r.certificate_min) gs.push_back(problem.rows[i].group);
    for (const auto i : r.certificate_max) gs.push_back(problem.rows[i].group);
    std::sort(gs.begin(), gs.end());
    gs.erase(std::unique(gs.begin(), gs.end()), gs.end());
    return gs;
  };

  std::vector<std::size_t> pending(targets.size());
  for (std::size_t t = 0; t < targets.size(); ++t) pending[t] = t;
  bool full_audit = true;  // `pending` holds every target: this audit is the check of the answer
  while (true) {
    for (const auto t : pending) {
      lp->range(targets[t], ranges[t]);
      ranges[t].disclosed = disclosed(ranges[t], options);
    }
    std::vector<bool> this_round(problem.groups.size(), false);
    std::vector<std::size_t> resolve;
    const std::size_t before = targets.size();
    for (std::size_t t = 0; t < before; ++t) {
      if (!ranges[t].disclosed) continue;
      const auto gs = certificate_groups(ranges[t]);
      // A group suppressed earlier in this round changed the LP under this certificate: solve the
      // target again before choosing for it (it may be safe now).
      if (std::any_of(gs.begin(), gs.end(), [&](std::size_t g) { return this_round[g]; })) {
        resolve.push_back(t);
        continue;
      }
      std::size_t pick = problem.groups.size();
      for (const auto g : gs) {
        if (!problem.groups[g].suppressible || out.group_suppressed[g]) continue;
        if (pick == problem.groups.size() || problem.groups[g].value < problem.groups[pick].value) pick = g;
      }
      if (pick == problem.groups.size()) continue;  // nothing suppressible certifies this bound
      out.group_suppressed[pick] = true;
      this_round[pick] = true;
      out.suppressed.push_back(pick);
      for (const auto i : rows_of[pick]) lp->free_row(i);
      resolve.push_back(t);
      // The suppressed count is hidden now and must be protected like any other.
      targets.push_back(prep.group_count[pick]);
      TargetRange added;
      added.truth = problem.groups[pick].value;
      ranges.push_back(std::move(added));
      resolve.push_back(targets.size() - 1);
    }
    if (std::any_of(this_round.begin(), this_round.end(), [](bool b) { return b; })) {
      ++out.rounds;
      // Removing rows only widens ranges: a target that was safe stays safe and is not solved
      // again. A disclosed target none of whose certificate rows was removed keeps its range (its
      // dual solution still proves both bounds) and has nothing left to suppress.
      std::sort(resolve.begin(), resolve.end());
      resolve.erase(std::unique(resolve.begin(), resolve.end()), resolve.end());
      pending = std::move(resolve);
      full_audit = false;
      continue;
    }
    if (full_audit) break;
    // Nothing more to repair: audit every target once more, from a fresh model without the
    // suppressed rows (so that no state of the warm starts carries over). The reported ranges come
    // from this audit, and a disclosure the incremental audit missed is repaired.
    solves_before += lp->solves();
    lp = std::make_unique<Lp>(prep, problem, options.tolerance);
    for (const auto g : out.suppressed)
      for (const auto i : rows_of[g]) lp->free_row(i);
    pending.resize(targets.size());
    for (std::size_t t = 0; t < targets.size(); ++t) pending[t] = t;
    full_audit = true;
  }
  for (std::size_t t = 0; t < ranges.size(); ++t)
    if (ranges[t].disclosed) out.still_disclosed.push_back(t);
  out.protected_all = out.still_disclosed.empty();
  out.lp_solves = solves_before + lp->solves();
  return out;
}

}  // namespace famgraph::disclosure
