#pragma once
// Atomic file replacement, used by every writer in the project so that a crash or an error never
// leaves a half-written file under the final name:
//
//   tlsx::write_atomically("lib.h5", [&](const std::string& tmp) {
//     tlsx::h5::File f = tlsx::h5::File::create(tmp);
//     ...                                  // f must be closed (out of scope) when the lambda returns
//   });
//
// The callback writes the complete content to `tmp` = "<path>.tmp.<pid>" (same directory, so the
// rename cannot cross file systems); then the temporary is fsync'ed and renamed over `path`, and the
// directory is fsync'ed. If the callback throws, or the sync or rename fails, the temporary is
// removed and the exception (a tlsx::Error for our own failures) propagates; `path` is untouched.
#include <functional>
#include <string>

namespace tlsx {

// The temporary name write_atomically uses for `path` in this process.
std::string temporary_path(const std::string& path);

void write_atomically(const std::string& path, const std::function<void(const std::string& tmp_path)>& write);

// Convenience for text: the whole content at once.
void write_text_atomically(const std::string& path, const std::string& content);

}  // namespace tlsx
