#pragma once
// Parameters of the synthetic population model (docs/spec/synthetic.md), each with its default, allowed
// range and the figure it is based on (docs/synthetic.md cites the sources).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace famgraph::synth {

/// The six recording organisations, in a fixed order (their codes appear in the `source` column).
inline constexpr std::string_view organisations[6] = {"police",      "veilig_thuis", "youth_care",
                                                      "gp",          "school",       "shelter"};
inline constexpr int n_organisations = 6;

struct Params {
  std::int64_t persons = 100000;  ///< exact number of persons generated
  std::uint64_t seed = 1;
  // Time frame.
  int start_year = 1870;   ///< founders are born from 1 January of this year (= simulation start)
  int end_year = 2025;     ///< the simulation ends on 31 December of this year
  int window_years = 15;   ///< organisations' records cover the last this-many years
  // Demography.
  double fertility = 1.6;              ///< completed fertility: mean children per woman
  double mean_age_first_birth = 30.0;  ///< mothers' mean age at first birth (years)
  double sd_age_first_birth = 4.5;
  double birth_interval = 3.0;         ///< mean years between successive births
  double partnered = 0.88;             ///< share of persons who ever form a union
  double separation = 0.30;            ///< probability a union dissolves before old age
  double repartner = 0.60;             ///< probability of a new union after a separation
  double unknown_father = 0.03;        ///< share of births with no recorded father
  double mortality_mode = 82.0;        ///< modal age at death (Gompertz)
  double emigration = 0.002;           ///< yearly emigration probability of adults
  // Violence.
  double maltreatment_rate = 0.03;     ///< yearly probability a child is maltreated (baseline)
  double maltreatment_by_parent = 0.96;  ///< share of maltreatment by a parent
  double transmission_or = 3.0;        ///< planted OR: parent was a childhood victim
  double partner_violence_rate = 0.01;  ///< yearly probability of partner violence in a union
  double partner_violence_or = 2.5;    ///< planted OR: perpetrator was a childhood victim/witness
  double male_perpetrator = 0.75;      ///< share of partner violence by the man
  double witness = 0.5;                ///< probability a child in the household witnesses
  double frailty_sd = 0.5;             ///< SD of the household frailty on the log-odds scale
  // Recording.
  double coverage[n_organisations][2] = {  ///< [organisation][0 maltreatment, 1 partner violence]
      {0.10, 0.35}, {0.35, 0.25}, {0.25, 0.05}, {0.05, 0.05}, {0.10, 0.00}, {0.00, 0.10}};
  double contact_before = 0.35;      ///< probability a recorded person had a prior contact
  double background_contact = 0.03;  ///< probability a person has an unrelated contact in the window
};

/// One parameter as users see it: `--set name=value`, `generate(name=value)`.
struct ParamInfo {
  std::string name;
  double lo, hi;        ///< allowed closed range
  bool integer;
  std::string doc;      ///< meaning and source of the default
};

/// Every settable parameter (persons and seed included), in documentation order.
const std::vector<ParamInfo>& parameter_info();
/// Sets a parameter by name; throws std::invalid_argument naming the parameter, value and range.
void set_parameter(Params& p, std::string_view name, double value);
/// Current value of a parameter by name.
double get_parameter(const Params& p, std::string_view name);
/// All parameters and their values.
std::map<std::string, double> parameters(const Params& p);
/// Checks ranges and cross-parameter constraints; throws std::invalid_argument on the first
/// violation (message names the parameter, its value and the allowed range).
void validate(const Params& p);

}  // namespace famgraph::synth
