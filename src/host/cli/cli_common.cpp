#include "cli_common.hpp"

#include "tlsx/backend/backend.hpp"

namespace tlsx::cli {

std::vector<AddCommand>& commands() {
  static std::vector<AddCommand> list;
  return list;
}

std::string version_string() {
  return std::string("tlsx ") + TLSX_VERSION + " (" + describe_backends() + ")";
}

}  // namespace tlsx::cli
