// famgraph::stats for Python, as the submodule famgraph._core.stats (wrapped by famgraph.stats).
// Results come back as plain dicts, tuples and NumPy arrays; an undefined C++ result (nullopt)
// becomes None, or NaN inside an array column.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "famgraph/stats/stats.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

py::object interval_or_none(const std::optional<stats::Interval>& ci) {
  if (!ci) return py::none();
  return py::make_tuple(ci->lower, ci->upper);
}

/// {"estimate", "lower", "upper"} (bounds None when there is no interval), or None.
py::object estimate_or_none(const std::optional<stats::Estimate>& e) {
  if (!e) return py::none();
  py::dict d;
  d["estimate"] = e->value;
  d["lower"] = e->ci ? py::cast(e->ci->lower) : py::none();
  d["upper"] = e->ci ? py::cast(e->ci->upper) : py::none();
  return d;
}

std::vector<stats::TimeEvent> time_event(const DoubleArray& time, const DoubleArray& event,
                                         const char* what) {
  if (time.ndim() != 1 || event.ndim() != 1)
    throw py::value_error(std::string(what) + ": time and event must be one-dimensional");
  if (time.size() != event.size())
    throw py::value_error(std::string(what) + ": time has " + std::to_string(time.size()) +
                          " values but event has " + std::to_string(event.size()));
  std::vector<stats::TimeEvent> v(static_cast<std::size_t>(time.size()));
  const double* t = time.data();
  const double* e = event.data();
  for (std::size_t i = 0; i < v.size(); ++i) {
    // Only 0/1 (or bools): a status code such as 2 for "competing event" must not silently count.
    if (e[i] != 0.0 && e[i] != 1.0)
      throw py::value_error(std::string(what) + ": event[" + std::to_string(i) +
                            "] = " + std::to_string(e[i]) + " is not 0/1 or a bool");
    v[i] = {t[i], e[i] != 0.0};
  }
  return v;
}

std::vector<double> vector_of(const DoubleArray& x, const char* what) {
  if (x.ndim() != 1) throw py::value_error(std::string(what) + ": expected a one-dimensional array");
  return {x.data(), x.data() + x.size()};
}

using CountArray = py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>;
using IdArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

/// {"estimate", "se", "lower", "upper"} (None where undefined), or None.
py::object pooled_or_none(const std::optional<stats::PooledEstimate>& e) {
  if (!e) return py::none();
  py::dict d;
  d["estimate"] = e->value;
  d["se"] = e->se ? py::cast(*e->se) : py::none();
  d["lower"] = e->ci ? py::cast(e->ci->lower) : py::none();
  d["upper"] = e->ci ? py::cast(e->ci->upper) : py::none();
  return d;
}

py::dict test_dict(const stats::ChiSquareTest& t) {
  py::dict d;
  d["statistic"] = t.statistic;
  d["df"] = t.df;
  d["p_value"] = t.p_value;
  return d;
}

py::object test_or_none(const std::optional<stats::ChiSquareTest>& t) {
  if (!t) return py::none();
  return test_dict(*t);
}

std::vector<stats::Table2x2> tables_of(const CountArray& a, const CountArray& b, const CountArray& c,
                                       const CountArray& d, const char* what) {
  if (a.ndim() != 1 || b.ndim() != 1 || c.ndim() != 1 || d.ndim() != 1)
    throw py::value_error(std::string(what) + ": a, b, c and d must be one-dimensional");
  if (b.size() != a.size() || c.size() != a.size() || d.size() != a.size())
    throw py::value_error(std::string(what) + ": a, b, c and d must have the same length");
  std::vector<stats::Table2x2> v(static_cast<std::size_t>(a.size()));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = {a.data()[i], b.data()[i], c.data()[i], d.data()[i]};
  return v;
}

/// The coefficient table shared by logistic-type fits: coef, se, lower, upper and the exponentiated
/// columns under `ratio_name`.
template <class R>
void coefficient_columns(py::dict& out, const R& r, const Eigen::VectorXd& ratio, const std::vector<stats::Interval>& ci,
                         const std::vector<stats::Interval>& ratio_ci, const char* ratio_name) {
  const auto p = r.coef.size();
  Eigen::VectorXd lo(p), hi(p), rlo(p), rhi(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    const auto k = static_cast<std::size_t>(j);
    lo[j] = ci[k].lower;
    hi[j] = ci[k].upper;
    rlo[j] = ratio_ci[k].lower;
    rhi[j] = ratio_ci[k].upper;
  }
  out["coef"] = r.coef;
  out["se"] = r.se;
  out["lower"] = lo;
  out["upper"] = hi;
  out[ratio_name] = ratio;
  out[(std::string(ratio_name) + "_lower").c_str()] = rlo;
  out[(std::string(ratio_name) + "_upper").c_str()] = rhi;
  out["covariance"] = r.covariance;
}

py::dict conditional_result(const stats::ConditionalLogisticResult& r) {
  py::dict out;
  coefficient_columns(out, r, r.odds_ratio, r.ci, r.or_ci, "odds_ratio");
  out["log_likelihood"] = r.log_likelihood;
  out["log_likelihood_null"] = r.log_likelihood_null;
  out["lr_test"] = test_dict(r.lr_test);
  out["converged"] = r.converged;
  out["iterations"] = r.iterations;
  out["n_obs"] = r.n_obs;
  out["n_cases"] = r.n_cases;
  out["n_strata"] = r.n_strata;
  out["n_informative"] = r.n_informative;
  out["level"] = r.level;
  out["z"] = r.z;
  return out;
}

}  // namespace

void register_stats(py::module_& m) {
  py::module_ s = m.def_submodule("stats", "famgraph::stats (internal; use famgraph.stats)");

  // LogisticError (a RuntimeError) and its two cases; registered base first, because pybind11
  // tries translators newest first and the subclasses must win.
  auto& logistic_error = py::register_exception<stats::LogisticError>(s, "LogisticError", PyExc_RuntimeError);
  py::register_exception<stats::RankDeficientError>(s, "RankDeficientError", logistic_error.ptr());
  py::register_exception<stats::ConvergenceError>(s, "ConvergenceError", logistic_error.ptr());

  s.attr("z975") = stats::z975;
  s.def("z", &stats::z_for_level, py::arg("level") = 0.95);

  s.def(
      "wilson",
      [](std::uint64_t k, std::uint64_t n, double level) {
        return interval_or_none(stats::wilson(k, n, level));
      },
      py::arg("k"), py::arg("n"), py::arg("level") = 0.95);
  s.def(
      "clopper_pearson",
      [](std::uint64_t k, std::uint64_t n, double level) {
        return interval_or_none(stats::clopper_pearson(k, n, level));
      },
      py::arg("k"), py::arg("n"), py::arg("level") = 0.95);
  s.def(
      "newcombe",
      [](std::uint64_t k1, std::uint64_t n1, std::uint64_t k2, std::uint64_t n2, double level) {
        return estimate_or_none(stats::newcombe_difference(k1, n1, k2, n2, level));
      },
      py::arg("k1"), py::arg("n1"), py::arg("k2"), py::arg("n2"), py::arg("level") = 0.95);

  s.def(
      "two_by_two",
      [](std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d, double level) {
        const auto r = stats::analyse({a, b, c, d}, level);
        py::dict out;
        out["a"] = a;
        out["b"] = b;
        out["c"] = c;
        out["d"] = d;
        out["level"] = r.level;
        out["z"] = r.z;
        out["risk_exposed"] = estimate_or_none(r.risk_exposed);
        out["risk_unexposed"] = estimate_or_none(r.risk_unexposed);
        out["risk_ratio"] = estimate_or_none(r.risk_ratio);
        out["odds_ratio"] = estimate_or_none(r.odds_ratio);
        out["or_corrected"] = r.or_corrected;
        out["or_raw"] = r.or_raw ? py::cast(*r.or_raw) : py::none();
        out["risk_difference"] = estimate_or_none(r.risk_difference);
        return out;
      },
      py::arg("a"), py::arg("b"), py::arg("c"), py::arg("d"), py::arg("level") = 0.95);

  s.def(
      "kaplan_meier",
      [](const DoubleArray& time, const DoubleArray& event, double level) {
        const auto data = time_event(time, event, "kaplan_meier");
        stats::KaplanMeierResult km;
        {
          py::gil_scoped_release release;
          km = stats::kaplan_meier(data, level);
        }
        const auto k = static_cast<py::ssize_t>(km.steps.size());
        py::array_t<double> t(k), surv(k), var(k), lo(k), hi(k), ci(k), ci_lo(k), ci_hi(k);
        py::array_t<std::uint64_t> at_risk(k), events(k), censored(k);
        auto T = t.mutable_unchecked<1>();
        auto S = surv.mutable_unchecked<1>();
        auto V = var.mutable_unchecked<1>();
        auto L = lo.mutable_unchecked<1>();
        auto H = hi.mutable_unchecked<1>();
        auto C = ci.mutable_unchecked<1>();
        auto CL = ci_lo.mutable_unchecked<1>();
        auto CH = ci_hi.mutable_unchecked<1>();
        auto N = at_risk.mutable_unchecked<1>();
        auto D = events.mutable_unchecked<1>();
        auto Z = censored.mutable_unchecked<1>();
        for (py::ssize_t i = 0; i < k; ++i) {
          const auto& st = km.steps[static_cast<std::size_t>(i)];
          T(i) = st.time;
          N(i) = st.at_risk;
          D(i) = st.events;
          Z(i) = st.censored;
          S(i) = st.survival;
          V(i) = st.variance.value_or(nan);
          L(i) = st.ci ? st.ci->lower : nan;
          H(i) = st.ci ? st.ci->upper : nan;
          C(i) = st.cumulative_incidence;
          CL(i) = st.cumulative_incidence_ci ? st.cumulative_incidence_ci->lower : nan;
          CH(i) = st.cumulative_incidence_ci ? st.cumulative_incidence_ci->upper : nan;
        }
        py::dict out;
        out["time"] = t;
        out["at_risk"] = at_risk;
        out["events"] = events;
        out["censored"] = censored;
        out["survival"] = surv;
        out["variance"] = var;
        out["lower"] = lo;
        out["upper"] = hi;
        out["cumulative_incidence"] = ci;
        out["cumulative_incidence_lower"] = ci_lo;
        out["cumulative_incidence_upper"] = ci_hi;
        out["n"] = km.n;
        out["n_events"] = km.n_events;
        out["level"] = km.level;
        out["z"] = km.z;
        return out;
      },
      py::arg("time"), py::arg("event"), py::arg("level") = 0.95);

  s.def(
      "logrank",
      [](const DoubleArray& time1, const DoubleArray& event1, const DoubleArray& time2,
         const DoubleArray& event2) {
        const auto g1 = time_event(time1, event1, "logrank (group 1)");
        const auto g2 = time_event(time2, event2, "logrank (group 2)");
        stats::LogRankResult r;
        {
          py::gil_scoped_release release;
          r = stats::logrank(g1, g2);
        }
        py::dict out;
        out["observed1"] = r.observed1;
        out["observed2"] = r.observed2;
        out["expected1"] = r.expected1;
        out["expected2"] = r.expected2;
        out["variance"] = r.variance;
        out["chi2"] = r.chi2 ? py::cast(*r.chi2) : py::none();
        out["p_value"] = r.p_value ? py::cast(*r.p_value) : py::none();
        out["df"] = r.df;
        return out;
      },
      py::arg("time1"), py::arg("event1"), py::arg("time2"), py::arg("event2"));

  s.def(
      "logistic",
      [](const Eigen::MatrixXd& X, const Eigen::VectorXd& y, bool add_intercept, int max_iterations,
         double tolerance, double level, bool throw_on_nonconvergence) {
        stats::LogisticOptions opt;
        opt.add_intercept = add_intercept;
        opt.max_iterations = max_iterations;
        opt.tolerance = tolerance;
        opt.level = level;
        opt.throw_on_nonconvergence = throw_on_nonconvergence;
        stats::LogisticResult r;
        {
          py::gil_scoped_release release;
          r = stats::logistic_regression(X, y, opt);
        }
        const auto p = r.coef.size();
        Eigen::VectorXd lo(p), hi(p), or_lo(p), or_hi(p);
        for (Eigen::Index j = 0; j < p; ++j) {
          const auto k = static_cast<std::size_t>(j);
          lo[j] = r.ci[k].lower;
          hi[j] = r.ci[k].upper;
          or_lo[j] = r.or_ci[k].lower;
          or_hi[j] = r.or_ci[k].upper;
        }
        py::dict out;
        out["coef"] = r.coef;
        out["se"] = r.se;
        out["lower"] = lo;
        out["upper"] = hi;
        out["odds_ratio"] = r.odds_ratio;
        out["or_lower"] = or_lo;
        out["or_upper"] = or_hi;
        out["covariance"] = r.covariance;
        out["log_likelihood"] = r.log_likelihood;
        out["converged"] = r.converged;
        out["iterations"] = r.iterations;
        out["intercept_added"] = r.intercept_added;
        out["n_obs"] = r.n_obs;
        out["level"] = r.level;
        out["z"] = r.z;
        return out;
      },
      py::arg("X"), py::arg("y"), py::arg("add_intercept") = false, py::arg("max_iterations") = 100,
      py::arg("tolerance") = 1e-10, py::arg("level") = 0.95, py::arg("throw_on_nonconvergence") = true);


  s.def(
      "mantel_haenszel",
      [](const CountArray& a, const CountArray& b, const CountArray& c, const CountArray& d, double level) {
        const auto tables = tables_of(a, b, c, d, "mantel_haenszel");
        const auto r = stats::mantel_haenszel(tables, {level});
        py::dict out;
        out["n_strata"] = r.n_strata;
        out["n_informative"] = r.n_informative;
        out["n_informative_rr"] = r.n_informative_rr;
        out["n_informative_rd"] = r.n_informative_rd;
        out["level"] = r.level;
        out["z"] = r.z;
        out["R"] = r.R;
        out["S"] = r.S;
        out["odds_ratio"] = pooled_or_none(r.odds_ratio);
        out["risk_ratio"] = pooled_or_none(r.risk_ratio);
        out["risk_difference"] = pooled_or_none(r.risk_difference);
        out["cmh"] = test_or_none(r.cmh);
        out["cmh_corrected"] = test_or_none(r.cmh_corrected);
        out["cmh_difference"] = r.cmh_difference;
        out["cmh_variance"] = r.cmh_variance;
        out["breslow_day"] = test_or_none(r.breslow_day);
        out["breslow_day_tarone"] = test_or_none(r.breslow_day_tarone);
        return out;
      },
      py::arg("a"), py::arg("b"), py::arg("c"), py::arg("d"), py::arg("level") = 0.95);

  s.def(
      "conditional_logistic",
      [](const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const IdArray& strata, int max_iterations,
         double tolerance, double level) {
        if (strata.ndim() != 1) throw py::value_error("conditional_logistic: strata must be one-dimensional");
        stats::ConditionalLogisticOptions opt;
        opt.max_iterations = max_iterations;
        opt.tolerance = tolerance;
        opt.level = level;
        stats::ConditionalLogisticResult r;
        {
          py::gil_scoped_release release;
          r = stats::conditional_logistic(X, y, std::span<const std::int64_t>(strata.data(), strata.size()), opt);
        }
        return conditional_result(r);
      },
      py::arg("X"), py::arg("y"), py::arg("strata"), py::arg("max_iterations") = 100, py::arg("tolerance") = 1e-10,
      py::arg("level") = 0.95);

  s.def(
      "conditional_logistic_tables",
      [](const CountArray& a, const CountArray& b, const CountArray& c, const CountArray& d, int max_iterations,
         double tolerance, double level) {
        const auto tables = tables_of(a, b, c, d, "conditional_logistic_tables");
        stats::ConditionalLogisticOptions opt;
        opt.max_iterations = max_iterations;
        opt.tolerance = tolerance;
        opt.level = level;
        stats::ConditionalLogisticResult r;
        {
          py::gil_scoped_release release;
          r = stats::conditional_logistic_tables(tables, opt);
        }
        return conditional_result(r);
      },
      py::arg("a"), py::arg("b"), py::arg("c"), py::arg("d"), py::arg("max_iterations") = 100,
      py::arg("tolerance") = 1e-10, py::arg("level") = 0.95);

  s.def(
      "cox",
      [](const DoubleArray& time, const py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>& event,
         const Eigen::Ref<const Eigen::MatrixXd>& X, const std::optional<IdArray>& strata, const std::string& ties,
         int max_iterations, double tolerance, double level) {
        if (time.ndim() != 1 || event.ndim() != 1) throw py::value_error("cox: time and event must be one-dimensional");
        stats::CoxOptions opt;
        if (ties == "efron")
          opt.ties = stats::CoxTies::efron;
        else if (ties == "breslow")
          opt.ties = stats::CoxTies::breslow;
        else
          throw py::value_error("cox: ties must be 'efron' or 'breslow', got '" + ties + "'");
        opt.max_iterations = max_iterations;
        opt.tolerance = tolerance;
        opt.level = level;
        std::span<const std::int64_t> ids;
        if (strata) {
          if (strata->ndim() != 1) throw py::value_error("cox: strata must be one-dimensional");
          ids = {strata->data(), static_cast<std::size_t>(strata->size())};
        }
        stats::CoxResult r;
        {
          py::gil_scoped_release release;
          r = stats::cox_ph({time.data(), static_cast<std::size_t>(time.size())},
                            {event.data(), static_cast<std::size_t>(event.size())}, X, ids, opt);
        }
        py::dict out;
        coefficient_columns(out, r, r.hazard_ratio, r.ci, r.hr_ci, "hazard_ratio");
        out["log_likelihood"] = r.log_likelihood;
        out["log_likelihood_null"] = r.log_likelihood_null;
        out["lr_test"] = test_dict(r.lr_test);
        out["wald_test"] = test_dict(r.wald_test);
        out["score_test"] = test_dict(r.score_test);
        out["converged"] = r.converged;
        out["iterations"] = r.iterations;
        out["n_obs"] = r.n_obs;
        out["n_events"] = r.n_events;
        out["n_strata"] = r.n_strata;
        out["n_strata_with_events"] = r.n_strata_with_events;
        out["level"] = r.level;
        out["z"] = r.z;
        return out;
      },
      py::arg("time"), py::arg("event"), py::arg("X"), py::arg("strata") = py::none(), py::arg("ties") = "efron",
      py::arg("max_iterations") = 50, py::arg("tolerance") = 1e-10, py::arg("level") = 0.95);

  s.def(
      "incidence_rate",
      [](std::uint64_t events, double person_time, double per, double level) {
        const auto r = stats::incidence_rate(events, person_time, per, level);
        py::dict out;
        out["events"] = r.events;
        out["person_time"] = r.person_time;
        out["rate"] = r.rate ? py::cast(*r.rate) : py::none();
        out["lower"] = r.ci ? py::cast(r.ci->lower) : py::none();
        out["upper"] = r.ci ? py::cast(r.ci->upper) : py::none();
        return out;
      },
      py::arg("events"), py::arg("person_time"), py::arg("per") = 1000.0, py::arg("level") = 0.95);

  s.def(
      "rate_ratio",
      [](std::uint64_t events1, double person_time1, std::uint64_t events0, double person_time0, double level) {
        const auto r = stats::rate_ratio(events1, person_time1, events0, person_time0, level);
        py::dict out;
        out["estimate"] = r.estimate ? py::cast(*r.estimate) : py::none();
        out["se_log"] = r.se_log ? py::cast(*r.se_log) : py::none();
        out["wald"] = interval_or_none(r.wald);
        out["exact"] = interval_or_none(r.exact);
        out["level"] = r.level;
        out["z"] = r.z;
        return out;
      },
      py::arg("events1"), py::arg("person_time1"), py::arg("events0"), py::arg("person_time0"),
      py::arg("level") = 0.95);

  s.def(
      "mantel_haenszel_rate_ratio",
      [](const CountArray& events1, const DoubleArray& person_time1, const CountArray& events0,
         const DoubleArray& person_time0, double level) {
        const auto k = events1.size();
        if (events1.ndim() != 1 || person_time1.ndim() != 1 || events0.ndim() != 1 || person_time0.ndim() != 1 ||
            person_time1.size() != k || events0.size() != k || person_time0.size() != k)
          throw py::value_error("mantel_haenszel_rate_ratio: the four columns must be one-dimensional and equally long");
        std::vector<stats::RateStratum> v(static_cast<std::size_t>(k));
        for (std::size_t i = 0; i < v.size(); ++i)
          v[i] = {events1.data()[i], person_time1.data()[i], events0.data()[i], person_time0.data()[i]};
        const auto r = stats::mantel_haenszel_rate_ratio(v, level);
        py::dict out;
        out["n_strata"] = r.n_strata;
        out["n_informative"] = r.n_informative;
        out["rate_ratio"] = pooled_or_none(r.rate_ratio);
        out["level"] = r.level;
        out["z"] = r.z;
        return out;
      },
      py::arg("events1"), py::arg("person_time1"), py::arg("events0"), py::arg("person_time0"),
      py::arg("level") = 0.95);

  s.def(
      "number_at_risk",
      [](const DoubleArray& time, const DoubleArray& event, const DoubleArray& times) {
        const auto data = time_event(time, event, "number_at_risk");
        const auto at = vector_of(times, "number_at_risk (times)");
        const auto rows = stats::number_at_risk(data, at);
        const auto k = static_cast<py::ssize_t>(rows.size());
        py::array_t<double> t(k);
        py::array_t<std::uint64_t> n(k), e(k), c(k);
        for (py::ssize_t i = 0; i < k; ++i) {
          const auto& row = rows[static_cast<std::size_t>(i)];
          t.mutable_at(i) = row.time;
          n.mutable_at(i) = row.at_risk;
          e.mutable_at(i) = row.events;
          c.mutable_at(i) = row.censored;
        }
        py::dict out;
        out["time"] = t;
        out["at_risk"] = n;
        out["events"] = e;
        out["censored"] = c;
        return out;
      },
      py::arg("time"), py::arg("event"), py::arg("times"));

  s.def(
      "quantile", [](const DoubleArray& x, double q) { return stats::quantile(vector_of(x, "quantile"), q); },
      py::arg("x"), py::arg("q"));
  s.def(
      "quantiles",
      [](const DoubleArray& x, const std::vector<double>& qs) {
        return stats::quantiles(vector_of(x, "quantiles"), qs);
      },
      py::arg("x"), py::arg("qs"));
  s.def(
      "quartiles",
      [](const DoubleArray& x) -> py::object {
        const auto q = stats::quartiles(vector_of(x, "quartiles"));
        if (!q) return py::none();
        return py::make_tuple(q->q1, q->median, q->q3);
      },
      py::arg("x"));
}

}  // namespace famgraph::python
