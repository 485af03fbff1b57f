# Embeds a Python file into a C++ source as a raw string literal.
# Usage: cmake -DIN=<file.py> -DOUT=<file.cpp> -DFUNCTION=<name> -P embed_python.cmake
file(READ "${IN}" content)
string(FIND "${content}" ")MPTPY\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )MPTPY\"")
endif()
file(WRITE "${OUT}.tmp" "// Generated from ${IN} by embed_python.cmake; do not edit.\n#include \"sandbox/zygote_source.h\"\n\nnamespace mpt::sandbox {\n\nconst char* ${FUNCTION}() {\n  return R\"MPTPY(${content})MPTPY\";\n}\n\n}  // namespace mpt::sandbox\n")
file(RENAME "${OUT}.tmp" "${OUT}")
