// Indicator counts (famgraph._core.indicators): the exact counting rules, returned as the bound
// C++ result structs (record.hpp: read-only fields with the C++ names, per-person columns as NumPy
// arrays); famgraph.indicators adds statistics, disclosure control and pandas results.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/typing.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "famgraph/cell_key.hpp"
#include "famgraph/graph.hpp"
#include "famgraph/indicators/adjusted.hpp"
#include "famgraph/indicators/chains.hpp"
#include "famgraph/indicators/features.hpp"
#include "famgraph/indicators/overlap.hpp"
#include "famgraph/indicators/signalling.hpp"
#include "famgraph/indicators/recurrence.hpp"
#include "famgraph/indicators/transmission.hpp"
#include "famgraph/indicators/matched.hpp"
#include "famgraph/relations.hpp"
#include "graph_handle.hpp"
#include "record.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace famgraph::python {

namespace {

using KeyArray = std::optional<py::array_t<std::uint64_t, py::array::c_style>>;

/// The optional per-person record keys of the cell key method as a span (empty when not given).
std::span<const std::uint64_t> key_span(const KeyArray& keys) {
  if (!keys) return {};
  if (keys->ndim() != 1) throw py::value_error("person_keys: expected a one-dimensional uint64 array");
  return {keys->data(), static_cast<std::size_t>(keys->size())};
}

Role role_of(const std::string& name, const char* option) {
  const auto set = indicators::parse_roles({name}, option);
  for (int r = 0; r < n_roles; ++r)
    if (indicators::contains(set, static_cast<Role>(r))) return static_cast<Role>(r);
  throw py::value_error(option);
}

/// The graph to count on: the caller's (the Dataset's cached graph, which must be of this
/// dataset), else one built for this call.
class GraphRef {
 public:
  GraphRef(const Dataset& ds, const Graph* given) {
    if (given && &given->dataset() != &ds)
      throw py::value_error("graph: the FamilyGraph of another dataset was given (expected dataset.graph)");
    if (!given) own_.emplace(ds.persons);
    g_ = given ? &given->graph() : &*own_;
  }
  const FamilyGraph& operator*() const { return *g_; }

 private:
  std::optional<FamilyGraph> own_;
  const FamilyGraph* g_ = nullptr;
};

/// The optional `graph` argument (spelled `FamilyGraph | None` in the stubs).
using GraphArg = py::typing::Optional<Graph>;
const Graph* graph_of(const GraphArg& g) { return g.is_none() ? nullptr : &g.cast<const Graph&>(); }

using WindowTuple = py::typing::Tuple<py::int_, py::int_>;
WindowTuple window_pair(indicators::Window w) { return WindowTuple(window_tuple(w)); }
std::string sex_name(int s) { return std::string(to_string(static_cast<Sex>(s))); }

// Results that carry what only the binding knows (organisation names, person ids, the matched
// pathway computed in the same call); the C++ fields are those of the core's struct.
struct PathwayResult : indicators::VictimToPerpetratorCounts {
  std::optional<indicators::MatchedPathway> matched;
};
struct ChainsResult : indicators::ChainsCounts {
  std::vector<PersonId> link_parent, link_child;
};
struct RecurrencePersonResult : indicators::RecurrencePersonCounts {
  std::vector<Index> component;
};
struct SignallingResult : indicators::EarlySignallingCounts {
  std::vector<std::string> sources;
};
struct OverlapResult {
  indicators::OverlapCounts counts;
  std::vector<std::string> sources;
};
struct AgencyOverlapResult {
  indicators::Window window;
  std::size_t organisations = 0;
  OverlapResult persons, families;
  std::uint64_t work = 0;
};
struct FeatureTableResult {
  indicators::Window window;
  std::uint64_t work = 0;
  py::list columns;
};

/// A NumPy array that takes over a C++ column without copying it (the feature table is the size of
/// the population times ~30 columns: a copy would double its peak memory). With `as_bool`, a 0/1
/// byte column is viewed as numpy bool.
template <class T>
py::array adopt(std::vector<T>&& v, bool as_bool = false) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  const auto n = static_cast<py::ssize_t>(heap->size());
  if constexpr (sizeof(T) == 1) {
    if (as_bool) return py::array(py::dtype("bool"), {n}, {py::ssize_t{1}}, heap->data(), owner);
  }
  return py::array_t<T>({n}, {static_cast<py::ssize_t>(sizeof(T))}, heap->data(), owner);
}

/// The "missing" mask (true = no value) of a validity column.
py::array missing_of(const std::vector<std::uint8_t>& valid) {
  py::array_t<bool> out(static_cast<py::ssize_t>(valid.size()));
  auto* o = out.mutable_data();
  for (std::size_t k = 0; k < valid.size(); ++k) o[k] = valid[k] == 0;
  return out;
}

py::list feature_columns(indicators::FeatureTable&& t) {
  py::list cols;
  // (name, values, missing or None), in the published column order (docs/spec/indicators.md).
  auto add = [&](const std::string& name, py::array values, py::object missing) {
    cols.append(py::make_tuple(name, std::move(values), std::move(missing)));
  };
  const py::object none = py::none();
  const py::array no_birth = missing_of(t.birth_known);
  add("person_id", adopt(std::move(t.person_id)), none);
  add("sex", adopt(std::move(t.sex)), none);
  add("birth_year", adopt(std::move(t.birth_year)), no_birth);
  add("generation", adopt(std::move(t.generation)), none);
  add("observed", adopt(std::move(t.observed), true), none);
  for (int r = 0; r < n_roles; ++r) {
    const std::string role(to_string(static_cast<Role>(r)));
    add(role + "_child", adopt(std::move(t.child[r])), no_birth);
    add(role + "_adult", adopt(std::move(t.adult[r])), no_birth);
    add(role + "_total", adopt(std::move(t.total[r])), none);
  }
  const py::array no_mother = missing_of(t.has_mother), no_father = missing_of(t.has_father);
  add("mother_victim", adopt(std::move(t.mother_victim), true), no_mother);
  add("mother_perpetrator", adopt(std::move(t.mother_perpetrator), true), no_mother);
  add("father_victim", adopt(std::move(t.father_victim), true), no_father);
  add("father_perpetrator", adopt(std::move(t.father_perpetrator), true), no_father);
  std::vector<std::uint8_t> any_gp(t.grandparents_known.size());
  for (std::size_t k = 0; k < any_gp.size(); ++k) any_gp[k] = t.grandparents_known[k] > 0;
  const py::array no_gp = missing_of(any_gp);
  add("grandparents_known", adopt(std::move(t.grandparents_known)), none);
  add("grandparent_victim", adopt(std::move(t.grandparent_victim), true), no_gp);
  add("grandparent_perpetrator", adopt(std::move(t.grandparent_perpetrator), true), no_gp);
  add("n_organisations", adopt(std::move(t.n_organisations)), none);
  add("lead_time_days", adopt(std::move(t.lead_time_days)), missing_of(t.has_lead_time));
  const py::array not_eligible = missing_of(t.pathway_eligible);
  add("pathway_eligible", adopt(std::move(t.pathway_eligible), true), none);
  add("pathway_exposed", adopt(std::move(t.pathway_exposed), true), not_eligible);
  add("pathway_outcome", adopt(std::move(t.pathway_outcome), true), not_eligible);
  return cols;
}

std::vector<std::string> default_relation_names() {
  std::vector<std::string> out;
  for (auto r : indicators::RecurrenceOptions{}.relations) out.emplace_back(to_string(r));
  return out;
}



/// A NumPy array of any dtype, spelled `numpy.typing.NDArray[numpy.generic]` in the stubs (py::array
/// is spelled as the bare generic `numpy.ndarray`): the columns of the feature table.
class AnyArray : public py::array {
 public:
  using py::array::array;
  AnyArray(py::array a) : py::array(std::move(a)) {}  // NOLINT(google-explicit-constructor)
};

}  // namespace
}  // namespace famgraph::python

template <>
struct pybind11::detail::handle_type_name<famgraph::python::AnyArray> {
  static constexpr auto name = const_name("numpy.typing.NDArray[numpy.generic]");
};

namespace famgraph::python {
namespace {

using FeatureColumn = py::typing::Tuple<py::str, AnyArray, py::typing::Optional<py::array_t<bool>>>;

/// A read-only NumPy view of a column of a bound result (no copy: the array keeps the result
/// alive), so that reading a per-person column twice costs nothing.
template <class T>
py::array_t<T> view(const std::vector<T>& v, const py::object& owner) {
  py::array_t<T> a({static_cast<py::ssize_t>(v.size())}, {static_cast<py::ssize_t>(sizeof(T))}, v.data(), owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}
/// The getter of a column member (of S or of a base of S) as such a view.
template <class S, class T, class C>
auto view_of(std::vector<T> C::*member) {
  return [member](const py::object& self) { return view(self.cast<const S&>().*member, self); };
}

void bind_result_classes(py::module_& m) {
  bind_matched_classes(m);  // held by VictimToPerpetratorCounts.matched_pathway
  using C2 = indicators::Counts2x2;
  Record<C2>(m, "Counts2x2", "2x2 counts: a exposed & outcome, b exposed & no outcome, c unexposed & outcome, d neither.")
      .field("a", &C2::a)
      .field("b", &C2::b)
      .field("c", &C2::c)
      .field("d", &C2::d)
      .done();
  using K2 = disclosure::KeySums2x2;
  Record<K2>(m, "KeySums2x2", "Cell key sums (mod 2**64) of the cells a, b, c, d of a Counts2x2.")
      .field("a", &K2::a)
      .field("b", &K2::b)
      .field("c", &K2::c)
      .field("d", &K2::d)
      .done();
  using SC = indicators::StratumCounts2x2;
  Record<SC>(m, "StratumCounts2x2", "The 2x2 counts of one single birth year x sex x parents recorded stratum.")
      .field("birth_year", &SC::birth_year)
      .column("sex", [](const SC& s) { return std::string(to_string(s.sex)); }, "F, M or U")
      .field("parents_known", &SC::parents_known)
      .field("counts", &SC::counts)
      .done();
  using ST = indicators::StratifiedCounts2x2;
  Record<ST>(m, "StratifiedCounts2x2",
             "A 2x2 table by stratum (non-empty strata, sorted) and the units without a birth date; pass it to matched().")
      .field("strata", &ST::strata)
      .field("without_birth_date", &ST::without_birth_date)
      .done();

  using VK = indicators::VictimToPerpetratorKeySums;
  Record<VK>(m, "VictimToPerpetratorKeySums", "Key sums of the cells of VictimToPerpetratorCounts.")
      .field("overall", &VK::overall)
      .column(
          "by_sex",
          [](const VK& k) {
            py::typing::Dict<py::str, K2> out;
            for (int s = 0; s < 3; ++s) out[py::str(sex_name(s))] = py::cast(k.by_sex[static_cast<std::size_t>(s)], py::return_value_policy::copy);
            return out;
          },
          "sex name -> key sums")
      .field("by_decade", &VK::by_decade)
      .done();
  using VP = PathwayResult;
  Record<VP>(m, "VictimToPerpetratorCounts", "Indicator 1, the victim -> perpetrator pathway (transmission.hpp).")
      .column("window", [](const VP& c) { return window_pair(c.window); }, "(start, end) day numbers")
      .field("overall", &VP::overall)
      .column(
          "by_sex",
          [](const VP& c) {
            py::typing::Dict<py::str, C2> out;
            for (int s = 0; s < 3; ++s) out[py::str(sex_name(s))] = py::cast(c.by_sex[static_cast<std::size_t>(s)], py::return_value_policy::copy);
            return out;
          },
          "sex name (F, M, U) -> counts")
      .field("by_decade", &VP::by_decade, "birth decade -> counts")
      .field("without_birth_date", &VP::without_birth_date)
      .column("time", view_of<VP>(&VP::time), "per eligible person: days of follow-up")
      .column("event", view_of<VP>(&VP::event))
      .column("exposed", view_of<VP>(&VP::exposed))
      .column("person", view_of<VP>(&VP::person), "person index of each entry")
      .field("strata", &VP::strata)
      .field("work", &VP::work)
      .field("keys", &VP::keys, "all zero unless person_keys was given")
      .field("matched_pathway", &VP::matched, "with matched=True: the matched pathway, else None")
      .done();

  using AD = indicators::AdjustedDesign;
  Record<AD>(m, "AdjustedDesign",
             "Indicator 7, the design of the adjusted model (adjusted.hpp): one entry per eligible person of "
             "indicator 1; 0/1 columns as uint8.")
      .column("outcome", view_of<AD>(&AD::outcome))
      .column("exposed", view_of<AD>(&AD::exposed))
      .column("sex", view_of<AD>(&AD::sex), "codes into SEXES")
      .column("birth_decade", view_of<AD>(&AD::birth_decade))
      .column("kept", view_of<AD>(&AD::kept), "in the model: the person's sex is not dropped")
      .column("decade_group", view_of<AD>(&AD::decade_group), "first birth decade of the row's merged group")
      .field("rows_kept", &AD::rows_kept)
      .field("crude", &AD::crude, "exposure x outcome over every eligible person")
      .column(
          "dropped_sexes",
          [](const AD& d) {
            std::vector<std::string> out;
            for (auto s : d.dropped_sexes) out.push_back(sex_name(s));
            return out;
          },
          "sexes left out of the model (too few outcomes or non-outcomes), F, M, U order")
      .field("merged_decades", &AD::merged_decades, "birth decade -> first decade of its group, for merged decades")
      .done();

  using CR = ChainsResult;
  Record<CR>(m, "ChainsCounts", "Indicator 3, intergenerational chains (chains.hpp).")
      .column("window", [](const CR& c) { return window_pair(c.window); }, "(start, end) day numbers")
      .column(
          "links",
          [](const py::object& self) {
            const auto& c = self.cast<const CR&>();
            return py::typing::Tuple<py::array_t<PersonId>, py::array_t<PersonId>>(
                py::make_tuple(view(c.link_parent, self), view(c.link_child, self)));
          },
          "(parent person ids, child person ids), sorted by (parent, child) index")
      .field("ge1", &CR::ge1)
      .field("ge2", &CR::ge2)
      .field("ge3", &CR::ge3)
      .field("longest", &CR::longest)
      .field("continuation", &CR::continuation)
      .field("continuation_strata", &CR::continuation_strata)
      .field("work", &CR::work)
      .field("links_key_sum", &CR::links_key_sum)
      .field("chain_key_sums", &CR::chain_key_sums, "longest chain exactly 1, exactly 2, >= 3 links")
      .field("continuation_keys", &CR::continuation_keys)
      .done();

  using RC = indicators::RecurrenceCounts;
  Record<RC>(m, "RecurrenceCounts", "Indicator 4a for one relation: K, K_R and lambda_R (Risch 1990).")
      .column("relation", [](const RC& r) { return std::string(to_string(r.relation)); })
      .field("observed", &RC::observed)
      .field("cases", &RC::cases)
      .field("case_relatives", &RC::case_relatives)
      .field("relatives", &RC::relatives)
      .column("K", &RC::K)
      .column("K_R", &RC::K_R)
      .column("lambda_", &RC::lambda, "lambda() in C++ (a Python keyword)")
      .done();
  using RR = indicators::RecurrenceResultCounts;
  Record<RR>(m, "RecurrenceResultCounts", "Indicator 4a: one RecurrenceCounts per relation, in the order asked.")
      .column("window", [](const RR& c) { return window_pair(c.window); }, "(start, end) day numbers")
      .field("by_relation", &RR::by_relation)
      .field("work", &RR::work)
      .done();
  using RP = RecurrencePersonResult;
  Record<RP>(m, "RecurrencePersonCounts", "The per-proband terms of K_R (recurrence.hpp), for the cluster bootstrap.")
      .column("window", [](const RP& c) { return window_pair(c.window); }, "(start, end) day numbers")
      .column("observed", [](const py::object& self) { return view(self.cast<const RP&>().status.observed, self); }, "status.observed in C++")
      .column("is_case", [](const py::object& self) { return view(self.cast<const RP&>().status.is_case, self); }, "status.is_case in C++")
      .column("component", view_of<RP>(&RP::component), "family component of each person")
      .column(
          "relations",
          [](const RP& c) {
            std::vector<std::string> out;
            for (auto r : c.relations) out.emplace_back(to_string(r));
            return out;
          },
          "in the order asked")
      .column(
          "case_relatives",
          [](const py::object& self) {
            py::typing::List<py::array_t<std::uint32_t>> out;
            for (const auto& v : self.cast<const RP&>().case_relatives) out.append(view(v, self));
            return out;
          },
          "per relation: observed case relatives of each observed case proband")
      .column(
          "relatives",
          [](const py::object& self) {
            py::typing::List<py::array_t<std::uint32_t>> out;
            for (const auto& v : self.cast<const RP&>().relatives) out.append(view(v, self));
            return out;
          },
          "per relation: observed relatives of each observed case proband")
      .field("work", &RP::work)
      .done();

  using RU = indicators::RepeatCounts;
  Record<RU>(m, "RepeatCounts", "Indicator 4b for one unit (persons or families).")
      .field("n", &RU::n)
      .field("repeat", &RU::repeat)
      .field("repeat_key_sum", &RU::repeat_key_sum)
      .field("no_repeat_key_sum", &RU::no_repeat_key_sum)
      .done();
  using RI = indicators::RepeatIncidentsCounts;
  Record<RI>(m, "RepeatIncidentsCounts", "Indicator 4b, repeat incidents within T days of the first.")
      .column("window", [](const RI& c) { return window_pair(c.window); }, "(start, end) day numbers")
      .field("T", &RI::T)
      .field("persons", &RI::persons)
      .field("families", &RI::families)
      .field("work", &RI::work)
      .done();

  using SG = indicators::SignallingCounts;
  Record<SG>(m, "SignallingCounts", "Indicator 5 for one look-back period.")
      .field("preceded", &SG::preceded)
      .field("preceded_minor_self_or_parent", &SG::preceded_minor_self_or_parent)
      .done();
  using ES = SignallingResult;
  Record<ES>(m, "EarlySignallingCounts", "Indicator 5, early signalling (signalling.hpp).")
      .column("window", [](const ES& c) { return window_pair(c.window); }, "(start, end) day numbers")
      .field("first_incidents", &ES::first_incidents)
      .field("minors", &ES::minors)
      .field("years", &ES::years)
      .field("overall", &ES::overall, "per look-back period")
      .column(
          "by_org",
          [](const ES& c) {
            py::typing::Dict<py::str, py::typing::List<SG>> out;
            for (std::size_t o = 0; o < c.by_org.size(); ++o) out[py::str(c.sources[o])] = py::cast(c.by_org[o], py::return_value_policy::copy);
            return out;
          },
          "organisation name -> per look-back period (every organisation of the data)")
      .column("lead_times", view_of<ES>(&ES::lead_times), "days, ascending")
      .field("work", &ES::work)
      .done();

  using OR = OverlapResult;
  Record<OR>(m, "OverlapCounts", "Indicator 6 for one unit (persons or nuclear families), organisations by name.")
      .column(
          "combinations",
          [](const OR& r) {
            py::typing::List<py::typing::Tuple<py::typing::Tuple<py::str, py::ellipsis>, py::int_>> out;
            for (const auto& [orgs, count] : r.counts.combinations) {
              py::list names;
              for (auto o : orgs) names.append(r.sources[o]);
              out.append(py::make_tuple(py::tuple(names), count));
            }
            return out;
          },
          "(organisations, units known to exactly those), combinations in code order")
      .column(
          "combination_key_sums",
          [](const OR& r) {
            std::vector<std::uint64_t> out;
            for (const auto& [orgs, count] : r.counts.combinations) {
              const auto k = r.counts.combination_key_sums.find(orgs);
              out.push_back(k == r.counts.combination_key_sums.end() ? 0 : k->second);
            }
            return out;
          },
          "in the order of combinations (zeros without person_keys)")
      .column(
          "pairs",
          [](const OR& r) {
            py::typing::List<py::typing::Tuple<py::str, py::str, py::int_, py::int_>> out;
            const auto& both = r.counts.both;
            for (std::size_t x = 0; x < both.size(); ++x)
              for (std::size_t y = x + 1; y < both.size(); ++y)
                out.append(py::make_tuple(r.sources[x], r.sources[y], both[x][y], r.counts.either[x][y]));
            return out;
          },
          "(organisation x, organisation y, both, either) for x before y in code order (both[x][y], either[x][y] in C++)")
      .column("known_1plus", [](const OR& r) { return r.counts.known_1plus; })
      .column("known_2plus", [](const OR& r) { return r.counts.known_2plus; })
      .done();
  using AO = AgencyOverlapResult;
  Record<AO>(m, "AgencyOverlapCounts", "Indicator 6, multi-agency overlap (overlap.hpp).")
      .column("window", [](const AO& c) { return window_pair(c.window); }, "(start, end) day numbers")
      .field("organisations", &AO::organisations)
      .field("persons", &AO::persons)
      .field("families", &AO::families)
      .field("work", &AO::work)
      .done();

  using PD = indicators::PersonDates;
  Record<PD>(m, "PersonDates", "Per person: birth day, 18th birthday (NO_DAY when unknown), last observed day.")
      .column("birth", view_of<PD>(&PD::birth))
      .column("adult", view_of<PD>(&PD::adult))
      .column("last", view_of<PD>(&PD::last))
      .done();

  using RPair = indicators::RolePair;
  Record<RPair>(m, "RolePair", "(a, b): the role of the relative and the role of the proband.")
      .column("relative_role", [](const RPair& p) { return std::string(to_string(p.relative_role)); })
      .column("proband_role", [](const RPair& p) { return std::string(to_string(p.proband_role)); })
      .done();
  using RE = indicators::RelativeExposureCell;
  Record<RE>(m, "RelativeExposureCell", "Indicator 2 for one (relation, role pair).")
      .column("relation", [](const RE& c) { return std::string(to_string(c.relation)); })
      .field("roles", &RE::roles)
      .field("counts", &RE::counts)
      .field("strata", &RE::strata, "counts by stratum of the proband")
      .field("keys", &RE::keys, "key sums of counts (zero unless person_keys was given)")
      .done();
  using RX = indicators::RelativeExposureCounts;
  Record<RX>(m, "RelativeExposureCounts", "Indicator 2, the relative-exposure table (transmission.hpp).")
      .column("window", [](const RX& c) { return window_pair(c.window); }, "(start, end) day numbers")
      .field("cells", &RX::cells, "relations outermost")
      .field("work", &RX::work)
      .done();

  using FT = FeatureTableResult;
  Record<FT>(m, "FeatureTable", "The person-level feature table (features.hpp), as NumPy columns.")
      .column("window", [](const FT& t) { return window_pair(t.window); }, "(start, end) day numbers")
      .field("work", &FT::work)
      .column(
          "columns", [](const FT& t) { return py::typing::List<FeatureColumn>(t.columns); },
          "(name, values, missing or None) in the published column order; 'sex' holds codes into SEXES")
      .done();
}

}  // namespace

void register_indicators(py::module_& root) {
  auto m = root.def_submodule("indicators", "indicator counting rules (internal)");
  bind_result_classes(m);

  // The shared rules and defaults (common.hpp), so that no other layer restates them. Typed by
  // module __annotations__, which scripts/gen_stubs.py writes into the stub (pybind11-stubgen
  // alone would type each by its value's class, a bare `tuple`).
  {
    using Names = py::typing::Tuple<py::str, py::ellipsis>;
    auto names = [&](const char* key, const std::vector<std::string>& v) {
      m.attr_with_type_hint<Names>(key) = py::tuple(py::cast(v));
    };
    std::vector<std::string> roles_, sexes;
    for (int r = 0; r < n_roles; ++r) roles_.emplace_back(to_string(static_cast<Role>(r)));
    for (int s = 0; s < 3; ++s) sexes.push_back(sex_name(s));
    names("ROLES", roles_);
    names("SEXES", sexes);
    m.attr("NO_DAY") = NO_DAY;
    m.attr("NO_INDEX") = NONE;
    names("DEFAULT_EXPOSURE_ROLES", indicators::role_names(indicators::default_exposure_roles));
    names("DEFAULT_CASE_ROLES", indicators::role_names(indicators::default_case_roles));
    names("DEFAULT_RECURRENCE_RELATIONS", default_relation_names());
  }
  m.def(
      "resolve_window",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we) {
        return window_pair(indicators::resolve_window(*ds, window_of(ws, we)));
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      "The window as inclusive (start, end) day numbers: a missing end is the first / last event date "
      "(ValueError when the data has no events, or when the end is before the start).");
  m.def(
      "feature_table",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& exposure_roles, const GraphArg& graph_arg) {
        const Graph* graph = graph_of(graph_arg);
        indicators::FeatureTableOptions o;
        o.window = window_of(ws, we);
        o.exposure_roles = indicators::parse_roles(exposure_roles, "exposure_roles");
        indicators::FeatureTable t;
        {
          py::gil_scoped_release release;
          const GraphRef g(*ds, graph);
          t = indicators::feature_table(*ds, *g, o);
        }
        FeatureTableResult r;
        r.window = t.window;
        r.work = t.work;
        r.columns = feature_columns(std::move(t));
        return r;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("exposure_roles") = indicators::role_names(indicators::default_exposure_roles),
      py::arg("graph") = py::none(),
      "The person-level feature table; graph: the dataset's FamilyGraph (Dataset.graph), else one is built.");
  m.def(
      "parse_roles",
      [](const std::vector<std::string>& names, const std::string& option) {
        return indicators::role_names(indicators::parse_roles(names, option));
      },
      py::arg("names"), py::arg("option"));
  m.def(
      "victim_to_perpetrator",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& exposure_roles, const KeyArray& person_keys, bool matched,
         double level) {
        indicators::VictimToPerpetratorOptions o;
        o.window = window_of(ws, we);
        o.exposure_roles = indicators::parse_roles(exposure_roles, "exposure_roles");
        o.person_keys = key_span(person_keys);
        PathwayResult r;
        {
          py::gil_scoped_release release;
          static_cast<indicators::VictimToPerpetratorCounts&>(r) = indicators::victim_to_perpetrator_counts(*ds, o);
          if (matched) {
            indicators::MatchedOptions mo;
            mo.level = level;
            r.matched = indicators::matched_pathway(*ds, r, mo);
          }
        }
        return r;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("exposure_roles") = indicators::role_names(indicators::default_exposure_roles), py::arg("person_keys") = py::none(),
      py::arg("matched") = false, py::arg("level") = 0.95);
  m.def(
      "adjusted_design",
      [](std::shared_ptr<const Dataset> ds, const PathwayResult& counts, std::uint64_t min_cell) {
        indicators::AdjustedDesignOptions o;
        o.policy.min_cell = min_cell;
        py::gil_scoped_release release;
        return indicators::adjusted_design(*ds, counts, o);
      },
      py::arg("dataset"), py::arg("counts"), py::arg("min_cell"),
      "Indicator 7's model design from the counts of victim_to_perpetrator on the same dataset.");
  m.def(
      "overlap_from_combinations",
      [](const std::vector<std::pair<std::vector<std::string>, std::uint64_t>>& combinations,
         const std::vector<std::string>& organisations) {
        indicators::Combinations given;
        for (const auto& [names, count] : combinations) {
          std::vector<std::uint16_t> codes;
          for (const auto& name : names) {
            const auto it = std::find(organisations.begin(), organisations.end(), name);
            if (it == organisations.end())
              throw py::value_error("combinations: organisation '" + name + "' is not one of organisations");
            codes.push_back(static_cast<std::uint16_t>(it - organisations.begin()));
          }
          std::sort(codes.begin(), codes.end());
          if (std::adjacent_find(codes.begin(), codes.end()) != codes.end())
            throw py::value_error("combinations: an organisation is listed twice in one combination");
          if (!given.emplace(std::move(codes), count).second)
            throw py::value_error("combinations: a combination is listed twice");
        }
        OverlapResult r;
        r.counts = indicators::overlap_from_combinations(given, organisations.size());
        r.sources = organisations;
        return r;
      },
      py::arg("combinations"), py::arg("organisations"),
      "Pair counts and totals of combination counts ((organisation names, count), e.g. perturbed by the cell "
      "key method); organisations in code order (Dataset sources). Empty combinations are left out.");
  m.def(
      "person_dates", [](std::shared_ptr<const Dataset> ds) { return indicators::person_dates(ds->persons); },
      py::arg("dataset"), "birth day, 18th birthday (NO_DAY when unknown) and last observed day per person");
  m.def(
      "chains",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we, const KeyArray& person_keys,
         const GraphArg& graph_arg) {
        const Graph* graph = graph_of(graph_arg);
        ChainsResult r;
        {
          py::gil_scoped_release release;
          const GraphRef g(*ds, graph);
          static_cast<indicators::ChainsCounts&>(r) =
              indicators::chains_counts(*ds, *g, {window_of(ws, we), key_span(person_keys)});
          r.link_parent.reserve(r.links.size());
          r.link_child.reserve(r.links.size());
          for (const auto& [p, c] : r.links) {
            r.link_parent.push_back(ds->persons.id[p]);
            r.link_child.push_back(ds->persons.id[c]);
          }
        }
        return r;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("person_keys") = py::none(), py::arg("graph") = py::none(),
      "Indicator 3; graph: the dataset's FamilyGraph (Dataset.graph), else one is built.");
  m.def(
      "recurrence_risk",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& case_roles, const std::vector<std::string>& relations) {
        indicators::RecurrenceOptions o;
        o.window = window_of(ws, we);
        o.case_roles = indicators::parse_roles(case_roles, "case_roles");
        o.relations.clear();
        for (const auto& r : relations) o.relations.push_back(parse_relation(r));
        py::gil_scoped_release release;
        return indicators::recurrence_counts(*ds, o);
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("case_roles") = indicators::role_names(indicators::default_case_roles),
      py::arg("relations") = default_relation_names());
  m.def(
      "recurrence_person_counts",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& case_roles, const std::vector<std::string>& relations, const GraphArg& graph_arg) {
        const Graph* graph = graph_of(graph_arg);
        indicators::RecurrenceOptions o;
        o.window = window_of(ws, we);
        o.case_roles = indicators::parse_roles(case_roles, "case_roles");
        o.relations.clear();
        for (const auto& r : relations) o.relations.push_back(parse_relation(r));
        RecurrencePersonResult r;
        {
          py::gil_scoped_release release;
          static_cast<indicators::RecurrencePersonCounts&>(r) = indicators::recurrence_person_counts(*ds, o);
          const GraphRef g(*ds, graph);
          r.component.assign((*g).component().begin(), (*g).component().end());
        }
        return r;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("case_roles") = indicators::role_names(indicators::default_case_roles),
      py::arg("relations") = default_relation_names(), py::arg("graph") = py::none(),
      "The per-proband terms of K_R and each person's family component; graph: the dataset's FamilyGraph "
      "(Dataset.graph), else one is built.");
  m.def(
      "relative_exposure",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we,
         const std::vector<std::string>& relations, const std::vector<std::pair<std::string, std::string>>& role_pairs,
         const KeyArray& person_keys) {
        indicators::RelativeExposureOptions o;
        o.window = window_of(ws, we);
        o.person_keys = key_span(person_keys);
        o.relations.clear();
        for (const auto& r : relations) o.relations.push_back(parse_relation(r));
        o.role_pairs.clear();
        for (const auto& [a, b] : role_pairs)
          o.role_pairs.push_back({role_of(a, "role_pairs (relative role)"), role_of(b, "role_pairs (proband role)")});
        py::gil_scoped_release release;
        return indicators::relative_exposure_table(*ds, o);
      },
      py::arg("dataset"), py::arg("window_start"), py::arg("window_end"), py::arg("relations"), py::arg("role_pairs"),
      py::arg("person_keys") = py::none(),
      "One cell per (relation, (relative role, proband role)), relations outermost, with its counts, its strata "
      "(single birth year x sex x parents recorded of the proband) and, with person_keys (one uint64 per person), "
      "its key sums");
  m.def(
      "repeat_incidents",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we, int T,
         const KeyArray& person_keys) {
        py::gil_scoped_release release;
        return indicators::repeat_incidents_counts(*ds, {window_of(ws, we), T, key_span(person_keys)});
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(), py::arg("T") = 365,
      py::arg("person_keys") = py::none());
  m.def(
      "early_signalling",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we, std::vector<int> years) {
        SignallingResult r;
        {
          py::gil_scoped_release release;
          static_cast<indicators::EarlySignallingCounts&>(r) =
              indicators::early_signalling_counts(*ds, {window_of(ws, we), years});
        }
        r.sources = ds->sources;
        return r;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("years") = std::vector<int>{1, 2, 5});
  m.def(
      "agency_overlap",
      [](std::shared_ptr<const Dataset> ds, std::optional<Day> ws, std::optional<Day> we, const KeyArray& person_keys) {
        indicators::AgencyOverlapCounts c;
        {
          py::gil_scoped_release release;
          c = indicators::agency_overlap_counts(*ds, {window_of(ws, we), key_span(person_keys)});
        }
        AgencyOverlapResult r;
        r.window = c.window;
        r.organisations = c.organisations;
        r.persons = {std::move(c.persons), ds->sources};
        r.families = {std::move(c.families), ds->sources};
        r.work = c.work;
        return r;
      },
      py::arg("dataset"), py::arg("window_start") = py::none(), py::arg("window_end") = py::none(),
      py::arg("person_keys") = py::none());
}

}  // namespace famgraph::python
