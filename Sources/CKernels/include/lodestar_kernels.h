#ifndef LODESTAR_KERNELS_H
#define LODESTAR_KERNELS_H
// Small dense kernels of the embedding engine that BLAS does not offer: a GEMM against weights packed
// once at load time (OpenBLAS re-packs the whole weight matrix on every call, which dominates when a
// batch has few tokens). Internal to the Embeddings module; the public Swift API wraps it safely.
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Columns per packed panel.
#define LODESTAR_PANEL 16

/// Floats needed to pack an [n x k] weight matrix.
size_t lodestar_packed_count(int n, int k);

/// Packs W, row-major [n x k] (PyTorch Linear layout, one output feature a row), into panels of 16
/// output columns: panel p holds, for each kk in 0..<k, W[16p + j][kk] for j in 0..<16 (zero past n).
void lodestar_pack_weights(const float *w, int n, int k, float *packed);

/// C[i][j] (+)= sum_kk A[i][kk] * W[j][kk] for rows 0..<m and columns j in [16*panel_begin, min(n, 16*panel_end)):
/// with `accumulate` the product is added to C (as BLAS with beta = 1), else it replaces C, plus
/// bias[j] when `bias` is not NULL (bias is ignored with `accumulate`), then with `gelu` passed
/// through exact GELU (lodestar_gelu's arithmetic; x86 only, like lodestar_gelu).
/// A is row-major with row stride lda, C row-major with row stride ldc. The sum for every element runs
/// over kk in increasing order with fused multiply-adds from zero, whatever m, the panel range or the
/// kernel (portable, AVX2, AVX-512), so a row's result does not depend on the other rows computed
/// with it; C or the bias is added to the finished sum.
void lodestar_gemm_packed(int m, int n, int k, const float *a, int lda, const float *packed,
                          float *c, int ldc, int panel_begin, int panel_end, int accumulate, const float *bias,
                          int gelu);

/// Output columns one call of lodestar_gemm_packed should cover at least, for its widest tile (16 or 32).
int lodestar_packed_column_step(void);

/// A spin-wait hint (PAUSE on x86), for the encoder's worker hand-off.
static inline void lodestar_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/// The widest x86 vector extension this CPU and its operating system support: 0 none of these,
/// 1 AVX, 2 AVX2 with FMA, 3 AVX-512 (F, CD, BW, DQ and VL), 4 AVX-512 with BF16. 0 on other architectures.
int lodestar_cpu_vector_level(void);

/// The kernels in use: 2 AVX-512, 1 AVX2+FMA, 0 portable. The environment variable
/// LODESTAR_KERNELS=avx2 (or portable) narrows the choice, to compare kernels on one machine.
int lodestar_kernel_level(void);

/// 1 when the AVX2+FMA kernel is in use on this CPU, 0 for the portable one.
int lodestar_kernels_vectorized(void);

/// 1 when the AVX2+FMA row kernels below may be called on this CPU.
int lodestar_encoder_kernels_available(void);

/// data[i] = gelu(data[i]) with exact (erf) GELU, for count floats.
void lodestar_gelu(float *data, size_t count);

/// x = LayerNorm(x + bias) * gamma + beta for each of `rows` rows of `width` floats, in place
/// (bias may be NULL).
void lodestar_layer_norm(float *x, int rows, int width, const float *bias, const float *gamma, const float *beta,
                         float epsilon);

/// Floats of scratch space lodestar_attention_head needs.
size_t lodestar_attention_scratch_count(int length, int d);

/// One head of softmax(q kᵀ · scale) v for a sequence of `length` tokens: q, k, v point at the head's
/// first element in row 0 of their matrices (row stride `stride`); the result rows go to out (stride ldo).
void lodestar_attention_head(int length, int d, const float *q, const float *k, const float *v, int stride,
                             float *out, int ldo, float scale, float *scratch);

/// Dot product and squared Euclidean distance of two n-float vectors, portable C.
float lodestar_dot_portable(const float *a, const float *b, size_t n);
float lodestar_l2sq_portable(const float *a, const float *b, size_t n);

/// A read prefetch hint (inlined into Swift callers).
static inline void lodestar_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/// 1 when lodestar_dot_avx2 / lodestar_l2sq_avx2 may be called on this CPU.
int lodestar_distance_avx2_available(void);

/// The same with AVX2+FMA (call only when lodestar_distance_avx2_available() is 1).
float lodestar_dot_avx2(const float *a, const float *b, size_t n);
float lodestar_l2sq_avx2(const float *a, const float *b, size_t n);

#ifdef __cplusplus
}
#endif
#endif
