# Boost (headers), Eigen 3.4, oneTBB and COIN-OR CLP for the famgraph library.
#
# Boost and Eigen are header-only: CMake's find_package is tried first; when a package is not found
# (a machine with a compiler and CMake but no Boost/Eigen, e.g. `pip install famgraph-*.tar.gz`),
# a pinned source archive is used instead, checked against its SHA-256 (FetchContent URL + URL_HASH).
# The archive is taken from third_party/archives/ when present (an sdist made after
# scripts/vendor_archives.sh carries them, so it builds offline), else downloaded.
# oneTBB is a compiled library and must be found (pip's `tbb-devel` or the system's libtbb-dev).
# COIN-OR CLP (the LP solver of the disclosure audit, src/disclosure_audit.cpp) is a compiled
# library too and must be found, through pkg-config (Debian coinor-libclp-dev, Homebrew clp).
#
# FAMGRAPH_DEPENDENCIES: AUTO (find, else the archive), SYSTEM (find only), ARCHIVE (always the
# archives: how the tests prove the fallback builds). See docs/installation.md.

include(FetchContent)

set(FAMGRAPH_DEPENDENCIES "AUTO" CACHE STRING "Boost/Eigen: AUTO (find_package, else a pinned archive), SYSTEM, ARCHIVE")
set_property(CACHE FAMGRAPH_DEPENDENCIES PROPERTY STRINGS AUTO SYSTEM ARCHIVE)
if(NOT FAMGRAPH_DEPENDENCIES MATCHES "^(AUTO|SYSTEM|ARCHIVE)$")
  message(FATAL_ERROR "FAMGRAPH_DEPENDENCIES=${FAMGRAPH_DEPENDENCIES}: expected AUTO, SYSTEM or ARCHIVE")
endif()

# The pinned archives. 1.74.0 is the Boost the test suite runs on (Debian 12); Eigen 3.4.0 the
# Eigen. Each can be overridden (a mirror, or a local copy: file:///path/archive.tar.bz2) together
# with its hash.
set(FAMGRAPH_BOOST_URL "https://archives.boost.io/release/1.74.0/source/boost_1_74_0.tar.bz2"
    CACHE STRING "Boost source archive used when find_package(Boost) fails")
set(FAMGRAPH_BOOST_SHA256 "83bfc1507731a0906e387fc28b7ef5417d591429e51e788417fe9ff025e116b1"
    CACHE STRING "SHA-256 of FAMGRAPH_BOOST_URL")
set(FAMGRAPH_EIGEN_URL "https://gitlab.com/libeigen/eigen/-/archive/3.4.0/eigen-3.4.0.tar.gz"
    CACHE STRING "Eigen source archive used when find_package(Eigen3) fails")
set(FAMGRAPH_EIGEN_SHA256 "8586084f71f9bde545ee7fa6d00288b264a2b7ac3607b974e54d13e7162c1c72"
    CACHE STRING "SHA-256 of FAMGRAPH_EIGEN_URL")

# A copy in the source tree (sdist) wins over the download; the hash is checked either way.
function(_famgraph_archive_url var url)
  get_filename_component(name "${url}" NAME)
  set(local "${PROJECT_SOURCE_DIR}/third_party/archives/${name}")
  if(EXISTS "${local}")
    set(${var} "${local}" PARENT_SCOPE)
  else()
    set(${var} "${url}" PARENT_SCOPE)
  endif()
endfunction()

# Header-only library from an archive: no add_subdirectory (SOURCE_SUBDIR names a folder without a
# CMakeLists.txt), one imported INTERFACE target whose headers are system headers.
function(_famgraph_header_archive name url sha256 target include_suffix)
  _famgraph_archive_url(where "${url}")
  message(STATUS "famgraph: ${target} from the pinned archive ${where}")
  FetchContent_Declare(${name}
    URL "${where}"
    URL_HASH SHA256=${sha256}
    DOWNLOAD_EXTRACT_TIMESTAMP ON
    SOURCE_SUBDIR _famgraph_headers_only)
  FetchContent_MakeAvailable(${name})
  add_library(${target} INTERFACE IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${${name}_SOURCE_DIR}${include_suffix}"
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${${name}_SOURCE_DIR}${include_suffix}")
  set_property(GLOBAL PROPERTY FAMGRAPH_ARCHIVE_DEPENDENCIES_USED ON)
endfunction()

if(NOT FAMGRAPH_DEPENDENCIES STREQUAL "ARCHIVE")
  if(FAMGRAPH_DEPENDENCIES STREQUAL "SYSTEM")
    set(_fg_required REQUIRED)
  else()
    set(_fg_required QUIET)
  endif()
  find_package(Boost 1.74 CONFIG ${_fg_required} COMPONENTS headers)
  find_package(Eigen3 3.4 CONFIG ${_fg_required} NO_MODULE)
endif()
if(NOT TARGET Boost::headers)
  _famgraph_header_archive(famgraph_boost "${FAMGRAPH_BOOST_URL}" "${FAMGRAPH_BOOST_SHA256}" Boost::headers "")
endif()
if(NOT TARGET Eigen3::Eigen)
  _famgraph_header_archive(famgraph_eigen "${FAMGRAPH_EIGEN_URL}" "${FAMGRAPH_EIGEN_SHA256}" Eigen3::Eigen "")
endif()

find_package(TBB 2021 CONFIG REQUIRED)

# COIN-OR CLP (EPL): a private dependency (no CLP header is included by a famgraph header). Only
# libClp and libCoinUtils are linked: the `clp` pkg-config module also lists libClpSolver (CLP's
# command-line driver), which the audit does not use.
include(cmake/FamgraphClp.cmake)
