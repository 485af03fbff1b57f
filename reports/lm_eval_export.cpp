#include "reports/lm_eval_export.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "common/error.h"
#include "common/jsonl.h"
#include "reports/lm_eval_results.h"
#include "reports/lm_eval_samples.h"
#include "reports/python_text.h"
#include "results/store_queries.h"

namespace mpt::reports {

namespace fs = std::filesystem;

std::string lm_eval_date_id(const std::string& iso) {
  std::string t = iso;
  if (!t.empty() && t.back() == 'Z') t.pop_back();
  std::string fraction;
  if (size_t dot = t.find('.'); dot != std::string::npos) {
    fraction = t.substr(dot + 1);
    t.resize(dot);
  }
  std::replace(t.begin(), t.end(), ':', '-');
  fraction.resize(6, '0');  // datetime.isoformat(): microseconds, left out when zero
  if (fraction != "000000") t += "." + fraction;
  return t;
}

std::string sanitize_model_name(const std::string& name) {
  static const std::string kSpecial = "\"<>:/|\\?*[]";
  std::string out;
  bool in_run = false;
  for (char ch : name) {
    if (kSpecial.find(ch) != std::string::npos) {
      if (!in_run) out += "__";
      in_run = true;
    } else {
      out += ch;
      in_run = false;
    }
  }
  return out;
}

std::vector<std::string> lm_eval_task_names(const std::vector<std::string>& labels) {
  auto clean = [](std::string s) {
    for (char& ch : s) {
      const bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                        ch == '-' || ch == '.';
      if (!keep) ch = '_';
    }
    return s;
  };
  // "<task>/<k>-shot[/<category>]" -> "<task>[/<category>]"
  auto without_shots = [](const std::string& label) {
    const size_t slash = label.find('/');
    if (slash == std::string::npos) return label;
    const size_t next = label.find('/', slash + 1);
    const std::string shots = label.substr(slash + 1, next == std::string::npos ? std::string::npos : next - slash - 1);
    if (shots.size() < 6 || shots.compare(shots.size() - 5, 5, "-shot") != 0) return label;
    return label.substr(0, slash) + (next == std::string::npos ? "" : label.substr(next));
  };
  std::map<std::string, int> uses;
  for (const std::string& l : labels) ++uses[clean(without_shots(l))];
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const std::string& l : labels) {
    std::string short_name = clean(without_shots(l));
    std::string name = uses[short_name] == 1 ? short_name : clean(l);
    if (!seen.insert(name).second)
      throw input_error("two tasks of the run get the same lm-eval task name", l, "distinct names", name);
    names.push_back(name);
  }
  return names;
}

std::vector<LmEvalFile> render_lm_eval(const results::Store& store, int64_t run_id) {
  const results::RunInfo run = results::get_run(store, run_id);
  const std::string date = lm_eval_date_id(run.ended_at.value_or(run.started_at));
  const std::string model_dir = sanitize_model_name(run.spec.model_path);
  const std::vector<results::TaskInfo> infos = results::load_tasks(store, run_id);
  std::vector<std::string> labels;
  for (const results::TaskInfo& t : infos) labels.push_back(t.spec.label);
  const std::vector<std::string> names = lm_eval_task_names(labels);

  std::vector<LmEvalFile> files(1);  // the results file first, rendered last (it needs the task hashes)
  std::vector<LmEvalTask> tasks;
  for (size_t i = 0; i < infos.size(); ++i) {
    const results::TaskInfo& info = infos[i];
    const std::vector<results::CodeSampleRecord> code = info.spec.type == "code_evaluation"
                                                            ? results::load_code_samples(store, info.id)
                                                            : std::vector<results::CodeSampleRecord>{};
    SampleRecords samples = sample_records(info, store.load_examples(info.id), code);
    std::string lines;
    for (const nlohmann::ordered_json& line : samples.lines) lines += python_json_line(line) + "\n";
    files.push_back({model_dir + "/samples_" + names[i] + "_" + date + ".jsonl", std::move(lines)});
    tasks.push_back({names[i], info, results::load_metrics(store, info.id), samples.task_hash});
  }
  files[0] = {model_dir + "/results_" + date + ".json",
              python_json_indent2(results_document(run, model_dir, tasks, results::load_gauntlet(store, run_id)))};
  return files;
}

void check_lm_eval_dir(const std::string& dir, const std::string& option) {
  std::error_code ec;
  const fs::path p(dir);
  if (fs::exists(p, ec)) {
    if (!fs::is_directory(p, ec))
      throw input_error("output path is not a directory", option + " " + dir, "a directory", "a file");
    return;
  }
  const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec))
    throw input_error("output directory's parent does not exist", option + " " + dir, "an existing parent directory",
                      parent.string());
}

std::vector<std::string> write_lm_eval(const results::Store& store, const std::vector<int64_t>& run_ids,
                                       const std::string& dir) {
  check_lm_eval_dir(dir, "lm-eval output");
  std::vector<LmEvalFile> files;
  std::set<std::string> paths;
  for (int64_t id : run_ids)
    for (LmEvalFile& f : render_lm_eval(store, id)) {
      if (!paths.insert(f.path).second)
        throw input_error("two runs give the same lm-eval file (same model path and time)", dir, "distinct files",
                          f.path);
      files.push_back(std::move(f));
    }
  std::vector<std::string> written;
  for (const LmEvalFile& f : files) {
    const fs::path path = fs::path(dir) / f.path;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw runtime_error("cannot create the output directory", path.parent_path().string(), "", ec.message());
    write_file_atomic(path.string(), f.content);
    written.push_back(path.string());
  }
  return written;
}

}  // namespace mpt::reports
