#pragma once
// User-facing errors: one line naming the file and line or field, e.g.
//   "glass.data:14: expected 5 columns in Atoms section, found 4".
// The CLI prints what() and exits non-zero; nothing else is caught.
#include <stdexcept>
#include <string>

namespace tlsx {

// Errors are one line whatever they quote (a line of a file, an HDF5 object name, a stored
// configuration text): line breaks and other control characters become visible escapes (a
// backslash and n, r, or x and two hex digits); tabs and UTF-8 text stay as they are.
inline std::string one_line(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(one_line(message)) {}
  explicit Error(const char* message) : Error(std::string(message)) {}
};

// "file:line: message" (line > 0) or "file: message".
inline Error input_error(const std::string& file, long line, const std::string& message) {
  if (line > 0) return Error(file + ":" + std::to_string(line) + ": " + message);
  return Error(file + ": " + message);
}

}  // namespace tlsx
