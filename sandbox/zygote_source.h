// The zygote's Python source (sandbox/python/zygote.py), embedded at build time.
#pragma once

namespace mpt::sandbox {

const char* zygote_source();

}  // namespace mpt::sandbox
