# check_design.cmake: fails when docs/design.md does not name a source file
# of the tree, so that its Layout and Modules cannot drift from the code
# (run by CTest as `design_names_every_file`). A file counts as named when
# its name (for example `op_corr2d.c`) appears in the design; a header also
# when its source file's name does (`layer.h` with `layer.c`).
# Usage: cmake -DROOT=<checkout> -P check_design.cmake
cmake_minimum_required(VERSION 3.21)
file(READ "${ROOT}/docs/design.md" design)
file(GLOB_RECURSE files RELATIVE "${ROOT}"
     "${ROOT}/host/*.c" "${ROOT}/host/*.h" "${ROOT}/cl/*.cl"
     "${ROOT}/include/*.h" "${ROOT}/tools/*.c" "${ROOT}/tools/*.h"
     "${ROOT}/examples/*.c" "${ROOT}/python/clconv/*.py"
     "${ROOT}/bench/*.py" "${ROOT}/cmake/*")
set(missing "")
foreach(file IN LISTS files)
  get_filename_component(name "${file}" NAME)
  string(FIND "${design}" "${name}" at)
  if(at EQUAL -1 AND name MATCHES "^(.*)\\.h$")
    string(FIND "${design}" "${CMAKE_MATCH_1}.c" at)
  endif()
  if(at EQUAL -1)
    string(APPEND missing "  ${file}\n")
  endif()
endforeach()
# Every folder of host/ and tests/ too.
file(GLOB folders LIST_DIRECTORIES true RELATIVE "${ROOT}" "${ROOT}/host/*" "${ROOT}/tests/*")
foreach(folder IN LISTS folders)
  if(IS_DIRECTORY "${ROOT}/${folder}")
    string(FIND "${design}" "${folder}/" at)
    get_filename_component(leaf "${folder}" NAME)
    string(FIND "${design}" "${leaf}/" at_leaf)
    if(at EQUAL -1 AND at_leaf EQUAL -1)
      string(APPEND missing "  ${folder}/\n")
    endif()
  endif()
endforeach()
list(LENGTH files count)
if(missing)
  message(FATAL_ERROR "docs/design.md does not name these files of the tree; "
                      "add them to its Layout or Modules:\n${missing}")
endif()
message(STATUS "design: docs/design.md names all ${count} source files")
