// The seam between the harness and a model implementation. `run` (harness/checkpoint_run.h), `watch`
// (which runs each checkpoint through run_checkpoint) and the live hook (harness/live_eval.h) ask a
// model only for what is here: its LanguageModel (tasks/requests.h) and the names the results store
// keeps for it. open_backend is the one factory from a checkpoint directory.
//
// Adding a backend (another weight format, a server answering over the network) is one new file: a
// class implementing ModelBackend, and its case in open_backend (model_backend.cpp). Today there is
// one implementation, MPT checkpoints served by MptLanguageModel (native, int8 and int8-dynamic
// weights all load through MptModel).
#pragma once

#include <memory>
#include <string>

#include "backend/mpt_language_model.h"
#include "models/model_options.h"
#include "tasks/requests.h"

namespace mpt {

class MptModel;
class TokenizerInterface;

struct BackendOptions {
  ModelOptions model;          // device, dtype, weight format, threads (models/model_options.h)
  MptLanguageModelOptions lm;  // exact or batched scoring, batch token budget, generation rows
};

class ModelBackend {
 public:
  virtual ~ModelBackend() = default;

  // Answers requests; lives as long as the backend.
  virtual LanguageModel& language_model() = 0;
  // The store's names for this model: dtype ("float32", "int8+bfloat16": dtype_store_name) and
  // device ("cpu", "cuda:1"). Part of a run's identity and of the response cache's key.
  virtual std::string store_dtype() const = 0;
  virtual std::string device() const = 0;
  // One line for the log: what was loaded, where, how requests are computed.
  virtual std::string description() const = 0;
};

// Loads `checkpoint_dir` (every file and the device checked: mpt::Error naming the file or the key
// otherwise) and serves it with `tokenizer`, which must outlive the backend.
std::unique_ptr<ModelBackend> open_backend(const std::string& checkpoint_dir, const BackendOptions& options,
                                           const TokenizerInterface& tokenizer);

// A model already in memory (a training loop's), borrowed: `model` and `tokenizer` must outlive the
// backend, and the caller decides the model's training mode.
std::unique_ptr<ModelBackend> borrow_backend(const MptModel& model, const TokenizerInterface& tokenizer,
                                             const MptLanguageModelOptions& lm);

// "float32", "bfloat16", "float16": the store's dtype names.
std::string dtype_store_name(DType dtype);
// The store's dtype of a model loaded with `model`: dtype_store_name(model.dtype), prefixed with the
// weight format when it is not native ("int8+bfloat16", "int8-dynamic+float32"), so that the run's
// identity and the response-cache key tell int8 runs apart and reports show the format.
std::string dtype_store_name(const ModelOptions& model);
// "cuda" for cuda / cuda:N, else "cpu": the store's device class (part of the response cache key).
std::string device_class_of(const std::string& device);

}  // namespace mpt
