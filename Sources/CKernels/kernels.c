#include "lodestar_kernels.h"
#include "erf_coefficients.h"

#include <math.h>
#include <stdlib.h>
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

/* Writes a tile computed into `edge` (row stride `stride`) to C: the first `width` columns of each
   of `rows` rows, added to C with `accumulate`, else stored (plus the bias when there is one), then
   with `gelu` passed through exact GELU. */
static void finish_edge(const float *edge, int stride, int rows, int width, float *c, int ldc, int accumulate,
                        const float *bias, int gelu) {
    for (int r = 0; r < rows; r++) {
        float *dst = c + (size_t)r * ldc;
        const float *src = edge + (size_t)r * stride;
        if (accumulate) {
            for (int j = 0; j < width; j++) dst[j] += src[j];
        } else if (bias) {
            for (int j = 0; j < width; j++) dst[j] = src[j] + bias[j];
        } else {
            memcpy(dst, src, sizeof(float) * width);
        }
        if (gelu) lodestar_gelu(dst, (size_t)width);
    }
}

#if defined(__x86_64__)
/* AVX-512 kernel: ROWS (1..12) rows x SPAN (1 or 2) adjacent panels (16 or 32 columns), one zmm
   accumulator per row and panel; with two panels each broadcast of A feeds two FMAs. Every element
   is summed over k in the same order with the same fused multiply-adds as the AVX2 and portable
   kernels, from zero; then it is stored, added to C, or stored plus the bias, as those kernels'
   callers do it in a second pass, so all give identical results.
   `ahead` is a panel some later tile will need: one cache line of it per k step is fetched into L2.
   Each weight panel pair is read from L3 by the first tile of a row block and from L2 by the other
   three; without this, the first tile waited on L3. With the second and third tiles fetching the next
   pair, a C harness running the encoder's four products over six layers' weights (467 rows) went from
   155 to 161 GFLOP/s per core, and the throughput job ran 2.4% faster (median of 10 alternated pairs,
   9 of them faster). */
#define MR_AVX512 12

/* erf(x) and exact GELU, 16 lanes: the coefficients and operations of encoder_kernels.c's erf8 and
   gelu_avx2 lane for lane, so a fused GELU gives the same bits as the separate pass. */
__attribute__((target("avx512f"))) static inline __m512 erf16(__m512 input) {
    __m512 x = _mm512_min_ps(_mm512_max_ps(input, _mm512_set1_ps(-4.0f)), _mm512_set1_ps(4.0f));
    __m512 x2 = _mm512_mul_ps(x, x);
    __m512 p = _mm512_set1_ps(LODESTAR_ERF_P0);
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(LODESTAR_ERF_P1));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(LODESTAR_ERF_P2));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(LODESTAR_ERF_P3));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(LODESTAR_ERF_P4));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(LODESTAR_ERF_P5));
    p = _mm512_fmadd_ps(x2, p, _mm512_set1_ps(LODESTAR_ERF_P6));
    p = _mm512_mul_ps(x, p);
    __m512 q = _mm512_set1_ps(LODESTAR_ERF_Q0);
    q = _mm512_fmadd_ps(x2, q, _mm512_set1_ps(LODESTAR_ERF_Q1));
    q = _mm512_fmadd_ps(x2, q, _mm512_set1_ps(LODESTAR_ERF_Q2));
    q = _mm512_fmadd_ps(x2, q, _mm512_set1_ps(LODESTAR_ERF_Q3));
    q = _mm512_fmadd_ps(x2, q, _mm512_set1_ps(LODESTAR_ERF_Q4));
    return _mm512_div_ps(p, q);
}

__attribute__((target("avx512f"))) static inline __m512 gelu16(__m512 x) {
    __m512 e = erf16(_mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752440f)));
    return _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), x), _mm512_add_ps(_mm512_set1_ps(1.0f), e));
}

#define LODESTAR_TILE512(ROWS, SPAN)                                                                    \
__attribute__((target("avx512f")))                                                                      \
static void tile512_##ROWS##_##SPAN(int k, const float *a, int lda, const float *panel, const float *ahead, \
                                    float *out, int ldo, int accumulate, const float *bias, int gelu) { \
    __m512 c[ROWS], d[ROWS];                                                                            \
    _Pragma("clang loop unroll(full)")                                                                 \
    for (int r = 0; r < ROWS; r++) { c[r] = _mm512_setzero_ps(); d[r] = _mm512_setzero_ps(); }         \
    const float *second = panel + (size_t)k * LODESTAR_PANEL;                                           \
    for (int kk = 0; kk < k; kk++) {                                                                    \
        const float *b = panel + (size_t)kk * LODESTAR_PANEL;                                           \
        _mm_prefetch((const char *)((uintptr_t)b + LODESTAR_PREFETCH * sizeof(float)), _MM_HINT_T0);   \
        _mm_prefetch((const char *)((uintptr_t)ahead + (size_t)kk * 64), _MM_HINT_T1);                 \
        __m512 b0 = _mm512_loadu_ps(b), b1 = b0;                                                        \
        if (SPAN == 2) {                                                                                \
            const float *e = second + (size_t)kk * LODESTAR_PANEL;                                      \
            _mm_prefetch((const char *)((uintptr_t)e + LODESTAR_PREFETCH * sizeof(float)), _MM_HINT_T0); \
            b1 = _mm512_loadu_ps(e);                                                                    \
        }                                                                                               \
        _Pragma("clang loop unroll(full)")                                                             \
        for (int r = 0; r < ROWS; r++) {                                                                \
            __m512 x = _mm512_set1_ps(a[(size_t)r * lda + kk]);                                         \
            c[r] = _mm512_fmadd_ps(x, b0, c[r]);                                                        \
            if (SPAN == 2) d[r] = _mm512_fmadd_ps(x, b1, d[r]);                                         \
        }                                                                                               \
    }                                                                                                   \
    __m512 bias0 = _mm512_setzero_ps(), bias1 = _mm512_setzero_ps();                                    \
    if (bias) { bias0 = _mm512_loadu_ps(bias); if (SPAN == 2) bias1 = _mm512_loadu_ps(bias + LODESTAR_PANEL); } \
    _Pragma("clang loop unroll(full)")                                                                 \
    for (int r = 0; r < ROWS; r++) {                                                                    \
        float *o = out + (size_t)r * ldo;                                                               \
        if (accumulate) {                                                                               \
            c[r] = _mm512_add_ps(_mm512_loadu_ps(o), c[r]);                                             \
            if (SPAN == 2) d[r] = _mm512_add_ps(_mm512_loadu_ps(o + LODESTAR_PANEL), d[r]);             \
        } else if (bias) {                                                                              \
            c[r] = _mm512_add_ps(c[r], bias0);                                                          \
            if (SPAN == 2) d[r] = _mm512_add_ps(d[r], bias1);                                           \
        }                                                                                               \
        if (gelu) { c[r] = gelu16(c[r]); if (SPAN == 2) d[r] = gelu16(d[r]); }                          \
        _mm512_storeu_ps(o, c[r]);                                                                      \
        if (SPAN == 2) _mm512_storeu_ps(o + LODESTAR_PANEL, d[r]);                                      \
    }                                                                                                   \
}
#define LODESTAR_TILE512_BOTH(ROWS) LODESTAR_TILE512(ROWS, 1) LODESTAR_TILE512(ROWS, 2)
LODESTAR_TILE512_BOTH(1)
LODESTAR_TILE512_BOTH(2)
LODESTAR_TILE512_BOTH(3)
LODESTAR_TILE512_BOTH(4)
LODESTAR_TILE512_BOTH(5)
LODESTAR_TILE512_BOTH(6)
LODESTAR_TILE512_BOTH(7)
LODESTAR_TILE512_BOTH(8)
LODESTAR_TILE512_BOTH(9)
LODESTAR_TILE512_BOTH(10)
LODESTAR_TILE512_BOTH(11)
LODESTAR_TILE512_BOTH(12)

typedef void (*tile512_fn)(int, const float *, int, const float *, const float *, float *, int, int, const float *, int);
static const tile512_fn tiles512[2][MR_AVX512] = {
    {tile512_1_1, tile512_2_1, tile512_3_1, tile512_4_1, tile512_5_1, tile512_6_1,
     tile512_7_1, tile512_8_1, tile512_9_1, tile512_10_1, tile512_11_1, tile512_12_1},
    {tile512_1_2, tile512_2_2, tile512_3_2, tile512_4_2, tile512_5_2, tile512_6_2,
     tile512_7_2, tile512_8_2, tile512_9_2, tile512_10_2, tile512_11_2, tile512_12_2},
};

/* lodestar_gemm_packed with the AVX-512 tiles, two panels at a time where two are left. */
static void gemm_packed_avx512(int m, int n, int k, const float *a, int lda, const float *packed,
                               float *c, int ldc, int panel_begin, int panel_end, int accumulate,
                               const float *bias, int gelu) {
    float edge[MR_AVX512 * 2 * LODESTAR_PANEL];
    for (int i0 = 0; i0 < m; i0 += ROW_BLOCK) {
        int i1 = i0 + ROW_BLOCK < m ? i0 + ROW_BLOCK : m;
        for (int p = panel_begin; p < panel_end;) {
            const float *panel = packed + (size_t)p * k * LODESTAR_PANEL;
            int col = p * LODESTAR_PANEL;
            int available = n - col;
            if (available <= 0) break;
            int span = p + 1 < panel_end && available > LODESTAR_PANEL ? 2 : 1;
            int limit = span * LODESTAR_PANEL;
            int width = available < limit ? available : limit;
            /* The pair after this one: the next in the range, else the first (for the next row block). */
            int following = p + span < panel_end ? p + span : panel_begin;
            const float *next0 = packed + (size_t)following * k * LODESTAR_PANEL;
            const float *next1 = following + 1 < panel_end ? next0 + (size_t)k * LODESTAR_PANEL : next0;
            for (int i = i0, t = 0; i < i1; i += MR_AVX512, t++) {
                int rows = i1 - i < MR_AVX512 ? i1 - i : MR_AVX512;
                const float *ai = a + (size_t)i * lda;
                /* The second and third tiles, which find this pair in L2, bring the next pair's two
                   panels there (the first tile is the one that waits on L3). */
                const float *ahead = t == 1 ? next0 : t == 2 ? next1 : panel;
                tile512_fn tile = tiles512[span - 1][rows - 1];
                if (width == limit) {
                    tile(k, ai, lda, panel, ahead, c + (size_t)i * ldc + col, ldc, accumulate, bias ? bias + col : NULL,
                         gelu);
                } else {
                    tile(k, ai, lda, panel, ahead, edge, limit, 0, NULL, 0);
                    finish_edge(edge, limit, rows, width, c + (size_t)i * ldc + col, ldc, accumulate,
                                bias ? bias + col : NULL, gelu);
                }
            }
            p += span;
        }
    }
}
#endif

typedef void (*tile_fn)(int, int, const float *, int, const float *, float *, int);

int lodestar_kernel_level(void) {
    static int cached = -1;
    if (cached >= 0) return cached;
    int level = 0;
#if defined(__x86_64__)
    int vector = lodestar_cpu_vector_level();
    level = vector >= 3 ? 2 : vector >= 2 ? 1 : 0;
    const char *limit = getenv("LODESTAR_KERNELS");
    if (limit && strcmp(limit, "avx2") == 0 && level > 1) level = 1;
    if (limit && strcmp(limit, "portable") == 0) level = 0;
#endif
    cached = level;
    return level;
}

static tile_fn select_tile(void) {
#if defined(__x86_64__)
    if (lodestar_kernel_level() >= 1) return tile_avx2;
#endif
    return tile_portable;
}

int lodestar_kernels_vectorized(void) { return select_tile() != tile_portable; }

void lodestar_gemm_packed(int m, int n, int k, const float *a, int lda, const float *packed,
                          float *c, int ldc, int panel_begin, int panel_end, int accumulate, const float *bias,
                          int gelu) {
#if defined(__x86_64__)
    if (lodestar_kernel_level() == 2) {
        gemm_packed_avx512(m, n, k, a, lda, packed, c, ldc, panel_begin, panel_end, accumulate, bias, gelu);
        return;
    }
#endif
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
                if (width == LODESTAR_PANEL && !accumulate && !bias && !gelu) {
                    tile(rows, k, ai, lda, panel, c + (size_t)i * ldc + col, ldc);
                } else {
                    tile(rows, k, ai, lda, panel, edge, LODESTAR_PANEL);
                    finish_edge(edge, LODESTAR_PANEL, rows, width, c + (size_t)i * ldc + col, ldc, accumulate,
                                bias ? bias + col : NULL, gelu);
                }
            }
        }
    }
}

int lodestar_packed_column_step(void) { return lodestar_kernel_level() == 2 ? 2 * LODESTAR_PANEL : LODESTAR_PANEL; }
