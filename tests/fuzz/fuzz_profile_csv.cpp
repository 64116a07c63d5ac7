// Fuzz target: minimum-energy-path profiles (quantum/profile_csv.hpp, s,V[,dVds] CSV).
#include "fuzz_support.hpp"
#include "tlsx/quantum/profile_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = tlsx::fuzz::bytes_to_file(data, size, "profile.csv");
  tlsx::fuzz::expect_clean_outcome([&] { (void)tlsx::quantum::read_profile_csv(path); });
  return 0;
}
