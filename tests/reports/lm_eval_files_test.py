#!/usr/bin/env python3
"""mpt-eval's lm-evaluation-harness files, end to end (Python standard library only).

1. A tiny random model is evaluated on four task types (language modelling, multiple choice,
   schema, generation) with `run --lm-eval-output`; `report --format lm-eval` converts the stored
   run again: the two directories must be byte-identical.
2. The files are checked against lm-eval's documented result schema (lm_eval/result_schema.py at
   EleutherAI/lm-evaluation-harness 4e7e0d47f33bc71070c1d38394bafbb52b117163; the key lists and
   types below are written from its EvalResults, _TaskMetrics, _SampleCount, _EvalConfig and
   SampleResult) and against files lm-eval itself wrote (tests/fixtures/lm_eval, see its README):
   same key sets and JSON types where both have a key, the same hash recipes
   (lm_eval/evaluator.py: doc_hash, prompt_hash, target_hash; evaluation_tracker.py: task_hashes)
   and the file-name conventions lm-eval's readers rely on (lm_eval/utils.py:
   get_file_task_name, get_file_datetime, sanitize_model_name).
   The checks run on lm-eval's own files too, and on broken copies of ours, which must fail.
3. Bad output paths are refused with exit code 2, naming the option, before anything is written.
4. With MPTEVAL_LM_EVAL_SRC set to an lm-evaluation-harness source tree (its root), lm-eval's own
   code reads the files: lm_eval.utils's file-name helpers and make_table (pytablewriter, which
   only formats the table, is stood in for when missing), and the key lists above are compared
   with lm_eval/result_schema.py, parsed with `ast` (importing it needs typing_extensions >= 4.10
   for `extra_items`; Debian 12 has 4.4). Skipped, saying so, when unset.

Usage: lm_eval_files_test.py MPT_EVAL_BINARY FIXTURES_DIR
"""
import ast
import types
import copy
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import tempfile

# ---- lm-eval's documented schema (result_schema.py at the commit above) ----------------------
EVAL_RESULTS_KEYS = {
    "results": dict, "groups": dict, "group_subtasks": dict, "configs": dict, "versions": dict,
    "n-shot": dict, "higher_is_better": dict, "n-samples": dict, "samples": dict, "config": dict,
    "git_hash": str, "date": float, "pretty_env_info": str, "transformers_version": str,
    "lm_eval_version": str, "upper_git_hash": (str, type(None)), "tokenizer_pad_token": list,
    "tokenizer_eos_token": list, "tokenizer_bos_token": list, "eot_token_id": (int, type(None)),
    "max_length": (int, type(None)), "model_source": str, "model_name": str,
    "model_name_sanitized": str, "system_instruction": (str, type(None)),
    "system_instruction_sha": (str, type(None)), "fewshot_as_multiturn": (bool, type(None)),
    "chat_template": (str, type(None)), "chat_template_sha": (str, type(None)),
    "task_hashes": dict, "total_evaluation_time_seconds": str,
}
# Keys lm-eval writes that mpt-eval does not (docs/results.md says why), and mpt-eval's own key.
NOT_WRITTEN = {"groups", "samples", "pretty_env_info", "transformers_version", "lm_eval_version",
               "upper_git_hash", "tokenizer_pad_token", "tokenizer_eos_token", "tokenizer_bos_token",
               "eot_token_id", "max_length", "start_time", "end_time"}
EXTENSIONS = {"mpt_eval"}
EVAL_CONFIG_KEYS = {
    "model": str, "model_args": (str, dict, type(None)), "model_num_parameters": int,
    "model_dtype": str, "model_revision": (str, type(None)), "model_sha": str,
    "batch_size": (str, type(None)), "batch_sizes": list, "device": (str, type(None)),
    "use_cache": (str, type(None)), "limit": (int, float, type(None)), "bootstrap_iters": int,
    "gen_kwargs": (str, dict, type(None)), "random_seed": int, "numpy_seed": int,
    "torch_seed": int, "fewshot_seed": int,
}
SAMPLE_KEYS = {"doc_id": int, "doc": dict, "target": str, "arguments": dict, "resps": list,
               "filtered_resps": list, "filter": str, "metrics": list}
HASH_KEYS = ("doc_hash", "prompt_hash", "target_hash")


class Bad(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise Bad(msg)


def is_type(v, t):
    if t is float:
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if isinstance(t, tuple):
        return any(is_type(v, x) for x in t)
    if t is int:
        return isinstance(v, int) and not isinstance(v, bool)
    return isinstance(v, t)


def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# lm_eval.utils's file-name readers, restated: task = between the first and the last "_",
# datetime = after the last "_".
def file_task_name(filename):
    return filename[filename.find("_") + 1: filename.rfind("_")]


def file_datetime(filename):
    return filename[filename.rfind("_") + 1:].replace(".jsonl", "")


def sanitized(model_name):
    return re.sub(r"[\"<>:/|\\?*\[\]]+", "__", model_name)


# ---- checks ----------------------------------------------------------------------------------
def check_results(doc, where, ours):
    for key, value in doc.items():
        if key in EXTENSIONS:
            continue
        need(key in EVAL_RESULTS_KEYS, f"{where}: key '{key}' is not in lm-eval's EvalResults")
        need(is_type(value, EVAL_RESULTS_KEYS[key]),
             f"{where}: '{key}' should be {EVAL_RESULTS_KEYS[key]}, found {type(value).__name__}")
    required = set(EVAL_RESULTS_KEYS) - NOT_WRITTEN if ours else {"results", "configs", "versions", "n-shot",
                                                                  "higher_is_better", "n-samples", "config"}
    for key in required:
        need(key in doc, f"{where}: missing key '{key}'")
    tasks = set(doc["n-samples"])
    need(tasks and tasks <= set(doc["results"]), f"{where}: n-samples tasks {tasks} not all in results")
    for task in tasks:
        r = doc["results"][task]
        need(is_type(r.get("alias"), str), f"{where}: results.{task}.alias should be a string")
        if "name" in r:
            need(r["name"] == task, f"{where}: results.{task}.name is {r['name']!r}")
        if "sample_len" in r:
            need(is_type(r["sample_len"], int), f"{where}: results.{task}.sample_len should be an int")
        metrics = [k for k in r if "," in k]
        need(metrics, f"{where}: results.{task} has no 'metric,filter' keys")
        for k in metrics:
            m, f = k.split(",", 1)
            need(f, f"{where}: results.{task}: '{k}' has no filter")
            if m.endswith("_stderr"):
                need(is_type(r[k], float) or r[k] == "N/A", f"{where}: results.{task}['{k}'] = {r[k]!r}")
                need(m[:-7] + "," + f in r, f"{where}: results.{task}: '{k}' without its metric")
            else:  # _TaskMetrics' extra items are numbers (int | float | bool | tuple)
                need(is_type(r[k], (float, bool, list)), f"{where}: results.{task}['{k}'] = {r[k]!r}")
                need(m + "_stderr," + f in r, f"{where}: results.{task}: '{k}' without its stderr")
                need(m in doc["higher_is_better"][task], f"{where}: higher_is_better.{task} lacks '{m}'")
        n = doc["n-samples"][task]
        need(set(n) == {"original", "effective"} and all(is_type(v, int) for v in n.values()),
             f"{where}: n-samples.{task} = {n}")
        need(is_type(doc["n-shot"][task], int), f"{where}: n-shot.{task} should be an int")
        need(all(isinstance(v, bool) for v in doc["higher_is_better"][task].values()),
             f"{where}: higher_is_better.{task} values should be booleans")
        need(task in doc["versions"], f"{where}: versions lacks {task}")
        c = doc["configs"][task]
        need(c.get("task") == task and c.get("output_type") in
             ("loglikelihood", "multiple_choice", "generate_until", "loglikelihood_rolling"),
             f"{where}: configs.{task} task/output_type = {c.get('task')!r}/{c.get('output_type')!r}")
        for entry in c.get("metric_list", []):
            need(set(entry) >= {"metric", "aggregation", "higher_is_better"}, f"{where}: metric_list entry {entry}")
    for key, value in doc["config"].items():
        need(key in EVAL_CONFIG_KEYS, f"{where}: config key '{key}' is not in lm-eval's _EvalConfig")
        need(is_type(value, EVAL_CONFIG_KEYS[key]), f"{where}: config.{key} = {value!r}")
    return tasks


def check_sample(s, where):
    for key, t in SAMPLE_KEYS.items():
        need(key in s, f"{where}: missing key '{key}'")
        need(is_type(s[key], t), f"{where}: '{key}' should be {t.__name__}, found {type(s[key]).__name__}")
    need(all(re.fullmatch(r"gen_args_\d+", k) for k in s["arguments"]), f"{where}: arguments keys {list(s['arguments'])}")
    for a in s["arguments"].values():
        need(isinstance(a, dict) and all(re.fullmatch(r"arg_\d+", k) for k in a), f"{where}: argument {a!r:.80}")
    need(len(s["resps"]) == len(s["filtered_resps"]) == len(s["arguments"]),
         f"{where}: {len(s['resps'])} resps, {len(s['filtered_resps'])} filtered, {len(s['arguments'])} arguments")
    for r in s["resps"]:
        need(isinstance(r, list), f"{where}: a response should be a list of repeats")
    for name in s["metrics"]:
        need(name in s, f"{where}: metric '{name}' listed without its value")
    for key in HASH_KEYS:
        need(is_type(s.get(key), str) and len(s[key]) == 64, f"{where}: {key} = {s.get(key)!r}")
    need(s["doc_hash"] == sha(json.dumps(s["doc"], indent=2, ensure_ascii=False)), f"{where}: doc_hash differs")
    need(s["prompt_hash"] == sha(s["arguments"]["gen_args_0"]["arg_0"]), f"{where}: prompt_hash differs")
    need(s["target_hash"] == sha(s["target"]), f"{where}: target_hash differs")


def loglikelihood_pair(p):
    return isinstance(p, list) and len(p) == 2 and isinstance(p[1], str) and math.isfinite(float(p[0]))


def check_our_sample(s, where, output_type):
    if output_type == "generate_until":
        need(all(isinstance(x, str) for x in s["filtered_resps"]), f"{where}: generation filtered_resps")
        need(isinstance(s["arguments"]["gen_args_0"]["arg_1"], dict), f"{where}: generation arg_1 should be gen kwargs")
    else:
        need(all(loglikelihood_pair(p) for p in s["filtered_resps"]), f"{where}: filtered_resps {s['filtered_resps']}")
        need(all(len(r) == 1 and loglikelihood_pair(r[0]) for r in s["resps"]), f"{where}: resps {s['resps']}")
        need(all(p[1] in ("True", "False") for p in s["filtered_resps"]), f"{where}: is_greedy strings")


def check_directory(root, ours):
    """Checks one lm-eval output directory; returns {task: samples} for further checks."""
    (model_dir,) = os.listdir(root)
    files = sorted(os.listdir(os.path.join(root, model_dir)))
    results_files = [f for f in files if f.startswith("results_") and f.endswith(".json")]
    need(len(results_files) == 1, f"{root}: one results file expected, found {results_files}")
    with open(os.path.join(root, model_dir, results_files[0]), encoding="utf-8") as fh:
        text = fh.read()
    doc = json.loads(text)
    where = results_files[0]
    # save_results_aggregated's json.dumps(results, indent=2, ensure_ascii=False), byte for byte.
    need(not ours or text == json.dumps(doc, indent=2, ensure_ascii=False), f"{where}: not as lm-eval writes it")
    tasks = check_results(doc, where, ours)
    need(model_dir == doc.get("model_name_sanitized", model_dir) == sanitized(doc.get("model_name", model_dir)),
         f"{root}: model directory {model_dir!r} vs model_name {doc.get('model_name')!r}")
    date = file_datetime(results_files[0]).replace(".json", "")
    samples = {}
    for f in files:
        if not f.startswith("samples_"):
            continue
        need(file_datetime(f) == date, f"{f}: date differs from the results file's {date}")
        task = file_task_name(f)
        need(task in tasks, f"{f}: task {task!r} is not in the results")
        with open(os.path.join(root, model_dir, f), encoding="utf-8") as fh:
            lines = [line for line in fh if line.strip()]
        samples[task] = [json.loads(line) for line in lines]
        for i, (line, s) in enumerate(zip(lines, samples[task])):  # save_results_samples' json.dumps
            need(line == json.dumps(s, ensure_ascii=False) + "\n", f"{f}:{i + 1}: not as lm-eval writes the line")
        for i, s in enumerate(samples[task]):
            check_sample(s, f"{f}:{i + 1}")
            if ours:
                check_our_sample(s, f"{f}:{i + 1}", doc["configs"][task]["output_type"])
    if ours:
        need(set(samples) == tasks, f"{root}: samples files for {sorted(samples)}, tasks {sorted(tasks)}")
        for task, lines in samples.items():
            need(len(lines) == doc["n-samples"][task]["effective"], f"{task}: {len(lines)} samples")
            need([s["doc_id"] for s in lines] == sorted(s["doc_id"] for s in lines), f"{task}: doc_id order")
            recipe = sha("".join(s["doc_hash"] + s["prompt_hash"] + s["target_hash"] for s in lines))
            need(doc["task_hashes"].get(task) == recipe, f"task_hashes.{task} differs from lm-eval's recipe")
            for name in lines[0]["metrics"]:
                mean = sum(s[name] for s in lines) / len(lines)
                need(abs(doc["results"][task][name + ",none"] - mean) < 1e-12, f"{task}: {name} mean {mean}")
    return doc, samples


def compare_with_lm_eval(ours, theirs, our_samples, their_samples):
    """Keys both have must have the same JSON type; samples must have lm-eval's fixed keys."""
    def kind(v):
        return "number" if is_type(v, float) else "null" if v is None else type(v).__name__
    for key in set(ours) & set(theirs):  # null where the schema allows None (checked above)
        a, b = ours[key], theirs[key]
        need(a is None or b is None or kind(a) == kind(b), f"top-level '{key}': {kind(a)} vs lm-eval's {kind(b)}")
    missing = set(theirs) - set(ours) - NOT_WRITTEN
    need(not missing, f"lm-eval writes {sorted(missing)}, mpt-eval does not (and docs do not say why)")
    for key in set(ours["config"]) & set(theirs["config"]):
        a, b = ours["config"][key], theirs["config"][key]
        need(a is None or b is None or kind(a) == kind(b), f"config.{key}: {kind(a)} vs lm-eval's {kind(b)}")
    their_task = next(iter(theirs["n-samples"]))
    their_cfg = theirs["configs"][their_task]
    for task, cfg in ours["configs"].items():
        for key in set(cfg) & set(their_cfg):
            a, b = cfg[key], their_cfg[key]
            need(a is None or b is None or kind(a) == kind(b), f"configs.{task}.{key}: {kind(a)} vs lm-eval's {kind(b)}")
    their_keys = {k for lines in their_samples.values() for k in lines[0] if k not in lines[0]["metrics"]}
    for task, lines in our_samples.items():
        keys = {k for k in lines[0] if k not in lines[0]["metrics"]}
        need(keys == their_keys, f"samples of {task}: keys {sorted(keys)} vs lm-eval's {sorted(their_keys)}")


def schema_keys_from_source(path):
    """The keys of EvalResults, _EvalConfig and SampleResult's fixed part, read from lm-eval's file."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    keys = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and node.value.args[:1] and \
                isinstance(node.value.args[0], ast.Constant) and node.value.args[0].value == "EvalResults":
            keys["EvalResults"] = {k.value for k in node.value.args[1].keys}
        if isinstance(node, ast.ClassDef) and node.name in ("_EvalConfig", "SampleResult", "_SampleCount"):
            keys[node.name] = {n.target.id for n in node.body if isinstance(n, ast.AnnAssign)}
    return keys


def read_with_lm_eval(src, out_dir, ours):
    """lm-eval's own reading code on our files (see the module's docstring)."""
    schema = schema_keys_from_source(os.path.join(src, "lm_eval", "result_schema.py"))
    assert schema["EvalResults"] == set(EVAL_RESULTS_KEYS), schema["EvalResults"] ^ set(EVAL_RESULTS_KEYS)
    assert schema["_EvalConfig"] == set(EVAL_CONFIG_KEYS), schema["_EvalConfig"] ^ set(EVAL_CONFIG_KEYS)
    fixed = set(SAMPLE_KEYS) | set(HASH_KEYS)
    assert schema["SampleResult"] == fixed, schema["SampleResult"] ^ fixed
    assert schema["_SampleCount"] == {"original", "effective"}, schema["_SampleCount"]
    sys.path.insert(0, src)
    package = types.ModuleType("lm_eval")  # lm_eval/__init__ wants the installed package's metadata
    package.__path__ = [os.path.join(src, "lm_eval")]
    sys.modules["lm_eval"] = package
    try:
        import pytablewriter  # noqa: F401
    except ImportError:
        class Writer:
            headers, value_matrix = [], []

            def dumps(self):
                return "\n".join("|".join(map(str, row)) for row in [self.headers] + self.value_matrix)
        sys.modules["pytablewriter"] = types.SimpleNamespace(MarkdownTableWriter=Writer, LatexTableWriter=Writer)
    import lm_eval.utils as lm_utils
    files = [os.path.join(d, f) for d, _, fs in os.walk(out_dir) for f in fs]
    (results_file,) = lm_utils.get_results_filenames(files)
    samples_files = lm_utils.get_sample_results_filenames(files)
    assert lm_utils.get_latest_filename(samples_files) in samples_files
    for f in samples_files:
        name = os.path.basename(f)
        assert lm_utils.get_file_task_name(name) in ours["results"], name
        assert lm_utils.get_file_datetime(name) == lm_utils.get_file_datetime(os.path.basename(results_file))[:-5]
    with open(results_file, encoding="utf-8") as fh:
        table = lm_utils.make_table(json.load(fh))
    for task, entry in ours["results"].items():
        assert entry["alias"] in table, (task, table)
    assert "acc_norm" in table and "exact_match" in table, table
    print(table)


def must_fail(fn, what):
    try:
        fn()
    except Bad:
        return
    raise AssertionError(f"the check accepted a broken file: {what}")


def run(binary, args, cwd, expect=0):
    p = subprocess.run([binary] + args, cwd=cwd, capture_output=True, text=True)
    if p.returncode != expect:
        raise AssertionError(f"{' '.join(args)}: exit {p.returncode} (expected {expect})\n{p.stderr}")
    return p


def tree(root):
    out = {}
    for d, _, fs in os.walk(root):
        for f in fs:
            with open(os.path.join(d, f), "rb") as fh:
                out[os.path.relpath(os.path.join(d, f), root)] = fh.read()
    return out


def main():
    binary, fixtures = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        run(binary, ["init", "--shape", "tiny", "--vocab-size", "50432", "--out", "model"], tmp)
        tasks = ["--task", "lambada_openai", "--task", "piqa", "--task", "winograd", "--task", "triviaqa_sm_sub"]
        run(binary, ["run", "--model", "model", "--db", "r.db", "--limit", "3", "--lm-eval-output", "out1"] + tasks, tmp)
        run(binary, ["report", "--db", "r.db", "--runs", "1", "--format", "lm-eval", "--out", "out2"], tmp)
        one, two = tree(os.path.join(tmp, "out1")), tree(os.path.join(tmp, "out2"))
        assert len(one) == 5, sorted(one)
        assert one == two, "run --lm-eval-output and report --format lm-eval differ: " + str(
            [k for k in set(one) | set(two) if one.get(k) != two.get(k)])
        print(f"round trip: {len(one)} files byte-identical")

        ours, our_samples = check_directory(os.path.join(tmp, "out1"), ours=True)
        types = {t: ours["configs"][t]["output_type"] for t in ours["configs"]}
        assert sorted(types.values()) == ["generate_until", "loglikelihood", "multiple_choice", "multiple_choice"], types
        assert "acc_norm,none" in ours["results"]["piqa"] and "exact_match,none" in ours["results"]["triviaqa_sm_sub"]

        # lm-eval's own files (copied into the fixture's layout) pass the same checks.
        lm = os.path.join(tmp, "lm-eval", "Qwen__Qwen3-8B")
        os.makedirs(lm)
        for f in os.listdir(fixtures):
            if f.endswith((".json", ".jsonl")):
                with open(os.path.join(fixtures, f), "rb") as src, open(os.path.join(lm, f), "wb") as dst:
                    dst.write(src.read())
        theirs, their_samples = check_directory(os.path.join(tmp, "lm-eval"), ours=False)
        compare_with_lm_eval(ours, theirs, our_samples, their_samples)
        print("schema: ours and lm-eval's files pass; shared keys have the same types")

        # The checks can fail: broken copies of our files are refused.
        broken = copy.deepcopy(ours)
        del broken["n-samples"]["piqa"]["effective"]
        must_fail(lambda: check_results(broken, "broken", True), "n-samples without effective")
        broken = copy.deepcopy(ours)
        broken["results"]["piqa"]["acc,none"] = "0.5"
        must_fail(lambda: check_results(broken, "broken", True), "a metric as a string")
        broken = copy.deepcopy(ours)
        broken["config"]["model_sha"] = 5
        must_fail(lambda: check_results(broken, "broken", True), "model_sha as a number")
        sample = copy.deepcopy(our_samples["piqa"][0])
        sample["doc"]["gold"] = sample["doc"]["gold"] + 1
        must_fail(lambda: check_sample(sample, "broken"), "a doc that does not match its hash")
        sample = copy.deepcopy(our_samples["triviaqa_sm_sub"][0])
        del sample["filter"]
        must_fail(lambda: check_sample(sample, "broken"), "a sample without filter")
        print("broken copies are refused")

        # Bad output paths: exit 2 naming the option, nothing written.
        with open(os.path.join(tmp, "afile"), "w") as fh:
            fh.write("x")
        p = run(binary, ["report", "--db", "r.db", "--format", "lm-eval"], tmp, expect=2)
        assert "--out" in p.stderr, p.stderr
        p = run(binary, ["report", "--db", "r.db", "--format", "lm-eval", "--out", "afile"], tmp, expect=2)
        assert "output path is not a directory (--out afile)" in p.stderr, p.stderr
        p = run(binary, ["run", "--model", "model", "--db", "new.db", "--limit", "1", "--task", "piqa",
                         "--lm-eval-output", "no/such/dir"], tmp, expect=2)
        assert "--lm-eval-output no/such/dir" in p.stderr, p.stderr
        assert not os.path.exists(os.path.join(tmp, "new.db")), "the store was created before the check"
        assert not os.path.exists(os.path.join(tmp, "no")), "a directory was created"
        print("bad output paths are refused")

        src = os.environ.get("MPTEVAL_LM_EVAL_SRC")
        if src:
            read_with_lm_eval(src, os.path.join(tmp, "out1"), ours)
            print(f"lm-eval's own code ({src}) read the files")
        else:
            print("skipped: lm-eval's own reading code (set MPTEVAL_LM_EVAL_SRC to its source tree)")
    print("ok")


if __name__ == "__main__":
    try:
        main()
    except Bad as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
