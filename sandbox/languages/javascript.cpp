// JavaScript (node from Debian's nodejs). console.assert only prints when it fails; a preloaded
// module makes it throw instead (and fixes it in place: a program cannot put the printing one
// back), so a failed assertion in a test ends the program with status 1: a failure. The same
// module makes stdout and stderr blocking (node queues pipe writes in its heap otherwise).
#include <algorithm>

#include "sandbox/language.h"

namespace mpt::sandbox {
namespace {

constexpr const char* kNode = "/usr/bin/node";
constexpr const char* kAssertModule = R"js('use strict';
// Preloaded by mpt-eval's sandbox: a failed console.assert fails the program (node only prints).
const util = require('util');
Object.defineProperty(console, 'assert', {
  value: function assert(condition, ...data) {
    if (!condition) {
      process.exitCode = 1;
      throw new Error(data.length ? 'Assertion failed: ' + util.format(...data) : 'Assertion failed');
    }
  },
  writable: false, configurable: false, enumerable: true,
});
// Writes to the output pipes block, as on a terminal: a program that prints without end meets the
// output limit instead of queueing its output in its own heap.
for (const stream of [process.stdout, process.stderr])
  if (stream._handle && typeof stream._handle.setBlocking === 'function') stream._handle.setBlocking(true);
)js";

Language make_javascript() {
  Language l;
  l.name = "javascript";
  l.aliases = {"js"};
  l.tools = {kNode};
  l.recipe = [](const std::string& source, const Config& config, double timeout) {
    const Limits& limits = config.limits;
    Recipe r;
    r.files["main.js"] = source;
    r.files["mpt_assert.js"] = kAssertModule;
    // V8 reserves about 1 GiB of address space before it runs anything: the address-space limit is
    // four times the configured memory, at least 2 GiB, and V8's own heap limit, half the
    // configured memory, is what a memory bomb meets ("JavaScript heap out of memory").
    uint64_t heap_mib = std::max<uint64_t>(limits.memory_bytes / 2 >> 20, 16);
    // V8 and libuv start about a dozen threads, which count as processes.
    r.steps.push_back(BuildStep{"run",
                                {kNode, "--max-old-space-size=" + std::to_string(heap_mib), "--require",
                                 "./mpt_assert.js", "main.js"},
                                timeout, std::max<uint64_t>(limits.memory_bytes * 4, 2ull << 30),
                                limits.output_bytes, std::max<uint64_t>(limits.processes * 4, 32), false, true});
    return r;
  };
  return l;
}

}  // namespace

const Language& javascript_language() {
  static const Language l = make_javascript();
  return l;
}

}  // namespace mpt::sandbox
