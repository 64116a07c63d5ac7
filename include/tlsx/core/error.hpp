#pragma once
// User-facing errors: one line naming the file and line or field, e.g.
//   "glass.data:14: expected 5 columns in Atoms section, found 4".
// The CLI prints what() and exits non-zero; nothing else is caught.
#include <stdexcept>
#include <string>

namespace tlsx {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "file:line: message" (line > 0) or "file: message".
inline Error input_error(const std::string& file, long line, const std::string& message) {
  if (line > 0) return Error(file + ":" + std::to_string(line) + ": " + message);
  return Error(file + ": " + message);
}

}  // namespace tlsx
