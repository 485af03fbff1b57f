# mpteval_target_defaults(<target>): warnings every project target is built with.
function(mpteval_target_defaults target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-unused-parameter>)
  if(MPTEVAL_WERROR)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
  endif()
  # Libraries compile in batches of files (a unity build): every file parses the same heavy headers
  # (nlohmann/json, fmt, the standard library) and instantiates and optimises the same templates
  # (json's parser and serialiser), once per batch instead of once per file. Test programs are not
  # batched: a failing test file should compile alone.
  get_target_property(type ${target} TYPE)
  if(MPTEVAL_UNITY_BUILD AND type MATCHES "_LIBRARY$")
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${MPTEVAL_UNITY_BATCH})
  endif()
endfunction()

# mpteval_use_torch(<target> [PUBLIC|PRIVATE]): link libtorch and mark its headers as system
# headers, so that -Wall -Wextra report our code, not libtorch's.
function(mpteval_use_torch target scope)
  target_link_libraries(${target} ${scope} ${TORCH_LIBRARIES})
  target_include_directories(${target} SYSTEM ${scope} ${TORCH_INCLUDE_DIRS})
  target_compile_options(${target} ${scope} $<$<COMPILE_LANGUAGE:CXX>:${TORCH_CXX_FLAGS}>)
endfunction()
