#include "sandbox/sandbox_pool.h"

#include "common/error.h"
#include "common/log.h"
#include "sandbox/language.h"
#include "sandbox/sandbox_setup.h"
#include "sandbox/zygote_process.h"

namespace mpt::sandbox {
namespace {

ExecutionResult infrastructure_error(const std::string& why) {
  RunFacts facts;
  facts.error = why;
  return classify(facts);
}

}  // namespace

SandboxPool::SandboxPool(Config config)
    : setup_(std::make_unique<SandboxSetup>(prepare_languages(std::move(config)))) {
  int n = resolved_workers(setup_->config());
  for (int i = 0; i < n; ++i) threads_.emplace_back([this, i] { worker_main(i); });
  std::unique_lock lock(mutex_);
  started_cv_.wait(lock, [&] { return started_ == n; });
  if (!start_error_.empty()) {
    std::string why = start_error_;
    lock.unlock();
    shutdown();  // the destructor does not run for a constructor that throws
    throw runtime_error(why);
  }
}

SandboxPool::~SandboxPool() { shutdown(); }

void SandboxPool::shutdown() {
  std::deque<Job> cancelled;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    cancelled.swap(queue_);
  }
  wake_.notify_all();
  for (Job& job : cancelled) job.done(infrastructure_error("cancelled: the sandbox pool shut down first"));
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
}

std::future<ExecutionResult> SandboxPool::submit(Program program) {
  auto promise = std::make_shared<std::promise<ExecutionResult>>();
  std::future<ExecutionResult> future = promise->get_future();
  submit(std::move(program), [promise](ExecutionResult r) { promise->set_value(std::move(r)); });
  return future;
}

void SandboxPool::submit(Program program, Callback on_done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw runtime_error("the sandbox pool is shutting down", "submit", "a running pool", "stopping");
    queue_.push_back(Job{std::move(program), std::move(on_done)});
  }
  wake_.notify_one();
}

const std::string& SandboxPool::isolation() const { return setup_->isolation(); }

SandboxPool::Stats SandboxPool::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void SandboxPool::worker_main(int index) {
  std::unique_ptr<ZygoteProcess> zygote;
  std::string error;
  try {
    zygote = std::make_unique<ZygoteProcess>(*setup_, index);
  } catch (const std::exception& e) {
    error = e.what();
  }
  {
    std::lock_guard lock(mutex_);
    if (!error.empty() && start_error_.empty()) start_error_ = error;
    ++started_;
  }
  started_cv_.notify_all();
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    ExecutionResult r = run_job(zygote, index, job.program);
    {
      std::lock_guard lock(mutex_);
      ++stats_.verdicts[r.verdict];
    }
    job.done(std::move(r));
  }
}

ExecutionResult SandboxPool::run_job(std::unique_ptr<ZygoteProcess>& zygote, int index, const Program& program) {
  ExecutionResult r;
  for (int attempt = 1;; ++attempt) {
    try {
      if (!zygote) zygote = std::make_unique<ZygoteProcess>(*setup_, index);
      int64_t seq;
      {
        std::lock_guard lock(mutex_);
        seq = next_seq_++;
      }
      ZygoteResponse resp = zygote->run(program, seq);
      r = classify(resp.facts);
      r.stdout_text = std::move(resp.stdout_text);
      r.stderr_text = std::move(resp.stderr_text);
      r.wall_seconds = resp.wall_seconds;
    } catch (const std::exception& e) {
      zygote.reset();
      r = infrastructure_error(e.what());
    }
    r.attempts = attempt;
    if (r.verdict != Verdict::InfrastructureError || attempt > setup_->config().retries) break;
    MPT_LOG(Warn, "sandbox worker {}: {} (retrying on a fresh sandbox)", index, r.result);
    zygote.reset();
    std::lock_guard lock(mutex_);
    ++stats_.retried;
  }
  if (r.verdict == Verdict::InfrastructureError) MPT_LOG(Warn, "sandbox worker {}: {}", index, r.result);
  r.isolation = setup_->isolation();
  return r;
}

}  // namespace mpt::sandbox
