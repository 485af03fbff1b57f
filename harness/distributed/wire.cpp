#include "harness/distributed/wire.h"

#include "common/error.h"

namespace mpt::dist {

void ByteWriter::put_string(const std::string& s) {
  put<uint64_t>(s.size());
  out_.append(s);
}

std::string ByteReader::get_string() {
  uint64_t n = get<uint64_t>();
  if (n > bytes_.size() - pos_) fail(n);
  return std::string(take(n), n);
}

const char* ByteReader::take(size_t n) {
  if (n > bytes_.size() - pos_) fail(n);
  const char* p = bytes_.data() + pos_;
  pos_ += n;
  return p;
}

void ByteReader::fail(size_t wanted) const {
  throw runtime_error("truncated or corrupt message", what_, std::to_string(wanted) + " more bytes",
                      std::to_string(bytes_.size() - pos_) + " left at offset " + std::to_string(pos_));
}

void ByteReader::expect_end() const {
  if (!done())
    throw runtime_error("corrupt message", what_, "its end", std::to_string(bytes_.size() - pos_) + " unread bytes");
}

void write_request(ByteWriter& w, const LoglikelihoodRequest& r) {
  w.put_vector(r.context);
  w.put_vector(r.continuation);
}

LoglikelihoodRequest read_loglikelihood_request(ByteReader& r) {
  LoglikelihoodRequest out;
  out.context = r.get_vector<TokenId>();
  out.continuation = r.get_vector<TokenId>();
  return out;
}

void write_request(ByteWriter& w, const GenerateRequest& r) {
  w.put_vector(r.prompt);
  w.put(r.max_new_tokens);
  w.put<uint64_t>(r.stop.size());
  for (const std::string& s : r.stop) w.put_string(s);
  w.put(r.sampling.temperature);
  w.put(r.sampling.top_k);
  w.put(r.sampling.top_p);
  w.put(r.sampling.seed);
  w.put<uint8_t>(r.stop_at_eos ? 1 : 0);
}

GenerateRequest read_generate_request(ByteReader& r) {
  GenerateRequest out;
  out.prompt = r.get_vector<TokenId>();
  out.max_new_tokens = r.get<int32_t>();
  uint64_t stops = r.get<uint64_t>();
  for (uint64_t i = 0; i < stops; ++i) out.stop.push_back(r.get_string());
  out.sampling.temperature = r.get<double>();
  out.sampling.top_k = r.get<int32_t>();
  out.sampling.top_p = r.get<double>();
  out.sampling.seed = r.get<uint64_t>();
  out.stop_at_eos = r.get<uint8_t>() != 0;
  return out;
}

void write_response(ByteWriter& w, const LoglikelihoodResponse& r) {
  w.put(r.logprob);
  w.put<uint8_t>(r.greedy ? 1 : 0);
  w.put(r.num_tokens);
  w.put_vector(r.token_logprobs);
}

LoglikelihoodResponse read_loglikelihood_response(ByteReader& r) {
  LoglikelihoodResponse out;
  out.logprob = r.get<double>();
  out.greedy = r.get<uint8_t>() != 0;
  out.num_tokens = r.get<int32_t>();
  out.token_logprobs = r.get_vector<float>();
  return out;
}

void write_response(ByteWriter& w, const GenerateResponse& r) {
  w.put_vector(r.tokens);
  w.put_string(r.text);
  w.put<uint8_t>(static_cast<uint8_t>(r.finish));
}

GenerateResponse read_generate_response(ByteReader& r) {
  GenerateResponse out;
  out.tokens = r.get_vector<TokenId>();
  out.text = r.get_string();
  uint8_t finish = r.get<uint8_t>();
  if (finish > static_cast<uint8_t>(FinishReason::Eos))
    throw runtime_error("corrupt generation response", "", "a finish reason", std::to_string(finish));
  out.finish = static_cast<FinishReason>(finish);
  return out;
}

void write_program(ByteWriter& w, const sandbox::Program& p) {
  w.put_string(p.solution);
  w.put_string(p.test);
  w.put_string(p.entry_point);
  w.put<uint8_t>(p.audit_hook ? 1 : 0);
  w.put<uint8_t>(p.seccomp ? 1 : 0);
}

sandbox::Program read_program(ByteReader& r) {
  sandbox::Program p;
  p.solution = r.get_string();
  p.test = r.get_string();
  p.entry_point = r.get_string();
  p.audit_hook = r.get<uint8_t>() != 0;
  p.seccomp = r.get<uint8_t>() != 0;
  return p;
}

void write_result(ByteWriter& w, const sandbox::ExecutionResult& x) {
  w.put<uint8_t>(static_cast<uint8_t>(x.verdict));
  w.put_string(x.result);
  w.put(x.signal);
  w.put(x.exit_status);
  w.put_string(x.stdout_text);
  w.put_string(x.stderr_text);
  w.put(x.wall_seconds);
  w.put(x.attempts);
  w.put_string(x.isolation);
}

sandbox::ExecutionResult read_result(ByteReader& r) {
  sandbox::ExecutionResult x;
  uint8_t verdict = r.get<uint8_t>();
  if (verdict > static_cast<uint8_t>(sandbox::Verdict::InfrastructureError))
    throw runtime_error("corrupt verdict", "", "a verdict", std::to_string(verdict));
  x.verdict = static_cast<sandbox::Verdict>(verdict);
  x.result = r.get_string();
  x.signal = r.get<int>();
  x.exit_status = r.get<int>();
  x.stdout_text = r.get_string();
  x.stderr_text = r.get_string();
  x.wall_seconds = r.get<double>();
  x.attempts = r.get<int>();
  x.isolation = r.get_string();
  return x;
}

}  // namespace mpt::dist
