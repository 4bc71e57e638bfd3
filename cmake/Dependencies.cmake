# All third-party dependencies, from Debian's packages (see shared TOOLCHAIN notes).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n)

pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
pkg_check_modules(MAXMINDDB REQUIRED IMPORTED_TARGET libmaxminddb)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)  # LISTEN/NOTIFY: storage/postgres_listener.cpp
# libcurl (OpenSSL flavour): the SMTP mail transport.
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)

# SOCI 4.0.3 ships neither a CMake package nor a .pc file: soci::core the
# way the SDK's package finds it, and the two backends the daemon links.
include(${PROJECT_SOURCE_DIR}/sdk/cmake/memberd_soci.cmake)
foreach(part sqlite3 postgresql)
  find_library(SOCI_${part}_LIBRARY NAMES soci_${part} REQUIRED)
  add_library(soci::${part} SHARED IMPORTED)
  set_target_properties(soci::${part} PROPERTIES
    IMPORTED_LOCATION ${SOCI_${part}_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR};${SOCI_INCLUDE_DIR}/soci")
endforeach()
find_path(PQ_INCLUDE_DIR libpq-fe.h PATH_SUFFIXES postgresql REQUIRED)
find_library(PQ_LIBRARY pq REQUIRED)
find_library(SQLITE3_LIBRARY sqlite3 REQUIRED)
set_property(TARGET soci::postgresql APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES ${PQ_INCLUDE_DIR})
set_property(TARGET soci::postgresql APPEND PROPERTY INTERFACE_LINK_LIBRARIES soci::core ${PQ_LIBRARY})
set_property(TARGET soci::sqlite3 APPEND PROPERTY INTERFACE_LINK_LIBRARIES soci::core ${SQLITE3_LIBRARY})
