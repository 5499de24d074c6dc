#include "lodestar_kernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

size_t lodestar_packed_count(int n, int k) {
    size_t panels = (size_t)(n + LODESTAR_PANEL - 1) / LODESTAR_PANEL;
    return panels * (size_t)k * LODESTAR_PANEL;
}

void lodestar_pack_weights(const float *w, int n, int k, float *packed) {
    int panels = (n + LODESTAR_PANEL - 1) / LODESTAR_PANEL;
    for (int p = 0; p < panels; p++) {
        float *dst = packed + (size_t)p * k * LODESTAR_PANEL;
        for (int kk = 0; kk < k; kk++) {
            for (int j = 0; j < LODESTAR_PANEL; j++) {
                int col = p * LODESTAR_PANEL + j;
                dst[(size_t)kk * LODESTAR_PANEL + j] = col < n ? w[(size_t)col * k + kk] : 0.0f;
            }
        }
    }
}

// Rows of A per micro-tile, and rows per cache block (A block stays in L2 while panels stream).
#define MR 6
#define ROW_BLOCK 48
/* How far ahead (in floats) the tile kernel prefetches its panel: 32 k-steps, 2 KB. With a few rows a
   forward pass streams all 42.5 MB of the encoder's weights from DRAM (~20 GB/s here), so batch-1
   latency is bound by memory, not arithmetic; the hardware prefetcher alone left the FMAs waiting
   (p50 over the benchmark's 300 glosses 2.40 -> 2.05 ms, 6 alternated runs; 1,024 floats: 2.14).
   Near the end of the weights the address lies past them: it is formed as an integer (no pointer
   past the end in C) and a prefetch never faults. */
#ifndef LODESTAR_PREFETCH
#define LODESTAR_PREFETCH 512
#endif

/* Portable kernel: one row x one panel, FMA in increasing k (fmaf is exact-rounded like the vector FMA). */
static void tile_portable(int rows, int k, const float *a, int lda, const float *panel, float *out, int ldo) {
    for (int r = 0; r < rows; r++) {
        float acc[LODESTAR_PANEL] = {0};
        const float *ar = a + (size_t)r * lda;
        for (int kk = 0; kk < k; kk++) {
            float x = ar[kk];
            const float *b = panel + (size_t)kk * LODESTAR_PANEL;
            for (int j = 0; j < LODESTAR_PANEL; j++) acc[j] = fmaf(x, b[j], acc[j]);
        }
        memcpy(out + (size_t)r * ldo, acc, sizeof(acc));
    }
}

#if defined(__x86_64__)
/* AVX2+FMA kernel: ROWS (1..6) rows x 16 columns in 2*ROWS ymm accumulators, written out explicitly so
   every accumulator stays in a register. */
#define LODESTAR_TILE(ROWS)                                                                            \
__attribute__((target("avx2,fma")))                                                                    \
static void tile_avx2_##ROWS(int k, const float *a, int lda, const float *panel, float *out, int ldo) { \
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(),           \
           c11 = _mm256_setzero_ps(), c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(),           \
           c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps(), c40 = _mm256_setzero_ps(),           \
           c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();           \
    const float *a0 = a, *a1 = a + lda, *a2 = a + 2 * (size_t)lda, *a3 = a + 3 * (size_t)lda,          \
                *a4 = a + 4 * (size_t)lda, *a5 = a + 5 * (size_t)lda;                                  \
    for (int kk = 0; kk < k; kk++) {                                                                   \
        const float *b = panel + (size_t)kk * LODESTAR_PANEL;                                          \
        _mm_prefetch((const char *)((uintptr_t)b + LODESTAR_PREFETCH * sizeof(float)), _MM_HINT_T0);  \
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8), x;                                \
        x = _mm256_broadcast_ss(a0 + kk); c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01); \
        if (ROWS > 1) { x = _mm256_broadcast_ss(a1 + kk); c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11); } \
        if (ROWS > 2) { x = _mm256_broadcast_ss(a2 + kk); c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21); } \
        if (ROWS > 3) { x = _mm256_broadcast_ss(a3 + kk); c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31); } \
        if (ROWS > 4) { x = _mm256_broadcast_ss(a4 + kk); c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41); } \
        if (ROWS > 5) { x = _mm256_broadcast_ss(a5 + kk); c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51); } \
    }                                                                                                  \
    _mm256_storeu_ps(out, c00); _mm256_storeu_ps(out + 8, c01);                                        \
    if (ROWS > 1) { _mm256_storeu_ps(out + (size_t)ldo, c10); _mm256_storeu_ps(out + (size_t)ldo + 8, c11); } \
    if (ROWS > 2) { _mm256_storeu_ps(out + 2 * (size_t)ldo, c20); _mm256_storeu_ps(out + 2 * (size_t)ldo + 8, c21); } \
    if (ROWS > 3) { _mm256_storeu_ps(out + 3 * (size_t)ldo, c30); _mm256_storeu_ps(out + 3 * (size_t)ldo + 8, c31); } \
    if (ROWS > 4) { _mm256_storeu_ps(out + 4 * (size_t)ldo, c40); _mm256_storeu_ps(out + 4 * (size_t)ldo + 8, c41); } \
    if (ROWS > 5) { _mm256_storeu_ps(out + 5 * (size_t)ldo, c50); _mm256_storeu_ps(out + 5 * (size_t)ldo + 8, c51); } \
}
LODESTAR_TILE(1)
LODESTAR_TILE(2)
LODESTAR_TILE(3)
LODESTAR_TILE(4)
LODESTAR_TILE(5)
LODESTAR_TILE(6)

static void tile_avx2(int rows, int k, const float *a, int lda, const float *panel, float *out, int ldo) {
    switch (rows) {
    case 6: tile_avx2_6(k, a, lda, panel, out, ldo); break;
    case 5: tile_avx2_5(k, a, lda, panel, out, ldo); break;
    case 4: tile_avx2_4(k, a, lda, panel, out, ldo); break;
    case 3: tile_avx2_3(k, a, lda, panel, out, ldo); break;
    case 2: tile_avx2_2(k, a, lda, panel, out, ldo); break;
    default: tile_avx2_1(k, a, lda, panel, out, ldo); break;
    }
}
#endif

typedef void (*tile_fn)(int, int, const float *, int, const float *, float *, int);

static tile_fn select_tile(void) {
#if defined(__x86_64__)
    static int cached = -1;
    if (cached < 0) cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (cached) return tile_avx2;
#endif
    return tile_portable;
}

int lodestar_cpu_vector_level(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        return __builtin_cpu_supports("avx512bf16") ? 4 : 3;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 2;
    if (__builtin_cpu_supports("avx")) return 1;
#endif
    return 0;
}

int lodestar_kernels_vectorized(void) { return select_tile() != tile_portable; }

void lodestar_gemm_packed(int m, int n, int k, const float *a, int lda, const float *packed,
                          float *c, int ldc, int panel_begin, int panel_end, int accumulate) {
    tile_fn tile = select_tile();
    float edge[MR * LODESTAR_PANEL];
    for (int i0 = 0; i0 < m; i0 += ROW_BLOCK) {
        int i1 = i0 + ROW_BLOCK < m ? i0 + ROW_BLOCK : m;
        for (int p = panel_begin; p < panel_end; p++) {
            const float *panel = packed + (size_t)p * k * LODESTAR_PANEL;
            int col = p * LODESTAR_PANEL;
            int width = n - col < LODESTAR_PANEL ? n - col : LODESTAR_PANEL;
            if (width <= 0) break;
            for (int i = i0; i < i1; i += MR) {
                int rows = i1 - i < MR ? i1 - i : MR;
                const float *ai = a + (size_t)i * lda;
                if (width == LODESTAR_PANEL && !accumulate) {
                    tile(rows, k, ai, lda, panel, c + (size_t)i * ldc + col, ldc);
                } else {
                    tile(rows, k, ai, lda, panel, edge, LODESTAR_PANEL);
                    for (int r = 0; r < rows; r++) {
                        float *dst = c + (size_t)(i + r) * ldc + col;
                        const float *src = edge + r * LODESTAR_PANEL;
                        if (accumulate) {
                            for (int j = 0; j < width; j++) dst[j] += src[j];
                        } else {
                            memcpy(dst, src, sizeof(float) * width);
                        }
                    }
                }
            }
        }
    }
}
