// The file system a sandbox sees, as a list of MountSteps for the child (see sandbox_child.h).
//
//   /usr, /lib*, /bin, /sbin, /etc/ld.so.cache, ...   read-only binds of the host's (those that exist;
//                                                      symlinks such as /bin -> usr/bin are recreated)
//   /dev/{null,zero,full,random,urandom}              the host's devices
//   /proc                                             the worker's own pid namespace (the zygote uses it;
//                                                      each program hides it under an empty tmpfs)
//   /.mpt                                             small tmpfs for the zygote's completion socket
//   /tmp                                              empty; each program mounts its own tmpfs here
//   everything else                                   absent (the root itself is a read-only tmpfs)
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "sandbox/sandbox_child.h"
#include "sandbox/sandbox_config.h"

namespace mpt::sandbox {

class RootView {
 public:
  // Throws mpt::Error (Input) when the interpreter does not exist or would not be visible inside.
  RootView(const Config& config, std::string stage);

  const std::vector<MountStep>& steps() const { return steps_; }
  const std::string& stage() const { return stage_; }
  // "bind-mount /usr on /usr" for error messages about step i.
  std::string describe(size_t i) const;

  static constexpr const char* kDonePath = "/.mpt/done";  // the zygote's completion socket, inside

 private:
  const char* keep(std::string s);  // stores a string for the plan's lifetime
  void add(MountStep::Kind kind, const std::string& source, const std::string& target, const std::string& data = "");
  void make_parents(const std::string& inside);
  void add_host_path(const std::string& path);

  std::string stage_;
  std::deque<std::string> strings_;  // stable addresses for the const char* in steps_
  std::vector<MountStep> steps_;
  std::vector<std::string> made_dirs_;
  std::vector<std::string> visible_;  // host paths visible inside (real paths)
};

}  // namespace mpt::sandbox
