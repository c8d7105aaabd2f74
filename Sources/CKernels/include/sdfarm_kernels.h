#ifndef SDFARM_KERNELS_H
#define SDFARM_KERNELS_H

/// Hot elementwise kernels in C, built once per x86-64 vector width (AVX-512, AVX2 + FMA,
/// baseline SSE2) and picked at load time for the CPU that runs them (GCC/Clang
/// `target_clones`): the Swift kernels are compiled for baseline x86-64, so they run 4-wide
/// everywhere. Elsewhere (ARM) there is one portable build.

/// Softmax of row[0..<valid] in place, row[valid..<width] set to 0: max, e^(x − max) with the
/// sum, one scaling pass. e^x is the same range reduction and degree-6 polynomial as the Swift
/// kernels' `exp8` (a few float ulps).
void sdfarm_softmax_row(float *row, long width, long valid);

#endif
