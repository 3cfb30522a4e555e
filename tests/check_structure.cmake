# check_structure.cmake: checks three rules of docs/design.md on the
# library's compiled objects (run by CTest as `structure`):
#  1. every external function of host/FOLDER/STEM.c is public (clconv_*,
#     declared in include/clconv.h) or carries its module's prefix,
#     clconv__STEM;
#  2. no circle of calls between the modules (files);
#  3. calls between folders run down the order of FOLDERS only (api, check,
#     core, opencl, reference, tiles, common): no folder calls one above it.
# The generated kernel_sources.c belongs to common/.
# Usage: cmake -DNM=<nm> -DOBJECTS=<a.c.o|b.c.o|...> -DFOLDERS=<api|...>
#        -P check_structure.cmake
cmake_minimum_required(VERSION 3.21)
string(REPLACE "|" ";" objects "${OBJECTS}")
string(REPLACE "|" ";" folders "${FOLDERS}")
set(problems "")
set(modules "")

# The module of each object, the symbols it defines and those it needs.
foreach(object IN LISTS objects)
  get_filename_component(name "${object}" NAME)
  string(REGEX REPLACE "\\.c\\.(o|obj)$" "" stem "${name}")
  list(APPEND modules ${stem})
  if(object MATCHES "/host/([a-z_]+)/[^/]+$")
    set(folder_${stem} ${CMAKE_MATCH_1})
  else()
    set(folder_${stem} common)
  endif()
  if(NOT folder_${stem} IN_LIST folders)
    string(APPEND problems "  ${stem}.c lies in host/${folder_${stem}}/, not a folder of the layout\n")
  endif()
  execute_process(COMMAND ${NM} -g --defined-only "${object}"
                  OUTPUT_VARIABLE defined RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${object}")
  endif()
  execute_process(COMMAND ${NM} -u "${object}" OUTPUT_VARIABLE needed)
  string(REGEX MATCHALL "[A-Za-z] [A-Za-z_][A-Za-z0-9_]*\n" lines "${defined}")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[A-Za-z] ([A-Za-z0-9_]+)\n$" "\\1" symbol "${line}")
    if(symbol MATCHES "^clconv__")
      if(NOT symbol MATCHES "^clconv__${stem}(_|$)")
        string(APPEND problems "  ${stem}.c defines ${symbol}, not clconv__${stem}_*\n")
      endif()
    elseif(NOT symbol MATCHES "^clconv_" AND NOT symbol MATCHES "^_")
      string(APPEND problems "  ${stem}.c exports ${symbol} without the clconv prefix\n")
    endif()
    set(owner_${symbol} ${stem})
  endforeach()
  string(REGEX MATCHALL "U [A-Za-z_][A-Za-z0-9_]*" uses "${needed}")
  string(REGEX REPLACE "U " "" uses "${uses}")
  set(uses_${stem} ${uses})
endforeach()

# The calls between modules: an edge from each user to each owner.
foreach(stem IN LISTS modules)
  set(edges_${stem} "")
  foreach(symbol IN LISTS uses_${stem})
    if(DEFINED owner_${symbol} AND NOT owner_${symbol} STREQUAL stem)
      list(APPEND edges_${stem} ${owner_${symbol}})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES edges_${stem})
endforeach()

# The folders' order: a call from one folder to another runs downward.
foreach(stem IN LISTS modules)
  list(FIND folders "${folder_${stem}}" rank)
  foreach(callee IN LISTS edges_${stem})
    list(FIND folders "${folder_${callee}}" callee_rank)
    if(callee_rank LESS rank)
      string(APPEND problems "  ${folder_${stem}}/${stem}.c calls ${folder_${callee}}/${callee}.c, a folder above its own\n")
    endif()
  endforeach()
endforeach()

# Removes modules that call no remaining module until none is left; what
# stays lies on a circle or leads into one.
set(left ${modules})
set(changed TRUE)
while(changed)
  set(changed FALSE)
  foreach(stem IN LISTS left)
    set(calls_left FALSE)
    foreach(callee IN LISTS edges_${stem})
      if(callee IN_LIST left)
        set(calls_left TRUE)
      endif()
    endforeach()
    if(NOT calls_left)
      list(REMOVE_ITEM left ${stem})
      set(changed TRUE)
    endif()
  endforeach()
endwhile()
foreach(stem IN LISTS left)
  set(callees "")
  foreach(callee IN LISTS edges_${stem})
    if(callee IN_LIST left)
      list(APPEND callees ${callee})
    endif()
  endforeach()
  string(REPLACE ";" ", " callees "${callees}")
  string(APPEND problems "  ${stem}.c is on a circle of calls: it calls ${callees}\n")
endforeach()

list(LENGTH modules count)
if(problems)
  message(FATAL_ERROR "structure: the rules of docs/design.md are broken:\n${problems}")
endif()
list(LENGTH folders folder_count)
message(STATUS "structure: ${count} modules in ${folder_count} folders, each function with its module's prefix, no circle of calls, calls only down the folders")
