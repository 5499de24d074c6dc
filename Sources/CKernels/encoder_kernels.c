// Row kernels of the encoder in AVX2+FMA (GELU, LayerNorm, attention; the attention head also in
// AVX-512), selected at run time. Callers check lodestar_encoder_kernels_available() and otherwise
// use the Swift versions.
#include "lodestar_kernels.h"
#include "erf_coefficients.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

// exp(x): Cephes' range reduction by ln 2 and degree-6 polynomial (the same as the Swift kernel);
// inputs below -103.9 give 0. Written once for both register widths (exp8, exp16), which must give
// the same bits lane for lane; ZERO_BELOW clears the lanes whose input is below the limit.
#define LODESTAR_EXP(NAME, TARGET, VEC, VECI, PFX, TO_INT, TO_FLOAT, ZERO_BELOW)                        \
TARGET static inline VEC NAME(VEC input) {                                                             \
    VEC x = PFX##_min_ps(PFX##_max_ps(input, PFX##_set1_ps(-87.3f)), PFX##_set1_ps(88.3f));            \
    const VEC magic = PFX##_set1_ps(12582912.0f);                                                      \
    VEC shifted = PFX##_fmadd_ps(x, PFX##_set1_ps(1.44269504088896341f), magic);                       \
    VEC k = PFX##_sub_ps(shifted, magic);                                                              \
    VEC r = PFX##_fnmadd_ps(k, PFX##_set1_ps(0.693359375f), x);                                        \
    r = PFX##_fnmadd_ps(k, PFX##_set1_ps(-2.12194440e-4f), r);                                         \
    VEC p = PFX##_set1_ps(1.9875691500e-4f);                                                           \
    p = PFX##_fmadd_ps(p, r, PFX##_set1_ps(1.3981999507e-3f));                                         \
    p = PFX##_fmadd_ps(p, r, PFX##_set1_ps(8.3334519073e-3f));                                         \
    p = PFX##_fmadd_ps(p, r, PFX##_set1_ps(4.1665795894e-2f));                                         \
    p = PFX##_fmadd_ps(p, r, PFX##_set1_ps(1.6666665459e-1f));                                         \
    p = PFX##_fmadd_ps(p, r, PFX##_set1_ps(5.0000001201e-1f));                                         \
    p = PFX##_fmadd_ps(PFX##_mul_ps(p, r), r, PFX##_add_ps(r, PFX##_set1_ps(1.0f)));                   \
    VECI integer = PFX##_sub_epi32(TO_INT(shifted), PFX##_set1_epi32(0x4B400000));                     \
    VEC scale = TO_FLOAT(PFX##_slli_epi32(PFX##_add_epi32(integer, PFX##_set1_epi32(127)), 23));       \
    return ZERO_BELOW(input, PFX##_mul_ps(p, scale), -103.9f);                                          \
}

AVX2 static inline __m256 zero_below8(__m256 input, __m256 value, float limit) {
    return _mm256_andnot_ps(_mm256_cmp_ps(input, _mm256_set1_ps(limit), _CMP_LT_OQ), value);
}

LODESTAR_EXP(exp8, AVX2, __m256, __m256i, _mm256, _mm256_castps_si256, _mm256_castsi256_ps, zero_below8)

// erf(x): rational minimax approximation on [-4, 4] (the same coefficients as the Swift kernel).
AVX2 static inline __m256 erf8(__m256 input) {
    __m256 x = _mm256_min_ps(_mm256_max_ps(input, _mm256_set1_ps(-4.0f)), _mm256_set1_ps(4.0f));
    __m256 x2 = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(LODESTAR_ERF_P0);
    p = _mm256_fmadd_ps(x2, p, _mm256_set1_ps(LODESTAR_ERF_P1));
    p = _mm256_fmadd_ps(x2, p, _mm256_set1_ps(LODESTAR_ERF_P2));
    p = _mm256_fmadd_ps(x2, p, _mm256_set1_ps(LODESTAR_ERF_P3));
    p = _mm256_fmadd_ps(x2, p, _mm256_set1_ps(LODESTAR_ERF_P4));
    p = _mm256_fmadd_ps(x2, p, _mm256_set1_ps(LODESTAR_ERF_P5));
    p = _mm256_fmadd_ps(x2, p, _mm256_set1_ps(LODESTAR_ERF_P6));
    p = _mm256_mul_ps(x, p);
    __m256 q = _mm256_set1_ps(LODESTAR_ERF_Q0);
    q = _mm256_fmadd_ps(x2, q, _mm256_set1_ps(LODESTAR_ERF_Q1));
    q = _mm256_fmadd_ps(x2, q, _mm256_set1_ps(LODESTAR_ERF_Q2));
    q = _mm256_fmadd_ps(x2, q, _mm256_set1_ps(LODESTAR_ERF_Q3));
    q = _mm256_fmadd_ps(x2, q, _mm256_set1_ps(LODESTAR_ERF_Q4));
    return _mm256_div_ps(p, q);
}

AVX2 static void gelu_avx2(float *data, size_t count) {
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
    const __m256 inv_sqrt2 = _mm256_set1_ps(0.70710678118654752440f);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 x = _mm256_loadu_ps(data + i);
        __m256 e = erf8(_mm256_mul_ps(x, inv_sqrt2));
        _mm256_storeu_ps(data + i, _mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_add_ps(one, e)));
    }
    for (; i < count; i++) {
        float x = data[i];
        float lane[8];
        _mm256_storeu_ps(lane, erf8(_mm256_set1_ps(x * 0.70710678118654752440f)));
        data[i] = 0.5f * x * (1.0f + lane[0]);
    }
}

AVX2 static inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// x = LayerNorm(x + bias) * gamma + beta for the n (1 to 4) rows row[0..n-1]: two-pass mean and
// biased variance as PyTorch's layer_norm. The rows' sums are independent chains, two per row,
// so the adds do not wait on each other (one row at a time is bound by their latency).
AVX2 static inline __attribute__((always_inline)) void layer_norm_group(float *const *row, int n, int width, const float *bias,
                                                                        const float *gamma, const float *beta, float epsilon) {
    __m256 a[4], b[4];
    float mean[4], scale[4];
    for (int i = 0; i < n; i++) { a[i] = _mm256_setzero_ps(); b[i] = _mm256_setzero_ps(); }
    int t = 0;
    for (; t + 16 <= width; t += 16) {
        __m256 c0 = bias ? _mm256_loadu_ps(bias + t) : _mm256_setzero_ps();
        __m256 c1 = bias ? _mm256_loadu_ps(bias + t + 8) : _mm256_setzero_ps();
        for (int i = 0; i < n; i++) {
            __m256 v0 = _mm256_loadu_ps(row[i] + t), v1 = _mm256_loadu_ps(row[i] + t + 8);
            if (bias) {
                v0 = _mm256_add_ps(v0, c0);
                v1 = _mm256_add_ps(v1, c1);
                _mm256_storeu_ps(row[i] + t, v0);
                _mm256_storeu_ps(row[i] + t + 8, v1);
            }
            a[i] = _mm256_add_ps(a[i], v0);
            b[i] = _mm256_add_ps(b[i], v1);
        }
    }
    int t16 = t;
    for (int i = 0; i < n; i++) {
        float s = sum8(_mm256_add_ps(a[i], b[i]));
        for (int u = t16; u < width; u++) {
            if (bias) row[i][u] += bias[u];
            s += row[i][u];
        }
        mean[i] = s / (float)width;
        a[i] = _mm256_setzero_ps();
        b[i] = _mm256_setzero_ps();
    }
    for (t = 0; t + 16 <= width; t += 16) {
        for (int i = 0; i < n; i++) {
            __m256 m = _mm256_set1_ps(mean[i]);
            __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(row[i] + t), m), d1 = _mm256_sub_ps(_mm256_loadu_ps(row[i] + t + 8), m);
            a[i] = _mm256_fmadd_ps(d0, d0, a[i]);
            b[i] = _mm256_fmadd_ps(d1, d1, b[i]);
        }
    }
    for (int i = 0; i < n; i++) {
        float q = sum8(_mm256_add_ps(a[i], b[i]));
        for (int u = t16; u < width; u++) q = fmaf(row[i][u] - mean[i], row[i][u] - mean[i], q);
        scale[i] = 1.0f / sqrtf(q / (float)width + epsilon);
    }
    for (int i = 0; i < n; i++) {
        __m256 m = _mm256_set1_ps(mean[i]), sv = _mm256_set1_ps(scale[i]);
        for (t = 0; t + 8 <= width; t += 8) {
            __m256 normalized = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(row[i] + t), m), sv);
            _mm256_storeu_ps(row[i] + t, _mm256_fmadd_ps(normalized, _mm256_loadu_ps(gamma + t), _mm256_loadu_ps(beta + t)));
        }
        for (; t < width; t++) row[i][t] = fmaf((row[i][t] - mean[i]) * scale[i], gamma[t], beta[t]);
    }
}

AVX2 static void layer_norm_avx2(float *x, int rows, int width, const float *bias, const float *gamma, const float *beta,
                                 float epsilon) {
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
        float *row[4] = {x + (size_t)r * width, x + (size_t)(r + 1) * width, x + (size_t)(r + 2) * width,
                         x + (size_t)(r + 3) * width};
        layer_norm_group(row, 4, width, bias, gamma, beta, epsilon);
    }
    for (; r < rows; r++) {
        float *row[1] = {x + (size_t)r * width};
        layer_norm_group(row, 1, width, bias, gamma, beta, epsilon);
    }
}

// Transposes eight 8-lane rows in registers: afterwards r[i] holds lane i of each input row.
AVX2 static inline void transpose8x8(__m256 r[8]) {
    __m256 a0 = _mm256_unpacklo_ps(r[0], r[1]), a1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 a2 = _mm256_unpacklo_ps(r[2], r[3]), a3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 a4 = _mm256_unpacklo_ps(r[4], r[5]), a5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 a6 = _mm256_unpacklo_ps(r[6], r[7]), a7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 b0 = _mm256_shuffle_ps(a0, a2, _MM_SHUFFLE(1, 0, 1, 0)), b1 = _mm256_shuffle_ps(a0, a2, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 b2 = _mm256_shuffle_ps(a1, a3, _MM_SHUFFLE(1, 0, 1, 0)), b3 = _mm256_shuffle_ps(a1, a3, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 b4 = _mm256_shuffle_ps(a4, a6, _MM_SHUFFLE(1, 0, 1, 0)), b5 = _mm256_shuffle_ps(a4, a6, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 b6 = _mm256_shuffle_ps(a5, a7, _MM_SHUFFLE(1, 0, 1, 0)), b7 = _mm256_shuffle_ps(a5, a7, _MM_SHUFFLE(3, 2, 3, 2));
    r[0] = _mm256_permute2f128_ps(b0, b4, 0x20);
    r[1] = _mm256_permute2f128_ps(b1, b5, 0x20);
    r[2] = _mm256_permute2f128_ps(b2, b6, 0x20);
    r[3] = _mm256_permute2f128_ps(b3, b7, 0x20);
    r[4] = _mm256_permute2f128_ps(b0, b4, 0x31);
    r[5] = _mm256_permute2f128_ps(b1, b5, 0x31);
    r[6] = _mm256_permute2f128_ps(b2, b6, 0x31);
    r[7] = _mm256_permute2f128_ps(b3, b7, 0x31);
}

// Writes rows i0..i0+7 (rows past `rows` as zeros) of columns t0..t0+7 transposed into out:
// one 8x8 register transpose instead of 64 strided scalar stores.
AVX2 static inline void transpose_rows8(const float *a, int stride, int i0, int rows, int t0, float *out, int padded) {
    __m256 r[8];
    for (int i = 0; i < 8; i++)
        r[i] = i < rows ? _mm256_loadu_ps(a + (size_t)(i0 + i) * stride + t0) : _mm256_setzero_ps();
    transpose8x8(r);
    float *o = out + (size_t)t0 * padded + i0;
    for (int i = 0; i < 8; i++) _mm256_storeu_ps(o + i * (size_t)padded, r[i]);
}

// Rows 0..<length of a (d columns, row stride `stride`) transposed into out (d x padded; rows past
// `length` up to `padded`, a multiple of 8, as zeros).
AVX2 static void transpose_rows(int length, int d, const float *a, int stride, float *out, int padded) {
    int d8 = d & ~7;
    for (int i0 = 0; i0 < padded; i0 += 8) {
        int rows = length - i0 < 8 ? length - i0 : 8;
        for (int t0 = 0; t0 < d8; t0 += 8) transpose_rows8(a, stride, i0, rows, t0, out, padded);
        for (int t = d8; t < d; t++)
            for (int i = i0; i < i0 + 8; i++) out[(size_t)t * padded + i] = i < length ? a[(size_t)i * stride + t] : 0.0f;
    }
}

/* Attention for one head runs on blocks of queries held in the lanes of a register (8 in ymm, 16 in
   zmm), "vertically": with Q transposed (qt, d x padded), one register of scores holds key j's
   score for every query of the block, so the softmax of each query is elementwise work down a
   column of registers (no horizontal reductions, no transposes), and the keys need no padding.
   The arithmetic of every query is that of a plain softmax row: score = (sum over t of q·k, one FMA
   a term in increasing t, from zero) · scale; the maximum (exact in any order); e = exp(score - max);
   the sum of the e's as eight partial sums, partial l taking keys j with j mod 8 = l in increasing
   j, combined as ((s0+s4)+(s2+s6))+((s1+s5)+(s3+s7)); a correctly rounded 1/sum; p = e · (1/sum);
   output = sum over j of p·v (FMA, increasing j, from zero). That is exactly what the row-wise
   kernels before computed (8-lane sums over keys padded with zeros, then a horizontal add), so the
   bits did not change (a harness compared both kernel levels with the row-wise ones for lengths
   1-270 and head sizes 24, 32, 40, 64); and the lanes are independent, so the ymm and zmm blocks
   agree bit for bit. AVX-512 head, ns per head (row-wise -> vertical): 9 tokens 527-539 -> 337,
   15 tokens 634-670 -> 405-481, 20 tokens 1,292-1,427 -> 952-990, 50 tokens 5,031-5,461 ->
   4,243-4,709; AVX2 head at 15 tokens 839 -> 716. In the throughput job attention went from 3.6%
   to 2.9% of the time. */

// P·V over output dimensions t..d for two queries whose probabilities are p0[j * pstride] and
// p1[j * pstride] (written once when they are the same query): 32, then 8 dimensions at a time, then one.
AVX2 static inline void pv_pair(int length, int d, int t, const float *p0, const float *p1, int pstride, const float *v,
                                int stride, float *o0, float *o1, int pair) {
    for (; t + 32 <= d; t += 32) {
        __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps(), c2 = _mm256_setzero_ps(), c3 = _mm256_setzero_ps();
        __m256 g0 = _mm256_setzero_ps(), g1 = _mm256_setzero_ps(), g2 = _mm256_setzero_ps(), g3 = _mm256_setzero_ps();
        for (int j = 0; j < length; j++) {
            const float *vj = v + (size_t)j * stride + t;
            __m256 v0 = _mm256_loadu_ps(vj), v1 = _mm256_loadu_ps(vj + 8);
            __m256 v2 = _mm256_loadu_ps(vj + 16), v3 = _mm256_loadu_ps(vj + 24);
            __m256 x = _mm256_set1_ps(p0[(size_t)j * pstride]), y = _mm256_set1_ps(p1[(size_t)j * pstride]);
            c0 = _mm256_fmadd_ps(x, v0, c0); g0 = _mm256_fmadd_ps(y, v0, g0);
            c1 = _mm256_fmadd_ps(x, v1, c1); g1 = _mm256_fmadd_ps(y, v1, g1);
            c2 = _mm256_fmadd_ps(x, v2, c2); g2 = _mm256_fmadd_ps(y, v2, g2);
            c3 = _mm256_fmadd_ps(x, v3, c3); g3 = _mm256_fmadd_ps(y, v3, g3);
        }
        _mm256_storeu_ps(o0 + t, c0); _mm256_storeu_ps(o0 + t + 8, c1);
        _mm256_storeu_ps(o0 + t + 16, c2); _mm256_storeu_ps(o0 + t + 24, c3);
        if (pair) {
            _mm256_storeu_ps(o1 + t, g0); _mm256_storeu_ps(o1 + t + 8, g1);
            _mm256_storeu_ps(o1 + t + 16, g2); _mm256_storeu_ps(o1 + t + 24, g3);
        }
    }
    for (; t + 8 <= d; t += 8) {
        __m256 c = _mm256_setzero_ps(), g = _mm256_setzero_ps();
        for (int j = 0; j < length; j++) {
            __m256 vv = _mm256_loadu_ps(v + (size_t)j * stride + t);
            c = _mm256_fmadd_ps(_mm256_set1_ps(p0[(size_t)j * pstride]), vv, c);
            g = _mm256_fmadd_ps(_mm256_set1_ps(p1[(size_t)j * pstride]), vv, g);
        }
        _mm256_storeu_ps(o0 + t, c);
        if (pair) _mm256_storeu_ps(o1 + t, g);
    }
    for (; t < d; t++) {
        float c = 0.0f, g = 0.0f;
        for (int j = 0; j < length; j++) {
            c = fmaf(p0[(size_t)j * pstride], v[(size_t)j * stride + t], c);
            g = fmaf(p1[(size_t)j * pstride], v[(size_t)j * stride + t], g);
        }
        o0[t] = c;
        if (pair) o1[t] = g;
    }
}

/* Scores, then probabilities, of the queries in lanes i0..i0+W-1 of qt against every key, into p
   (length x W, key-major). Written once for both register widths, which must stay lane for lane
   the same. */
#define LODESTAR_PROBABILITIES(NAME, TARGET, W, VEC, PFX, EXP)                                          \
TARGET static inline void NAME(int length, int d, const float *qt, int padded, int i0, const float *k, \
                               int stride, float scale, float *p) {                                  \
    const VEC sv = PFX##_set1_ps(scale);                                                               \
    /* Scores, eight keys at a time (eight independent accumulators: both FMA pipes busy). */        \
    for (int j0 = 0; j0 < length; j0 += 8) {                                                           \
        int keys = length - j0 < 8 ? length - j0 : 8;                                                  \
        const float *kr[8];                                                                            \
        for (int j = 0; j < 8; j++) kr[j] = k + (size_t)(j0 + (j < keys ? j : 0)) * stride;           \
        VEC a[8];                                                                                      \
        for (int j = 0; j < 8; j++) a[j] = PFX##_setzero_ps();                                         \
        for (int t = 0; t < d; t++) {                                                                  \
            VEC qv = PFX##_loadu_ps(qt + (size_t)t * padded + i0);                                     \
            for (int j = 0; j < 8; j++) a[j] = PFX##_fmadd_ps(PFX##_set1_ps(kr[j][t]), qv, a[j]);      \
        }                                                                                              \
        for (int j = 0; j < keys; j++) PFX##_storeu_ps(p + (size_t)(j0 + j) * W, PFX##_mul_ps(a[j], sv)); \
    }                                                                                                  \
    VEC m0 = PFX##_loadu_ps(p), m1 = m0;                                                               \
    for (int j = 1; j + 1 < length; j += 2) {                                                          \
        m0 = PFX##_max_ps(m0, PFX##_loadu_ps(p + (size_t)j * W));                                      \
        m1 = PFX##_max_ps(m1, PFX##_loadu_ps(p + (size_t)(j + 1) * W));                                \
    }                                                                                                  \
    if (length % 2 == 0) m0 = PFX##_max_ps(m0, PFX##_loadu_ps(p + (size_t)(length - 1) * W));          \
    VEC m = PFX##_max_ps(m0, m1), s[8];                                                                \
    for (int l = 0; l < 8; l++) s[l] = PFX##_setzero_ps();                                             \
    for (int j0 = 0; j0 < length; j0 += 8)                                                             \
        for (int l = 0; l < 8 && j0 + l < length; l++) {                                               \
            float *pj = p + (size_t)(j0 + l) * W;                                                      \
            VEC e = EXP(PFX##_sub_ps(PFX##_loadu_ps(pj), m));                                          \
            PFX##_storeu_ps(pj, e);                                                                    \
            s[l] = PFX##_add_ps(s[l], e);                                                              \
        }                                                                                              \
    VEC total = PFX##_add_ps(PFX##_add_ps(PFX##_add_ps(s[0], s[4]), PFX##_add_ps(s[2], s[6])),         \
                             PFX##_add_ps(PFX##_add_ps(s[1], s[5]), PFX##_add_ps(s[3], s[7])));        \
    VEC inverse = PFX##_div_ps(PFX##_set1_ps(1.0f), total);                                            \
    for (int j = 0; j < length; j++)                                                                   \
        PFX##_storeu_ps(p + (size_t)j * W, PFX##_mul_ps(PFX##_loadu_ps(p + (size_t)j * W), inverse));  \
}
LODESTAR_PROBABILITIES(probabilities8, AVX2, 8, __m256, _mm256, exp8)

// Queries i0..i0+rows-1 (rows <= 8) of a head, one per ymm lane; p: length x 8 floats of scratch.
AVX2 static void attention_block8(int length, int d, const float *qt, int padded, int i0, int rows, const float *k,
                                  const float *v, int stride, float *out, int ldo, float scale, float *p) {
    probabilities8(length, d, qt, padded, i0, k, stride, scale, p);
    // P·V two queries at a time (they share each load of V; a lone last one pairs with itself).
    for (int r = 0; r < rows; r += 2) {
        int pair = r + 1 < rows;
        float *o0 = out + (size_t)(i0 + r) * ldo;
        pv_pair(length, d, 0, p + r, p + r + pair, 8, v, stride, o0, pair ? o0 + ldo : o0, pair);
    }
}

// One head of scaled dot-product attention over a short sequence, in blocks of eight queries.
AVX2 static void attention_avx2(int length, int d, const float *q, const float *k, const float *v, int stride,
                                float *out, int ldo, float scale, float *scratch) {
    int padded = (length + 15) & ~15;
    float *qt = scratch;                           // d x padded
    float *p = scratch + (size_t)d * padded;       // length x 8
    transpose_rows(length, d, q, stride, qt, padded);
    for (int i0 = 0; i0 < length; i0 += 8)
        attention_block8(length, d, qt, padded, i0, length - i0 < 8 ? length - i0 : 8, k, v, stride, out, ldo, scale, p);
}

#define AVX512 __attribute__((target("avx512f")))

AVX512 static inline __m512 zero_below16(__m512 input, __m512 value, float limit) {
    return _mm512_maskz_mov_ps((__mmask16)~_mm512_cmp_ps_mask(input, _mm512_set1_ps(limit), _CMP_LT_OQ), value);
}

LODESTAR_EXP(exp16, AVX512, __m512, __m512i, _mm512, _mm512_castps_si512, _mm512_castsi512_ps, zero_below16)

LODESTAR_PROBABILITIES(probabilities16, AVX512, 16, __m512, _mm512, exp16)

// attention_block8 with 16 queries a block (rows <= 16) in zmm lanes (the same bits lane for lane:
// exp16 is exp8's arithmetic); P·V four queries at a time over 32 dimensions (8 accumulators).
// p: length x 16 floats of scratch.
AVX512 static void attention_block16(int length, int d, const float *qt, int padded, int i0, int rows, const float *k,
                                     const float *v, int stride, float *out, int ldo, float scale, float *p) {
    probabilities16(length, d, qt, padded, i0, k, stride, scale, p);
    for (int r0 = 0; r0 < rows; r0 += 4) {
        int group = rows - r0 < 4 ? rows - r0 : 4;
        const float *pr[4];
        float *o[4];
        for (int i = 0; i < 4; i++) {
            int r = r0 + (i < group ? i : 0);  // past the block's queries: repeat its first, not written
            pr[i] = p + r;
            o[i] = out + (size_t)(i0 + r) * ldo;
        }
        int t = 0;
        for (; t + 32 <= d; t += 32) {
            __m512 c[4], g[4];
            for (int i = 0; i < 4; i++) { c[i] = _mm512_setzero_ps(); g[i] = _mm512_setzero_ps(); }
            for (int j = 0; j < length; j++) {
                const float *vj = v + (size_t)j * stride + t;
                __m512 v0 = _mm512_loadu_ps(vj), v1 = _mm512_loadu_ps(vj + 16);
                for (int i = 0; i < 4; i++) {
                    __m512 x = _mm512_set1_ps(pr[i][(size_t)j * 16]);
                    c[i] = _mm512_fmadd_ps(x, v0, c[i]);
                    g[i] = _mm512_fmadd_ps(x, v1, g[i]);
                }
            }
            for (int i = 0; i < group; i++) {
                _mm512_storeu_ps(o[i] + t, c[i]);
                _mm512_storeu_ps(o[i] + t + 16, g[i]);
            }
        }
        if (t < d) {
            pv_pair(length, d, t, pr[0], pr[1], 16, v, stride, o[0], o[1], group > 1);
            if (group > 2) pv_pair(length, d, t, pr[2], pr[3], 16, v, stride, o[2], o[3], group > 3);
        }
    }
}

// The head in blocks of 16 queries; a last block of at most 8 in ymm lanes (half the work of a
// zmm block for, e.g., the 17th query).
AVX512 static void attention_avx512(int length, int d, const float *q, const float *k, const float *v, int stride,
                                    float *out, int ldo, float scale, float *scratch) {
    int padded = (length + 15) & ~15;
    float *qt = scratch;                           // d x padded
    float *p = scratch + (size_t)d * padded;       // length x 16
    transpose_rows(length, d, q, stride, qt, padded);
    for (int i0 = 0; i0 < length; i0 += 16) {
        int rows = length - i0 < 16 ? length - i0 : 16;
        if (rows <= 8)
            attention_block8(length, d, qt, padded, i0, rows, k, v, stride, out, ldo, scale, p);
        else
            attention_block16(length, d, qt, padded, i0, rows, k, v, stride, out, ldo, scale, p);
    }
}
#endif

int lodestar_encoder_kernels_available(void) {
#if defined(__x86_64__)
    static int cached = -1;
    if (cached < 0) cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return cached;
#else
    return 0;
#endif
}

size_t lodestar_attention_scratch_count(int length, int d) {
    size_t padded = (size_t)((length + 15) & ~15);
    return padded * (size_t)d + 16 * padded;  // queries transposed, then a block's scores (length x 16)
}

void lodestar_gelu(float *data, size_t count) {
#if defined(__x86_64__)
    gelu_avx2(data, count);
#endif
}

void lodestar_layer_norm(float *x, int rows, int width, const float *bias, const float *gamma, const float *beta,
                         float epsilon) {
#if defined(__x86_64__)
    layer_norm_avx2(x, rows, width, bias, gamma, beta, epsilon);
#endif
}

void lodestar_attention_head(int length, int d, const float *q, const float *k, const float *v, int stride,
                             float *out, int ldo, float scale, float *scratch) {
#if defined(__x86_64__)
    if (lodestar_kernel_level() == 2)
        attention_avx512(length, d, q, k, v, stride, out, ldo, scale, scratch);
    else
        attention_avx2(length, d, q, k, v, stride, out, ldo, scale, scratch);
#endif
}
