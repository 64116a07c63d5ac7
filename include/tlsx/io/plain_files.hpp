#pragma once
// Small file-system helpers of the run directories (tlsx run, tlsx slurm, shard bookkeeping) and
// the time stamp files record.
#include <string>

namespace tlsx {

bool file_exists(const std::string& path);

// mkdir -p: every missing folder of `path`; an Error "WHO: cannot create directory D: reason".
void make_directories(const std::string& path, const std::string& who);

// The whole file as text; "" when it cannot be read (callers test file_exists first where it matters).
std::string read_text(const std::string& path);

// The current time as ISO 8601 UTC ("2026-12-04T21:30:00Z"): the write times files record.
std::string utc_now();

}  // namespace tlsx
