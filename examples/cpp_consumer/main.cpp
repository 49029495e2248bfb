// Uses famgraph as an outside project would: load a dataset folder, walk the family graph, and
// publish an indicator's 2×2 table under disclosure control (famgraph/disclosure.hpp: the same rules
// famgraph.disclosure applies in Python).
#include <famgraph/famgraph.hpp>
#include <iomanip>
#include <iostream>
#include <string>

namespace {

/// A 2×2 table with its margins as published: every suppressed number (primary or secondary) shows
/// the same marker, and the stamp says which rule was applied.
void print_2x2(const std::string& title, const famgraph::indicators::Counts2x2& counts,
               const famgraph::disclosure::Policy& policy) {
  namespace dc = famgraph::disclosure;
  using F = dc::Field2x2;
  const dc::Table2x2Counts t{counts.a, counts.b, counts.c, counts.d};
  const dc::Suppressed2x2 s = dc::suppress(t, policy);
  const auto shown = [&](F f) { return s.suppressed(f) ? dc::marker(policy) : std::to_string(t.value(f)); };
  std::cout << title << "\n"
            << "  " << std::left << std::setw(10) << "" << std::right << std::setw(9) << "outcome"
            << std::setw(12) << "no outcome" << std::setw(8) << "total" << "\n";
  const auto row = [&](const char* name, F outcome, F no_outcome, F margin) {
    std::cout << "  " << std::left << std::setw(10) << name << std::right << std::setw(9) << shown(outcome)
              << std::setw(12) << shown(no_outcome) << std::setw(8) << shown(margin) << "\n";
  };
  row("exposed", F::a, F::b, F::exposed);
  row("unexposed", F::c, F::d, F::unexposed);
  row("total", F::outcome, F::no_outcome, F::total);
  std::cout << "  " << dc::stamp(policy) << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: consumer DATA_DIR\n";
    return 2;
  }
  try {
    const famgraph::Dataset ds = famgraph::load_csv(argv[1]);
    const famgraph::FamilyGraph g(ds.persons);
    const auto i = ds.persons.index_of(403);
    if (i == famgraph::NONE) {
      std::cerr << "person 403 not in " << argv[1] << "\n";
      return 1;
    }
    std::cout << "famgraph " << famgraph::version << ": " << ds.persons.size() << " persons, "
              << g.n_components() << " family components, " << g.max_generation() + 1
              << " generations\n";
    std::cout << "first cousins of 403:";
    for (auto c : g.relatives(i, famgraph::Relation::first_cousin)) std::cout << " " << ds.persons.id[c];
    std::cout << "\n";

    // Disclosure control is on by default (min_cell = 10), as in every famgraph output.
    const famgraph::disclosure::Policy policy;
    famgraph::indicators::RelativeExposureOptions options;
    options.relations = {famgraph::Relation::parent};
    options.role_pairs = {{famgraph::Role::victim, famgraph::Role::victim}};
    const auto table = famgraph::indicators::relative_exposure_table(ds, options);
    print_2x2("parent victim -> proband victim (relative exposure, 2x2):", table.cells.at(0).counts, policy);
    return 0;
  } catch (const famgraph::DataError& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
