#include "sdfarm_kernels.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__)
#define SDFARM_CLONES __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define SDFARM_CLONES
#endif

typedef float v16f __attribute__((vector_size(64)));
typedef int32_t v16i __attribute__((vector_size(64)));

/* Everything that touches a 16-lane value is a macro, so that each target clone compiles it for
   its own vector width (an out-of-line helper taking v16f would have one ABI for all clones). */
#define SPLAT(x) ((v16f){(x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x), (x)})
#define LOAD16(dst, p) memcpy(&(dst), (p), sizeof(v16f))
#define STORE16(p, src) memcpy((p), &(src), sizeof(v16f))

/* out = e^x: the algorithm of VectorMath.swift's exp8 on 16 lanes — range reduction
   x = n·ln2 + r with ln2 split in two, a degree-6 polynomial for e^r, 2^n in the exponent bits. */
#define EXP16(out, x)                                                                             \
    do {                                                                                          \
        v16f xc_ = __builtin_elementwise_min(__builtin_elementwise_max((x), SPLAT(-87.33654f)),   \
                                             SPLAT(88.72283f));                                   \
        v16f shifted_ = xc_ * 1.442695041f + 12582912.0f;                                         \
        v16f n_ = shifted_ - 12582912.0f;                                                         \
        v16f r_ = xc_ - n_ * 0.693359375f;                                                        \
        r_ = r_ + n_ * 2.12194440e-4f;                                                            \
        v16f p_ = SPLAT(1.9875691500e-4f);                                                        \
        p_ = p_ * r_ + 1.3981999507e-3f;                                                          \
        p_ = p_ * r_ + 8.3334519073e-3f;                                                          \
        p_ = p_ * r_ + 4.1665795894e-2f;                                                          \
        p_ = p_ * r_ + 1.6666665459e-1f;                                                          \
        p_ = p_ * r_ + 5.0000001201e-1f;                                                          \
        p_ = p_ * r_ * r_ + r_ + 1.0f;                                                            \
        v16i bits_ = (((v16i)shifted_ - 0x4B400000) + 126) << 23;                                 \
        (out) = p_ * (v16f)bits_ * 2.0f;                                                          \
    } while (0)

SDFARM_CLONES
void sdfarm_softmax_row(float *row, long width, long valid) {
    long i = 0;
    float m = -__builtin_inff();
    if (valid >= 16) {
        v16f vm, x;
        LOAD16(vm, row);
        for (i = 16; i + 16 <= valid; i += 16) {
            LOAD16(x, row + i);
            vm = __builtin_elementwise_max(vm, x);
        }
        for (int k = 0; k < 16; k++) m = vm[k] > m ? vm[k] : m;
    }
    for (; i < valid; i++) m = row[i] > m ? row[i] : m;

    v16f acc = SPLAT(0.0f);
    for (i = 0; i + 16 <= valid; i += 16) {
        v16f x, e;
        LOAD16(x, row + i);
        EXP16(e, x - m);
        STORE16(row + i, e);
        acc += e;
    }
    float total = 0.0f;
    if (i < valid) {
        /* The tail through the same 16-lane code, so every element gets the same e^x. */
        float lanes[16];
        long rest = valid - i;
        for (int k = 0; k < 16; k++) lanes[k] = k < rest ? row[i + k] - m : -100.0f;
        v16f x, e;
        LOAD16(x, lanes);
        EXP16(e, x);
        for (int k = 0; k < rest; k++) { row[i + k] = e[k]; total += e[k]; }
    }
    for (int k = 0; k < 16; k++) total += acc[k];

    float inv = 1.0f / total;
    for (i = 0; i + 16 <= valid; i += 16) {
        v16f x;
        LOAD16(x, row + i);
        x = x * inv;
        STORE16(row + i, x);
    }
    for (; i < valid; i++) row[i] *= inv;
    for (i = valid; i < width; i++) row[i] = 0.0f;
}
