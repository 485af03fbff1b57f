// What the checkpoint watcher (checkpoint_watcher.h) needs to know about one checkpoint directory
// while a trainer may still be writing it: is it complete, what exactly is in it now (to tell
// whether it is still changing), and which training step it holds. Reads headers only, never
// whole weight files. No ATen here.
//
// Complete means (the layouts and precedence of models/checkpoint_files.h):
//   * config.json is present and parses as a JSON object;
//   * the first layout present is whole: model.safetensors; or model.safetensors.index.json (valid
//     JSON with a weight_map) and every shard it names; or pytorch_model.bin; or
//     pytorch_model.bin.index.json and every shard;
//   * a .safetensors file is exactly as long as its header says (8-byte length, JSON header, and
//     the largest data_offsets end); a .bin file (a zip archive) ends with its end-of-central-
//     directory record.
// Stability is the watcher's business: it compares signatures between polls.
//
// Step (in this order):
//   1. the directory name: "ep<E>-ba<N>[...]" (Composer), "step<N>", "step-<N>", "step_<N>",
//      "global_step<N>", "checkpoint-<N>" (HF Trainer), "ba<N>";
//   2. a file "step" inside holding the number (whitespace around it allowed);
//   3. trainer_state.json's "global_step" (HF Trainer).
// No step: step is unset (the watcher logs and skips the directory). A step file that is present
// but does not parse (still being written) makes the directory incomplete.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mpt {

struct CheckpointProbe {
  bool complete = false;
  std::string incomplete_reason;   // why not complete ("" when complete)
  std::string signature;           // names, sizes and mtimes of the directory's files: equal = unchanged
  std::optional<int64_t> step;
  std::string step_source;         // "name", "step file", "trainer_state.json"
};

// Never throws for what a writer may leave half-done; throws mpt::Error (Runtime) only when the
// directory cannot be listed.
CheckpointProbe probe_checkpoint(const std::string& dir);

// The step in a directory name (rule 1 above), if any.
std::optional<int64_t> step_from_name(const std::string& name);

}  // namespace mpt
