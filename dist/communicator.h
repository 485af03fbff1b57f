// Collective byte exchange between the ranks of a job: what the distributed runner needs from c10d.
//
// Every method is a collective: all ranks call it, in the same order, from one thread each. A
// communicator over c10d (c10d_group.h) moves the bytes through the process group (Gloo on CPU,
// NCCL on CUDA); tests/distributed/local_communicator.h connects threads of one process.
// A failed peer makes a collective throw mpt::Error (Runtime) naming the rank when it is known.
#pragma once

#include <string>
#include <vector>

namespace mpt::dist {

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;

  // Every rank's `mine`, indexed by rank (sizes may differ between ranks).
  virtual std::vector<std::string> allgather(const std::string& mine) = 0;
  // `root`'s bytes on every rank (`bytes` is ignored on the other ranks).
  virtual std::string broadcast(const std::string& bytes, int root) = 0;
  // Returns once every rank has entered it.
  virtual void barrier() = 0;
};

}  // namespace mpt::dist
