# memberd_embed_files(NAME <target> NAMESPACE <ns> FUNCTION <fn>
#                     BASE_DIR <dir> FILES <files...>
#                     [INCLUDE_DIR <dir>] [HEADER <include path>])
#
# Compiles files into a STATIC library <target> whose one generated source
# (${CMAKE_CURRENT_BINARY_DIR}/<target>_embedded.cpp) defines
#
#   const std::vector<memberd::EmbeddedFile>& <ns>::<fn>();
#
# (memberd::EmbeddedFile is in the SDK: sdk/include/memberd/embedded_file.hpp.) Each entry's
# path is the file's path relative to BASE_DIR with forward slashes; entries
# are sorted by that path, byte-wise, so memberd::find_embedded_file() can
# binary-search them. The data are the exact bytes (binary-safe).
#
#   NAME         the library target to create
#   NAMESPACE    C++ namespace of the function, nested with "::" if need be
#   FUNCTION     the function's name
#   BASE_DIR     paths are made relative to it; relative BASE_DIR is taken
#                from CMAKE_CURRENT_SOURCE_DIR. Every file must lie below it.
#   FILES        absolute paths, or paths relative to BASE_DIR
#   INCLUDE_DIR  where HEADER is found; defaults to the SDK's
#                ${PROJECT_SOURCE_DIR}/sdk/include. Exported PUBLIC, so code
#                that links <target> finds the header too.
#   HEADER       how the generated source includes the header; defaults to
#                memberd/embedded_file.hpp (the SDK's, which plugins share).
#
# The library is built with hidden visibility: linked into a plugin, the
# function stays private to that plugin's .so.
#
# The generation runs at build time (add_custom_command running
# embed_files_script.cmake with `cmake -P`) and depends on every file, so
# editing one re-generates and rebuilds. Adding or removing a file changes
# the list, which needs a re-configure: pass a file(GLOB ... CONFIGURE_DEPENDS)
# result as FILES and CMake notices new files by itself.
#
# No header is generated: the consumer declares the function itself, e.g.
#   namespace memberd::console_assets {
#   const std::vector<EmbeddedFile>& files();
#   }

include_guard(GLOBAL)

set(_MEMBERD_EMBED_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/embed_files_script.cmake")

function(memberd_embed_files)
  cmake_parse_arguments(PARSE_ARGV 0 arg
    "" "NAME;NAMESPACE;FUNCTION;BASE_DIR;INCLUDE_DIR;HEADER" "FILES")

  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "memberd_embed_files: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  foreach(required IN ITEMS NAME NAMESPACE FUNCTION BASE_DIR)
    if(NOT arg_${required})
      message(FATAL_ERROR "memberd_embed_files: ${required} is required")
    endif()
  endforeach()
  if(NOT arg_FILES)
    message(FATAL_ERROR "memberd_embed_files(${arg_NAME}): FILES is empty")
  endif()
  set(ident "[A-Za-z_][A-Za-z0-9_]*")
  if(NOT arg_NAMESPACE MATCHES "^${ident}(::${ident})*$")
    message(FATAL_ERROR "memberd_embed_files(${arg_NAME}): NAMESPACE '${arg_NAMESPACE}' is not a C++ namespace name")
  endif()
  if(NOT arg_FUNCTION MATCHES "^${ident}$")
    message(FATAL_ERROR "memberd_embed_files(${arg_NAME}): FUNCTION '${arg_FUNCTION}' is not a C++ identifier")
  endif()
  # Without INCLUDE_DIR the header comes from the SDK target (in this tree,
  # or installed: find_package(memberd_sdk) includes this file too).
  set(link_sdk FALSE)
  if(NOT arg_INCLUDE_DIR)
    if(TARGET memberd::sdk)
      set(link_sdk TRUE)
      set(arg_INCLUDE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    else()
      set(arg_INCLUDE_DIR "${PROJECT_SOURCE_DIR}/sdk/include")
    endif()
  endif()
  if(NOT arg_HEADER)
    set(arg_HEADER "memberd/embedded_file.hpp")
  endif()

  cmake_path(ABSOLUTE_PATH arg_BASE_DIR BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
             NORMALIZE OUTPUT_VARIABLE base_dir)
  string(REGEX REPLACE "/+$" "" base_dir "${base_dir}")
  cmake_path(ABSOLUTE_PATH arg_INCLUDE_DIR BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
             NORMALIZE OUTPUT_VARIABLE include_dir)

  # Relative paths, checked to lie below BASE_DIR, sorted and de-duplicated.
  set(rel_paths "")
  foreach(file IN LISTS arg_FILES)
    cmake_path(ABSOLUTE_PATH file BASE_DIRECTORY "${base_dir}" NORMALIZE OUTPUT_VARIABLE abs)
    cmake_path(IS_PREFIX base_dir "${abs}" NORMALIZE below)
    if(NOT below OR abs STREQUAL base_dir)
      message(FATAL_ERROR "memberd_embed_files(${arg_NAME}): '${file}' is not below BASE_DIR '${base_dir}'")
    endif()
    if(NOT EXISTS "${abs}" OR IS_DIRECTORY "${abs}")
      message(FATAL_ERROR "memberd_embed_files(${arg_NAME}): '${abs}' is not a file")
    endif()
    file(RELATIVE_PATH rel "${base_dir}" "${abs}")
    list(APPEND rel_paths "${rel}")
  endforeach()
  list(REMOVE_DUPLICATES rel_paths)
  list(SORT rel_paths COMPARE STRING CASE SENSITIVE)

  set(abs_paths "")
  foreach(rel IN LISTS rel_paths)
    list(APPEND abs_paths "${base_dir}/${rel}")
  endforeach()

  # The list goes to the script in a manifest rather than on the command line
  # (no quoting trouble, no length limit). It is rewritten only when it
  # changes, and the output depends on it, so a changed list re-generates.
  set(out_cpp "${CMAKE_CURRENT_BINARY_DIR}/${arg_NAME}_embedded.cpp")
  set(manifest "${CMAKE_CURRENT_BINARY_DIR}/${arg_NAME}_embedded.manifest.cmake")
  set(manifest_text "# Generated by memberd_embed_files(${arg_NAME}); do not edit.\n")
  string(APPEND manifest_text "set(EMBED_NAMESPACE [==[${arg_NAMESPACE}]==])\n")
  string(APPEND manifest_text "set(EMBED_FUNCTION [==[${arg_FUNCTION}]==])\n")
  string(APPEND manifest_text "set(EMBED_BASE_DIR [==[${base_dir}]==])\n")
  string(APPEND manifest_text "set(EMBED_HEADER [==[${arg_HEADER}]==])\n")
  string(APPEND manifest_text "set(EMBED_FILES\n")
  foreach(rel IN LISTS rel_paths)
    string(APPEND manifest_text "  [==[${rel}]==]\n")
  endforeach()
  string(APPEND manifest_text ")\n")
  set(old_text "")
  if(EXISTS "${manifest}")
    file(READ "${manifest}" old_text)
  endif()
  if(NOT old_text STREQUAL manifest_text)
    file(WRITE "${manifest}" "${manifest_text}")
  endif()

  list(LENGTH rel_paths count)
  add_custom_command(
    OUTPUT "${out_cpp}"
    COMMAND "${CMAKE_COMMAND}" "-DMANIFEST=${manifest}" "-DOUTPUT=${out_cpp}"
            -P "${_MEMBERD_EMBED_SCRIPT}"
    DEPENDS ${abs_paths} "${manifest}" "${_MEMBERD_EMBED_SCRIPT}"
    COMMENT "Embedding ${count} file(s) into ${arg_NAME}"
    VERBATIM)

  add_library(${arg_NAME} STATIC "${out_cpp}")
  if(link_sdk)
    target_link_libraries(${arg_NAME} PUBLIC memberd::sdk)
  else()
    target_include_directories(${arg_NAME} PUBLIC "${include_dir}")
  endif()
  target_compile_features(${arg_NAME} PUBLIC cxx_std_17)
  set_target_properties(${arg_NAME} PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
endfunction()
