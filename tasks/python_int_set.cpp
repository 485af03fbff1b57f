#include "tasks/python_int_set.h"

namespace mpt {
namespace {
constexpr size_t kLinearProbes = 9;
constexpr int kPerturbShift = 5;
}  // namespace

PythonIntSet::PythonIntSet() : table_(8) {}

PythonIntSet::PythonIntSet(const std::vector<uint64_t>& values) : PythonIntSet() {
  for (uint64_t v : values) add(v);
}

// set_add_entry: the probe walk remembers the LAST dummy slot passed (there is no "first
// freeslot only" guard in CPython), and reusing a dummy never triggers a resize.
void PythonIntSet::add(uint64_t key) {
  size_t i = key & mask_;
  uint64_t perturb = key;
  Slot* freeslot = nullptr;
  for (;;) {
    size_t probes = (i + kLinearProbes <= mask_) ? kLinearProbes : 0;
    for (size_t j = i; j <= i + probes; ++j) {
      Slot& e = table_[j];
      if (e.state == State::Empty) {
        if (freeslot) {
          *freeslot = Slot{State::Active, key};
          ++used_;
          return;
        }
        e = Slot{State::Active, key};
        ++fill_;
        ++used_;
        if (fill_ * 5 >= mask_ * 3) resize(used_ > 50000 ? used_ * 2 : used_ * 4);
        return;
      }
      if (e.state == State::Active && e.key == key) return;
      if (e.state == State::Dummy) freeslot = &e;
    }
    perturb >>= kPerturbShift;
    i = (i * 5 + 1 + perturb) & mask_;
  }
}

int64_t PythonIntSet::find(uint64_t key) const {
  size_t i = key & mask_;
  uint64_t perturb = key;
  for (;;) {
    size_t probes = (i + kLinearProbes <= mask_) ? kLinearProbes : 0;
    for (size_t j = i; j <= i + probes; ++j) {
      const Slot& e = table_[j];
      if (e.state == State::Empty) return -1;
      if (e.state == State::Active && e.key == key) return static_cast<int64_t>(j);
    }
    perturb >>= kPerturbShift;
    i = (i * 5 + 1 + perturb) & mask_;
  }
}

bool PythonIntSet::contains(uint64_t key) const { return find(key) >= 0; }

bool PythonIntSet::remove(uint64_t key) {
  int64_t at = find(key);
  if (at < 0) return false;
  table_[static_cast<size_t>(at)].state = State::Dummy;  // fill stays: the slot is now a dummy
  --used_;
  return true;
}

// set_table_resize: re-inserts the active keys in OLD slot order, which is what makes the
// final order depend on the insertion history.
void PythonIntSet::resize(size_t minused) {
  size_t size = 8;
  while (size <= minused) size <<= 1;
  std::vector<Slot> old = std::move(table_);
  table_.assign(size, Slot{});
  mask_ = size - 1;
  fill_ = used_;
  for (const Slot& s : old)
    if (s.state == State::Active) insert_clean(s.key);
}

void PythonIntSet::insert_clean(uint64_t key) {
  size_t i = key & mask_;
  uint64_t perturb = key;
  for (;;) {
    if (table_[i].state == State::Empty) {
      table_[i] = Slot{State::Active, key};
      return;
    }
    if (i + kLinearProbes <= mask_) {
      for (size_t j = 1; j <= kLinearProbes; ++j) {
        if (table_[i + j].state == State::Empty) {
          table_[i + j] = Slot{State::Active, key};
          return;
        }
      }
    }
    perturb >>= kPerturbShift;
    i = (i * 5 + 1 + perturb) & mask_;
  }
}

std::vector<uint64_t> PythonIntSet::ordered() const {
  std::vector<uint64_t> out;
  out.reserve(used_);
  for (const Slot& s : table_)
    if (s.state == State::Active) out.push_back(s.key);
  return out;
}

}  // namespace mpt
