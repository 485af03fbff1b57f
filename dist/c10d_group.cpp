// The one translation unit that includes c10d: stores, process groups, and byte collectives over
// them. Compiles against libtorch 1.13 (Debian; ProcessGroup is the backend class) and 2.x (Backend
// is; ProcessGroup wraps backends); Gloo when this libtorch ships Gloo's headers, NCCL when it
// has CUDA and nccl.h was found (MPTEVAL_WITH_GLOO / MPTEVAL_WITH_NCCL, set by CMake).
#include "dist/c10d_group.h"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "common/error.h"
#include "common/log.h"
#include "dist/rank_monitor.h"
#include "dist/world_c10d.h"

#ifdef MPTEVAL_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef MPTEVAL_WITH_NCCL
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace mpt::dist {
namespace {

constexpr const char* kGroupPrefix = "mpt-eval/pg";
constexpr const char* kControlPrefix = "mpt-eval/control";

using StorePtr = c10::intrusive_ptr<c10d::Store>;
using ControlOpener = std::function<std::unique_ptr<KeyValueStore>(std::chrono::milliseconds)>;

// c10 errors carry a backtrace after the message: keep the message.
std::string message_of(const std::exception& e) {
  if (auto* c10_error = dynamic_cast<const c10::Error*>(&e)) return c10_error->what_without_backtrace();
  return e.what();
}

StorePtr prefixed(const std::string& prefix, StorePtr store) {
  if (prefix.empty()) return store;
  return c10::make_intrusive<c10d::PrefixStore>(prefix, std::move(store));
}

c10::intrusive_ptr<c10d::TCPStore> tcp_store(const std::string& host, uint16_t port, bool server,
                                             std::optional<size_t> workers, std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions o;
  o.port = port;
  o.isServer = server;
  if (workers) o.numWorkers = *workers;
  o.waitWorkers = workers.has_value();
  o.timeout = timeout;
  return c10::make_intrusive<c10d::TCPStore>(host, o);
}

class C10dKeyValueStore final : public KeyValueStore {
 public:
  C10dKeyValueStore(StorePtr store, std::string address) : store_(std::move(store)), address_(std::move(address)) {}
  void set(const std::string& key, const std::string& value) override {
    store_->set(key, std::vector<uint8_t>(value.begin(), value.end()));
  }
  std::optional<std::string> try_get(const std::string& key) override {
    if (!store_->check({key})) return std::nullopt;
    std::vector<uint8_t> v = store_->get(key);
    return std::string(v.begin(), v.end());
  }
  int64_t add(const std::string& key, int64_t delta) override { return store_->add(key, delta); }
  std::string address() const override { return address_; }

 private:
  StorePtr store_;
  std::string address_;
};

// Byte collectives over any c10d group type with the backend collective signatures (the 1.13
// ProcessGroup, the 2.x Backend, the 2.x ProcessGroup wrapper). Sizes travel first, then the bytes
// padded to the longest (c10d's allgather needs equal shapes); tensors live on `device` (CPU for
// Gloo, the rank's GPU for NCCL).
template <class Group>
class C10dLink final : public ProcessGroupLink {
 public:
  C10dLink(c10::intrusive_ptr<Group> group, std::string backend, at::Device device, ControlOpener opener,
           std::string store_host)
      : group_(std::move(group)), backend_(std::move(backend)), device_(device), opener_(std::move(opener)),
        store_host_(std::move(store_host)) {}
  ~C10dLink() override {
    if (abandoned_) (void)group_.release();  // deliberately leaked: see abandon()
  }

  int rank() const override { return group_->getRank(); }
  int size() const override { return group_->getSize(); }
  const std::string& backend_name() const override { return backend_; }
  std::string store_host() const override { return store_host_; }
  std::unique_ptr<KeyValueStore> open_control_store(std::chrono::milliseconds timeout) override {
    return opener_ ? opener_(timeout) : nullptr;
  }
  void watch(const RankMonitor* monitor, std::chrono::milliseconds grace) override {
    monitor_ = monitor;
    grace_ = grace;
  }
  void abandon() noexcept override { abandoned_ = true; }

  std::vector<std::string> allgather(const std::string& mine) override {
    const int n = size();
    std::vector<at::Tensor> in{on_device(at::full({1}, static_cast<int64_t>(mine.size()), at::kLong))};
    std::vector<std::vector<at::Tensor>> out(1);
    for (int r = 0; r < n; ++r) out[0].push_back(at::empty({1}, in[0].options()));
    run(group_->allgather(out, in), "allgather of sizes");
    std::vector<int64_t> sizes(static_cast<size_t>(n));
    int64_t longest = 0;
    for (int r = 0; r < n; ++r) {
      sizes[static_cast<size_t>(r)] = out[0][static_cast<size_t>(r)].to(at::kCPU).template item<int64_t>();
      longest = std::max(longest, sizes[static_cast<size_t>(r)]);
    }
    std::vector<std::string> result(static_cast<size_t>(n));
    if (longest == 0) return result;
    at::Tensor buffer = at::zeros({longest}, at::kByte);
    std::memcpy(buffer.data_ptr<uint8_t>(), mine.data(), mine.size());
    in = {on_device(buffer)};
    out[0].clear();
    for (int r = 0; r < n; ++r) out[0].push_back(at::empty({longest}, in[0].options()));
    run(group_->allgather(out, in), "allgather");
    for (int r = 0; r < n; ++r) {
      at::Tensor bytes = out[0][static_cast<size_t>(r)].to(at::kCPU).contiguous();
      result[static_cast<size_t>(r)].assign(reinterpret_cast<const char*>(bytes.data_ptr<uint8_t>()),
                                            static_cast<size_t>(sizes[static_cast<size_t>(r)]));
    }
    return result;
  }

  std::string broadcast(const std::string& bytes, int root) override {
    const bool sender = rank() == root;
    c10d::BroadcastOptions opts;
    opts.rootRank = root;
    std::vector<at::Tensor> t{on_device(at::full({1}, sender ? static_cast<int64_t>(bytes.size()) : 0, at::kLong))};
    run(group_->broadcast(t, opts), "broadcast of the size");
    const int64_t length = t[0].to(at::kCPU).template item<int64_t>();
    if (length == 0) return {};
    at::Tensor buffer = at::zeros({length}, at::kByte);
    if (sender) std::memcpy(buffer.data_ptr<uint8_t>(), bytes.data(), bytes.size());
    t = {on_device(buffer)};
    run(group_->broadcast(t, opts), "broadcast");
    at::Tensor out = t[0].to(at::kCPU).contiguous();
    return std::string(reinterpret_cast<const char*>(out.data_ptr<uint8_t>()), static_cast<size_t>(length));
  }

  void barrier() override { allgather(std::string()); }

 private:
  at::Tensor on_device(at::Tensor cpu) const { return device_.is_cpu() ? cpu : cpu.to(device_); }

  // Waits for a collective without blocking inside c10d, so that a failure the monitor learns of
  // (a dead or failed rank) ends the wait at once instead of after the collective timeout.
  template <class Work>
  void run(const c10::intrusive_ptr<Work>& work, const char* what) {
    auto pause = std::chrono::microseconds(20);
    while (!work->isCompleted()) {
      if (monitor_)
        if (auto f = monitor_->failure())
          throw Error(ErrorKind::Runtime, fmt::format("distributed job failed: {} (rank {} gave up waiting in {})", *f,
                                                      rank(), what));
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(5000));
    }
    try {
      work->wait();
    } catch (const std::exception& e) {
      std::string cause = message_of(e);
      if (monitor_)
        if (auto f = monitor_->wait_for_failure(grace_))
          throw Error(ErrorKind::Runtime, fmt::format("distributed job failed: {} (rank {}: {} failed: {})", *f,
                                                      rank(), what, cause));
      throw runtime_error(fmt::format("distributed {} failed", what), fmt::format("rank {}", rank()), "", cause);
    }
  }

  c10::intrusive_ptr<Group> group_;
  std::string backend_;
  at::Device device_;
  ControlOpener opener_;
  std::string store_host_;
  const RankMonitor* monitor_ = nullptr;
  std::chrono::milliseconds grace_{0};
  bool abandoned_ = false;
};

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

#ifdef MPTEVAL_WITH_GLOO
// As torch.distributed does: GLOO_SOCKET_IFNAME names the interface; otherwise this host's name
// (loopback when the whole job is on this machine).
std::shared_ptr<::gloo::transport::Device> gloo_device(const std::string& master) {
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname) {
    std::string first(ifname);
    return c10d::ProcessGroupGloo::createDeviceForInterface(first.substr(0, first.find(',')));
  }
  if (is_loopback(master)) return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}
#endif

#if TORCH_VERSION_MAJOR >= 2
using GroupBase = c10d::Backend;
#else
using GroupBase = c10d::ProcessGroup;
#endif

bool want_nccl(const WorldOptions& options) {
  switch (options.backend) {
    case WorldOptions::Backend::Gloo: return false;
    case WorldOptions::Backend::Nccl:
      if (!options.cuda)
        throw input_error("the NCCL backend needs CUDA devices", "--dist-backend nccl", "--device cuda",
                          "a CPU run (use gloo)");
      return true;
    case WorldOptions::Backend::Auto: break;
  }
  if (options.cuda && !nccl_compiled())
    MPT_LOG(Warn, "this build has no NCCL (libtorch without CUDA, or nccl.h not found at build time): "
                  "ranks exchange results over Gloo");
  return options.cuda && nccl_compiled();
}

}  // namespace

bool gloo_compiled() {
#ifdef MPTEVAL_WITH_GLOO
  return true;
#else
  return false;
#endif
}

bool nccl_compiled() {
#ifdef MPTEVAL_WITH_NCCL
  return true;
#else
  return false;
#endif
}

std::unique_ptr<ProcessGroupLink> connect_process_group(const LaunchEnvironment& env, const WorldOptions& options) {
  const bool nccl = want_nccl(options);
  if (nccl && !nccl_compiled())
    throw input_error("this build of mpt-eval has no NCCL", "--dist-backend nccl",
                      "a build against a CUDA libtorch with nccl.h", "none (use gloo)");
  if (!nccl && !gloo_compiled())
    throw input_error("this build of mpt-eval has no Gloo", "--dist-backend", "a libtorch with Gloo's headers",
                      nccl_compiled() ? "NCCL only (use --device cuda)" : "neither Gloo nor NCCL");
  const std::string address = fmt::format("{}:{}", env.master_addr, env.master_port);
  const size_t ranks = static_cast<size_t>(env.world_size);

  StorePtr base;
  try {
    if (env.agent_store)
      base = prefixed(env.store_prefix, tcp_store(env.master_addr, env.master_port, false, ranks, options.connect_timeout));
    else
      base = tcp_store(env.master_addr, env.master_port, env.rank == 0, ranks, options.connect_timeout);
  } catch (const std::exception& e) {
    throw runtime_error("rendezvous failed", address,
                        fmt::format("all {} ranks to join within {} s", env.world_size, options.connect_timeout.count() / 1000),
                        message_of(e) + " (" + env.variables + ")");
  }
  StorePtr group_store = prefixed(kGroupPrefix, base);
  ControlOpener opener = [host = env.master_addr, port = env.master_port, prefix = env.store_prefix,
                          address](std::chrono::milliseconds timeout) -> std::unique_ptr<KeyValueStore> {
    StorePtr control = prefixed(kControlPrefix, prefixed(prefix, tcp_store(host, port, false, std::nullopt, timeout)));
    return std::make_unique<C10dKeyValueStore>(control, address);
  };
  const std::string store_host = env.agent_store ? "the launcher" : "rank 0";

  try {
    if (nccl) {
#ifdef MPTEVAL_WITH_NCCL
      int count = c10::cuda::device_count();
      if (env.local_rank >= count)
        throw input_error("no CUDA device for this rank", "LOCAL_RANK",
                          fmt::format("a local rank below the {} visible CUDA devices", count),
                          std::to_string(env.local_rank));
      c10::cuda::set_device(static_cast<c10::DeviceIndex>(env.local_rank));
      auto opts = c10d::ProcessGroupNCCL::Options::create();
      opts->timeout = options.collective_timeout;
      c10::intrusive_ptr<GroupBase> group =
          c10::make_intrusive<c10d::ProcessGroupNCCL>(group_store, env.rank, env.world_size, opts);
      at::Device dev(at::kCUDA, static_cast<c10::DeviceIndex>(env.local_rank));
      return std::make_unique<C10dLink<GroupBase>>(group, "nccl", dev, opener, store_host);
#endif
    }
#ifdef MPTEVAL_WITH_GLOO
    auto opts = c10d::ProcessGroupGloo::Options::create(options.collective_timeout);
    opts->devices.push_back(gloo_device(env.master_addr));
    c10::intrusive_ptr<GroupBase> group =
        c10::make_intrusive<c10d::ProcessGroupGloo>(group_store, env.rank, env.world_size, opts);
    return std::make_unique<C10dLink<GroupBase>>(group, "gloo", at::Device(at::kCPU), opener, store_host);
#endif
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw runtime_error("could not create the process group", address, "", message_of(e) + " (" + env.variables + ")");
  }
  throw input_error("no distributed backend in this build");
}

std::unique_ptr<KeyValueStore> host_control_store(uint16_t& port, const std::string& agent_prefix) {
  auto server = tcp_store("127.0.0.1", port, true, std::nullopt, std::chrono::seconds(30));
  port = server->getPort();
  StorePtr control = prefixed(kControlPrefix, prefixed(agent_prefix, server));
  return std::make_unique<C10dKeyValueStore>(control, fmt::format("127.0.0.1:{}", port));
}

namespace {

std::atomic<int> g_existing_worlds{0};

template <class Group>
std::unique_ptr<World> world_over(const ExistingGroup<Group>& existing, const WorldOptions& options) {
  if (!existing.group) throw input_error("no process group", "world_from_process_group", "a process group", "null");
  const std::string backend = existing.group->getBackendName();
  at::Device device(existing.device);
  if (backend == "nccl" && !device.is_cuda())
    throw input_error("an NCCL process group needs this rank's CUDA device", "ExistingGroup::device", "cuda:N",
                      "'" + existing.device + "'");
  ControlOpener opener;
  const std::string prefix = fmt::format("mpt-eval/world{}", g_existing_worlds++);
  if (auto* tcp = dynamic_cast<c10d::TCPStore*>(existing.store.get())) {
    opener = [host = tcp->getHost(), port = tcp->getPort(), prefix](std::chrono::milliseconds timeout) {
      StorePtr control = prefixed(prefix, tcp_store(host, port, false, std::nullopt, timeout));
      return std::unique_ptr<KeyValueStore>(std::make_unique<C10dKeyValueStore>(control, fmt::format("{}:{}", host, port)));
    };
  } else if (existing.store && TORCH_VERSION_MAJOR >= 2) {
    // libtorch 2.x stores serialise their own calls, so the monitor can share the trainer's.
    opener = [store = existing.store, prefix](std::chrono::milliseconds) {
      return std::unique_ptr<KeyValueStore>(std::make_unique<C10dKeyValueStore>(prefixed(prefix, store), "the job's store"));
    };
  }
  auto link = std::make_unique<C10dLink<Group>>(existing.group, backend, device.is_cuda() ? device : at::Device(at::kCPU),
                                                opener, "the training job");
  const int rank = existing.group->getRank(), size = existing.group->getSize();
  return std::make_unique<World>(rank, size, existing.local_rank, existing.device, "existing process group",
                                 std::move(link), false, options);
}

}  // namespace

std::unique_ptr<World> world_from_process_group(const ExistingGroup<C10dBackend>& existing, const WorldOptions& options) {
  return world_over(existing, options);
}

#if TORCH_VERSION_MAJOR >= 2
std::unique_ptr<World> world_from_process_group(const ExistingGroup<c10d::ProcessGroup>& existing,
                                                const WorldOptions& options) {
  return world_over(existing, options);
}
#endif

}  // namespace mpt::dist
