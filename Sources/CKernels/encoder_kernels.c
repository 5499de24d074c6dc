// Row kernels of the encoder in AVX2+FMA (bias + GELU, attention for short sequences), selected at run
// time. Callers check lodestar_encoder_kernels_available() and otherwise use the Swift versions.
#include "lodestar_kernels.h"
#include "erf_coefficients.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

// exp(x): Cephes' range reduction by ln 2 and degree-6 polynomial (the same as the Swift kernel);
// inputs below -103.9 give 0.
AVX2 static inline __m256 exp8(__m256 input) {
    __m256 x = _mm256_min_ps(_mm256_max_ps(input, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    __m256 shifted = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), magic);
    __m256 k = _mm256_sub_ps(shifted, magic);
    __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(k, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i integer = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_set1_epi32(0x4B400000));
    __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(integer, _mm256_set1_epi32(127)), 23));
    __m256 result = _mm256_mul_ps(p, scale);
    __m256 underflow = _mm256_cmp_ps(input, _mm256_set1_ps(-103.9f), _CMP_LT_OQ);
    return _mm256_andnot_ps(underflow, result);
}

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

AVX2 static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

AVX2 static inline float hmax8(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// Softmax over n floats, n a multiple of 8 (padding lanes hold -inf and come out 0).
AVX2 static inline void softmax_padded_avx2(float *x, int n) {
    __m256 m = _mm256_loadu_ps(x);
    for (int i = 8; i < n; i += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
    __m256 mv = _mm256_set1_ps(hmax8(m)), acc = _mm256_setzero_ps();
    for (int i = 0; i < n; i += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), mv));
        _mm256_storeu_ps(x + i, e);
        acc = _mm256_add_ps(acc, e);
    }
    __m256 iv = _mm256_set1_ps(1.0f / hsum8(acc));
    for (int i = 0; i < n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), iv));
}

// Writes keys j0..j0+7 (rows past `rows` as zeros) of dimensions t0..t0+7 transposed into kt:
// one 8x8 register transpose instead of 64 strided scalar stores.
AVX2 static inline void transpose_keys8(const float *k, int stride, int j0, int rows, int t0, float *kt, int padded) {
    __m256 r[8];
    for (int i = 0; i < 8; i++)
        r[i] = i < rows ? _mm256_loadu_ps(k + (size_t)(j0 + i) * stride + t0) : _mm256_setzero_ps();
    __m256 a0 = _mm256_unpacklo_ps(r[0], r[1]), a1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 a2 = _mm256_unpacklo_ps(r[2], r[3]), a3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 a4 = _mm256_unpacklo_ps(r[4], r[5]), a5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 a6 = _mm256_unpacklo_ps(r[6], r[7]), a7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 b0 = _mm256_shuffle_ps(a0, a2, _MM_SHUFFLE(1, 0, 1, 0)), b1 = _mm256_shuffle_ps(a0, a2, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 b2 = _mm256_shuffle_ps(a1, a3, _MM_SHUFFLE(1, 0, 1, 0)), b3 = _mm256_shuffle_ps(a1, a3, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 b4 = _mm256_shuffle_ps(a4, a6, _MM_SHUFFLE(1, 0, 1, 0)), b5 = _mm256_shuffle_ps(a4, a6, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 b6 = _mm256_shuffle_ps(a5, a7, _MM_SHUFFLE(1, 0, 1, 0)), b7 = _mm256_shuffle_ps(a5, a7, _MM_SHUFFLE(3, 2, 3, 2));
    float *o = kt + (size_t)t0 * padded + j0;
    _mm256_storeu_ps(o, _mm256_permute2f128_ps(b0, b4, 0x20));
    _mm256_storeu_ps(o + padded, _mm256_permute2f128_ps(b1, b5, 0x20));
    _mm256_storeu_ps(o + 2 * (size_t)padded, _mm256_permute2f128_ps(b2, b6, 0x20));
    _mm256_storeu_ps(o + 3 * (size_t)padded, _mm256_permute2f128_ps(b3, b7, 0x20));
    _mm256_storeu_ps(o + 4 * (size_t)padded, _mm256_permute2f128_ps(b0, b4, 0x31));
    _mm256_storeu_ps(o + 5 * (size_t)padded, _mm256_permute2f128_ps(b1, b5, 0x31));
    _mm256_storeu_ps(o + 6 * (size_t)padded, _mm256_permute2f128_ps(b2, b6, 0x31));
    _mm256_storeu_ps(o + 7 * (size_t)padded, _mm256_permute2f128_ps(b3, b7, 0x31));
}

// The parts of one attention head that the AVX2 and AVX-512 versions share.

// K of one head, transposed into kt (d x padded; keys past `length` as zeros) with 8x8 register
// transposes, so that score rows are built from broadcast-FMAs (no horizontal sums).
AVX2 static void transpose_keys(int length, int d, const float *k, int stride, float *kt, int padded) {
    int d8 = d & ~7;
    for (int j0 = 0; j0 < padded; j0 += 8) {
        int rows = length - j0 < 8 ? length - j0 : 8;
        for (int t0 = 0; t0 < d8; t0 += 8) transpose_keys8(k, stride, j0, rows, t0, kt, padded);
        for (int t = d8; t < d; t++)
            for (int j = j0; j < j0 + 8; j++) kt[(size_t)t * padded + j] = j < length ? k[(size_t)j * stride + t] : 0.0f;
    }
}

// Scores of four query rows against keys j..j+7 (row r to scores + r * padded).
AVX2 static inline void scores_rows4_keys8(int d, const float *q0, const float *q1, const float *q2, const float *q3,
                                           const float *kt, int padded, int j, float scale, float *scores) {
    const __m256 sv = _mm256_set1_ps(scale);
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    for (int t = 0; t < d; t++) {
        __m256 kv = _mm256_loadu_ps(kt + (size_t)t * padded + j);
        a0 = _mm256_fmadd_ps(_mm256_set1_ps(q0[t]), kv, a0);
        a1 = _mm256_fmadd_ps(_mm256_set1_ps(q1[t]), kv, a1);
        a2 = _mm256_fmadd_ps(_mm256_set1_ps(q2[t]), kv, a2);
        a3 = _mm256_fmadd_ps(_mm256_set1_ps(q3[t]), kv, a3);
    }
    _mm256_storeu_ps(scores + j, _mm256_mul_ps(a0, sv));
    _mm256_storeu_ps(scores + padded + j, _mm256_mul_ps(a1, sv));
    _mm256_storeu_ps(scores + 2 * padded + j, _mm256_mul_ps(a2, sv));
    _mm256_storeu_ps(scores + 3 * padded + j, _mm256_mul_ps(a3, sv));
}

// Softmax of each of `rows` score rows over its `length` keys (padding lanes -> 0).
AVX2 static inline void softmax_rows(float *scores, int rows, int length, int padded) {
    for (int r = 0; r < rows; r++) {
        float *p = scores + (size_t)r * padded;
        for (int jj = length; jj < padded; jj++) p[jj] = -INFINITY;
        softmax_padded_avx2(p, padded);
    }
}

// P·V for output dimensions t.. d of rows p0 and p1 (written once when they are the same row), 8 at
// a time, then one at a time.
AVX2 static inline void pv_tail(int length, int d, int t, const float *p0, const float *p1, const float *v, int stride,
                                float *o0, float *o1, int pair) {
    for (; t + 8 <= d; t += 8) {
        __m256 c = _mm256_setzero_ps(), g = _mm256_setzero_ps();
        for (int jj = 0; jj < length; jj++) {
            __m256 vv = _mm256_loadu_ps(v + (size_t)jj * stride + t);
            c = _mm256_fmadd_ps(_mm256_set1_ps(p0[jj]), vv, c);
            g = _mm256_fmadd_ps(_mm256_set1_ps(p1[jj]), vv, g);
        }
        _mm256_storeu_ps(o0 + t, c);
        if (pair) _mm256_storeu_ps(o1 + t, g);
    }
    for (; t < d; t++) {
        float c = 0.0f, g = 0.0f;
        for (int jj = 0; jj < length; jj++) {
            c = fmaf(p0[jj], v[(size_t)jj * stride + t], c);
            g = fmaf(p1[jj], v[(size_t)jj * stride + t], g);
        }
        o0[t] = c;
        if (pair) o1[t] = g;
    }
}

// One head of scaled dot-product attention over a short sequence. K is transposed into scratch;
// four query rows share each load of K, over 16 keys at a time where they exist, so eight
// independent accumulators keep both FMA pipes busy. Then softmax and P·V, two rows at a time for
// the same reason. Every score and output element is still accumulated in increasing t (resp. j),
// one FMA a term, so the result does not depend on how rows and keys are grouped.
AVX2 static void attention_avx2(int length, int d, const float *q, const float *k, const float *v, int stride,
                                float *out, int ldo, float scale, float *scratch) {
    int padded = (length + 7) & ~7;
    float *kt = scratch;                           // d x padded
    float *scores = scratch + (size_t)d * padded;  // 4 x padded
    transpose_keys(length, d, k, stride, kt, padded);
    const __m256 sv = _mm256_set1_ps(scale);
    for (int i0 = 0; i0 < length; i0 += 4) {
        int rows = length - i0 < 4 ? length - i0 : 4;
        const float *q0 = q + (size_t)i0 * stride;
        const float *q1 = rows > 1 ? q0 + stride : q0;
        const float *q2 = rows > 2 ? q0 + 2 * (size_t)stride : q0;
        const float *q3 = rows > 3 ? q0 + 3 * (size_t)stride : q0;
        int j = 0;
        for (; j + 16 <= padded; j += 16) {
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
            __m256 e0 = _mm256_setzero_ps(), e1 = _mm256_setzero_ps(), e2 = _mm256_setzero_ps(), e3 = _mm256_setzero_ps();
            for (int t = 0; t < d; t++) {
                const float *kr = kt + (size_t)t * padded + j;
                __m256 kv = _mm256_loadu_ps(kr), kw = _mm256_loadu_ps(kr + 8);
                __m256 x0 = _mm256_set1_ps(q0[t]), x1 = _mm256_set1_ps(q1[t]);
                __m256 x2 = _mm256_set1_ps(q2[t]), x3 = _mm256_set1_ps(q3[t]);
                a0 = _mm256_fmadd_ps(x0, kv, a0); e0 = _mm256_fmadd_ps(x0, kw, e0);
                a1 = _mm256_fmadd_ps(x1, kv, a1); e1 = _mm256_fmadd_ps(x1, kw, e1);
                a2 = _mm256_fmadd_ps(x2, kv, a2); e2 = _mm256_fmadd_ps(x2, kw, e2);
                a3 = _mm256_fmadd_ps(x3, kv, a3); e3 = _mm256_fmadd_ps(x3, kw, e3);
            }
            _mm256_storeu_ps(scores + j, _mm256_mul_ps(a0, sv));
            _mm256_storeu_ps(scores + j + 8, _mm256_mul_ps(e0, sv));
            _mm256_storeu_ps(scores + padded + j, _mm256_mul_ps(a1, sv));
            _mm256_storeu_ps(scores + padded + j + 8, _mm256_mul_ps(e1, sv));
            _mm256_storeu_ps(scores + 2 * padded + j, _mm256_mul_ps(a2, sv));
            _mm256_storeu_ps(scores + 2 * padded + j + 8, _mm256_mul_ps(e2, sv));
            _mm256_storeu_ps(scores + 3 * padded + j, _mm256_mul_ps(a3, sv));
            _mm256_storeu_ps(scores + 3 * padded + j + 8, _mm256_mul_ps(e3, sv));
        }
        for (; j < padded; j += 8) scores_rows4_keys8(d, q0, q1, q2, q3, kt, padded, j, scale, scores);
        softmax_rows(scores, rows, length, padded);
        for (int r = 0; r < rows; r += 2) {
            // Rows r and r + 1 share each load of V (a lone last row pairs with itself, written once).
            int pair = r + 1 < rows;
            const float *p0 = scores + (size_t)r * padded;
            const float *p1 = pair ? p0 + padded : p0;
            float *o0 = out + (size_t)(i0 + r) * ldo;
            float *o1 = pair ? o0 + ldo : o0;
            int t = 0;
            for (; t + 32 <= d; t += 32) {
                __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps(), c2 = _mm256_setzero_ps(), c3 = _mm256_setzero_ps();
                __m256 g0 = _mm256_setzero_ps(), g1 = _mm256_setzero_ps(), g2 = _mm256_setzero_ps(), g3 = _mm256_setzero_ps();
                for (int jj = 0; jj < length; jj++) {
                    const float *vj = v + (size_t)jj * stride + t;
                    __m256 v0 = _mm256_loadu_ps(vj), v1 = _mm256_loadu_ps(vj + 8);
                    __m256 v2 = _mm256_loadu_ps(vj + 16), v3 = _mm256_loadu_ps(vj + 24);
                    __m256 x = _mm256_set1_ps(p0[jj]), y = _mm256_set1_ps(p1[jj]);
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
            pv_tail(length, d, t, p0, p1, v, stride, o0, o1, pair);
        }
    }
}

#define AVX512 __attribute__((target("avx512f")))

// The same head with 16-lane registers: scores for 16 keys in one zmm per query row, and P·V over
// 32 dimensions in two. Every score and output element is accumulated exactly as in attention_avx2
// (same FMAs, same order; the shared parts are the same functions), so the two give the same bits.
AVX512 static void attention_avx512(int length, int d, const float *q, const float *k, const float *v, int stride,
                                    float *out, int ldo, float scale, float *scratch) {
    int padded = (length + 7) & ~7;
    float *kt = scratch;                           // d x padded
    float *scores = scratch + (size_t)d * padded;  // 4 x padded
    transpose_keys(length, d, k, stride, kt, padded);
    const __m512 sv = _mm512_set1_ps(scale);
    for (int i0 = 0; i0 < length; i0 += 4) {
        int rows = length - i0 < 4 ? length - i0 : 4;
        const float *q0 = q + (size_t)i0 * stride;
        const float *q1 = rows > 1 ? q0 + stride : q0;
        const float *q2 = rows > 2 ? q0 + 2 * (size_t)stride : q0;
        const float *q3 = rows > 3 ? q0 + 3 * (size_t)stride : q0;
        int j = 0;
        for (; j + 32 <= padded; j += 32) {
            __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
            __m512 e0 = _mm512_setzero_ps(), e1 = _mm512_setzero_ps(), e2 = _mm512_setzero_ps(), e3 = _mm512_setzero_ps();
            for (int t = 0; t < d; t++) {
                const float *kr = kt + (size_t)t * padded + j;
                __m512 kv = _mm512_loadu_ps(kr), kw = _mm512_loadu_ps(kr + 16);
                __m512 x0 = _mm512_set1_ps(q0[t]), x1 = _mm512_set1_ps(q1[t]);
                __m512 x2 = _mm512_set1_ps(q2[t]), x3 = _mm512_set1_ps(q3[t]);
                a0 = _mm512_fmadd_ps(x0, kv, a0); e0 = _mm512_fmadd_ps(x0, kw, e0);
                a1 = _mm512_fmadd_ps(x1, kv, a1); e1 = _mm512_fmadd_ps(x1, kw, e1);
                a2 = _mm512_fmadd_ps(x2, kv, a2); e2 = _mm512_fmadd_ps(x2, kw, e2);
                a3 = _mm512_fmadd_ps(x3, kv, a3); e3 = _mm512_fmadd_ps(x3, kw, e3);
            }
            _mm512_storeu_ps(scores + j, _mm512_mul_ps(a0, sv));
            _mm512_storeu_ps(scores + j + 16, _mm512_mul_ps(e0, sv));
            _mm512_storeu_ps(scores + padded + j, _mm512_mul_ps(a1, sv));
            _mm512_storeu_ps(scores + padded + j + 16, _mm512_mul_ps(e1, sv));
            _mm512_storeu_ps(scores + 2 * padded + j, _mm512_mul_ps(a2, sv));
            _mm512_storeu_ps(scores + 2 * padded + j + 16, _mm512_mul_ps(e2, sv));
            _mm512_storeu_ps(scores + 3 * padded + j, _mm512_mul_ps(a3, sv));
            _mm512_storeu_ps(scores + 3 * padded + j + 16, _mm512_mul_ps(e3, sv));
        }
        for (; j + 16 <= padded; j += 16) {
            __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
            for (int t = 0; t < d; t++) {
                __m512 kv = _mm512_loadu_ps(kt + (size_t)t * padded + j);
                a0 = _mm512_fmadd_ps(_mm512_set1_ps(q0[t]), kv, a0);
                a1 = _mm512_fmadd_ps(_mm512_set1_ps(q1[t]), kv, a1);
                a2 = _mm512_fmadd_ps(_mm512_set1_ps(q2[t]), kv, a2);
                a3 = _mm512_fmadd_ps(_mm512_set1_ps(q3[t]), kv, a3);
            }
            _mm512_storeu_ps(scores + j, _mm512_mul_ps(a0, sv));
            _mm512_storeu_ps(scores + padded + j, _mm512_mul_ps(a1, sv));
            _mm512_storeu_ps(scores + 2 * padded + j, _mm512_mul_ps(a2, sv));
            _mm512_storeu_ps(scores + 3 * padded + j, _mm512_mul_ps(a3, sv));
        }
        for (; j < padded; j += 8) scores_rows4_keys8(d, q0, q1, q2, q3, kt, padded, j, scale, scores);
        softmax_rows(scores, rows, length, padded);
        for (int r = 0; r < rows; r += 2) {
            int pair = r + 1 < rows;
            const float *p0 = scores + (size_t)r * padded;
            const float *p1 = pair ? p0 + padded : p0;
            float *o0 = out + (size_t)(i0 + r) * ldo;
            float *o1 = pair ? o0 + ldo : o0;
            int t = 0;
            for (; t + 32 <= d; t += 32) {
                __m512 c0 = _mm512_setzero_ps(), c1 = _mm512_setzero_ps();
                __m512 g0 = _mm512_setzero_ps(), g1 = _mm512_setzero_ps();
                for (int jj = 0; jj < length; jj++) {
                    const float *vj = v + (size_t)jj * stride + t;
                    __m512 v0 = _mm512_loadu_ps(vj), v1 = _mm512_loadu_ps(vj + 16);
                    __m512 x = _mm512_set1_ps(p0[jj]), y = _mm512_set1_ps(p1[jj]);
                    c0 = _mm512_fmadd_ps(x, v0, c0); g0 = _mm512_fmadd_ps(y, v0, g0);
                    c1 = _mm512_fmadd_ps(x, v1, c1); g1 = _mm512_fmadd_ps(y, v1, g1);
                }
                _mm512_storeu_ps(o0 + t, c0); _mm512_storeu_ps(o0 + t + 16, c1);
                if (pair) { _mm512_storeu_ps(o1 + t, g0); _mm512_storeu_ps(o1 + t + 16, g1); }
            }
            pv_tail(length, d, t, p0, p1, v, stride, o0, o1, pair);
        }
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
    size_t padded = (size_t)((length + 7) & ~7);
    return padded * (size_t)d + 4 * padded;
}

void lodestar_gelu(float *data, size_t count) {
#if defined(__x86_64__)
    gelu_avx2(data, count);
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
