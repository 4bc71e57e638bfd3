# soci::core as an imported target. SOCI 4.0.3 (Debian 12) ships neither a
# CMake package nor a .pc file, so the SDK finds it itself: the daemon's
# build and find_package(memberd_sdk) use this same file, so a plugin always
# compiles against the SOCI the daemon links (the build signature checks it).
if(NOT TARGET soci::core)
  find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
  find_library(SOCI_core_LIBRARY NAMES soci_core REQUIRED)
  add_library(soci::core SHARED IMPORTED)
  set_target_properties(soci::core PROPERTIES
    IMPORTED_LOCATION ${SOCI_core_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR};${SOCI_INCLUDE_DIR}/soci")
endif()
