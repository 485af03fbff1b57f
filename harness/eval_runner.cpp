#include "harness/eval_runner.h"

#include <chrono>
#include <set>

#include "common/error.h"
#include "common/log.h"
#include "common/score_text.h"
#include "harness/example_records.h"
#include "harness/run_pass.h"
#include "results/response_cache.h"
#include "results/store_queries.h"
#include "sandbox/sandbox_pool.h"

namespace mpt {
namespace {

// A non-writing process: the same two model calls as the writer, over every selected example.
void follow(const EvalSuite& suite, LanguageModel& model) {
  std::vector<LoglikelihoodRequest> ll;
  std::vector<GenerateRequest> gen;
  for (const SuiteTask& t : suite.tasks) {
    if (const PreparedEval* e = t.icl()) {
      ll.insert(ll.end(), e->loglikelihood_requests.begin(), e->loglikelihood_requests.end());
      gen.insert(gen.end(), e->generate_requests.begin(), e->generate_requests.end());
    }
    if (const CodeTask* c = t.code()) gen.insert(gen.end(), c->requests.begin(), c->requests.end());
  }
  model.loglikelihood(ll);
  model.generate(gen);
}

std::vector<PassTask> register_tasks(const EvalSuite& suite, results::Store& store, int64_t run_id,
                                     std::vector<int64_t>& stored_before) {
  std::vector<PassTask> tasks;
  for (const SuiteTask& t : suite.tasks) {
    PassTask p;
    p.task = &t;
    p.task_id = store.register_task(run_id, t.store_spec);
    p.done.assign(static_cast<size_t>(t.selected), false);
    int64_t before = 0;
    for (int64_t i : store.stored_example_indices(p.task_id))
      if (i >= 0 && i < t.selected) p.done[static_cast<size_t>(i)] = true, ++before;
    if (t.code()) p.stored_samples = results::load_code_samples(store, p.task_id);
    stored_before.push_back(before);
    tasks.push_back(std::move(p));
  }
  return tasks;
}

std::vector<results::MetricRecord> metric_records(const std::vector<MetricSummary>& metrics) {
  std::vector<results::MetricRecord> out;
  for (const MetricSummary& m : metrics) out.push_back({m.name, m.mean, m.stderr_mean, m.count});
  return out;
}

std::vector<results::GauntletRecord> gauntlet_records(const GauntletResult& g) {
  std::vector<results::GauntletRecord> out;
  for (const GauntletCategoryResult& c : g.categories) {
    std::optional<double> v = c.complete() ? c.score : c.partial_score;
    if (v) out.push_back({c.name, *v, !c.complete()});
  }
  for (const GauntletAverageResult& a : g.averages)
    out.push_back({a.name, a.complete() ? a.score : a.partial_score.value_or(a.score), !a.complete()});
  return out;
}

const MetricSummary* find_metric(const TaskOutcome& t, const std::string& name) {
  for (const MetricSummary& m : t.metrics)
    if (m.name == name) return &m;
  return nullptr;
}

}  // namespace

EvalRunner::EvalRunner(std::shared_ptr<const EvalSuite> suite, RunnerOptions options)
    : suite_(std::move(suite)), options_(std::move(options)) {}

EvalRunner::~EvalRunner() = default;

sandbox::SandboxPool& EvalRunner::pool() {
  if (!pool_) {
    pool_ = std::make_unique<sandbox::SandboxPool>(suite_->code_sandbox_config(options_.sandbox));
    MPT_LOG(Info, "sandbox: {} worker(s); {}", pool_->workers(), pool_->isolation());
  }
  return *pool_;
}

RunOutcome EvalRunner::run(LanguageModel& model, const RunTarget& target) {
  const auto start_time = std::chrono::steady_clock::now();
  RunOutcome out;
  out.missing = suite_->missing;
  if (!options_.writes_store) {
    follow(*suite_, model);
    out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    return out;
  }
  if (!target.store)
    throw input_error("no results store to write to", "RunTarget::store", "a Store (\":memory:\" keeps nothing)", "none");
  results::Store& store = *target.store;
  // Refuse code tasks without isolation before anything is written.
  sandbox::SandboxPool* pool = suite_->has_code_tasks() ? &this->pool() : nullptr;
  if (pool) out.isolation = pool->isolation();

  results::RunSpec spec = target.spec;
  spec.task_config = suite_->task_config;
  spec.gauntlet_config = suite_->gauntlet_config;
  spec.data_hash = suite_->data_hash;
  results::RunStart started = target.resume_run_id ? store.resume_run(*target.resume_run_id, spec)
                              : target.fresh         ? store.create_run(spec)
                                                     : store.start_run(spec);
  out.wrote = true;
  out.run_id = started.run_id;
  out.resumed = started.resumed;
  out.db_path = store.path();
  MPT_LOG(Info, "{} run {} in {}", started.resumed ? "resuming" : "started", started.run_id, store.path());
  try {
    std::vector<int64_t> stored_before;
    std::vector<PassTask> tasks = register_tasks(*suite_, store, started.run_id, stored_before);
    results::ResponseCache cache(store, {spec.model_hash, spec.dtype, spec.device_class}, target.use_cache);
    // Each task's scores as soon as its last example is stored: a long run shows its first results
    // long before the table at the end.
    auto show_task = [&](size_t i) {
      const SuiteTask& t = *tasks[i].task;
      std::vector<MetricSummary> metrics =
          order_metrics(aggregate(results_from_records(store.load_examples(tasks[i].task_id))), t.store_spec.primary_metric);
      if (metrics.empty()) return;
      std::string scores;
      for (const MetricSummary& m : metrics)
        scores += (scores.empty() ? "" : ", ") + m.name + " " + format_score(m.mean, m.stderr_mean);
      MPT_LOG(Info, "{} done: {} (percent, {} example(s))", t.label(), scores, metrics.front().count);
    };
    PassResult pass = run_pass(tasks, model, store, cache, pool, options_, show_task);
    out.counters = pass.counters;
    if (out.counters.loglikelihood_cached + out.counters.generate_cached > 0)
      MPT_LOG(Info, "response cache: {} of {} requests answered without the model",
              out.counters.loglikelihood_cached + out.counters.generate_cached,
              out.counters.loglikelihood_requests + out.counters.generate_requests);

    std::vector<BenchmarkScore> scores;
    std::string incomplete;
    for (size_t i = 0; i < tasks.size(); ++i) {
      const SuiteTask& t = *tasks[i].task;
      TaskOutcome o{t.label(), t.store_spec.type, t.store_spec.primary_metric, t.store_spec.num_examples,
                    t.selected, stored_before[i], pass.evaluated[i], {}, pass.verdicts[i]};
      std::vector<results::ExampleRecord> rows = store.load_examples(tasks[i].task_id);
      o.metrics = order_metrics(aggregate(results_from_records(rows)), o.primary_metric);
      store.record_metrics(tasks[i].task_id, metric_records(o.metrics));
      if (static_cast<int64_t>(rows.size()) < t.selected)
        incomplete += (incomplete.empty() ? "" : ", ") + t.label() + " (" + std::to_string(rows.size()) + " of " +
                      std::to_string(t.selected) + ")";
      if (const MetricSummary* m = find_metric(o, o.primary_metric))
        scores.push_back({t.label(), t.benchmark_key, m->mean, t.store_spec.num_examples});
      out.tasks.push_back(std::move(o));
    }
    if (suite_->gauntlet) {
      out.gauntlet = compute_gauntlet(*suite_->gauntlet, scores);
      store.record_gauntlet(started.run_id, gauntlet_records(*out.gauntlet));
    }
    if (!incomplete.empty())
      throw runtime_error("the run is incomplete", store.path() + " run " + std::to_string(started.run_id),
                          "every selected example scored",
                          "missing rows in " + incomplete + " after " + std::to_string(out.counters.infrastructure_errors) +
                              " sandbox infrastructure error(s); run the same command again to retry them");
    store.finish_run(started.run_id);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Interrupted) {
      mark_failed(store, started.run_id, e.what());
      throw;
    }
    try {
      store.interrupt_run(started.run_id, e.what());
    } catch (const std::exception& f) {
      MPT_LOG(Warn, "could not mark run {} interrupted: {}", started.run_id, f.what());
    }
    MPT_LOG(Warn, "run {} interrupted; what was scored is stored in {}. Run the same command again to resume it "
                  "(or add --resume {})", started.run_id, store.path(), started.run_id);
    throw;
  } catch (const std::exception& e) {
    mark_failed(store, started.run_id, e.what());
    throw;
  }
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  return out;
}

void EvalRunner::mark_failed(results::Store& store, int64_t run_id, const std::string& message) {
  try {
    store.fail_run(run_id, message);
  } catch (const std::exception& f) {
    MPT_LOG(Warn, "could not mark run {} failed: {}", run_id, f.what());
  }
}

}  // namespace mpt
