// MptModel: loading a checkpoint into libtorch tensors, and the public API around the forward pass
// (which lives in mpt_forward.cpp). libtorch exceptions become mpt::Error here.
#include "models/mpt_model.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/zeros.h>
#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <filesystem>
#include <map>
#include <set>

#include "common/error.h"
#include "common/log.h"
#include "models/checkpoint_files.h"
#include "models/config_reconcile.h"
#include "models/int8_linear.h"
#include "models/kv_cache.h"
#include "models/mapped_file.h"
#include "models/mpt_tensors.h"
#include "models/mpt_weights.h"
#include "models/slot_cache.h"
#include "models/torch_errors.h"

namespace mpt {
namespace {

at::Device parse_device(const std::string& text) {
  const std::string where = "--device " + text;
  if (text == "cpu") return at::Device(at::kCPU);
  if (text != "cuda" && text.rfind("cuda:", 0) != 0)
    throw input_error("unknown device", where, "cpu, cuda or cuda:N", quote_excerpt(text));
  int64_t index = 0;
  if (text.size() > 5) {
    std::string digits = text.substr(5);
    if (digits.size() > 3 || !std::all_of(digits.begin(), digits.end(), ::isdigit))
      throw input_error("bad CUDA device index", where, "cuda:N with N a device number", quote_excerpt(text));
    index = std::stoll(digits);
  } else if (text.size() == 5) {
    throw input_error("bad CUDA device index", where, "cuda:N with N a device number", quote_excerpt(text));
  }
  if (!at::hasCUDA())
    throw input_error("CUDA is not available", where, "a libtorch built with CUDA and a visible GPU",
                      "a CPU-only libtorch or no GPU (use --device cpu)");
  const int64_t count = static_cast<int64_t>(at::getNumGPUs());
  if (index >= count)
    throw input_error("CUDA device index out of range", where, "an index below " + std::to_string(count), std::to_string(index));
  return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
}

at::ScalarType scalar_type(WireDType t) {
  switch (t) {
    case WireDType::F64: return at::kDouble;
    case WireDType::F32: return at::kFloat;
    case WireDType::F16: return at::kHalf;
    case WireDType::BF16: return at::kBFloat16;
    default: return at::kFloat;  // only floating types reach here (checked by the caller)
  }
}

at::ScalarType scalar_type(DType t) {
  switch (t) {
    case DType::F32: return at::kFloat;
    case DType::BF16: return at::kBFloat16;
    case DType::F16: return at::kHalf;
  }
  return at::kFloat;
}

// A weight as loading makes it: `values`, and `scale` when it was quantized to int8 (int8_linear.h).
struct MadeTensor {
  at::Tensor values;
  at::Tensor scale;
};

// Checks one checkpoint tensor against its spec, passes `use` a CPU tensor over its bytes (the
// memory map itself, copied only when misaligned), then hands the file's pages back, so that at most
// one tensor's bytes are resident twice at any time. `quantizing`: for the error message only.
MadeTensor read_tensor(const RawTensor& raw, const TensorSpec& spec, bool quantizing,
                       const std::function<MadeTensor(const at::Tensor&)>& use) {
  const std::string where = raw.file + ", tensor '" + raw.name + "'";
  if (raw.shape != spec.shape)
    throw input_error("tensor has the wrong shape for this config", where, shape_string(spec.shape), shape_string(raw.shape));
  if (quantizing && (raw.dtype == WireDType::I8 || raw.dtype == WireDType::U8))
    throw input_error("tensor is already 8-bit: --weights int8 quantizes floating-point checkpoints", where,
                      "F32, BF16, F16 or F64", wire_dtype_name(raw.dtype));
  if (!wire_dtype_is_float(raw.dtype))
    throw input_error(quantizing ? "tensor is not floating-point and cannot be quantized" : "tensor is not floating-point",
                      where, "F32, BF16, F16 or F64", wire_dtype_name(raw.dtype));
  const auto type = at::TensorOptions().dtype(scalar_type(raw.dtype));
  if (raw.numel() == 0) return use(at::empty(raw.shape, type));
  void* data = const_cast<uint8_t*>(raw.data);
  at::Tensor aligned;
  if (reinterpret_cast<uintptr_t>(data) % wire_dtype_size(raw.dtype) != 0) {
    // safetensors does not promise aligned tensor data; kernels may assume it.
    aligned = at::empty({static_cast<int64_t>(raw.span_bytes)}, at::kByte);
    std::memcpy(aligned.data_ptr(), raw.data, raw.span_bytes);
    data = aligned.data_ptr();
  }
  MadeTensor made = use(at::from_blob(data, raw.shape, raw.strides, type));
  if (raw.mapping) raw.mapping->release(raw.data, raw.span_bytes);
  return made;
}

// One checkpoint tensor as a fresh tensor of `type` on `device`.
MadeTensor convert(const RawTensor& raw, const TensorSpec& spec, at::ScalarType type, at::Device device) {
  return read_tensor(raw, spec, false, [&](const at::Tensor& view) {
    at::Tensor out = at::empty(raw.shape, at::TensorOptions().dtype(type).device(device));
    if (view.numel() > 0) out.copy_(view);
    return MadeTensor{out, {}};
  });
}

// One checkpoint matrix quantized row by row from the file's own values (int8_linear.h), on `device`.
MadeTensor quantize(const RawTensor& raw, const TensorSpec& spec, at::Device device) {
  return read_tensor(raw, spec, true, [&](const at::Tensor& view) {
    auto [q, scale] = quantize_rows(view, raw.file + ", tensor '" + raw.name + "'");
    return MadeTensor{q.to(device), scale.to(device)};
  });
}

// Where a checkpoint tensor goes in MptWeights: the matrices int8 weights quantize (linear layers,
// the embedding, lm_head) have a `matrix` to hold their scale as well.
struct Destination {
  at::Tensor* values = nullptr;
  LinearWeights* matrix = nullptr;  // set for a quantizable matrix (values is then &matrix->weight)
  bool embedding = false;           // wte, wpe or lm_head (ModelOptions::int8_embedding)
};

// Where each checkpoint tensor goes in MptWeights. Wq/Wk/Wv of a non-fused checkpoint go to
// `split` (by "<block>.attn.Wq" etc.) and are concatenated into Wqkv afterwards.
std::map<std::string, Destination> destinations(MptWeights& w, std::map<std::string, LinearWeights>& split,
                                                int64_t n_layers) {
  std::map<std::string, Destination> d;
  auto norm = [&](const std::string& n, NormWeights& nw) {
    d[n + ".weight"] = {&nw.weight};
    d[n + ".bias"] = {&nw.bias};
  };
  auto linear = [&](const std::string& n, LinearWeights& lw) {
    d[n + ".weight"] = {&lw.weight, &lw};
    d[n + ".bias"] = {&lw.bias};
  };
  d["transformer.wte.weight"] = {&w.wte.weight, &w.wte, true};
  d["transformer.wpe.weight"] = {&w.wpe.weight, &w.wpe, true};
  d["lm_head.weight"] = {&w.lm_head.weight, &w.lm_head, true};
  norm("transformer.norm_f", w.norm_f);
  w.blocks.resize(n_layers);
  for (int64_t i = 0; i < n_layers; ++i) {
    BlockWeights& b = w.blocks[i];
    const std::string p = "transformer.blocks." + std::to_string(i);
    norm(p + ".norm_1", b.norm_1);
    norm(p + ".norm_2", b.norm_2);
    norm(p + ".attn.q_ln", b.q_ln);
    norm(p + ".attn.k_ln", b.k_ln);
    linear(p + ".attn.Wqkv", b.wqkv);
    linear(p + ".attn.out_proj", b.out_proj);
    linear(p + ".ffn.up_proj", b.up_proj);
    linear(p + ".ffn.down_proj", b.down_proj);
    for (const char* part : {"Wq", "Wk", "Wv"}) linear(p + ".attn." + part, split[p + ".attn." + part]);
  }
  return d;
}

// Fills `weights` with one tensor per checkpoint tensor of `c` (checkpoint_tensors), each made by
// `make(spec, quantize)`, where `quantize` says whether this tensor is to be int8 (then `make` returns
// its scale too; see ModelOptions::weights); a non-fused Wq/Wk/Wv is concatenated into Wqkv. With
// WeightFormat::Int8Dynamic the quantized matrices are then packed for libtorch's quantized engine,
// and the linear layers keep only the packed copy.
void assemble_weights(MptWeights& weights, const MptConfig& c, const ModelOptions& options,
                      const std::function<MadeTensor(const TensorSpec&, bool quantize)>& make) {
  std::map<std::string, LinearWeights> split;
  auto dest = destinations(weights, split, c.n_layers);
  const bool int8 = options.weights != WeightFormat::Native;
  for (const TensorSpec& spec : checkpoint_tensors(c)) {
    const Destination& d = dest.at(spec.name);
    MadeTensor made = make(spec, int8 && d.matrix && (!d.embedding || options.int8_embedding));
    *d.values = made.values;
    if (made.scale.defined()) d.matrix->scale = made.scale;
  }
  if (!c.fused_qkv)
    for (auto& b : weights.blocks) {
      // Rows q | k | v, exactly as a fused Wqkv stores them; int8 scales are per row, so they follow.
      const std::string attn = "transformer.blocks." + std::to_string(&b - weights.blocks.data()) + ".attn.";
      const LinearWeights &q = split[attn + "Wq"], &k = split[attn + "Wk"], &v = split[attn + "Wv"];
      b.wqkv.weight = at::cat({q.weight, k.weight, v.weight}, 0);
      if (q.scale.defined()) b.wqkv.scale = at::cat({q.scale, k.scale, v.scale}, 0);
      if (c.attention_bias) b.wqkv.bias = at::cat({q.bias, k.bias, v.bias}, 0);
    }
  if (options.weights == WeightFormat::Int8Dynamic) {
    auto pack = [](LinearWeights& lw, bool keep_values) {
      if (!lw.scale.defined()) return;
      lw.packed = pack_int8(lw);
      if (!keep_values) lw.weight = at::Tensor();
    };
    for (BlockWeights& b : weights.blocks)
      for (LinearWeights* lw : {&b.wqkv, &b.out_proj, &b.up_proj, &b.down_proj}) pack(*lw, false);
    pack(weights.wte, /*keep_values=*/true);  // the embedding gathers its rows
    pack(weights.lm_head, false);
  }
}

void load_weights(MptWeights& weights, const ModelOptions& options, at::ScalarType dtype, at::Device device,
                  const MptConfig& c, const CheckpointFiles& ckpt, LoadReport& report) {
  assemble_weights(weights, c, options, [&](const TensorSpec& spec, bool quantize_it) {
    const RawTensor* raw = ckpt.find(spec.name);
    if (!raw)
      throw input_error("missing tensor in checkpoint", ckpt.dir(),
                        "tensor '" + spec.name + "' " + shape_string(spec.shape), "no such tensor");
    return quantize_it ? quantize(*raw, spec, device) : convert(*raw, spec, dtype, device);
  });

  std::vector<TensorSpec> specs = checkpoint_tensors(c);
  std::set<std::string> expected;
  for (const auto& spec : specs) expected.insert(spec.name);
  for (const std::string& name : ckpt.names()) {
    if (expected.count(name)) continue;
    // HF keeps a tied copy of the embedding as lm_head.weight in .bin files; tying ignores it.
    if (name == "lm_head.weight" && c.tie_word_embeddings) continue;
    report.unexpected.push_back(name);
  }
  report.non_tensors = ckpt.non_tensors();
  if (!report.unexpected.empty()) {
    std::string list;
    for (size_t i = 0; i < report.unexpected.size() && i < 5; ++i) list += (i ? ", " : "") + report.unexpected[i];
    if (report.unexpected.size() > 5) list += ", ...";
    MPT_LOG(Warn, "{} tensor(s) in {} are not used by this config: {}", report.unexpected.size(), ckpt.dir(), list);
  }
  for (const auto& k : report.non_tensors) MPT_LOG(Warn, "ignoring non-tensor state-dict entry {}", k);
}

// Right-pads rows into ids [B, T] int64 and valid [B, T] bool on `device`.
std::pair<at::Tensor, at::Tensor> pad_rows(const std::vector<TokenIds>& rows, int64_t vocab, at::Device device) {
  if (rows.empty()) throw input_error("no token rows", "forward pass", "at least one row", "none");
  size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.size());
  const int64_t B = static_cast<int64_t>(rows.size()), T = static_cast<int64_t>(width);
  at::Tensor ids = at::zeros({B, T}, at::kLong), valid = at::zeros({B, T}, at::kBool);
  int64_t* id = ids.data_ptr<int64_t>();
  bool* ok = valid.data_ptr<bool>();
  for (int64_t b = 0; b < B; ++b) {
    if (rows[b].empty()) throw input_error("empty token row", "row " + std::to_string(b), "at least one token", "none");
    for (size_t t = 0; t < rows[b].size(); ++t) {
      int32_t v = rows[b][t];
      if (v < 0 || v >= vocab)
        throw input_error("token id out of range", "row " + std::to_string(b) + ", column " + std::to_string(t),
                          "0 <= id < " + std::to_string(vocab), std::to_string(v));
      id[b * T + static_cast<int64_t>(t)] = v;
      ok[b * T + static_cast<int64_t>(t)] = true;
    }
  }
  return {ids.to(device), valid.to(device)};
}

// Lays out branched rows (MptModel::hidden_branched) as ids, valid, positions and branch numbers
// [B, T] (0 = trunk, k = branch k; padding: valid false, position 0, branch 0) on `device`.
std::array<at::Tensor, 4> lay_out_branched(const std::vector<BranchedRow>& rows, int64_t vocab, int64_t width,
                                           at::Device device) {
  const int64_t B = static_cast<int64_t>(rows.size()), T = width;
  at::Tensor ids = at::zeros({B, T}, at::kLong), valid = at::zeros({B, T}, at::kBool);
  at::Tensor pos = at::zeros({B, T}, at::kLong), branch = at::zeros({B, T}, at::kLong);
  int64_t* id = ids.data_ptr<int64_t>();
  bool* ok = valid.data_ptr<bool>();
  int64_t* p = pos.data_ptr<int64_t>();
  int64_t* br = branch.data_ptr<int64_t>();
  for (int64_t b = 0; b < B; ++b) {
    const BranchedRow& row = rows[static_cast<size_t>(b)];
    if (row.trunk.empty()) throw input_error("empty trunk", "row " + std::to_string(b), "at least one token", "none");
    int64_t col = b * T;
    auto put = [&](const TokenIds& tokens, int64_t first_position, int64_t branch_number) {
      for (size_t t = 0; t < tokens.size(); ++t, ++col) {
        if (tokens[t] < 0 || tokens[t] >= vocab)
          throw input_error("token id out of range", "row " + std::to_string(b), "0 <= id < " + std::to_string(vocab),
                            std::to_string(tokens[t]));
        id[col] = tokens[t];
        ok[col] = true;
        p[col] = first_position + static_cast<int64_t>(t);
        br[col] = branch_number;
      }
    };
    put(row.trunk, 0, 0);
    for (size_t k = 0; k < row.branches.size(); ++k)
      put(row.branches[k], static_cast<int64_t>(row.trunk.size()), static_cast<int64_t>(k) + 1);
  }
  return {ids.to(device), valid.to(device), pos.to(device), branch.to(device)};
}

}  // namespace

MptModel::MptModel() = default;
MptModel::~MptModel() = default;

std::unique_ptr<MptModel::State> MptModel::new_state(const ModelOptions& options) {
  auto state = std::make_unique<State>();
  state->device = parse_device(options.device);
  state->dtype = scalar_type(options.dtype);
  state->compute_dtype = state->device.is_cpu() ? at::kFloat : state->dtype;  // see mpt_forward.cpp
  if (options.dtype == DType::F16 && state->device.is_cpu())
    throw input_error("fp16 is not supported on CPU", "--dtype fp16", "fp32 or bf16 on CPU (fp16 on CUDA)",
                      "fp16 with --device cpu");
  if (options.weights == WeightFormat::Int8Dynamic && !state->device.is_cpu())
    throw input_error("int8-dynamic weights run on CPU only (libtorch's quantized engines are CPU kernels)",
                      "--weights int8-dynamic", "--device cpu, or --weights int8 on CUDA", "--device " + options.device);
  if (options.weights == WeightFormat::Int8Dynamic && !dynamic_int8_available())
    throw input_error("this libtorch has no quantized engine", "--weights int8-dynamic",
                      "a libtorch built with fbgemm, oneDNN or QNNPACK", "none (use --weights int8)");
  if (state->device.is_cpu() && options.threads > 0 && options.threads != at::get_num_threads())
    at::set_num_threads(options.threads);
  return state;
}

std::unique_ptr<MptModel> MptModel::random(const MptConfig& config, const ModelOptions& options, uint64_t seed,
                                           double std) {
  std::unique_ptr<MptModel> m(new MptModel());
  m->dir_ = "random:" + std::to_string(seed);
  m->options_ = options;
  m->config_ = config;
  m->state_ = new_state(options);
  m->report_.layout = "random";
  torch_guarded("drawing random weights", [&] {
    // Ordinary tensors (not InferenceMode ones), so that a training loop may train them.
    at::NoGradGuard guard;
    at::manual_seed(seed);  // the default generators of the CPU and of every CUDA device
    const auto opts = at::TensorOptions().dtype(m->state_->dtype).device(m->state_->device);
    assemble_weights(m->state_->weights, config, options, [&](const TensorSpec& spec, bool quantize_it) {
      at::Tensor w = at::empty(spec.shape, opts).normal_(0.0, std);
      if (!quantize_it) return MadeTensor{w, {}};
      auto [q, scale] = quantize_rows(w, "random weights, tensor '" + spec.name + "'");
      return MadeTensor{q, scale};
    });
  });
  return m;
}

std::unique_ptr<MptModel> MptModel::load(const std::string& dir, const ModelOptions& options) {
  std::unique_ptr<MptModel> m(new MptModel());
  m->dir_ = dir;
  m->options_ = options;
  const std::string config_path = (std::filesystem::path(dir) / "config.json").string();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw input_error("checkpoint directory not found", dir, "a directory holding config.json and weights",
                      std::filesystem::exists(dir, ec) ? "a file" : "nothing");
  if (!std::filesystem::is_regular_file(config_path, ec))
    throw input_error("checkpoint has no config.json", dir, "a file config.json", "none");
  m->config_ = MptConfig::from_file(config_path);
  m->state_ = new_state(options);
  CheckpointFiles ckpt(dir);
  m->config_ = reconcile_config(m->config_, ckpt, m->report_.adjustments);
  for (const auto& note : m->report_.adjustments) MPT_LOG(Warn, "{}: {}", config_path, note);
  m->files_ = ckpt.files();
  m->files_.push_back(config_path);
  std::sort(m->files_.begin(), m->files_.end());
  m->report_.layout = CheckpointFiles::layout_name(ckpt.layout());
  torch_guarded("loading weights", [&] {
    at::NoGradGuard guard;  // ordinary tensors, as in random(): a loaded checkpoint may be fine-tuned
    load_weights(m->state_->weights, options, m->state_->dtype, m->state_->device, m->config_, ckpt, m->report_);
  });
  MPT_LOG(Debug, "loaded {} ({}, {} parameters) as {} ({} weights) on {}", dir, m->report_.layout,
          parameter_count(m->config_), dtype_name(options.dtype), weight_format_name(options.weights), options.device);
  return m;
}

std::vector<std::pair<std::string, at::Tensor>> MptModel::named_parameters() {
  if (options_.weights != WeightFormat::Native)
    throw input_error("int8 weights are for evaluation only and cannot be trained", "named_parameters()",
                      "a model loaded with weights native", std::string("weights ") + weight_format_name(options_.weights));
  std::map<std::string, LinearWeights> split;
  std::map<std::string, Destination> dest = destinations(state_->weights, split, config_.n_layers);
  std::vector<std::pair<std::string, at::Tensor>> out;
  auto add = [&](const std::string& name) {
    at::Tensor* t = dest.at(name).values;
    if (t->defined()) out.emplace_back(name, *t);  // a handle on the same storage
  };
  for (const TensorSpec& spec : checkpoint_tensors(config_)) {
    const std::string& name = spec.name;
    const size_t wq = name.find(".attn.Wq.");
    if (wq != std::string::npos) add(name.substr(0, wq) + ".attn.Wqkv" + name.substr(wq + 8));  // Wq stands for Wqkv
    else if (name.find(".attn.Wk.") == std::string::npos && name.find(".attn.Wv.") == std::string::npos) add(name);
  }
  return out;
}

int64_t MptModel::weight_bytes() const {
  int64_t bytes = 0;
  auto add = [&](const at::Tensor& t) { bytes += t.defined() ? static_cast<int64_t>(t.nbytes()) : 0; };
  auto add_linear = [&](const LinearWeights& l) {
    add(l.weight);
    add(l.scale);
    add(l.bias);
  };
  auto add_norm = [&](const NormWeights& n) {
    add(n.weight);
    add(n.bias);
  };
  const MptWeights& w = state_->weights;
  add_linear(w.wte);
  add_linear(w.wpe);
  for (const BlockWeights& b : w.blocks) {
    for (const NormWeights* n : {&b.norm_1, &b.q_ln, &b.k_ln, &b.norm_2}) add_norm(*n);
    for (const LinearWeights* l : {&b.wqkv, &b.out_proj, &b.up_proj, &b.down_proj}) add_linear(*l);
  }
  add_norm(w.norm_f);
  add_linear(w.lm_head);
  return bytes;
}

at::Tensor MptModel::forward(const at::Tensor& ids, const at::Tensor& valid, KVCache* cache, const KVCache* prefix) const {
  if (cache && prefix) throw runtime_error("forward: pass a cache to extend or a prefix to read, not both");
  const int64_t B = ids.size(0);
  if (ids.dim() != 2 || valid.sizes() != ids.sizes())
    throw runtime_error("forward: ids and valid must both be [B, T]");
  if (cache && cache->batch() != B)
    throw input_error("KV cache batch does not match the rows", "forward pass", std::to_string(B) + " rows",
                      std::to_string(cache->batch()) + " cache rows");
  if (prefix && prefix->batch() != 1 && prefix->batch() != B)
    throw input_error("prefix cache batch does not match the rows", "forward pass",
                      "1 or " + std::to_string(B) + " prefix rows", std::to_string(prefix->batch()));
  return torch_guarded("running the forward pass", [&] { return forward_impl(ids, valid, cache, prefix); });
}

at::Tensor MptModel::hidden(const std::vector<TokenIds>& rows) const {
  auto [ids, valid] = torch_guarded("preparing a batch", [&] { return pad_rows(rows, config_.vocab_size, state_->device); });
  return forward(ids, valid);
}

std::string MptModel::first_nonfinite_stage(const TokenIds& row) const {
  auto [ids, valid] = torch_guarded("preparing a batch", [&] { return pad_rows({row}, config_.vocab_size, state_->device); });
  return torch_guarded("locating a non-finite output", [&] {
    std::string stage;
    at::Tensor h = forward_impl(ids, valid, nullptr, nullptr, &stage);
    if (stage.empty() && !unembed_impl(h).isfinite().all().item<bool>()) stage = "the unembedding";
    return stage;
  });
}

at::Tensor MptModel::hidden_extending(KVCache& cache, const std::vector<TokenIds>& rows) const {
  auto [ids, valid] = torch_guarded("preparing a batch", [&] { return pad_rows(rows, config_.vocab_size, state_->device); });
  return forward(ids, valid, &cache, nullptr);
}

at::Tensor MptModel::hidden_after(const KVCache& prefix, const std::vector<TokenIds>& rows) const {
  auto [ids, valid] = torch_guarded("preparing a batch", [&] { return pad_rows(rows, config_.vocab_size, state_->device); });
  return forward(ids, valid, nullptr, &prefix);
}

at::Tensor MptModel::hidden_branched(const std::vector<BranchedRow>& rows) const {
  if (rows.empty()) throw input_error("no token rows", "forward pass", "at least one row", "none");
  int64_t width = 0;
  for (const BranchedRow& r : rows) {
    int64_t n = static_cast<int64_t>(r.trunk.size());
    for (const TokenIds& b : r.branches) n += static_cast<int64_t>(b.size());
    width = std::max(width, n);
  }
  // The fused kernel wants key lengths that are multiples of 16, else libtorch pads a copy of the
  // [B, H, T, T] bias in every layer. For long rows a few padding tokens cost less than those copies.
  if (uses_fused_attention() && width >= 256) width = (width + 15) / 16 * 16;
  std::array<at::Tensor, 4> t = torch_guarded("preparing a batch", [&] {
    return lay_out_branched(rows, config_.vocab_size, width, state_->device);
  });
  return torch_guarded("running the forward pass", [&] { return forward_branched_impl(t[0], t[1], t[2], t[3]); });
}

SlotCache MptModel::new_slot_cache(int64_t slots, int64_t capacity) const {
  return torch_guarded("allocating a KV cache", [&] {
    c10::InferenceMode guard;
    return SlotCache(config_.n_layers, slots, config_.kv_n_heads, config_.head_dim(), capacity,
                     at::TensorOptions().dtype(state_->compute_dtype).device(state_->device));
  });
}

at::Tensor MptModel::prefill_slots(const std::vector<TokenIds>& prompts, const std::vector<int64_t>& into,
                                   SlotCache& slots) const {
  if (into.size() != prompts.size()) throw runtime_error("prefill_slots: one slot per prompt");
  std::vector<int64_t> lengths;
  for (const TokenIds& p : prompts) lengths.push_back(static_cast<int64_t>(p.size()));
  std::pair<at::Tensor, at::Tensor> t =
      torch_guarded("preparing a batch", [&] { return pad_rows(prompts, config_.vocab_size, state_->device); });
  return torch_guarded("running the forward pass", [&] { return forward_prefill_impl(t.first, t.second, slots, into, lengths); });
}

at::Tensor MptModel::forward_slots(const at::Tensor& ids, SlotCache& slots) const {
  if (ids.dim() != 2 || ids.size(0) != slots.slots() || ids.size(1) != 1)
    throw runtime_error("forward_slots: ids must be [slots, 1]");
  return torch_guarded("running the forward pass", [&] { return forward_slots_impl(ids, slots); });
}

at::Tensor MptModel::unembed(const at::Tensor& hidden) const {
  return torch_guarded("computing logits", [&] { return unembed_impl(hidden); });
}

KVCache MptModel::new_cache(int64_t batch, int64_t capacity) const {
  return torch_guarded("allocating a KV cache", [&] {
    c10::InferenceMode guard;
    return KVCache(config_.n_layers, batch, config_.kv_n_heads, config_.head_dim(), capacity,
                   at::TensorOptions().dtype(state_->compute_dtype).device(state_->device));
  });
}

std::vector<std::vector<std::vector<float>>> MptModel::logits(const std::vector<TokenIds>& rows) const {
  at::Tensor all = unembed(hidden(rows));  // [B, T, V] float32
  return torch_guarded("copying logits", [&] {
    at::Tensor cpu = all.to(at::kCPU).contiguous();
    const int64_t T = cpu.size(1), V = cpu.size(2);
    const float* p = cpu.data_ptr<float>();
    std::vector<std::vector<std::vector<float>>> out(rows.size());
    for (size_t b = 0; b < rows.size(); ++b)
      for (size_t t = 0; t < rows[b].size(); ++t) {
        const float* row = p + (static_cast<int64_t>(b) * T + static_cast<int64_t>(t)) * V;
        out[b].emplace_back(row, row + V);
      }
    return out;
  });
}

std::vector<std::vector<float>> MptModel::logits(const TokenIds& ids) const {
  return std::move(logits(std::vector<TokenIds>{ids}).front());
}

}  // namespace mpt
