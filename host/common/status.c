/* status.c: status strings generated from CLCONV_STATUS_MAP, and the version.
 */
#include "clconv.h"

unsigned clconv_version(void) { return CLCONV_VERSION_NUMBER; }

const char *clconv_version_string(void) { return CLCONV_VERSION_STRING; }

const char *clconv_status_string(clconv_status status) {
  switch (status) {
#define CLCONV__STATUS_TEXT(name, value, text)                                 \
  case CLCONV_STATUS_##name:                                                   \
    return text;
    CLCONV_STATUS_MAP(CLCONV__STATUS_TEXT)
#undef CLCONV__STATUS_TEXT
  default:
    return "unknown status";
  }
}

const char *clconv_status_name(clconv_status status) {
  switch (status) {
#define CLCONV__STATUS_NAME(name, value, text)                                 \
  case CLCONV_STATUS_##name:                                                   \
    return #name;
    CLCONV_STATUS_MAP(CLCONV__STATUS_NAME)
#undef CLCONV__STATUS_NAME
  default:
    return "UNKNOWN";
  }
}
