// Quench protocols of the exploration side by side (bench/explore_protocols.sh, bench/RESULTS.md):
//
//   tlsx_explore_bench GLASSES.h5 --tau-cg K --n-cg M [--threads T] PROTOCOL...
//   PROTOCOL: ALGORITHM[:SCREEN_TOLERANCE], e.g. cg (the exact protocol: one stage), cg:1e-3 (the
//   default of tlsx explore), lbfgs, lbfgs:1e-3
//
// Every protocol explores the same glasses with the same MD trajectory (a quench acts on a copy of
// the MD replicas, so the trajectory does not depend on the protocol). The explorations advance in
// lockstep, one cycle of each in turn, so that a change in the machine's load falls on all of them
// alike; each protocol's seconds are the sum of its own cycles (MD, quenches, registration).
// Printed per protocol: quenches/s, force evaluations per quench, the share ended at the screen, and
// against the first protocol (the reference): the quenches that ended in the same IS (the registry's
// own criteria between the two IS), the IS found by only one of the two, and the candidate pairs
// gained and lost (pairs of the other run mapped onto the reference's IS).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/pipeline/explore.hpp"
#include "tlsx/pipeline/glass_set.hpp"

namespace {

using namespace tlsx;

struct Protocol {
  std::string label;
  ExploreOptions options;
};

Protocol parse_protocol(const std::string& text, std::int64_t tau_cg, std::int64_t n_cg) {
  Protocol p;
  p.label = text;
  p.options.tau_cg = tau_cg;
  p.options.n_cg = n_cg;
  p.options.temperature = 0.4;
  p.options.dt = 0.0025;
  p.options.screen_tolerance = 0.0;  // one stage unless the protocol names a screen
  const std::size_t colon = text.find(':');
  const std::string algorithm = text.substr(0, colon);
  if (!parse_minimize_algorithm(algorithm.c_str(), p.options.minimize.algorithm))
    throw Error("protocol '" + text + "': unknown minimiser '" + algorithm + "'");
  if (colon != std::string::npos) {
    char* end = nullptr;
    p.options.screen_tolerance = std::strtod(text.c_str() + colon + 1, &end);
    if (*end != '\0' || !(p.options.screen_tolerance >= 0.0)) throw Error("protocol '" + text + "': bad screen tolerance");
  }
  return p;
}

// Id of the reference's IS equal to IS `id` of `other` under the reference registry's criteria, or -1.
std::vector<int> map_onto(const IsRegistry& reference, const IsRegistry& other) {
  std::vector<int> map;
  for (const InherentStructure& s : other.structures()) map.push_back(reference.find(s.pos.data(), s.energy));
  return map;
}

std::set<std::pair<int, int>> candidate_pairs(const TransitionLog& log, const std::vector<int>* map) {
  std::set<std::pair<int, int>> out;
  for (const IsPairTransitions& p : log.candidates()) {
    int a = p.is_a, b = p.is_b;
    if (map != nullptr) {
      a = (*map)[a];
      b = (*map)[b];
    }
    if (a > b) std::swap(a, b);
    out.insert({a, b});  // an unmapped end (-1) never matches a reference pair
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string glasses_path;
    std::int64_t tau_cg = 0, n_cg = 0;
    int threads = 2;
    std::vector<std::string> protocol_texts;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto value = [&]() -> const char* {
        if (i + 1 >= argc) throw Error(a + " needs a value");
        return argv[++i];
      };
      if (a == "--tau-cg") tau_cg = std::atoll(value());
      else if (a == "--n-cg") n_cg = std::atoll(value());
      else if (a == "--threads") threads = std::atoi(value());
      else if (glasses_path.empty()) glasses_path = a;
      else protocol_texts.push_back(a);
    }
    if (glasses_path.empty() || tau_cg < 1 || n_cg < 1 || protocol_texts.empty())
      throw Error("usage: tlsx_explore_bench GLASSES.h5 --tau-cg K --n-cg M [--threads T] PROTOCOL...");
    const GlassSet g = read_glass_set(glasses_path);
    std::vector<Protocol> protocols;
    for (const std::string& t : protocol_texts) protocols.push_back(parse_protocol(t, tau_cg, n_cg));

    CpuBackend cpu(threads);
    std::vector<Exploration> runs;
    for (const Protocol& p : protocols) runs.emplace_back(g, p.options);
    std::vector<double> seconds(runs.size(), 0.0);
    for (std::int64_t k = 0; k < n_cg; ++k)
      for (std::size_t p = 0; p < runs.size(); ++p) {
        const auto t0 = std::chrono::steady_clock::now();
        runs[p].cycle(cpu);
        seconds[p] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }

    std::printf("%d glasses of N = %d, tau_cg = %lld, %lld quenches per glass, %d threads\n", g.size(), g.n,
                static_cast<long long>(tau_cg), static_cast<long long>(n_cg), threads);
    std::printf("%-14s %9s %11s %8s %10s %9s %6s %6s %12s %8s %8s %7s %7s\n", "protocol", "seconds", "quenches/s",
                "speedup", "evals/q", "screened", "IS", "pairs", "same IS", "IS only", "ref only", "gained",
                "lost");
    const Exploration& ref = runs[0];
    for (std::size_t p = 0; p < runs.size(); ++p) {
      const Exploration& e = runs[p];
      const QuenchStats& st = e.quench_stats();
      std::int64_t same = 0, total = 0, only_here = 0, only_ref = 0, gained = 0, lost = 0, n_is = 0, pairs = 0;
      for (std::size_t r = 0; r < e.glasses().size(); ++r) {
        const GlassExploration& a = ref.glasses()[r];
        const GlassExploration& b = e.glasses()[r];
        const std::vector<int> b_to_a = map_onto(a.registry, b.registry);
        const std::vector<int> a_to_b = map_onto(b.registry, a.registry);
        for (int m : b_to_a) only_here += m < 0 ? 1 : 0;
        for (int m : a_to_b) only_ref += m < 0 ? 1 : 0;
        const std::vector<int>& sa = a.log.sequence();
        const std::vector<int>& sb = b.log.sequence();
        for (std::size_t k = 0; k < sa.size(); ++k) {
          const bool agree = sb[k] < 0 ? sa[k] < 0 : b_to_a[static_cast<std::size_t>(sb[k])] == sa[k];
          same += agree ? 1 : 0;
          ++total;
        }
        const std::set<std::pair<int, int>> pa = candidate_pairs(a.log, nullptr);
        const std::set<std::pair<int, int>> pb = candidate_pairs(b.log, &b_to_a);
        for (const auto& x : pb) gained += pa.count(x) ? 0 : 1;
        for (const auto& x : pa) lost += pb.count(x) ? 0 : 1;
        n_is += b.registry.size();
        pairs += b.log.candidate_count();
      }
      const double rate = static_cast<double>(st.quenches) / seconds[p];
      char same_text[32];
      std::snprintf(same_text, sizeof same_text, "%.2f %%", 100.0 * static_cast<double>(same) / static_cast<double>(total));
      std::printf("%-14s %9.2f %11.2f %7.2fx %10.1f %8.1f%% %6lld %6lld %12s %8lld %8lld %7lld %7lld\n",
                  protocols[p].label.c_str(), seconds[p], rate, seconds[0] / seconds[p],
                  static_cast<double>(st.force_evaluations) / static_cast<double>(st.quenches),
                  100.0 * static_cast<double>(st.screened) / static_cast<double>(st.quenches),
                  static_cast<long long>(n_is), static_cast<long long>(pairs), same_text,
                  static_cast<long long>(only_here), static_cast<long long>(only_ref), static_cast<long long>(gained),
                  static_cast<long long>(lost));
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tlsx_explore_bench: %s\n", e.what());
    return 1;
  }
}
