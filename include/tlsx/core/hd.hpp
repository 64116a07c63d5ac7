#pragma once
// TLSX_HD marks code that is compiled for both the host and the device: the replica algorithms
// (forces, MD, swap MC, minimisers, NEB images) are written once and instantiated for SerialTeam on
// the CPU and CudaBlockTeam on the GPU (docs/architecture.md §2).
#if defined(__CUDACC__)
#define TLSX_HD __host__ __device__
#define TLSX_INLINE __forceinline__
#else
#define TLSX_HD
#define TLSX_INLINE inline
#endif
