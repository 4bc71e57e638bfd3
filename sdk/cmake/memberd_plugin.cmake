# memberd_add_plugin(<name> SOURCES <files...>
#                    [NAMESPACE <c++ namespace>]
#                    [SCHEMA <dir>] [UI <dir>] [MAIL <dir>] [OPENAPI <file>]
#                    [LIBRARIES <targets...>]
#                    [INSTALL <component>])
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
#
# The folders an area is made of are compiled in (memberd_embed_files) and
# declared in a generated header, so the plugin's sources only
#   #include "embedded_files.hpp"
# and call, in NAMESPACE (default memberd::<name>):
#   SCHEMA <dir>  schema::files(): <dir>/sqlite/*.sql and <dir>/postgresql/*.sql,
#                 for migrations_from_files() (memberd/migrations.hpp);
#   UI <dir>      ui::files(): the .js, .mjs, .css, .svg, .png, .woff2 and
#                 .html files below <dir>, for Host::add_ui_files();
#   MAIL <dir>    mail::files(): <dir>/*.txt and <dir>/*.html, for
#                 Host::add_mail_templates();
#   OPENAPI <file> openapi::files(): that one YAML file (the plugin's part of
#                 the HTTP contract), for Host::add_api_description().
# A relative <dir> or <file> is taken from CMAKE_CURRENT_SOURCE_DIR. Files added later
# are found on the next build (the globs are CONFIGURE_DEPENDS).
#
# INSTALL <component>: `cmake --install` puts <name>.so in
# <libdir>/memberd/plugins and the MAIL templates in
# <sysconfdir>/memberd/mail/<name>/ (where the operator edits them), as part
# of <component>. Without it nothing is installed (test fixtures).
#
# memberd_embed_files() must be defined (find_package(memberd_sdk) does it).
function(memberd_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "NAMESPACE;SCHEMA;UI;MAIL;OPENAPI;INSTALL" "SOURCES;LIBRARIES")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "memberd_add_plugin(${name}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_NAMESPACE)
    set(ARG_NAMESPACE "memberd::${name}")
  endif()
  if(ARG_INSTALL)
    include(GNUInstallDirs)  # <libdir>, <sysconfdir>
  endif()

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

  # One embedded folder each: the library <name>_<kind> and its declaration.
  set(declarations "")
  foreach(kind IN ITEMS schema ui mail openapi)
    string(TOUPPER ${kind} option)
    if(NOT ARG_${option})
      continue()
    endif()
    get_filename_component(dir "${ARG_${option}}" ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    if(kind STREQUAL "openapi")
      if(NOT EXISTS ${dir} OR IS_DIRECTORY ${dir})
        message(FATAL_ERROR "memberd_add_plugin(${name}): OPENAPI ${dir} is not a file")
      endif()
      set(files ${dir})
      get_filename_component(dir ${dir} DIRECTORY)
    elseif(kind STREQUAL "schema")
      file(GLOB files CONFIGURE_DEPENDS ${dir}/sqlite/*.sql ${dir}/postgresql/*.sql)
    elseif(kind STREQUAL "ui")
      # The web types the host serves (not an editor's backup files).
      file(GLOB_RECURSE files LIST_DIRECTORIES false CONFIGURE_DEPENDS ${dir}/*.js ${dir}/*.mjs ${dir}/*.css
        ${dir}/*.svg ${dir}/*.png ${dir}/*.woff2 ${dir}/*.html)
    else()
      file(GLOB files CONFIGURE_DEPENDS ${dir}/*.txt ${dir}/*.html)
    endif()
    if(NOT files)
      message(FATAL_ERROR "memberd_add_plugin(${name}): ${option} ${dir} holds no files")
    endif()
    memberd_embed_files(NAME ${name}_${kind} NAMESPACE ${ARG_NAMESPACE}::${kind} FUNCTION files
      BASE_DIR ${dir} FILES ${files})
    target_link_libraries(${name} PRIVATE ${name}_${kind})
    # The folder as the plugin's CMakeLists.txt names it: no absolute path in
    # a generated header (it would differ per checkout, and so per cache).
    string(APPEND declarations
      "namespace ${ARG_NAMESPACE}::${kind} {\n"
      "// ${option} ${ARG_${option}}\n"
      "const std::vector<memberd::EmbeddedFile>& files();\n"
      "}\n")
    if(kind STREQUAL "mail" AND ARG_INSTALL)
      install(FILES ${files} DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/memberd/mail/${name} COMPONENT ${ARG_INSTALL})
    endif()
  endforeach()
  set(generated_dir ${CMAKE_CURRENT_BINARY_DIR}/${name}_generated)
  string(CONCAT header
    "// Generated by memberd_add_plugin(${name}): the folders compiled into it.\n"
    "#pragma once\n\n"
    "#include <memberd/embedded_file.hpp>\n\n"
    "#include <vector>\n\n"
    "${declarations}")
  file(CONFIGURE OUTPUT ${generated_dir}/embedded_files.hpp CONTENT "${header}" @ONLY)
  target_include_directories(${name} PRIVATE ${generated_dir})

  if(ARG_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/memberd/plugins COMPONENT ${ARG_INSTALL})
  endif()
endfunction()

# memberd_add_plugin_library(<target> SOURCES <files...> [LIBRARIES <targets...>])
#
# A static library of a plugin's own, built to be linked into <name>.so (and
# into unit tests that reach the code without loading the plugin): position
# independent, hidden visibility, no GNU-unique symbols, as the plugin is.
# Its folder (CMAKE_CURRENT_SOURCE_DIR) is on its users' include path, and
# LIBRARIES are linked PUBLIC.
function(memberd_add_plugin_library target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES;LIBRARIES")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "memberd_add_plugin_library(${target}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  add_library(${target} STATIC ${ARG_SOURCES})
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${target} PUBLIC memberd::sdk ${ARG_LIBRARIES})
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -fno-gnu-unique)
  endif()
endfunction()
