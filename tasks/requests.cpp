#include "tasks/requests.h"

namespace mpt {

const char* to_string(FinishReason r) {
  switch (r) {
    case FinishReason::Length: return "length";
    case FinishReason::Stop: return "stop";
    case FinishReason::Eos: return "eos";
  }
  return "unknown";
}

}  // namespace mpt
