# Embeds Python files into a C++ source as one raw string literal (the files concatenated in order).
# Usage: cmake -DIN="<a.py>,<b.py>" -DOUT=<file.cpp> -DFUNCTION=<name> -P embed_python.cmake
set(content "")
string(REPLACE "," ";" files "${IN}")
foreach(file IN LISTS files)
  file(READ "${file}" part)
  string(APPEND content "${part}\n")
endforeach()
string(FIND "${content}" ")MPTPY\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )MPTPY\"")
endif()
file(WRITE "${OUT}.tmp" "// Generated from ${IN} by embed_python.cmake; do not edit.\n#include \"sandbox/zygote_source.h\"\n\nnamespace mpt::sandbox {\n\nconst char* ${FUNCTION}() {\n  return R\"MPTPY(${content})MPTPY\";\n}\n\n}  // namespace mpt::sandbox\n")
file(RENAME "${OUT}.tmp" "${OUT}")
