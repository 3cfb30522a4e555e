# test_policy.cmake: every CTest test of clconv carries a label and a
# timeout, and runs with a cache of its own, never the user's.
#
# Labels (tests/README.md): quick (seconds, the set to run while editing),
# slow (the rest), device (needs an OpenCL device; skips with exit 77 when
# there is none, unless CLCONV_REQUIRE_DEVICE=1), python, mpi, fault
# (fault injection sweeps). The Windows build is checked by .ci/windows.

# The folder every test uses for the clconv disk cache, PoCL's kernel cache
# and anything else that follows XDG_CACHE_HOME. One folder for the whole
# run, so that suites share what they compiled; never the user's ~/.cache.
set(CLCONV_TEST_CACHE_DIR "${PROJECT_BINARY_DIR}/test-cache" CACHE PATH
    "Cache folder for the tests (clconv's disk cache, PoCL's, XDG_CACHE_HOME)")

# clconv_test_properties(TEST LABELS label... TIMEOUT seconds)
function(clconv_test_properties test)
  cmake_parse_arguments(ARG "" "TIMEOUT" "LABELS" ${ARGN})
  if(NOT ARG_LABELS OR NOT ARG_TIMEOUT)
    message(FATAL_ERROR "test ${test}: give it LABELS and a TIMEOUT")
  endif()
  # The timeouts are for an optimized build; a sanitized Debug build runs
  # several times slower.
  if(CLCONV_SANITIZE_ADDRESS OR CLCONV_SANITIZE_UNDEFINED OR
     CLCONV_SANITIZE_THREAD OR CMAKE_BUILD_TYPE STREQUAL "Debug")
    math(EXPR ARG_TIMEOUT "${ARG_TIMEOUT} * 6")
  endif()
  set_tests_properties(${test} PROPERTIES LABELS "${ARG_LABELS}"
                       TIMEOUT ${ARG_TIMEOUT})
endfunction()

# clconv_check_test_policy(): called at the end of a folder's
# CMakeLists.txt, fails the configuration when a test of that folder lacks a
# label or a timeout, and points each at the test cache.
function(clconv_check_test_policy)
  file(MAKE_DIRECTORY ${CLCONV_TEST_CACHE_DIR}/clconv ${CLCONV_TEST_CACHE_DIR}/pocl)
  foreach(dir ${CMAKE_CURRENT_SOURCE_DIR})
    get_property(tests DIRECTORY ${dir} PROPERTY TESTS)
    foreach(test ${tests})
      get_test_property(${test} LABELS labels)
      get_test_property(${test} TIMEOUT timeout)
      if(NOT labels OR NOT timeout)
        message(FATAL_ERROR "test ${test} has no label or no timeout "
                            "(cmake/test_policy.cmake)")
      endif()
      # Specialized kernels at once (CLCONV_BUILD=sync), so that a test
      # knows which kernels computed what; the tier suite and the tool's
      # first-contact tests choose their mode themselves.
      set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT
                   "CLCONV_BUILD=sync"
                   "XDG_CACHE_HOME=${CLCONV_TEST_CACHE_DIR}"
                   "CLCONV_CACHE_DIR=${CLCONV_TEST_CACHE_DIR}/clconv"
                   "POCL_CACHE_DIR=${CLCONV_TEST_CACHE_DIR}/pocl")
    endforeach()
  endforeach()
endfunction()
