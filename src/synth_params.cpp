#include <cmath>
#include <sstream>
#include <stdexcept>

#include "famgraph/synth/params.hpp"

namespace famgraph::synth {

namespace {

struct Slot {
  ParamInfo info;
  double Params::*d = nullptr;
  int Params::*i = nullptr;
  int org = -1, kind = -1;  // coverage matrix entry
};

std::vector<Slot> make_slots() {
  std::vector<Slot> s;
  auto dbl = [&](const char* n, double Params::*m, double lo, double hi, const char* doc) {
    s.push_back({{n, lo, hi, false, doc}, m, nullptr});
  };
  auto num = [&](const char* n, int Params::*m, double lo, double hi, const char* doc) {
    s.push_back({{n, lo, hi, true, doc}, nullptr, m});
  };
  s.push_back({{"persons", 1, 2e9, true, "exact number of persons generated"}});
  s.push_back({{"seed", 0, 9007199254740992.0, true, "random seed (same seed, same bytes)"}});
  num("start_year", &Params::start_year, 1800, 2100, "first year: founders are born from 1 January of it");
  num("end_year", &Params::end_year, 1800, 2200, "last year simulated (to 31 December)");
  num("window_years", &Params::window_years, 1, 400,
      "organisations' records cover the last this-many years (default 15)");
  dbl("fertility", &Params::fertility, 0, 10,
      "completed fertility per woman (default 1.6; Dutch TFR 1.43 in 2023, older cohorts higher)");
  dbl("mean_age_first_birth", &Params::mean_age_first_birth, 16, 45,
      "mean age of mothers at first birth (default 30, Dutch figure ~30)");
  dbl("sd_age_first_birth", &Params::sd_age_first_birth, 0.5, 10, "SD of age at first birth (years)");
  dbl("birth_interval", &Params::birth_interval, 1, 10, "mean years between successive births");
  dbl("partnered", &Params::partnered, 0, 1, "share of persons who ever form a union");
  dbl("separation", &Params::separation, 0, 1, "probability that a union dissolves");
  dbl("repartner", &Params::repartner, 0, 1, "probability of a new union after a separation");
  dbl("unknown_father", &Params::unknown_father, 0, 1, "share of births without a recorded father (default 3%)");
  dbl("mortality_mode", &Params::mortality_mode, 40, 110, "modal age at death (Gompertz)");
  dbl("emigration", &Params::emigration, 0, 0.2, "yearly emigration probability of adults");
  dbl("maltreatment_rate", &Params::maltreatment_rate, 0, 0.5,
      "yearly probability a child is maltreated (default 0.03: 26-37 per 1,000 children per year, "
      "Dutch prevalence study 2017)");
  dbl("maltreatment_by_parent", &Params::maltreatment_by_parent, 0, 1,
      "share of maltreatment by a parent (default 0.96, Dutch prevalence study 2017)");
  dbl("transmission_or", &Params::transmission_or, 0.01, 100,
      "planted odds ratio of maltreating for parents who were victims as children (default 3, "
      "2018 meta-analysis of 84 studies)");
  dbl("partner_violence_rate", &Params::partner_violence_rate, 0, 0.5,
      "yearly probability of partner violence in a union");
  dbl("partner_violence_or", &Params::partner_violence_or, 0.01, 100,
      "planted odds ratio of partner violence for adults who were victims or witnesses as children");
  dbl("male_perpetrator", &Params::male_perpetrator, 0, 1, "share of partner violence by the man");
  dbl("witness", &Params::witness, 0, 1, "probability a child in the household witnesses an incident");
  dbl("frailty_sd", &Params::frailty_sd, 0, 3, "SD of the household frailty (log-odds scale)");
  for (int o = 0; o < n_organisations; ++o)
    for (int k = 0; k < 2; ++k) {
      std::string n = "coverage_" + std::string(organisations[o]) + (k == 0 ? "_cm" : "_pv");
      std::string doc = "probability that " + std::string(organisations[o]) + " records an incident of " +
                        (k == 0 ? "child maltreatment" : "partner violence");
      s.push_back({{n, 0, 1, false, doc}, nullptr, nullptr, o, k});
    }
  dbl("contact_before", &Params::contact_before, 0, 1,
      "probability that a recorded person had a contact with an organisation before their first incident");
  dbl("background_contact", &Params::background_contact, 0, 1,
      "probability that a person has an unrelated contact during the window");
  return s;
}

const std::vector<Slot>& slots() {
  static const std::vector<Slot> s = make_slots();
  return s;
}

const Slot& find(std::string_view name) {
  for (const auto& s : slots())
    if (s.info.name == name) return s;
  std::string valid;
  for (const auto& s : slots()) valid += (valid.empty() ? "" : ", ") + s.info.name;
  throw std::invalid_argument("unknown parameter '" + std::string(name) + "' (valid: " + valid + ")");
}

std::string fmt(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

}  // namespace

const std::vector<ParamInfo>& parameter_info() {
  static const std::vector<ParamInfo> info = [] {
    std::vector<ParamInfo> v;
    for (const auto& s : slots()) v.push_back(s.info);
    return v;
  }();
  return info;
}

void set_parameter(Params& p, std::string_view name, double value) {
  const Slot& s = find(name);
  if (std::isfinite(value) && s.info.integer && value != std::floor(value))
    throw std::invalid_argument("parameter " + s.info.name + " = " + fmt(value) +
                                " is not a whole number (allowed: whole numbers in [" + fmt(s.info.lo) + ", " +
                                fmt(s.info.hi) + "])");
  if (!std::isfinite(value) || value < s.info.lo || value > s.info.hi)
    throw std::invalid_argument("parameter " + s.info.name + " = " + fmt(value) + " is outside the allowed range [" +
                                fmt(s.info.lo) + ", " + fmt(s.info.hi) + "]" +
                                (s.info.integer ? " (whole numbers only)" : ""));
  if (s.info.name == "persons") p.persons = static_cast<std::int64_t>(value);
  else if (s.info.name == "seed") p.seed = static_cast<std::uint64_t>(value);
  else if (s.d) p.*(s.d) = value;
  else if (s.i) p.*(s.i) = static_cast<int>(value);
  else p.coverage[s.org][s.kind] = value;
}

double get_parameter(const Params& p, std::string_view name) {
  const Slot& s = find(name);
  if (s.info.name == "persons") return static_cast<double>(p.persons);
  if (s.info.name == "seed") return static_cast<double>(p.seed);
  if (s.d) return p.*(s.d);
  if (s.i) return p.*(s.i);
  return p.coverage[s.org][s.kind];
}

std::map<std::string, double> parameters(const Params& p) {
  std::map<std::string, double> m;
  for (const auto& s : slots()) m[s.info.name] = get_parameter(p, s.info.name);
  return m;
}

void validate(const Params& p) {
  for (const auto& s : slots()) {
    if (s.info.name == "seed") continue;  // any uint64 is fine when set from C++
    Params copy = p;
    set_parameter(copy, s.info.name, get_parameter(p, s.info.name));  // range check
  }
  if (p.end_year < p.start_year + 50)
    throw std::invalid_argument("parameters start_year = " + std::to_string(p.start_year) + " and end_year = " +
                                std::to_string(p.end_year) +
                                ": the simulation must span at least 50 years (end_year >= start_year + 50) "
                                "so that several generations are simulated");
  if (p.window_years > p.end_year - p.start_year + 1)
    throw std::invalid_argument("parameter window_years = " + std::to_string(p.window_years) +
                                " is outside the simulated years: allowed range [1, " +
                                std::to_string(p.end_year - p.start_year + 1) + "] for " +
                                std::to_string(p.start_year) + "-" + std::to_string(p.end_year));
}

}  // namespace famgraph::synth
