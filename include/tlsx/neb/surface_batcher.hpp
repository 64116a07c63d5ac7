#pragma once
// Batched path searches: many minimum-energy-path searches (connect.hpp, band.hpp) run at once,
// each on its own thread, and every round of their energy/force and minimisation requests goes to
// the Backend as ONE batch (docs/architecture.md §2, "batched NEB": an image is a replica; the band
// operations - tangents, springs, FIRE's global dot products - stay per band, on the host).
//
// A search only ever waits for its forces, so the batcher works like a barrier: a request blocks
// its thread; when every running search has a request pending, the thread that drives the jobs
// (run(), or serve_until_ended for a stream of jobs) serves them all - one Backend::forces call over the images of every band, and one Backend::minimize call
// per distinct MinimizeParams over the configurations to relax - and wakes the searches. The
// backend is only ever called from that one thread (an OpenMP runtime keeps one thread pool). With the CUDA backend, the images of 32 bands of 64 images are 2048 replicas, one
// block each, in one launch; with the CPU backend, the OpenMP loop runs over all of them instead
// of over the images of one band.
//
// Determinism: both backends compute every replica independently of the others in its batch
// (per-replica minimisers; per-replica forces through Backend::forces_reusing_lists, whose result
// does not depend on where or how often a slot's neighbour list was built), so a search returns bit
// for bit what it returns when run alone; only the grouping changes. The force batch and its slots'
// lists persist from round to round: an image moves little per FIRE step, so most rounds reuse the
// lists (a slot whose species change is rebuilt). Tested in tests/neb/test_surface_batcher.cpp and
// tests/pipeline/test_neb_stage.cpp.
#include <condition_variable>
#include <exception>
#include <thread>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "tlsx/backend/backend.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/model/model.hpp"

namespace tlsx {

struct SurfaceBatcherStats {
  long rounds = 0;                 // batches served
  long force_replicas = 0;         // configurations whose forces were computed
  long minimize_replicas = 0;      // configurations minimised
  long backend_calls = 0;          // Backend::forces and Backend::minimize calls
};

class SurfaceBatcher {
 public:
  // Thrown into a job by its next request once cancel() has been called.
  struct Cancelled : std::exception {
    const char* what() const noexcept override { return "path search cancelled"; }
  };

  // All searches share the model (pair table), the box and the neighbour-list skin; each brings
  // its own species (glasses may differ).
  SurfaceBatcher(Backend& backend, const PairTable& table, const Box& box, double skin);
  ~SurfaceBatcher();  // cancel()
  SurfaceBatcher(const SurfaceBatcher&) = delete;
  SurfaceBatcher& operator=(const SurfaceBatcher&) = delete;

  // Runs job(0), ..., job(jobs - 1) at once, one thread each, and returns when all have ended.
  // An exception of a job ends that job only; after all have ended, the one of the lowest k is
  // rethrown.
  void run(int jobs, const std::function<void(int job)>& job);

  // A stream of jobs (the NEB stage's pairs in flight): job k starts, on a thread of its own, as
  // soon as fewer than `window` jobs run and jobs 0..k-1 have started. Nothing runs until
  // serve_until_ended is called.
  void start_jobs(int count, int window, std::function<void(int job)> job);
  // On the calling thread: serves rounds (starting jobs as room frees up) until job k has ended;
  // rethrows the job's exception. Between calls the running jobs simply wait for their requests.
  void serve_until_ended(int k);
  // Ends the stream: the jobs still running get Cancelled from their next request (and end), the
  // threads are joined, and the batcher can start another stream.
  void cancel();
  // Jobs of the stream that have ended so far.
  int jobs_ended() const;

  // Requests (called by AtomisticSurface). From a job's thread they wait for the round; from any
  // other thread they are served at once, alone.
  // Energies and forces of `count` configurations of n = species.size() particles (SoA, 3n each).
  void evaluate(const std::vector<int>& species, const double* x, int count, double* energy, double* force);
  // Minimises x (3n doubles, in place) with `params`.
  MinimizeResult minimize(const std::vector<int>& species, double* x, const MinimizeParams& params);

  const PairTable& table() const { return table_; }
  const Box& box() const { return box_; }
  double skin() const { return skin_; }
  SurfaceBatcherStats stats() const;

 private:
  struct Request;
  void submit_and_wait(Request& request, std::unique_lock<std::mutex>& lock);
  void start_ready_jobs();                        // with the mutex held
  void join_ended(std::unique_lock<std::mutex>& lock);
  void serve(std::vector<Request*>& requests);    // with the mutex held; empties `requests`
  void serve_forces(const std::vector<Request*>& requests);
  void serve_minimize(const std::vector<Request*>& requests);
  ReplicaBatch& batch_of(int count, int n);

  Backend& backend_;
  PairTable table_;
  Box box_;
  double skin_;
  mutable std::mutex mutex_;
  std::condition_variable work_;    // to the serving thread: a request, a job's end
  std::condition_variable served_;  // to the jobs: a round has been served, or cancel()
  // The stream.
  std::function<void(int)> job_;
  int job_count_ = 0, window_ = 1, next_start_ = 0;
  int live_ = 0;                    // jobs started and not ended
  bool cancelled_ = false;
  std::vector<char> ended_;
  std::vector<std::exception_ptr> errors_;
  std::vector<std::thread> threads_;  // per job (joined as it ends)
  std::vector<int> to_join_;          // jobs ended since the last join_ended
  std::vector<Request*> pending_;
  ReplicaBatch batch_;              // reused while the shape stays the same
  SurfaceBatcherStats stats_;
};

}  // namespace tlsx
