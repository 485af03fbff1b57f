#include "harness/run_pass.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "common/error.h"
#include "common/interrupt.h"
#include "common/log.h"
#include "common/progress.h"
#include "harness/code_executor.h"
#include "harness/code_tracker.h"
#include "harness/example_records.h"
#include "harness/icl_tracker.h"
#include "harness/response_codec.h"
#include "harness/result_recorder.h"
#include "sandbox/sandbox_pool.h"

namespace mpt {
namespace {

// A request of the pass: task position in the pass, request index within that task.
struct Ref {
  size_t task;
  size_t request;
};

uint64_t tag_of(Ref r) { return (static_cast<uint64_t>(r.task) << 32) | static_cast<uint64_t>(r.request); }
Ref ref_of(uint64_t tag) { return {static_cast<size_t>(tag >> 32), static_cast<size_t>(tag & 0xffffffffu)}; }

class RunPass {
 public:
  RunPass(const std::vector<PassTask>& tasks, results::Store& store, results::ResponseCache& cache,
          sandbox::SandboxPool* pool, const RunnerOptions& options, const TaskCompleteCallback& on_task_complete)
      : tasks_(tasks),
        cache_(cache),
        on_task_complete_(on_task_complete),
        recorder_(store, cache, options.record_batch, options.record_interval_s),
        icl_(tasks.size()),
        code_(tasks.size()) {
    result_.evaluated.assign(tasks.size(), 0);
    result_.verdicts.resize(tasks.size());
    missing_.resize(tasks.size());
    for (size_t i = 0; i < tasks.size(); ++i)
      missing_[i] = static_cast<int64_t>(std::count(tasks[i].done.begin(), tasks[i].done.end(), false));
    int64_t programs = 0;
    for (size_t i = 0; i < tasks.size(); ++i) {
      if (const PreparedEval* e = tasks[i].task->icl()) icl_[i] = std::make_unique<IclTracker>(*e, tasks[i].done);
      if (const CodeTask* c = tasks[i].task->code()) {
        code_[i] = std::make_unique<CodeTracker>(*c, tasks[i].stored_samples, tasks[i].done);
        programs += static_cast<int64_t>(code_[i]->pending().size());
      }
    }
    if (programs > 0) {
      if (options.code_execution) executor_.emplace(options.code_execution(*pool), programs);
      else executor_.emplace(*pool, programs);
    }
    for (size_t i = 0; i < tasks.size(); ++i) queue_task(i);
  }

  PassResult run(LanguageModel& model) {
    try {
      std::optional<Progress> scoring, generating;
      if (!ll_requests_.empty()) scoring.emplace("scoring", static_cast<int64_t>(ll_requests_.size()), "req");
      model.loglikelihood(ll_requests_, [&](size_t i, const LoglikelihoodResponse& r) {
        require_finite(model, ll_refs_[i], ll_requests_[i], r);  // before it can reach the cache
        recorder_.cache_response(ll_keys_[i], "loglikelihood", to_json(r));
        answer(ll_refs_[i], r);
        scoring->advance();
        throw_if_interrupted("while scoring; every finished example is stored");
      });
      if (scoring) scoring->finish();
      if (!gen_requests_.empty()) generating.emplace("generating", static_cast<int64_t>(gen_requests_.size()), "seq");
      generate(model, [&](size_t i, const GenerateResponse& r) {
        recorder_.cache_response(gen_keys_[i], "generate", to_json(r));
        answer(gen_refs_[i], r);
        generating->advance();
        drain_programs();
        throw_if_interrupted("while generating; every finished example is stored");
      });
      if (generating) generating->finish();
      if (executor_)
        executor_->wait_all([&](uint64_t tag, sandbox::ExecutionResult r) { executed(ref_of(tag), r); });
      recorder_.flush();
    } catch (...) {
      try {
        recorder_.flush();  // what was scored before the failure stays
      } catch (const std::exception& e) {
        MPT_LOG(Warn, "could not record the last results before failing: {}", e.what());
      }
      throw;
    }
    return std::move(result_);
  }

 private:
  void queue_task(size_t i) {
    const SuiteTask& t = *tasks_[i].task;
    if (IclTracker* tr = icl_[i].get()) {
      const PreparedEval& e = *t.icl();
      for (size_t r : tr->pending_loglikelihood()) queue_loglikelihood({i, r}, e.loglikelihood_requests[r]);
      for (size_t r : tr->pending_generate()) queue_generate({i, r}, e.generate_requests[r], 0);
    }
    if (CodeTracker* tr = code_[i].get()) {
      for (results::ExampleRecord& row : tr->take_complete_at_start()) add_example(i, std::move(row));
      const CodeTask& c = *t.code();
      for (size_t r : tr->pending()) queue_generate({i, r}, c.requests[r], static_cast<int64_t>(r) % c.samples);
    }
  }

  void queue_loglikelihood(Ref ref, const LoglikelihoodRequest& req) {
    ++result_.counters.loglikelihood_requests;
    std::string key;
    if (cache_.enabled()) {
      key = cache_.key(cache_request(req));
      // Entries cached before non-finite outputs were refused hold null for NaN: recompute those.
      if (auto hit = cache_.get(key); hit && hit->contains("logprob") && (*hit)["logprob"].is_number()) {
        ++result_.counters.loglikelihood_cached;
        answer(ref, loglikelihood_response_from_json(*hit));
        return;
      }
    }
    ll_requests_.push_back(req);
    ll_refs_.push_back(ref);
    ll_keys_.push_back(std::move(key));
  }

  void queue_generate(Ref ref, const GenerateRequest& req, int64_t sample_index) {
    ++result_.counters.generate_requests;
    std::string key;
    if (cache_.enabled()) {
      key = cache_.key(cache_request(req, sample_index));
      if (auto hit = cache_.get(key)) {
        ++result_.counters.generate_cached;
        answer(ref, generate_response_from_json(*hit));
        return;
      }
    }
    gen_requests_.push_back(req);
    gen_refs_.push_back(ref);
    gen_keys_.push_back(std::move(key));
  }

  // model.generate, with a non-finite output named by task and example.
  void generate(LanguageModel& model, const LanguageModel::GenerateCallback& on_response) {
    try {
      model.generate(gen_requests_, on_response);
    } catch (const NonFiniteOutput& e) {
      if (e.request() >= gen_refs_.size()) throw;
      const Ref ref = gen_refs_[e.request()];
      const SuiteTask& t = *tasks_[ref.task].task;
      std::string example;
      if (const CodeTask* c = t.code())
        example = "problem " + std::to_string(ref.request / static_cast<size_t>(c->samples)) + ", sample " +
                  std::to_string(ref.request % static_cast<size_t>(c->samples));
      else
        example = "example " + std::to_string(icl_[ref.task]->example_of_generate(ref.request));
      throw runtime_error("the model produced non-finite logits while generating", t.label() + ", " + example,
                          "finite logits", origin_note(model, gen_requests_[e.request()].prompt));
    }
  }

  static std::string origin_note(LanguageModel& model, const Tokens& tokens) {
    std::string origin;
    try {
      origin = model.nonfinite_origin(tokens);
    } catch (const std::exception& e) {
      origin = std::string("(locating it failed: ") + e.what() + ")";
    }
    return std::string("NaN or Inf") + (origin.empty() ? "" : "; first non-finite output: " + origin) +
           " (check the checkpoint's weights and --dtype)";
  }

  // A NaN or infinite log-likelihood (NaN weights, an overflow in fp16) must never be scored: it
  // would be stored as null and pick choice 0. The check is one comparison per response.
  void require_finite(LanguageModel& model, Ref ref, const LoglikelihoodRequest& req, const LoglikelihoodResponse& r) {
    bool finite = std::isfinite(r.logprob);
    for (float t : r.token_logprobs) finite = finite && std::isfinite(t);
    if (finite) return;
    Tokens all = req.context;
    all.insert(all.end(), req.continuation.begin(), req.continuation.end());
    const SuiteTask& t = *tasks_[ref.task].task;
    throw runtime_error("the model produced a non-finite log-likelihood",
                        t.label() + ", example " + std::to_string(icl_[ref.task]->example_of_loglikelihood(ref.request)),
                        "finite log-probabilities", "log-likelihood " + std::to_string(r.logprob) + ", " + origin_note(model, all));
  }

  void answer(Ref ref, const LoglikelihoodResponse& r) {
    if (auto done = icl_[ref.task]->answer(ref.request, r)) add_example(ref.task, example_record(*tasks_[ref.task].task->icl(), *done));
  }

  void answer(Ref ref, const GenerateResponse& r) {
    if (IclTracker* tr = icl_[ref.task].get()) {
      if (auto done = tr->answer(ref.request, r)) add_example(ref.task, example_record(*tasks_[ref.task].task->icl(), *done));
      return;
    }
    executor_->submit(tag_of(ref), code_[ref.task]->generated(ref.request, r));
  }

  void executed(Ref ref, const sandbox::ExecutionResult& r) {
    ++result_.counters.programs_executed;
    if (r.verdict == sandbox::Verdict::InfrastructureError) {
      ++result_.counters.infrastructure_errors;
      MPT_LOG(Warn, "{}: the sandbox failed for sample {} of problem {} ({}); it is not stored, a rerun retries it",
              tasks_[ref.task].task->label(), ref.request % static_cast<size_t>(tasks_[ref.task].task->code()->samples),
              ref.request / static_cast<size_t>(tasks_[ref.task].task->code()->samples), r.result);
      return;
    }
    ++result_.verdicts[ref.task][sandbox::verdict_name(r.verdict)];
    CodeTracker::Recorded rec = code_[ref.task]->executed(ref.request, r);
    recorder_.add_code_sample(tasks_[ref.task].task_id, std::move(rec.sample));
    if (rec.problem) add_example(ref.task, std::move(*rec.problem));
  }

  void drain_programs() {
    if (executor_) executor_->drain([&](uint64_t tag, sandbox::ExecutionResult r) { executed(ref_of(tag), r); });
  }

  void add_example(size_t task, results::ExampleRecord row) {
    ++result_.evaluated[task];
    recorder_.add_example(tasks_[task].task_id, std::move(row));
    if (--missing_[task] == 0 && on_task_complete_) {
      recorder_.flush();  // the task's rows are in the store before anyone reads them
      on_task_complete_(task);
    } else {
      recorder_.maybe_flush();
    }
  }

  const std::vector<PassTask>& tasks_;
  results::ResponseCache& cache_;
  const TaskCompleteCallback& on_task_complete_;
  ResultRecorder recorder_;
  std::vector<std::unique_ptr<IclTracker>> icl_;
  std::vector<std::unique_ptr<CodeTracker>> code_;
  std::optional<CodeExecutor> executor_;
  std::vector<LoglikelihoodRequest> ll_requests_;
  std::vector<Ref> ll_refs_;
  std::vector<std::string> ll_keys_;
  std::vector<GenerateRequest> gen_requests_;
  std::vector<Ref> gen_refs_;
  std::vector<std::string> gen_keys_;
  std::vector<int64_t> missing_;  // per task: examples not stored yet
  PassResult result_;
};

}  // namespace

PassResult run_pass(const std::vector<PassTask>& tasks, LanguageModel& model, results::Store& store,
                    results::ResponseCache& cache, sandbox::SandboxPool* pool, const RunnerOptions& options,
                    const TaskCompleteCallback& on_task_complete) {
  RunPass pass(tasks, store, cache, pool, options, on_task_complete);
  return pass.run(model);
}

}  // namespace mpt
