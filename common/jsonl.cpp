#include "common/jsonl.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/utf8_check.h"

namespace mpt {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string read_gzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw input_error("cannot open file", path, "a readable gzip file", std::strerror(errno));
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  int err = 0;
  const char* msg = gzerror(f, &err);
  bool bad = n < 0 || (err != Z_OK && err != Z_STREAM_END);
  std::string why = bad ? msg : "";
  gzclose(f);
  if (bad) throw input_error("corrupt gzip data", path, "a complete gzip stream", why);
  return out;
}

}  // namespace

std::string read_file(const std::string& path) {
  if (std::filesystem::is_directory(path)) throw input_error("is a directory", path, "a file", "a directory");
  if (ends_with(path, ".gz")) return read_gzip(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error("cannot open file", path, "a readable file", std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw runtime_error("read failed", path);
  return ss.str();
}

std::string describe_json(const nlohmann::json& v) {
  std::string dumped = dump_json(v);
  if (dumped.size() > 40) dumped = dumped.substr(0, 37) + "...";
  return std::string(v.type_name()) + " " + dumped;
}

nlohmann::json parse_json(const std::string& text, const std::string& where) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw input_error("malformed JSON", where, "valid JSON",
                      "a syntax error at byte " + std::to_string(e.byte) + ": " + e.what());
  }
}

void for_each_jsonl(const std::string& path, const std::function<void(const nlohmann::json&, int)>& fn) {
  std::string data = read_file(path);
  size_t pos = 0;
  int line_no = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    if (end == std::string::npos) end = data.size();
    ++line_no;
    std::string_view line(data.data() + pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    std::string where = path + ":" + std::to_string(line_no);
    nlohmann::json value;
    try {
      value = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw input_error("malformed JSON line", where, "one JSON value per line",
                        quote_excerpt(std::string(line), 50) + " (byte " + std::to_string(e.byte) + ")");
    }
    try {
      fn(value, line_no);
    } catch (const Error& e) {
      std::string msg = e.what();
      if (msg.find(path) != std::string::npos) throw;
      throw Error(e.kind(), msg + " [" + where + "]");
    } catch (const nlohmann::json::exception& e) {
      throw input_error("unexpected JSON content", where, "the documented fields", e.what());
    }
  }
}

std::vector<nlohmann::json> read_jsonl_objects(const std::string& path) {
  std::vector<nlohmann::json> out;
  for_each_jsonl(path, [&](const nlohmann::json& v, int line) {
    if (!v.is_object())
      throw input_error("line is not a JSON object", path + ":" + std::to_string(line), "an object {...}",
                        describe_json(v));
    out.push_back(v);
  });
  return out;
}

const nlohmann::json& require_key(const nlohmann::json& obj, const std::string& key, const std::string& where) {
  if (!obj.is_object()) throw input_error("expected a JSON object", where, "an object", describe_json(obj));
  auto it = obj.find(key);
  if (it == obj.end()) throw input_error("missing key '" + key + "'", where, "key '" + key + "'", "no such key");
  return *it;
}

std::string require_string(const nlohmann::json& obj, const std::string& key, const std::string& where) {
  const auto& v = require_key(obj, key, where);
  if (!v.is_string()) throw input_error("wrong type for key '" + key + "'", where, "a string", describe_json(v));
  return v.get<std::string>();
}

int64_t require_int(const nlohmann::json& obj, const std::string& key, const std::string& where) {
  const auto& v = require_key(obj, key, where);
  if (!v.is_number_integer())
    throw input_error("wrong type for key '" + key + "'", where, "an integer", describe_json(v));
  return v.get<int64_t>();
}

void check_output_file(const std::string& path, const std::string& option) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string where = option + " " + path;
  if (path.empty()) throw input_error("empty output path", option, "a file path", "\"\"");
  if (fs::is_directory(target, ec)) throw input_error("output path is a directory", where, "a file path", "a directory");
  if (!fs::exists(dir, ec))
    throw input_error("output directory does not exist", where, "an existing directory " + dir.string(), "no such directory");
  if (!fs::is_directory(dir, ec))
    throw input_error("output directory is not a directory", where, "a directory " + dir.string(), "a file");
  if (::access(dir.c_str(), W_OK) != 0)
    throw input_error("output directory is not writable", where, "write permission on " + dir.string(), std::strerror(errno));
}

void write_file_atomic(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string name = ".";  // (built in steps: GCC 12 warns falsely on "." + std::string)
  name += target.filename().string();
  name += ".tmp-XXXXXX";
  std::string tmpl = (dir / name).string();
  int fd = mkstemp(tmpl.data());
  if (fd < 0) throw runtime_error("cannot create temporary file", tmpl, "", std::strerror(errno));
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmpl.c_str());
      throw runtime_error("write failed", path, "", std::strerror(e));
    }
    off += static_cast<size_t>(n);
  }
  ::fchmod(fd, 0644);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmpl.c_str());
    throw runtime_error("write failed", path, "", std::strerror(errno));
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmpl.c_str());
    throw runtime_error("cannot move file into place", path, "", std::strerror(e));
  }
}

}  // namespace mpt
