# famgraph::clp: COIN-OR CLP (libClp + libCoinUtils) as an imported target, found through
# pkg-config (`clp`, which requires `coinutils`). Included by cmake/FamgraphDependencies.cmake and,
# for consumers of the static library, by the installed famgraphConfig.cmake (installed next to it).
#
# The `clp` module's Libs name libClpSolver too (CLP's stand-alone driver); famgraph needs the
# simplex only, so the target links the two shared libraries found by name (their own
# dependencies, lapack, blas, bz2, z, are theirs to load) with the include directory of pkg-config.
if(NOT TARGET famgraph::clp)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(FAMGRAPH_CLP REQUIRED clp coinutils)
  find_library(FAMGRAPH_CLP_LIBRARY NAMES Clp HINTS ${FAMGRAPH_CLP_LIBRARY_DIRS} REQUIRED)
  find_library(FAMGRAPH_COINUTILS_LIBRARY NAMES CoinUtils HINTS ${FAMGRAPH_CLP_LIBRARY_DIRS} REQUIRED)
  add_library(famgraph::clp INTERFACE IMPORTED)
  set_target_properties(famgraph::clp PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${FAMGRAPH_CLP_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${FAMGRAPH_CLP_LIBRARY};${FAMGRAPH_COINUTILS_LIBRARY}")
  message(STATUS "famgraph: COIN-OR CLP ${FAMGRAPH_CLP_clp_VERSION} (${FAMGRAPH_CLP_LIBRARY})")
endif()
