#include "sandbox/root_view.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "common/error.h"

namespace mpt::sandbox {
namespace fs = std::filesystem;

namespace {

const char* const kDevices[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"};

bool is_under(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

}  // namespace

RootView::RootView(const Config& config, std::string stage) : stage_(std::move(stage)) {
  for (const std::string& p : config.read_only_paths) add_host_path(p);
  make_parents("/dev/x");
  for (const char* dev : kDevices) {
    add(MountStep::Touch, "", stage_ + dev);
    add(MountStep::Bind, dev, stage_ + dev);
  }
  add(MountStep::MakeDir, "", stage_ + "/proc");
  add(MountStep::Proc, "", stage_ + "/proc");
  add(MountStep::MakeDir, "", stage_ + "/.mpt");
  add(MountStep::Tmpfs, "", stage_ + "/.mpt", "size=64k,nr_inodes=16,mode=0755");
  add(MountStep::MakeDir, "", stage_ + "/tmp");

  std::error_code ec;
  fs::path real = fs::canonical(config.interpreter, ec);
  if (ec) throw input_error("interpreter not found", config.interpreter, "an existing executable", ec.message());
  bool visible = std::any_of(visible_.begin(), visible_.end(),
                             [&](const std::string& dir) { return is_under(real.string(), dir); });
  if (!visible)
    throw input_error("the interpreter would not be visible inside the sandbox", config.interpreter,
                      "a path under one of the sandbox's read-only paths (/usr, ...)", real.string());
}

const char* RootView::keep(std::string s) { return strings_.emplace_back(std::move(s)).c_str(); }

void RootView::add(MountStep::Kind kind, const std::string& source, const std::string& target, const std::string& data) {
  steps_.push_back(MountStep{kind, keep(source), keep(target), keep(data)});
}

void RootView::make_parents(const std::string& inside) {
  fs::path parent = fs::path(inside).parent_path();
  std::vector<std::string> chain;
  for (fs::path p = parent; p != p.root_path() && !p.empty(); p = p.parent_path()) chain.push_back(p.string());
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (std::find(made_dirs_.begin(), made_dirs_.end(), *it) != made_dirs_.end()) continue;
    made_dirs_.push_back(*it);
    add(MountStep::MakeDir, "", stage_ + *it);
  }
}

void RootView::add_host_path(const std::string& path) {
  if (path.empty() || path[0] != '/')
    throw input_error("sandbox read-only path is not absolute", path, "an absolute path", path);
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return;  // absent on this host: nothing to show
  make_parents(path);
  std::string target = stage_ + path;
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    fs::path link = fs::read_symlink(path, ec);
    if (ec) throw input_error("cannot read symlink", path, "a readable symlink", ec.message());
    add(MountStep::Symlink, link.string(), target);
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    add(MountStep::MakeDir, "", target);
    made_dirs_.push_back(path);
  } else {
    add(MountStep::Touch, "", target);
  }
  add(MountStep::Bind, path, target);
  add(MountStep::ReadOnly, "", target);
  std::error_code ec;
  visible_.push_back(fs::canonical(path, ec).string());
}

std::string RootView::describe(size_t i) const {
  if (i >= steps_.size()) return "unknown step";
  const MountStep& s = steps_[i];
  std::string inside = std::string(s.target).substr(stage_.size());
  switch (s.kind) {
    case MountStep::MakeDir: return "create directory " + inside;
    case MountStep::Touch: return "create mount point " + inside;
    case MountStep::Symlink: return "create symlink " + inside + " -> " + s.source;
    case MountStep::Bind: return "bind-mount " + std::string(s.source) + " on " + inside;
    case MountStep::ReadOnly: return "make " + inside + " read-only";
    case MountStep::Tmpfs: return "mount a tmpfs on " + inside;
    case MountStep::Proc: return "mount proc on " + inside;
  }
  return "unknown step";
}

}  // namespace mpt::sandbox
