# C libraries without CMake package files: libseccomp and utf8proc.
#
# mpteval_find_c_library(<name> <pkg-config module> <header> <library names...>) defines the imported
# target mpteval::<name>. The header and library are found with find_path / find_library, which search
# CMAKE_PREFIX_PATH before the system directories, so a prefix given on the command line wins (e.g. the
# Debian packages extracted by scripts/gpu-deps into .gpu-deps/usr for a machine without them). The
# pkg-config answer, when pkg-config exists, is only a hint: Debian's .pc files hard-code prefix=/usr.
function(mpteval_find_c_library name module header)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(PC_MPTEVAL_${name} QUIET ${module})
  endif()
  find_path(MPTEVAL_${name}_INCLUDE_DIR ${header} HINTS ${PC_MPTEVAL_${name}_INCLUDE_DIRS})
  find_library(MPTEVAL_${name}_LIBRARY NAMES ${ARGN} HINTS ${PC_MPTEVAL_${name}_LIBRARY_DIRS})
  if(NOT MPTEVAL_${name}_INCLUDE_DIR OR NOT MPTEVAL_${name}_LIBRARY)
    message(FATAL_ERROR "mpt-eval needs ${module} (header ${header}, library ${ARGN}): install its development "
                        "package (scripts/bootstrap) or give its prefix in CMAKE_PREFIX_PATH")
  endif()
  add_library(mpteval::${name} UNKNOWN IMPORTED GLOBAL)
  set_target_properties(mpteval::${name} PROPERTIES
    IMPORTED_LOCATION "${MPTEVAL_${name}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${MPTEVAL_${name}_INCLUDE_DIR}")
  message(STATUS "mpt-eval: ${module}: ${MPTEVAL_${name}_LIBRARY} (headers in ${MPTEVAL_${name}_INCLUDE_DIR})")
endfunction()
