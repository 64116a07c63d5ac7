#pragma once
// A minimal JSON object writer for --json outputs and reports (one object, insertion order kept).
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace tlsx {

class JsonObject {
 public:
  JsonObject& add(const std::string& key, double v) { return raw(key, number(v)); }
  JsonObject& add(const std::string& key, int v) { return raw(key, std::to_string(v)); }
  JsonObject& add(const std::string& key, long v) { return raw(key, std::to_string(v)); }
  JsonObject& add(const std::string& key, long long v) { return raw(key, std::to_string(v)); }
  JsonObject& add(const std::string& key, unsigned long v) { return raw(key, std::to_string(v)); }
  JsonObject& add(const std::string& key, bool v) { return raw(key, v ? "true" : "false"); }
  JsonObject& add(const std::string& key, const char* v) { return raw(key, quote(v)); }
  JsonObject& add(const std::string& key, const std::string& v) { return raw(key, quote(v)); }
  JsonObject& add(const std::string& key, const std::vector<double>& v) {
    std::string s = "[";
    for (std::size_t k = 0; k < v.size(); ++k) s += (k ? "," : "") + number(v[k]);
    return raw(key, s + "]");
  }
  JsonObject& add(const std::string& key, const std::vector<int>& v) {
    std::string s = "[";
    for (std::size_t k = 0; k < v.size(); ++k) s += (k ? "," : "") + std::to_string(v[k]);
    return raw(key, s + "]");
  }
  JsonObject& add(const std::string& key, const JsonObject& v) { return raw(key, v.str()); }
  JsonObject& add(const std::string& key, const std::vector<JsonObject>& v) {
    std::string s = "[";
    for (std::size_t k = 0; k < v.size(); ++k) s += (k ? "," : "") + v[k].str();
    return raw(key, s + "]");
  }
  // Inserts already-formatted JSON text.
  JsonObject& raw(const std::string& key, const std::string& json) {
    entries_.push_back(quote(key) + ":" + json);
    return *this;
  }
  std::string str() const {
    std::string s = "{";
    for (std::size_t k = 0; k < entries_.size(); ++k) s += (k ? "," : "") + entries_[k];
    return s + "}";
  }

  static std::string number(double v) {
    if (!std::isfinite(v)) return "null";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
  }
  static std::string quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += c;
          }
      }
    }
    return out + "\"";
  }

 private:
  std::vector<std::string> entries_;
};

}  // namespace tlsx
