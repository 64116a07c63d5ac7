#pragma once
// An owning device allocation of plain data, shared by the CUDA backend's batches
// (cuda_device_batch.cuh) and the device splittings (cuda_splittings.cu).
#include <cstddef>
#include <string>

#include "cuda_check.cuh"

namespace tlsx::cuda {

// An owning device allocation of `size` elements (no constructors run: plain data only), zeroed:
// what a kernel leaves unwritten and the host still copies back (the forces and record of a replica
// whose neighbour list overflowed, rerun afterwards) is then defined, for compute-sanitizer's
// initcheck and for anyone reading it.
template <class T>
class DeviceArray {
 public:
  DeviceArray() = default;
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  ~DeviceArray() { release(); }

  void allocate(std::size_t size, const char* what) {
    release();
    if (size == 0) return;
    check(cudaMalloc(reinterpret_cast<void**>(&data_), size * sizeof(T)),
          std::string("allocating ") + what + " (" + std::to_string(size * sizeof(T) >> 20) + " MiB)");
    size_ = size;
    check(cudaMemset(data_, 0, size * sizeof(T)), std::string("clearing ") + what);
  }
  void release() {
    if (data_) cudaFree(data_);  // never throws: also runs in destructors
    data_ = nullptr;
    size_ = 0;
  }
  T* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace tlsx::cuda
