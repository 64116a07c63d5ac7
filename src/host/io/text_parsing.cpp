#include "text_parsing.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "tlsx/core/error.hpp"

namespace tlsx::io_detail {

std::vector<TextLine> read_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path, 0, "cannot open file");
  std::vector<TextLine> lines;
  std::string s;
  long number = 0;
  while (std::getline(in, s)) {
    if (!s.empty() && s.back() == '\r') s.pop_back();
    lines.push_back({++number, s});
  }
  if (in.bad()) throw input_error(path, number, "read error");
  return lines;
}

std::vector<std::string> split_fields(const std::string& s) {
  std::vector<std::string> out;
  std::size_t k = 0;
  while (k < s.size()) {
    while (k < s.size() && std::isspace(static_cast<unsigned char>(s[k]))) ++k;
    const std::size_t start = k;
    while (k < s.size() && !std::isspace(static_cast<unsigned char>(s[k]))) ++k;
    if (k > start) out.push_back(s.substr(start, k - start));
  }
  return out;
}

double parse_double(const std::string& field, const std::string& file, long line, const std::string& what) {
  const char* begin = field.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(begin, &end);
  if (end == begin || *end != '\0')
    throw input_error(file, line, what + ": '" + field + "' is not a number");
  if (!std::isfinite(v))  // "nan", "inf" and overflow; underflow to a denormal is harmless
    throw input_error(file, line, what + " is not finite ('" + field + "')");
  return v;
}

long long parse_integer(const std::string& field, const std::string& file, long line, const std::string& what) {
  const char* begin = field.c_str();
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(begin, &end, 10);
  if (end == begin || *end != '\0') throw input_error(file, line, what + ": '" + field + "' is not an integer");
  if (errno == ERANGE) throw input_error(file, line, what + ": '" + field + "' is out of range");
  return v;
}

std::string extension_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  const std::size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace tlsx::io_detail
