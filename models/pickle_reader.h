// A minimal, defensive reader of the pickle that torch.save writes for a state dict
// (`archive/data.pkl`): a dict or collections.OrderedDict of name -> tensor, each tensor a call to
// torch._utils._rebuild_tensor_v2 (or _rebuild_parameter) on a persistent storage reference
// ('storage', torch.<Type>Storage, key, location, numel).
//
// It interprets only the opcodes of pickle protocols 2-5 that such files use, never imports or
// calls anything: a global is a name, a call to an unknown global yields an opaque object. Any
// malformed input (unknown opcode, stack underflow, a length past the end, a missing memo entry,
// nesting deeper than 1000, no STOP) is an Input error naming `where` and the byte offset.
// No ATen here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/raw_tensor.h"

namespace mpt {

struct PickledTensor {
  std::string name;           // the state-dict key
  std::string storage_key;    // the storage's file name under <archive>/data/
  WireDType dtype = WireDType::F32;
  int64_t storage_numel = 0;  // elements of the storage, as recorded in the pickle
  int64_t storage_offset = 0; // in elements
  std::vector<int64_t> sizes;
  std::vector<int64_t> strides;
};

struct PickledStateDict {
  std::vector<PickledTensor> tensors;
  std::vector<std::string> non_tensors;  // keys whose values are not tensors (reported, not loaded)
};

// Interprets `size` bytes of a data.pkl. `where` names it in errors ("dir/pytorch_model.bin:data.pkl").
PickledStateDict read_state_dict_pickle(const uint8_t* data, uint64_t size, const std::string& where);

}  // namespace mpt
