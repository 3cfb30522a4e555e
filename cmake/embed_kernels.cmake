# embed_kernels.cmake: turns the .cl files into a C file of byte arrays, so the
# library carries its kernel sources (run with cmake -P; no Python needed).
# Inputs: -DOUTPUT=<file.c> -DSOURCES=<a.cl;b.cl;...>
if(NOT OUTPUT OR NOT SOURCES)
  message(FATAL_ERROR "embed_kernels.cmake needs OUTPUT and SOURCES")
endif()

set(arrays "")
set(table "")
foreach(source IN LISTS SOURCES)
  get_filename_component(name "${source}" NAME_WE)
  file(READ "${source}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  # Writes each byte as 0xNN, with a line break every 16 bytes.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n  " bytes "${bytes}")
  string(APPEND arrays "static const char source_${name}[] = {\n  ${bytes}0x00};\n\n")
  string(APPEND table "    {\"${name}\", source_${name}, ${size}},\n")
endforeach()

file(WRITE "${OUTPUT}.tmp" "/* kernel_sources.c: generated from the cl/ folder by cmake/embed_kernels.cmake; do not edit. */
#include \"common/kernel_sources.h\"

#include <string.h>

${arrays}static const clconv__embedded_source sources[] = {
${table}};

const clconv__embedded_source *clconv__kernel_sources_find(const char *name) {
  for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++)
    if (strcmp(sources[i].name, name) == 0)
      return &sources[i];
  return NULL;
}
")
# Replaces the output only when it changed, so nothing rebuilds needlessly.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
