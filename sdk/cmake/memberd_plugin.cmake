# memberd_add_plugin(<name> SOURCES <files...> [LIBRARIES <targets...>])
#
# Builds the plugin library <name>.so (no "lib" prefix: the daemon looks for
# <plugins.dir>/<name>.so). The flags matter:
#   -fvisibility=hidden  only the two MEMBERD_PLUGIN exports are visible, so
#                        two plugins never bind to each other's symbols;
#   -fno-gnu-unique      without it GCC emits GNU-unique symbols for template
#                        statics and dlclose() never unloads the library, so a
#                        hot swap would leak every old version;
#   -Wl,--no-undefined   a missing symbol fails the build, not the daemon.
# If MEMBERD_PLUGIN_OUTPUT_DIR is set, the .so is written there.
function(memberd_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(MEMBERD_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${MEMBERD_PLUGIN_OUTPUT_DIR})
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${name} PRIVATE -fno-gnu-unique)
  endif()
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
  target_link_libraries(${name} PRIVATE memberd::sdk ${ARG_LIBRARIES})
endfunction()
