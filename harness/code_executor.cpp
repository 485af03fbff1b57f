#include "harness/code_executor.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

#include "common/progress.h"
#include "sandbox/sandbox_pool.h"

namespace mpt {

struct CodeExecutor::Shared {
  explicit Shared(int64_t expected) : progress("executing", expected, "prog") {}
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::pair<uint64_t, sandbox::ExecutionResult>> finished;
  Progress progress;
};

CodeExecutor::CodeExecutor(sandbox::SandboxPool& pool, int64_t expected)
    : CodeExecutor([&pool](sandbox::Program p, std::function<void(sandbox::ExecutionResult)> done) {
        pool.submit(std::move(p), std::move(done));
      }, expected) {}

CodeExecutor::CodeExecutor(Submit submit, int64_t expected)
    : submit_(std::move(submit)), shared_(std::make_shared<Shared>(expected)) {}

CodeExecutor::~CodeExecutor() = default;

void CodeExecutor::submit(uint64_t tag, sandbox::Program program) {
  ++submitted_;
  std::shared_ptr<Shared> shared = shared_;
  submit_(std::move(program), [shared, tag](sandbox::ExecutionResult r) {
    std::lock_guard lock(shared->mutex);
    shared->finished.emplace_back(tag, std::move(r));
    shared->progress.advance();
    shared->ready.notify_one();
  });
}

void CodeExecutor::drain(const Handler& handler) {
  std::deque<std::pair<uint64_t, sandbox::ExecutionResult>> batch;
  {
    std::lock_guard lock(shared_->mutex);
    batch.swap(shared_->finished);
  }
  for (auto& [tag, result] : batch) {
    ++handled_;
    handler(tag, std::move(result));
  }
}

void CodeExecutor::wait_all(const Handler& handler) {
  while (handled_ < submitted_) {
    {
      std::unique_lock lock(shared_->mutex);
      shared_->ready.wait(lock, [&] { return !shared_->finished.empty(); });
    }
    drain(handler);
  }
  shared_->progress.finish();
}

}  // namespace mpt
