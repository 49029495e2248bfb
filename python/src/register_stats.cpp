// famgraph::stats for Python, as the submodule famgraph._core.stats (wrapped by famgraph.stats).
// Results are the C++ result structs bound read-only (record.hpp) under their C++ field names; an
// undefined C++ value (nullopt) is None, or NaN inside a NumPy column.
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
#include "record.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// One field of every Kaplan–Meier step as a NumPy column (NaN where the C++ value is nullopt).
template <class T, class F>
py::array_t<T> km_column(const stats::KaplanMeierResult& km, F&& get) {
  py::array_t<T> out(static_cast<py::ssize_t>(km.steps.size()));
  auto o = out.template mutable_unchecked<1>();
  for (std::size_t i = 0; i < km.steps.size(); ++i) o(static_cast<py::ssize_t>(i)) = get(km.steps[i]);
  return out;
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

void bind_result_classes(py::module_& s) {
  Record<stats::Interval>(s, "Interval", "A confidence interval [lower, upper].")
      .field("lower", &stats::Interval::lower)
      .field("upper", &stats::Interval::upper)
      .done();
  Record<stats::Estimate>(s, "Estimate", "An estimate with its interval (ci None when there is none).")
      .field("value", &stats::Estimate::value)
      .field("ci", &stats::Estimate::ci)
      .done();
  Record<stats::PooledEstimate>(s, "PooledEstimate",
                                "A pooled estimate: se of the log ratio (of the difference itself for a risk "
                                "difference) and the interval, each None where undefined.")
      .field("value", &stats::PooledEstimate::value)
      .field("se", &stats::PooledEstimate::se)
      .field("ci", &stats::PooledEstimate::ci)
      .done();
  Record<stats::ChiSquareTest>(s, "ChiSquareTest", "A chi-square test: statistic, degrees of freedom, p-value.")
      .field("statistic", &stats::ChiSquareTest::statistic)
      .field("df", &stats::ChiSquareTest::df)
      .field("p_value", &stats::ChiSquareTest::p_value)
      .done();
  Record<stats::Table2x2>(s, "Table2x2", "a = exposed & outcome, b = exposed & no outcome, c, d likewise unexposed.")
      .field("a", &stats::Table2x2::a)
      .field("b", &stats::Table2x2::b)
      .field("c", &stats::Table2x2::c)
      .field("d", &stats::Table2x2::d)
      .done();
  using TB = stats::TwoByTwoResult;
  Record<TB>(s, "TwoByTwoResult", "stats::analyse of one 2x2 table (docs/spec/common_rules.md).")
      .field("table", &TB::table)
      .field("level", &TB::level)
      .field("z", &TB::z)
      .field("risk_exposed", &TB::risk_exposed)
      .field("risk_unexposed", &TB::risk_unexposed)
      .field("risk_ratio", &TB::risk_ratio)
      .field("odds_ratio", &TB::odds_ratio)
      .field("or_corrected", &TB::or_corrected)
      .field("or_raw", &TB::or_raw)
      .field("risk_difference", &TB::risk_difference)
      .done();

  // Kaplan–Meier: the steps cross as NumPy columns (one entry per distinct time), not as objects.
  using KM = stats::KaplanMeierResult;
  using Step = stats::KaplanMeierStep;
  Record<KM>(s, "KaplanMeierResult",
             "The Kaplan-Meier steps as columns (NaN where undefined): lower/upper are the log(-log) interval "
             "of survival, cumulative_incidence_lower/_upper that of 1 - S.")
      .column("time", [](const KM& k) { return km_column<double>(k, [](const Step& st) { return st.time; }); })
      .column("at_risk",
              [](const KM& k) { return km_column<std::uint64_t>(k, [](const Step& st) { return st.at_risk; }); })
      .column("events",
              [](const KM& k) { return km_column<std::uint64_t>(k, [](const Step& st) { return st.events; }); })
      .column("censored",
              [](const KM& k) { return km_column<std::uint64_t>(k, [](const Step& st) { return st.censored; }); })
      .column("survival", [](const KM& k) { return km_column<double>(k, [](const Step& st) { return st.survival; }); })
      .column("variance",
              [](const KM& k) { return km_column<double>(k, [](const Step& st) { return st.variance.value_or(nan); }); })
      .column("lower",
              [](const KM& k) { return km_column<double>(k, [](const Step& st) { return st.ci ? st.ci->lower : nan; }); })
      .column("upper",
              [](const KM& k) { return km_column<double>(k, [](const Step& st) { return st.ci ? st.ci->upper : nan; }); })
      .column("cumulative_incidence",
              [](const KM& k) { return km_column<double>(k, [](const Step& st) { return st.cumulative_incidence; }); })
      .column("cumulative_incidence_lower",
              [](const KM& k) {
                return km_column<double>(k, [](const Step& st) {
                  return st.cumulative_incidence_ci ? st.cumulative_incidence_ci->lower : nan;
                });
              })
      .column("cumulative_incidence_upper",
              [](const KM& k) {
                return km_column<double>(k, [](const Step& st) {
                  return st.cumulative_incidence_ci ? st.cumulative_incidence_ci->upper : nan;
                });
              })
      .field("n", &KM::n)
      .field("n_events", &KM::n_events)
      .field("level", &KM::level)
      .field("z", &KM::z)
      .done();

  using LR = stats::LogRankResult;
  Record<LR>(s, "LogRankResult", "Two-group log-rank test (group 1 against group 2); chi2/p_value None when V = 0.")
      .field("observed1", &LR::observed1)
      .field("observed2", &LR::observed2)
      .field("expected1", &LR::expected1)
      .field("expected2", &LR::expected2)
      .field("variance", &LR::variance)
      .field("chi2", &LR::chi2)
      .field("p_value", &LR::p_value)
      .field("df", &LR::df)
      .done();

  using LG = stats::LogisticResult;
  Record<LG>(s, "LogisticResult", "Logistic regression by IRLS; ci and or_ci hold one Interval per coefficient.")
      .field("coef", &LG::coef)
      .field("se", &LG::se)
      .field("covariance", &LG::covariance)
      .field("ci", &LG::ci)
      .field("odds_ratio", &LG::odds_ratio)
      .field("or_ci", &LG::or_ci)
      .field("log_likelihood", &LG::log_likelihood)
      .field("converged", &LG::converged)
      .field("iterations", &LG::iterations)
      .field("intercept_added", &LG::intercept_added)
      .field("n_obs", &LG::n_obs)
      .field("level", &LG::level)
      .field("z", &LG::z)
      .done();

  using MH = stats::MantelHaenszelResult;
  Record<MH>(s, "MantelHaenszelResult", "Mantel-Haenszel pooled OR, RR and RD with the CMH and Breslow-Day tests.")
      .field("n_strata", &MH::n_strata)
      .field("n_informative", &MH::n_informative)
      .field("n_informative_rr", &MH::n_informative_rr)
      .field("n_informative_rd", &MH::n_informative_rd)
      .field("level", &MH::level)
      .field("z", &MH::z)
      .field("R", &MH::R)
      .field("S", &MH::S)
      .field("odds_ratio", &MH::odds_ratio)
      .field("risk_ratio", &MH::risk_ratio)
      .field("risk_difference", &MH::risk_difference)
      .field("cmh", &MH::cmh)
      .field("cmh_corrected", &MH::cmh_corrected)
      .field("cmh_difference", &MH::cmh_difference)
      .field("cmh_variance", &MH::cmh_variance)
      .field("breslow_day", &MH::breslow_day)
      .field("breslow_day_tarone", &MH::breslow_day_tarone)
      .done();

  using CL = stats::ConditionalLogisticResult;
  Record<CL>(s, "ConditionalLogisticResult", "Conditional logistic regression; ci and or_ci per coefficient.")
      .field("coef", &CL::coef)
      .field("se", &CL::se)
      .field("covariance", &CL::covariance)
      .field("ci", &CL::ci)
      .field("odds_ratio", &CL::odds_ratio)
      .field("or_ci", &CL::or_ci)
      .field("log_likelihood", &CL::log_likelihood)
      .field("log_likelihood_null", &CL::log_likelihood_null)
      .field("lr_test", &CL::lr_test)
      .field("converged", &CL::converged)
      .field("iterations", &CL::iterations)
      .field("n_obs", &CL::n_obs)
      .field("n_cases", &CL::n_cases)
      .field("n_strata", &CL::n_strata)
      .field("n_informative", &CL::n_informative)
      .field("level", &CL::level)
      .field("z", &CL::z)
      .done();

  using CX = stats::CoxResult;
  Record<CX>(s, "CoxResult", "Cox proportional-hazards regression; ci and hr_ci per coefficient.")
      .field("coef", &CX::coef)
      .field("se", &CX::se)
      .field("covariance", &CX::covariance)
      .field("ci", &CX::ci)
      .field("hazard_ratio", &CX::hazard_ratio)
      .field("hr_ci", &CX::hr_ci)
      .field("log_likelihood", &CX::log_likelihood)
      .field("log_likelihood_null", &CX::log_likelihood_null)
      .field("lr_test", &CX::lr_test)
      .field("wald_test", &CX::wald_test)
      .field("score_test", &CX::score_test)
      .field("converged", &CX::converged)
      .field("iterations", &CX::iterations)
      .field("n_obs", &CX::n_obs)
      .field("n_events", &CX::n_events)
      .field("n_strata", &CX::n_strata)
      .field("n_strata_with_events", &CX::n_strata_with_events)
      .field("level", &CX::level)
      .field("z", &CX::z)
      .done();

  using IR = stats::IncidenceRate;
  Record<IR>(s, "IncidenceRate", "events per `per` units of person-time with the exact Poisson interval.")
      .field("events", &IR::events)
      .field("person_time", &IR::person_time)
      .field("per", &IR::per)
      .field("rate", &IR::rate)
      .field("ci", &IR::ci)
      .field("level", &IR::level)
      .done();
  using RR = stats::RateRatio;
  Record<RR>(s, "RateRatio", "Rate ratio of group 1 to group 0 with the Wald and the exact conditional interval.")
      .field("estimate", &RR::estimate)
      .field("wald", &RR::wald)
      .field("exact", &RR::exact)
      .field("se_log", &RR::se_log)
      .field("level", &RR::level)
      .field("z", &RR::z)
      .done();
  using MR = stats::MantelHaenszelRateRatio;
  Record<MR>(s, "MantelHaenszelRateRatio", "Mantel-Haenszel rate ratio over person-time strata.")
      .field("n_strata", &MR::n_strata)
      .field("n_informative", &MR::n_informative)
      .field("rate_ratio", &MR::rate_ratio)
      .field("level", &MR::level)
      .field("z", &MR::z)
      .done();
  using AR = stats::AtRiskRow;
  Record<AR>(s, "AtRiskRow", "One row of the number-at-risk table.")
      .field("time", &AR::time)
      .field("at_risk", &AR::at_risk)
      .field("events", &AR::events)
      .field("censored", &AR::censored)
      .done();
  using Q = stats::Quartiles;
  Record<Q>(s, "Quartiles", "The 0.25, 0.5 and 0.75 quantiles (numpy's default interpolation).")
      .field("q1", &Q::q1)
      .field("median", &Q::median)
      .field("q3", &Q::q3)
      .done();
}

}  // namespace

void register_stats(py::module_& m) {
  py::module_ s = m.def_submodule("stats", "famgraph::stats (internal; use famgraph.stats)");
  bind_result_classes(s);

  // LogisticError (a RuntimeError) and its two cases; registered base first, because pybind11
  // tries translators newest first and the subclasses must win.
  auto& logistic_error = py::register_exception<stats::LogisticError>(s, "LogisticError", PyExc_RuntimeError);
  py::register_exception<stats::RankDeficientError>(s, "RankDeficientError", logistic_error.ptr());
  py::register_exception<stats::ConvergenceError>(s, "ConvergenceError", logistic_error.ptr());

  s.attr("z975") = stats::z975;
  s.def("z", &stats::z_for_level, py::arg("level") = 0.95);

  s.def(
      "wilson", [](std::uint64_t k, std::uint64_t n, double level) { return stats::wilson(k, n, level); },
      py::arg("k"), py::arg("n"), py::arg("level") = 0.95);
  s.def(
      "clopper_pearson",
      [](std::uint64_t k, std::uint64_t n, double level) { return stats::clopper_pearson(k, n, level); },
      py::arg("k"), py::arg("n"), py::arg("level") = 0.95);
  s.def(
      "newcombe",
      [](std::uint64_t k1, std::uint64_t n1, std::uint64_t k2, std::uint64_t n2, double level) {
        return stats::newcombe_difference(k1, n1, k2, n2, level);
      },
      py::arg("k1"), py::arg("n1"), py::arg("k2"), py::arg("n2"), py::arg("level") = 0.95);

  s.def(
      "two_by_two",
      [](std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d, double level) {
        return stats::analyse({a, b, c, d}, level);
      },
      py::arg("a"), py::arg("b"), py::arg("c"), py::arg("d"), py::arg("level") = 0.95);

  s.def(
      "kaplan_meier",
      [](const DoubleArray& time, const DoubleArray& event, double level) {
        const auto data = time_event(time, event, "kaplan_meier");
        py::gil_scoped_release release;
        return stats::kaplan_meier(data, level);
      },
      py::arg("time"), py::arg("event"), py::arg("level") = 0.95);

  s.def(
      "logrank",
      [](const DoubleArray& time1, const DoubleArray& event1, const DoubleArray& time2,
         const DoubleArray& event2) {
        const auto g1 = time_event(time1, event1, "logrank (group 1)");
        const auto g2 = time_event(time2, event2, "logrank (group 2)");
        py::gil_scoped_release release;
        return stats::logrank(g1, g2);
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
        py::gil_scoped_release release;
        return stats::logistic_regression(X, y, opt);
      },
      py::arg("X"), py::arg("y"), py::arg("add_intercept") = false, py::arg("max_iterations") = 100,
      py::arg("tolerance") = 1e-10, py::arg("level") = 0.95, py::arg("throw_on_nonconvergence") = true);

  s.def(
      "mantel_haenszel",
      [](const CountArray& a, const CountArray& b, const CountArray& c, const CountArray& d, double level) {
        const auto tables = tables_of(a, b, c, d, "mantel_haenszel");
        return stats::mantel_haenszel(tables, {level});
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
        const std::span<const std::int64_t> ids(strata.data(), static_cast<std::size_t>(strata.size()));
        py::gil_scoped_release release;
        return stats::conditional_logistic(X, y, ids, opt);
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
        py::gil_scoped_release release;
        return stats::conditional_logistic_tables(tables, opt);
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
        py::gil_scoped_release release;
        return stats::cox_ph({time.data(), static_cast<std::size_t>(time.size())},
                             {event.data(), static_cast<std::size_t>(event.size())}, X, ids, opt);
      },
      py::arg("time"), py::arg("event"), py::arg("X"), py::arg("strata") = py::none(), py::arg("ties") = "efron",
      py::arg("max_iterations") = 50, py::arg("tolerance") = 1e-10, py::arg("level") = 0.95);

  s.def("incidence_rate", &stats::incidence_rate, py::arg("events"), py::arg("person_time"),
        py::arg("per") = 1000.0, py::arg("level") = 0.95);

  s.def("rate_ratio", &stats::rate_ratio, py::arg("events1"), py::arg("person_time1"), py::arg("events0"),
        py::arg("person_time0"), py::arg("level") = 0.95);

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
        return stats::mantel_haenszel_rate_ratio(v, level);
      },
      py::arg("events1"), py::arg("person_time1"), py::arg("events0"), py::arg("person_time0"),
      py::arg("level") = 0.95);

  s.def(
      "number_at_risk",
      [](const DoubleArray& time, const DoubleArray& event, const DoubleArray& times) {
        const auto data = time_event(time, event, "number_at_risk");
        const auto at = vector_of(times, "number_at_risk (times)");
        return stats::number_at_risk(data, at);
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
      "quartiles", [](const DoubleArray& x) { return stats::quartiles(vector_of(x, "quartiles")); }, py::arg("x"));
}

}  // namespace famgraph::python
