#include "harness/distributed/remote_execution.h"

#include <algorithm>

#include "common/error.h"
#include "harness/distributed/wire.h"

namespace mpt::dist {

RemoteExecution::RemoteExecution(int rank, int size, MakePool make_pool)
    : rank_(rank), size_(size), make_pool_(std::move(make_pool)),
      outstanding_(static_cast<size_t>(size), 0), assigned_(static_cast<size_t>(size), 0),
      to_send_(static_cast<size_t>(size)) {}

void RemoteExecution::submit(sandbox::Program program, Done done) {
  if (rank_ != 0) throw runtime_error("programs are submitted on rank 0 only", "rank " + std::to_string(rank_));
  // The least loaded rank; rank 0 counts the programs its own pool is running.
  int target = 0;
  int64_t best = 0;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    best = state_->running;
  }
  for (int r = 1; r < size_; ++r)
    if (outstanding_[static_cast<size_t>(r)] < best) best = outstanding_[static_cast<size_t>(r)], target = r;
  ++assigned_[static_cast<size_t>(target)];
  const uint64_t id = next_id_++;
  if (target == 0) {
    run_locally(id, std::move(program), std::move(done));
    return;
  }
  ++outstanding_[static_cast<size_t>(target)];
  waiting_.emplace(id, std::make_pair(target, std::move(done)));
  to_send_[static_cast<size_t>(target)].emplace_back(id, std::move(program));
}

void RemoteExecution::run_locally(uint64_t id, sandbox::Program program, Done done) {
  if (!local_) local_ = make_pool_();
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    ++state_->running;
  }
  local_(std::move(program), [state = state_, id, done = std::move(done)](sandbox::ExecutionResult result) {
    if (done) done(result);  // rank 0's own program: straight to the runner
    std::lock_guard<std::mutex> lock(state->mutex);
    if (!done) state->finished.emplace_back(id, std::move(result));  // another rank's: back with the next exchange
    --state->running;
    state->finished_cv.notify_all();
  });
}

std::string RemoteExecution::outgoing() {
  ByteWriter w;
  if (rank_ == 0) {
    uint64_t n = 0;
    for (const auto& q : to_send_) n += q.size();
    w.put<uint64_t>(n);
    for (int r = 1; r < size_; ++r) {
      for (auto& [id, program] : to_send_[static_cast<size_t>(r)]) {
        w.put<int32_t>(r);
        w.put<uint64_t>(id);
        write_program(w, program);
      }
      to_send_[static_cast<size_t>(r)].clear();
    }
    return w.take();
  }
  std::lock_guard<std::mutex> lock(state_->mutex);
  w.put<uint64_t>(state_->finished.size());
  for (const auto& [id, result] : state_->finished) {
    w.put<uint64_t>(id);
    write_result(w, result);
  }
  state_->finished.clear();
  return w.take();
}

void RemoteExecution::incoming(int rank, const std::string& bytes) {
  if (rank == rank_ || (rank_ != 0 && rank != 0)) return;
  ByteReader r(bytes, rank == 0 ? "programs from rank 0" : "verdicts from rank " + std::to_string(rank));
  const uint64_t n = r.get<uint64_t>();
  for (uint64_t i = 0; i < n; ++i) {
    if (rank_ != 0) {  // programs from rank 0: run the ones for this rank
      int32_t target = r.get<int32_t>();
      uint64_t id = r.get<uint64_t>();
      sandbox::Program program = read_program(r);
      if (target == rank_) run_locally(id, std::move(program), nullptr);
      continue;
    }
    uint64_t id = r.get<uint64_t>();  // a verdict for rank 0
    sandbox::ExecutionResult result = read_result(r);
    auto it = waiting_.find(id);
    if (it == waiting_.end() || it->second.first != rank)
      throw runtime_error("unexpected verdict", "rank " + std::to_string(rank), "a program sent to it",
                          "program " + std::to_string(id));
    --outstanding_[static_cast<size_t>(rank)];
    Done done = std::move(it->second.second);
    waiting_.erase(it);
    if (done) done(std::move(result));
  }
  r.expect_end();
}

bool RemoteExecution::pending() { return !waiting_.empty(); }

void RemoteExecution::wait_for_progress(std::chrono::milliseconds most) {
  std::unique_lock<std::mutex> lock(state_->mutex);
  if (state_->running == 0) return;
  state_->finished_cv.wait_for(lock, most, [&] { return !state_->finished.empty(); });
}

}  // namespace mpt::dist
