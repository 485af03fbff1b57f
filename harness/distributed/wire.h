// Byte encoding of what ranks exchange: requests, responses, verdicts. Native byte order and
// layout (every rank of a job runs the same binary on the same architecture); a reader that runs
// past the end throws mpt::Error (Runtime) naming the message, never reads out of bounds.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "sandbox/program.h"
#include "sandbox/verdict.h"
#include "tasks/requests.h"

namespace mpt::dist {

class ByteWriter {
 public:
  template <class T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  void put_string(const std::string& s);
  template <class T>
  void put_vector(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    put<uint64_t>(v.size());
    out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  // `what` names the message in errors ("responses from rank 2").
  ByteReader(const std::string& bytes, std::string what) : bytes_(bytes), what_(std::move(what)) {}
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    std::memcpy(&v, take(sizeof(T)), sizeof(T));
    return v;
  }
  std::string get_string();
  template <class T>
  std::vector<T> get_vector() {
    uint64_t n = get<uint64_t>();
    if (n > (bytes_.size() - pos_) / sizeof(T)) fail(n * sizeof(T));
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), take(n * sizeof(T)), n * sizeof(T));
    return v;
  }
  bool done() const { return pos_ == bytes_.size(); }
  // Throws unless every byte was read.
  void expect_end() const;

 private:
  const char* take(size_t n);
  [[noreturn]] void fail(size_t wanted) const;
  const std::string& bytes_;
  std::string what_;
  size_t pos_ = 0;
};

void write_request(ByteWriter& w, const LoglikelihoodRequest& r);
LoglikelihoodRequest read_loglikelihood_request(ByteReader& r);
void write_request(ByteWriter& w, const GenerateRequest& r);
GenerateRequest read_generate_request(ByteReader& r);

void write_response(ByteWriter& w, const LoglikelihoodResponse& r);
LoglikelihoodResponse read_loglikelihood_response(ByteReader& r);
void write_response(ByteWriter& w, const GenerateResponse& r);
GenerateResponse read_generate_response(ByteReader& r);

void write_program(ByteWriter& w, const sandbox::Program& p);
sandbox::Program read_program(ByteReader& r);
void write_result(ByteWriter& w, const sandbox::ExecutionResult& x);
sandbox::ExecutionResult read_result(ByteReader& r);

}  // namespace mpt::dist
