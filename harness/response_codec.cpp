#include "harness/response_codec.h"

#include "common/error.h"

namespace mpt {
namespace {

using nlohmann::json;

FinishReason finish_from(const std::string& s) {
  for (FinishReason f : {FinishReason::Length, FinishReason::Stop, FinishReason::Eos})
    if (s == to_string(f)) return f;
  throw runtime_error("corrupt response cache entry", "response_cache", "finish length, stop or eos", s);
}

template <typename F>
auto decode(const char* kind, F&& f) {
  try {
    return f();
  } catch (const json::exception& e) {
    throw runtime_error(std::string("corrupt response cache entry (") + kind + ")", "response_cache",
                        "the fields mpt-eval writes", e.what());
  }
}

}  // namespace

results::CacheRequest cache_request(const LoglikelihoodRequest& r) {
  return results::CacheRequest{"loglikelihood", {r.context, r.continuation}, json::object(), 0, 0};
}

results::CacheRequest cache_request(const GenerateRequest& r, int64_t sample_index) {
  json gen = {{"max_new_tokens", r.max_new_tokens},
              {"stop", r.stop},
              {"temperature", r.sampling.temperature},
              {"top_k", r.sampling.top_k},
              {"top_p", r.sampling.top_p},
              {"stop_at_eos", r.stop_at_eos}};
  return results::CacheRequest{"generate", {r.prompt}, std::move(gen), r.sampling.seed, sample_index};
}

json to_json(const LoglikelihoodResponse& r) {
  return {{"logprob", r.logprob}, {"greedy", r.greedy}, {"num_tokens", r.num_tokens}, {"token_logprobs", r.token_logprobs}};
}

json to_json(const GenerateResponse& r) {
  return {{"tokens", r.tokens}, {"text", r.text}, {"finish", to_string(r.finish)}};
}

LoglikelihoodResponse loglikelihood_response_from_json(const json& j) {
  return decode("loglikelihood", [&] {
    LoglikelihoodResponse r;
    r.logprob = j.at("logprob").get<double>();
    r.greedy = j.at("greedy").get<bool>();
    r.num_tokens = j.at("num_tokens").get<int32_t>();
    r.token_logprobs = j.at("token_logprobs").get<std::vector<float>>();
    return r;
  });
}

GenerateResponse generate_response_from_json(const json& j) {
  return decode("generate", [&] {
    GenerateResponse r;
    r.tokens = j.at("tokens").get<Tokens>();
    r.text = j.at("text").get<std::string>();
    r.finish = finish_from(j.at("finish").get<std::string>());
    return r;
  });
}

}  // namespace mpt
