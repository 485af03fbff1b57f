#include "models/pickle_reader.h"

#include <cstring>
#include <map>
#include <memory>

#include "common/error.h"

namespace mpt {
namespace {

struct Value;
using Ref = std::shared_ptr<Value>;

struct Value {
  enum class Kind { None, Bool, Int, Float, Str, Bytes, Tuple, List, Dict, Global, Object, Storage, Tensor, Mark };
  Kind kind = Kind::None;
  int64_t i = 0;
  double f = 0;
  std::string s, s2;       // Str / Bytes: s. Global: module s, name s2
  std::vector<Ref> items;  // Tuple, List; Dict as key, value, key, value, ...
  PickledTensor tensor;    // Storage: storage_key, dtype, storage_numel. Tensor: all fields but name

  explicit Value(Kind k) : kind(k) {}
  // Hostile input can nest containers arbitrarily deep (e.g. by appending lists into each other
  // after building them); destroy iteratively so that no input can overflow the stack.
  ~Value() {
    std::vector<Ref> pending = std::move(items);
    while (!pending.empty()) {
      Ref r = std::move(pending.back());
      pending.pop_back();
      if (r && r.use_count() == 1)
        for (auto& c : r->items) pending.push_back(std::move(c));
    }
  }
};

Ref make(Value::Kind k) { return std::make_shared<Value>(k); }

struct StorageType {
  const char* name;
  WireDType dtype;
};
constexpr StorageType kStorageTypes[] = {
    {"DoubleStorage", WireDType::F64}, {"FloatStorage", WireDType::F32}, {"HalfStorage", WireDType::F16},
    {"BFloat16Storage", WireDType::BF16}, {"LongStorage", WireDType::I64}, {"IntStorage", WireDType::I32},
    {"ShortStorage", WireDType::I16}, {"CharStorage", WireDType::I8},   {"ByteStorage", WireDType::U8},
    {"BoolStorage", WireDType::Bool},
};

class Machine {
 public:
  Machine(const uint8_t* data, uint64_t size, std::string where) : p_(data), n_(size), where_(std::move(where)) {}

  Ref run() {
    while (true) {
      uint64_t op_at = pos_;
      uint8_t op = byte();
      op_at_ = op_at;
      switch (op) {
        case 0x80: if (byte() > 5) fail("unsupported pickle protocol"); break;          // PROTO
        case 0x95: bytes(8); break;                                                      // FRAME
        case '.': { Ref r = pop(); if (!stack_.empty()) fail("values left on the stack at STOP"); return r; }
        case '(': marks_.push_back(stack_.size()); break;                                // MARK
        case ')': push(make(Value::Kind::Tuple)); break;                                 // EMPTY_TUPLE
        case 't': push(container(Value::Kind::Tuple, pop_mark())); break;               // TUPLE
        case 0x85: case 0x86: case 0x87: {                                               // TUPLE1..3
          size_t k = op - 0x84u;
          push(container(Value::Kind::Tuple, pop_n(k)));
          break;
        }
        case ']': push(make(Value::Kind::List)); break;                                  // EMPTY_LIST
        case 'l': push(container(Value::Kind::List, pop_mark())); break;                // LIST
        case 'a': { Ref v = pop(); target(Value::Kind::List)->items.push_back(v); break; }   // APPEND
        case 'e': { auto vs = pop_mark(); auto& l = target(Value::Kind::List)->items; l.insert(l.end(), vs.begin(), vs.end()); break; }
        case '}': push(make(Value::Kind::Dict)); break;                                  // EMPTY_DICT
        case 'd': { auto vs = pop_mark(); even(vs); push(container(Value::Kind::Dict, std::move(vs))); break; }
        case 's': { Ref v = pop(), k = pop(); auto& d = target(Value::Kind::Dict)->items; d.push_back(k); d.push_back(v); break; }
        case 'u': { auto vs = pop_mark(); even(vs); auto& d = target(Value::Kind::Dict)->items; d.insert(d.end(), vs.begin(), vs.end()); break; }
        case 'N': push(make(Value::Kind::None)); break;
        case 0x88: case 0x89: { Ref b = make(Value::Kind::Bool); b->i = op == 0x88; push(b); break; }
        case 'J': push(integer(static_cast<int32_t>(le(4)))); break;                     // BININT
        case 'K': push(integer(byte())); break;                                          // BININT1
        case 'M': push(integer(static_cast<int64_t>(le(2)))); break;                     // BININT2
        case 0x8a: long1(); break;                                                        // LONG1
        case 'G': { uint64_t bits = 0; for (int i = 0; i < 8; ++i) bits = (bits << 8) | byte();  // BINFLOAT (big-endian)
                    Ref f = make(Value::Kind::Float); std::memcpy(&f->f, &bits, 8); push(f); break; }
        case 'X': push(text(Value::Kind::Str, le(4))); break;                             // BINUNICODE
        case 0x8c: push(text(Value::Kind::Str, byte())); break;                          // SHORT_BINUNICODE
        case 0x8d: push(text(Value::Kind::Str, le(8))); break;                           // BINUNICODE8
        case 'C': push(text(Value::Kind::Bytes, byte())); break;                         // SHORT_BINBYTES
        case 'B': push(text(Value::Kind::Bytes, le(4))); break;                          // BINBYTES
        case 0x8e: push(text(Value::Kind::Bytes, le(8))); break;                         // BINBYTES8
        case 'c': { Ref g = make(Value::Kind::Global); g->s = line(); g->s2 = line(); push(g); break; }  // GLOBAL
        case 0x93: { Ref name = pop(), mod = pop();                                      // STACK_GLOBAL
                     if (name->kind != Value::Kind::Str || mod->kind != Value::Kind::Str) fail("STACK_GLOBAL needs two strings");
                     Ref g = make(Value::Kind::Global); g->s = mod->s; g->s2 = name->s; push(g); break; }
        case 'q': memo_[byte()] = top(); break;                                          // BINPUT
        case 'r': memo_[le(4)] = top(); break;                                           // LONG_BINPUT
        case 0x94: memo_[memo_.size()] = top(); break;                                   // MEMOIZE
        case 'h': push(memo(byte())); break;                                             // BINGET
        case 'j': push(memo(le(4))); break;                                              // LONG_BINGET
        case 'Q': push(storage(pop())); break;                                           // BINPERSID
        case 'R': { Ref args = pop(), fn = pop(); push(reduce(fn, args)); break; }       // REDUCE
        case 0x81: { pop(); pop(); push(make(Value::Kind::Object)); break; }             // NEWOBJ
        case 'b': pop(); top(); break;                                                   // BUILD: state ignored
        case '0': pop(); break;                                                          // POP
        case '2': push(top()); break;                                                    // DUP
        case '1': pop_mark(); break;                                                     // POP_MARK
        default: {
          char buf[8];
          std::snprintf(buf, sizeof buf, "0x%02x", op);
          fail(std::string("unsupported pickle opcode ") + buf);
        }
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw input_error("malformed torch checkpoint pickle: " + what, where_ + " at byte " + std::to_string(op_at_),
                      "a state dict of tensors as torch.save writes it", "");
  }
  uint8_t byte() {
    if (pos_ >= n_) {
      op_at_ = pos_;
      fail("unexpected end of data (no STOP opcode)");
    }
    return p_[pos_++];
  }
  const uint8_t* bytes(uint64_t k) {
    if (k > n_ - pos_) fail("a length of " + std::to_string(k) + " bytes runs past the end of the data");
    const uint8_t* at = p_ + pos_;
    pos_ += k;
    return at;
  }
  uint64_t le(int k) {
    const uint8_t* b = bytes(k);
    uint64_t v = 0;
    for (int i = k - 1; i >= 0; --i) v = (v << 8) | b[i];
    return v;
  }
  std::string line() {
    std::string s;
    for (uint8_t c; (c = byte()) != '\n';) {
      if (s.size() > 256) fail("GLOBAL name too long");
      s += static_cast<char>(c);
    }
    return s;
  }
  Ref text(Value::Kind k, uint64_t len) {
    Ref v = make(k);
    const uint8_t* b = bytes(len);
    v->s.assign(reinterpret_cast<const char*>(b), len);
    return v;
  }
  Ref integer(int64_t i) {
    Ref v = make(Value::Kind::Int);
    v->i = i;
    return v;
  }
  void long1() {
    uint8_t k = byte();
    if (k > 8) fail("integer wider than 64 bits");
    const uint8_t* b = bytes(k);
    uint64_t v = 0;
    for (int i = k - 1; i >= 0; --i) v = (v << 8) | b[i];
    if (k > 0 && k < 8 && (b[k - 1] & 0x80)) v |= ~uint64_t{0} << (8 * k);  // sign-extend
    push(integer(static_cast<int64_t>(v)));
  }

  void push(Ref v) { stack_.push_back(std::move(v)); }
  Ref pop() {
    if (stack_.empty() || (!marks_.empty() && marks_.back() == stack_.size())) fail("stack underflow");
    Ref v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }
  Ref top() {
    if (stack_.empty()) fail("stack underflow");
    return stack_.back();
  }
  std::vector<Ref> pop_n(size_t k) {
    std::vector<Ref> out(k);
    for (size_t i = k; i-- > 0;) out[i] = pop();
    return out;
  }
  std::vector<Ref> pop_mark() {
    if (marks_.empty()) fail("no MARK before a container opcode");
    size_t m = marks_.back();
    marks_.pop_back();
    std::vector<Ref> out(std::make_move_iterator(stack_.begin() + static_cast<std::ptrdiff_t>(m)),
                         std::make_move_iterator(stack_.end()));
    stack_.resize(m);
    return out;
  }
  Ref target(Value::Kind k) {
    Ref t = top();
    if (t->kind != k) fail(k == Value::Kind::List ? "APPEND to something that is not a list" : "SETITEM on something that is not a dict");
    return t;
  }
  void even(const std::vector<Ref>& vs) {
    if (vs.size() % 2) fail("odd number of items for a dict");
  }
  Ref container(Value::Kind k, std::vector<Ref> items) {
    Ref v = make(k);
    v->items = std::move(items);
    return v;
  }
  Ref memo(uint64_t k) {
    auto it = memo_.find(k);
    if (it == memo_.end()) fail("memo entry " + std::to_string(k) + " read before it was written");
    return it->second;
  }

  // ('storage', torch.<Type>Storage, key, location, numel)
  Ref storage(const Ref& pid) {
    const auto& t = pid->items;
    if (pid->kind != Value::Kind::Tuple || t.size() < 5 || t[0]->kind != Value::Kind::Str || t[0]->s != "storage" ||
        t[1]->kind != Value::Kind::Global || t[4]->kind != Value::Kind::Int || t[4]->i < 0)
      fail("persistent id is not ('storage', type, key, location, numel)");
    Ref s = make(Value::Kind::Storage);
    bool known = false;
    for (const auto& st : kStorageTypes)
      if (t[1]->s == "torch" && t[1]->s2 == st.name) s->tensor.dtype = st.dtype, known = true;
    if (!known) fail("unsupported storage type '" + t[1]->s + "." + t[1]->s2 + "'");
    if (t[2]->kind == Value::Kind::Str) s->tensor.storage_key = t[2]->s;
    else if (t[2]->kind == Value::Kind::Int) s->tensor.storage_key = std::to_string(t[2]->i);
    else fail("storage key is neither a string nor an integer");
    s->tensor.storage_numel = t[4]->i;
    return s;
  }

  std::vector<int64_t> int_tuple(const Ref& v, const char* what) {
    if (v->kind != Value::Kind::Tuple) fail(std::string(what) + " is not a tuple");
    std::vector<int64_t> out;
    for (const auto& e : v->items) {
      if (e->kind != Value::Kind::Int || e->i < 0) fail(std::string(what) + " holds something other than a non-negative integer");
      out.push_back(e->i);
    }
    return out;
  }

  Ref reduce(const Ref& fn, const Ref& args) {
    if (args->kind != Value::Kind::Tuple) fail("REDUCE arguments are not a tuple");
    const auto& a = args->items;
    std::string name = fn->kind == Value::Kind::Global ? fn->s + "." + fn->s2 : "";
    if (name == "collections.OrderedDict") return make(Value::Kind::Dict);
    if (name == "torch._utils._rebuild_tensor_v2") {
      if (a.size() < 4 || a[0]->kind != Value::Kind::Storage || a[1]->kind != Value::Kind::Int || a[1]->i < 0)
        fail("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)");
      Ref t = make(Value::Kind::Tensor);
      t->tensor = a[0]->tensor;
      t->tensor.storage_offset = a[1]->i;
      t->tensor.sizes = int_tuple(a[2], "tensor size");
      t->tensor.strides = int_tuple(a[3], "tensor stride");
      if (t->tensor.sizes.size() != t->tensor.strides.size()) fail("tensor size and stride differ in length");
      return t;
    }
    if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
      if (a.empty() || a[0]->kind != Value::Kind::Tensor) fail(name + " needs a tensor");
      return a[0];
    }
    return make(Value::Kind::Object);  // anything else is kept as an opaque value, never called
  }

  const uint8_t* p_;
  uint64_t n_;
  uint64_t pos_ = 0, op_at_ = 0;
  std::string where_;
  std::vector<Ref> stack_;
  std::vector<size_t> marks_;
  std::map<uint64_t, Ref> memo_;
};

}  // namespace

PickledStateDict read_state_dict_pickle(const uint8_t* data, uint64_t size, const std::string& where) {
  Ref root = Machine(data, size, where).run();
  if (root->kind != Value::Kind::Dict)
    throw input_error("torch checkpoint is not a state dict", where, "a dict of name -> tensor",
                      "another kind of object");
  PickledStateDict out;
  for (size_t i = 0; i + 1 < root->items.size(); i += 2) {
    const Ref& k = root->items[i];
    const Ref& v = root->items[i + 1];
    if (k->kind != Value::Kind::Str)
      throw input_error("torch checkpoint state dict has a key that is not a string", where, "string keys", "another value");
    if (v->kind == Value::Kind::Tensor) {
      out.tensors.push_back(v->tensor);
      out.tensors.back().name = k->s;
    } else {
      out.non_tensors.push_back(k->s);
    }
  }
  return out;
}

}  // namespace mpt
