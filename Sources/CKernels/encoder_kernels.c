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

// Writes keys j0..j0+7 (rows past `rows` as zeros) of dimensions t0..t0+7 transposed into kt:
// one 8x8 register transpose instead of 64 strided scalar stores.
AVX2 static inline void transpose_keys8(const float *k, int stride, int j0, int rows, int t0, float *kt, int padded) {
    __m256 r[8];
    for (int i = 0; i < 8; i++)
        r[i] = i < rows ? _mm256_loadu_ps(k + (size_t)(j0 + i) * stride + t0) : _mm256_setzero_ps();
    transpose8x8(r);
    float *o = kt + (size_t)t0 * padded + j0;
    for (int i = 0; i < 8; i++) _mm256_storeu_ps(o + i * (size_t)padded, r[i]);
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

// Softmax of up to eight score rows (`padded` floats each; keys from `length` on are padding and
// come out 0), in three steps so that the AVX-512 head can run the exponentials 16 lanes wide:
// softmax_rows_begin, then for each row its exponentials, summed 8 lanes at a time in increasing
// order, then softmax_rows_end. For each row that is the arithmetic of a plain softmax over 8-lane
// vectors: the maximum (exact in any order), exp(x - max), the sum reduced as a horizontal add
// does, ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)), a correctly rounded 1/sum and the products. Only
// the reductions and the division run across the rows at once (in transposed registers) instead
// of one row after another: one row's softmax is a chain of dependent steps that left the core
// idle (attention over 15 tokens took half the time). Rows past `rows` repeat row 0 and are not
// written.
AVX2 static inline void softmax_rows_begin(float *scores, int rows, int length, int padded, float *row[8], float top[8]) {
    __m256 m[8];
    for (int r = 0; r < 8; r++) {
        row[r] = scores + (size_t)(r < rows ? r : 0) * padded;
        if (r < rows)
            for (int jj = length; jj < padded; jj++) row[r][jj] = -INFINITY;
        m[r] = _mm256_loadu_ps(row[r]);
        for (int i = 8; i < padded; i += 8) m[r] = _mm256_max_ps(m[r], _mm256_loadu_ps(row[r] + i));
    }
    transpose8x8(m);
    __m256 maximum = m[0];
    for (int l = 1; l < 8; l++) maximum = _mm256_max_ps(maximum, m[l]);
    _mm256_storeu_ps(top, maximum);
}

AVX2 static inline void softmax_rows_end(float *const row[8], int rows, int padded, __m256 sums[8]) {
    for (int r = rows; r < 8; r++) sums[r] = _mm256_set1_ps(1.0f);
    transpose8x8(sums);
    __m256 total = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(sums[0], sums[4]), _mm256_add_ps(sums[2], sums[6])),
                                 _mm256_add_ps(_mm256_add_ps(sums[1], sums[5]), _mm256_add_ps(sums[3], sums[7])));
    float inverse[8];
    _mm256_storeu_ps(inverse, _mm256_div_ps(_mm256_set1_ps(1.0f), total));
    for (int r = 0; r < rows; r++) {
        __m256 iv = _mm256_set1_ps(inverse[r]);
        for (int i = 0; i < padded; i += 8) _mm256_storeu_ps(row[r] + i, _mm256_mul_ps(_mm256_loadu_ps(row[r] + i), iv));
    }
}

AVX2 static inline void softmax_rows_avx2(float *scores, int rows, int length, int padded) {
    float *row[8], top[8];
    __m256 sums[8];
    softmax_rows_begin(scores, rows, length, padded, row, top);
    for (int r = 0; r < rows; r++) {
        __m256 mv = _mm256_set1_ps(top[r]), sum = _mm256_setzero_ps();
        for (int i = 0; i < padded; i += 8) {
            __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row[r] + i), mv));
            _mm256_storeu_ps(row[r] + i, e);
            sum = _mm256_add_ps(sum, e);
        }
        sums[r] = sum;
    }
    softmax_rows_end(row, rows, padded, sums);
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
// independent accumulators keep both FMA pipes busy. Then softmax (the rows' reductions side by
// side) and P·V, two rows at a time for the same reason. Every score and output element is still accumulated in increasing t (resp. j),
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
        softmax_rows_avx2(scores, rows, length, padded);
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

// exp8's operations on 16 lanes (the same bits lane for lane).
AVX512 static inline __m512 exp16(__m512 input) {
    __m512 x = _mm512_min_ps(_mm512_max_ps(input, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.3f));
    const __m512 magic = _mm512_set1_ps(12582912.0f);
    __m512 shifted = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), magic);
    __m512 k = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(k, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    __m512i integer = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_set1_epi32(0x4B400000));
    __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(integer, _mm512_set1_epi32(127)), 23));
    __m512 result = _mm512_mul_ps(p, scale);
    __mmask16 underflow = _mm512_cmp_ps_mask(input, _mm512_set1_ps(-103.9f), _CMP_LT_OQ);
    return _mm512_maskz_mov_ps((__mmask16)~underflow, result);
}

// softmax_rows_avx2 with the exponentials 16 lanes at a time (the same bits: exp16 is exp8 lane for
// lane, and each 16-lane result is added to the row's sum as its two 8-lane halves in order).
AVX512 static inline void softmax_rows_avx512(float *scores, int rows, int length, int padded) {
    float *row[8], top[8];
    __m256 sums[8];
    softmax_rows_begin(scores, rows, length, padded, row, top);
    for (int r = 0; r < rows; r++) {
        __m512 mv = _mm512_set1_ps(top[r]);
        __m256 sum = _mm256_setzero_ps();
        int i = 0;
        for (; i + 16 <= padded; i += 16) {
            __m512 e = exp16(_mm512_sub_ps(_mm512_loadu_ps(row[r] + i), mv));
            _mm512_storeu_ps(row[r] + i, e);
            sum = _mm256_add_ps(sum, _mm512_castps512_ps256(e));
            sum = _mm256_add_ps(sum, _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1)));
        }
        if (i < padded) {
            __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row[r] + i), _mm256_set1_ps(top[r])));
            _mm256_storeu_ps(row[r] + i, e);
            sum = _mm256_add_ps(sum, e);
        }
        sums[r] = sum;
    }
    softmax_rows_end(row, rows, padded, sums);
}

// Scores of eight query rows against keys j..j+WIDTH-1 (WIDTH 16 or 32): 8 or 16 independent
// accumulators, enough to keep both FMA pipes busy through the FMA latency.
#define LODESTAR_SCORES8(WIDTH)                                                                         \
AVX512 static inline void scores_rows8_keys##WIDTH(int d, const float *const *qr, const float *kt,    \
                                                   int padded, int j, float scale, float *scores) {    \
    __m512 a[8], e[8];                                                                                  \
    for (int r = 0; r < 8; r++) { a[r] = _mm512_setzero_ps(); e[r] = _mm512_setzero_ps(); }            \
    for (int t = 0; t < d; t++) {                                                                       \
        const float *kr = kt + (size_t)t * padded + j;                                                  \
        __m512 kv = _mm512_loadu_ps(kr), kw = WIDTH == 32 ? _mm512_loadu_ps(kr + 16) : kv;              \
        for (int r = 0; r < 8; r++) {                                                                   \
            __m512 x = _mm512_set1_ps(qr[r][t]);                                                        \
            a[r] = _mm512_fmadd_ps(x, kv, a[r]);                                                        \
            if (WIDTH == 32) e[r] = _mm512_fmadd_ps(x, kw, e[r]);                                       \
        }                                                                                               \
    }                                                                                                   \
    const __m512 sv = _mm512_set1_ps(scale);                                                            \
    for (int r = 0; r < 8; r++) {                                                                       \
        _mm512_storeu_ps(scores + (size_t)r * padded + j, _mm512_mul_ps(a[r], sv));                    \
        if (WIDTH == 32) _mm512_storeu_ps(scores + (size_t)r * padded + j + 16, _mm512_mul_ps(e[r], sv)); \
    }                                                                                                   \
}
LODESTAR_SCORES8(16)
LODESTAR_SCORES8(32)

// The same head with 16-lane registers, eight query rows at a time: their scores over 32 or 16 keys
// a step, and P·V for four rows over 32 dimensions (8 and 16 accumulators, where the AVX2 head's
// shapes left the FMAs waiting on each other at the usual 10-30 tokens). Every score and output
// element is accumulated exactly as in attention_avx2 (same FMAs, same order; the shared parts are
// the same functions), so the two give the same bits.
AVX512 static void attention_avx512(int length, int d, const float *q, const float *k, const float *v, int stride,
                                    float *out, int ldo, float scale, float *scratch) {
    int padded = (length + 7) & ~7;
    float *kt = scratch;                           // d x padded
    float *scores = scratch + (size_t)d * padded;  // 8 x padded
    transpose_keys(length, d, k, stride, kt, padded);
    for (int i0 = 0; i0 < length; i0 += 8) {
        int rows = length - i0 < 8 ? length - i0 : 8;
        // Rows past the sequence repeat its first row of the group; their results are not used.
        const float *qr[8];
        for (int r = 0; r < 8; r++) qr[r] = q + (size_t)(i0 + (r < rows ? r : 0)) * stride;
        int j = 0;
        for (; j + 32 <= padded; j += 32) scores_rows8_keys32(d, qr, kt, padded, j, scale, scores);
        for (; j + 16 <= padded; j += 16) scores_rows8_keys16(d, qr, kt, padded, j, scale, scores);
        for (; j < padded; j += 8) {
            scores_rows4_keys8(d, qr[0], qr[1], qr[2], qr[3], kt, padded, j, scale, scores);
            if (rows > 4) scores_rows4_keys8(d, qr[4], qr[5], qr[6], qr[7], kt, padded, j, scale, scores + 4 * (size_t)padded);
        }
        softmax_rows_avx512(scores, rows, length, padded);
        for (int r0 = 0; r0 < rows; r0 += 4) {
            int group = rows - r0 < 4 ? rows - r0 : 4;
            const float *p[4];
            float *o[4];
            for (int i = 0; i < 4; i++) {
                int r = r0 + (i < group ? i : 0);
                p[i] = scores + (size_t)r * padded;
                o[i] = out + (size_t)(i0 + r) * ldo;
            }
            int t = 0;
            for (; t + 32 <= d; t += 32) {
                __m512 c[4], g[4];
                for (int i = 0; i < 4; i++) { c[i] = _mm512_setzero_ps(); g[i] = _mm512_setzero_ps(); }
                for (int jj = 0; jj < length; jj++) {
                    const float *vj = v + (size_t)jj * stride + t;
                    __m512 v0 = _mm512_loadu_ps(vj), v1 = _mm512_loadu_ps(vj + 16);
                    for (int i = 0; i < 4; i++) {
                        __m512 x = _mm512_set1_ps(p[i][jj]);
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
                pv_tail(length, d, t, p[0], p[1], v, stride, o[0], o[1], group > 1);
                if (group > 2) pv_tail(length, d, t, p[2], p[3], v, stride, o[2], o[3], group > 3);
            }
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
    return padded * (size_t)d + 8 * padded;
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
