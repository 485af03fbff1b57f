#include "backend/model_backend.h"

#include <fmt/format.h>

#include <utility>

#include "models/mpt_model.h"

namespace mpt {
namespace {

// MPT checkpoints: an MptModel (owned, or borrowed from a training loop) behind MptLanguageModel.
class MptBackend : public ModelBackend {
 public:
  MptBackend(std::unique_ptr<MptModel> owned, const MptModel& model, const TokenizerInterface& tokenizer,
             const MptLanguageModelOptions& lm, std::string source)
      : owned_(std::move(owned)), model_(model), lm_(model, tokenizer, lm), source_(std::move(source)) {}

  LanguageModel& language_model() override { return lm_; }
  std::string store_dtype() const override { return dtype_store_name(model_.options()); }
  std::string device() const override { return model_.options().device; }
  std::string description() const override {
    return fmt::format("model {} on {} ({}, {} mode)", source_, device(), store_dtype(), lm_.exact() ? "exact" : "batched");
  }

 private:
  std::unique_ptr<MptModel> owned_;  // null when borrowed
  const MptModel& model_;
  MptLanguageModel lm_;
  std::string source_;
};

}  // namespace

std::unique_ptr<ModelBackend> open_backend(const std::string& checkpoint_dir, const BackendOptions& options,
                                           const TokenizerInterface& tokenizer) {
  std::unique_ptr<MptModel> model = MptModel::load(checkpoint_dir, options.model);
  const MptModel& ref = *model;
  return std::make_unique<MptBackend>(std::move(model), ref, tokenizer, options.lm, checkpoint_dir);
}

std::unique_ptr<ModelBackend> borrow_backend(const MptModel& model, const TokenizerInterface& tokenizer,
                                             const MptLanguageModelOptions& lm) {
  return std::make_unique<MptBackend>(nullptr, model, tokenizer, lm, "in memory");
}

std::string dtype_store_name(DType dtype) {
  switch (dtype) {
    case DType::F32: return "float32";
    case DType::BF16: return "bfloat16";
    case DType::F16: return "float16";
  }
  return "unknown";
}

std::string dtype_store_name(const ModelOptions& model) {
  if (model.weights == WeightFormat::Native) return dtype_store_name(model.dtype);
  return std::string(weight_format_name(model.weights)) + "+" + dtype_store_name(model.dtype);
}

std::string device_class_of(const std::string& device) { return device.rfind("cuda", 0) == 0 ? "cuda" : "cpu"; }

}  // namespace mpt
