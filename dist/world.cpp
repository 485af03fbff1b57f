#include "dist/world.h"

#include <exception>
#include <thread>

#include "common/error.h"
#include "common/log.h"
#include "dist/c10d_group.h"
#include "dist/rank_monitor.h"

namespace mpt::dist {
namespace {

// The communicator of a job of one.
class SingleCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::vector<std::string> allgather(const std::string& mine) override { return {mine}; }
  std::string broadcast(const std::string& bytes, int) override { return bytes; }
  void barrier() override {}
};

}  // namespace

WorldOptions::Backend parse_backend(const std::string& name, const std::string& where) {
  if (name == "auto") return WorldOptions::Backend::Auto;
  if (name == "gloo") return WorldOptions::Backend::Gloo;
  if (name == "nccl") return WorldOptions::Backend::Nccl;
  throw input_error("unknown distributed backend", where, "auto, gloo or nccl", "'" + name + "'");
}

std::unique_ptr<World> World::join(const WorldOptions& options, const LaunchEnvironment& env) {
  std::string device = options.cuda ? "cuda:" + std::to_string(env.local_rank) : "cpu";
  if (env.world_size == 1) {
    auto w = single(device);
    w->source_ = to_string(env.source);
    return w;
  }
  MPT_LOG(Info, "rank {} of {}: joining the job at {}:{} ({})", env.rank, env.world_size, env.master_addr,
          env.master_port, env.variables);
  auto link = connect_process_group(env, options);
  bool hosts_store = !env.agent_store && env.rank == 0;
  auto world = std::make_unique<World>(env.rank, env.world_size, env.local_rank, device, to_string(env.source),
                                       std::move(link), hosts_store, options);
  MPT_LOG(Info, "joined as {}", world->describe());
  return world;
}

std::unique_ptr<World> World::single(const std::string& device) {
  return std::make_unique<World>(0, 1, 0, device, "none", nullptr, false, WorldOptions{});
}

World::World(int rank, int size, int local_rank, std::string device, std::string source,
             std::unique_ptr<ProcessGroupLink> link, bool hosts_store, const WorldOptions& options)
    : rank_(rank), size_(size), local_rank_(local_rank), device_(std::move(device)), source_(std::move(source)),
      link_(std::move(link)), hosts_store_(hosts_store), uncaught_at_start_(std::uncaught_exceptions()) {
  if (!link_) {
    backend_ = "none";
    single_comm_ = std::make_unique<SingleCommunicator>();
    return;
  }
  backend_ = link_->backend_name();
  if (auto control = link_->open_control_store(options.rank_timeout)) {
    MonitorOptions m{options.heartbeat, options.rank_timeout, link_->store_host()};
    monitor_ = std::make_unique<RankMonitor>(std::move(control), rank_, size_, m);
    link_->watch(monitor_.get(), options.rank_timeout + 2 * options.heartbeat);
  } else {
    MPT_LOG(Warn, "{}: the process group's store cannot be watched; a dead rank shows only as a collective timeout",
            describe());
  }
}

World::~World() {
  if (finished_ || !link_) return;
  bool failing = failed_ || std::uncaught_exceptions() > uncaught_at_start_;
  if (!monitor_) {
    if (failing) link_->abandon();
    return;
  }
  if (!failing) {
    monitor_->finish(hosts_store_);
    return;
  }
  monitor_->announce_failure("it stopped before the end of the job (see its log)");
  if (hosts_store_) {
    // The others read the reason from this rank's store within one heartbeat: stay that long.
    std::this_thread::sleep_for(3 * monitor_->options().interval);
  }
  monitor_.reset();
  link_->abandon();
}

std::string World::describe() const {
  return "rank " + std::to_string(rank_) + " of " + std::to_string(size_) + " (" + source_ + ", " + backend_ + ", " +
         device_ + ")";
}

Communicator& World::communicator() {
  if (link_) return *link_;
  return *single_comm_;
}

void World::check() const {
  if (!monitor_) return;
  if (auto f = monitor_->failure()) throw Error(ErrorKind::Runtime, "distributed job failed: " + *f);
}

void World::fail(const std::string& message) noexcept {
  failed_ = true;
  if (monitor_) monitor_->announce_failure(message);
}

void World::finish() {
  if (finished_ || !link_) {
    finished_ = true;
    return;
  }
  link_->barrier();
  if (monitor_) monitor_->finish(hosts_store_);
  finished_ = true;
}

}  // namespace mpt::dist
