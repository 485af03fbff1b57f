#include "harness/distributed/distributed_execution.h"

#include <future>

#include "common/error.h"
#include "harness/distributed/wire.h"
#include "harness/distributed/work_rounds.h"
#include "sandbox/sandbox_pool.h"

namespace mpt::dist {
namespace {

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

}  // namespace

ExecuteLocally run_in_pool(sandbox::SandboxPool& pool) {
  return [&pool](const std::vector<sandbox::Program>& programs) {
    std::vector<std::future<sandbox::ExecutionResult>> running;
    running.reserve(programs.size());
    for (const sandbox::Program& p : programs) running.push_back(pool.submit(p));
    std::vector<sandbox::ExecutionResult> results;
    results.reserve(programs.size());
    for (auto& f : running) results.push_back(f.get());
    return results;
  };
}

std::vector<sandbox::ExecutionResult> execute_distributed(
    Communicator& comm, const ExecuteLocally& execute, const std::vector<sandbox::Program>& my_programs,
    const std::function<void(size_t, const sandbox::ExecutionResult&)>& on_result, int64_t round_programs) {
  std::vector<sandbox::Program> received;
  const std::vector<sandbox::Program>* programs = &my_programs;
  if (comm.size() > 1) {
    std::string bytes;
    if (comm.rank() == 0) {
      ByteWriter w;
      w.put<uint64_t>(my_programs.size());
      for (const sandbox::Program& p : my_programs) write_program(w, p);
      bytes = w.take();
    }
    bytes = comm.broadcast(bytes, 0);
    if (comm.rank() != 0) {
      ByteReader r(bytes, "programs from rank 0");
      uint64_t n = r.get<uint64_t>();
      for (uint64_t i = 0; i < n; ++i) received.push_back(read_program(r));
      r.expect_end();
      programs = &received;
    }
  }
  // Programs take about the same time whatever their length: equal counts per rank.
  const WorkRounds rounds = plan_work(std::vector<int64_t>(programs->size(), 1), comm.size(), round_programs);
  std::vector<sandbox::ExecutionResult> out(programs->size());
  auto compute = [&](const std::vector<size_t>& items) {
    if (items.empty()) return std::string();
    std::vector<sandbox::Program> mine;
    mine.reserve(items.size());
    for (size_t i : items) mine.push_back((*programs)[i]);
    ByteWriter w;
    for (const sandbox::ExecutionResult& x : execute(mine)) write_result(w, x);
    return w.take();
  };
  auto deliver = [&](int rank, const std::vector<size_t>& items, const std::string& bytes) {
    ByteReader r(bytes, "verdicts from rank " + std::to_string(rank));
    for (size_t i : items) {
      out[i] = read_result(r);
      if (on_result) on_result(i, out[i]);
    }
    r.expect_end();
  };
  run_rounds(comm, rounds, compute, deliver);
  return out;
}

}  // namespace mpt::dist
