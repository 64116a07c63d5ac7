#pragma once
// What every fuzz target shares (docs/reliability.md, "Fuzzing"): the input bytes as a file with
// the extension the reader dispatches on, and the pass criterion for a rejection: a tlsx::Error
// whose message is one non-empty line. Any other exception escapes the target and libFuzzer reports
// it (an uncaught exception aborts), as do crashes, hangs (-timeout) and sanitizer reports.
// TLSX_FUZZ_VERBOSE=1 prints what each input got (accepted, or the rejection).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "tlsx/core/error.hpp"

namespace tlsx::fuzz {

// A scratch file of this process: $TMPDIR/tlsx_fuzz_<pid>_<name> (libFuzzer's -jobs/-fork runs
// several processes at once).
inline std::string scratch_file(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/tlsx_fuzz_" + std::to_string(::getpid()) + "_" + name;
}

// Writes the bytes to the scratch file `name` and returns its path.
inline std::string bytes_to_file(const std::uint8_t* data, std::size_t size, const std::string& name) {
  const std::string path = scratch_file(name);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();  // the harness itself is broken, not the reader
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  if (std::fclose(f) != 0) std::abort();
  return path;
}

// Runs `read` (which calls the project's reader). Passes when it returns or throws a tlsx::Error of
// one non-empty line; anything else aborts with the message, so libFuzzer keeps the input.
template <class Read>
void expect_clean_outcome(Read&& read) {
  static const bool verbose = std::getenv("TLSX_FUZZ_VERBOSE") != nullptr;  // say what each input got
  try {
    read();
    if (verbose) std::fprintf(stderr, "tlsx fuzz: accepted\n");
  } catch (const tlsx::Error& e) {
    const std::string m = e.what();
    if (verbose) std::fprintf(stderr, "tlsx fuzz: rejected: %s\n", m.c_str());
    if (m.empty() || m.find('\n') != std::string::npos || m.find('\r') != std::string::npos) {
      std::fprintf(stderr, "tlsx fuzz: rejection is not one line: [%s]\n", m.c_str());
      std::abort();
    }
  }
}

}  // namespace tlsx::fuzz
