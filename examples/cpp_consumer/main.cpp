// Uses famgraph as an outside project would: load a dataset folder, walk the family graph.
#include <famgraph/famgraph.hpp>
#include <iostream>

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
    return 0;
  } catch (const famgraph::DataError& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
