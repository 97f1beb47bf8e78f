/* Fused per-token int8 quantise and dequantise for models/int8.py (one pass each instead of
 * four or five torch ops). Built at first use with the system C compiler (models/kernels.py);
 * without one, int8.py runs the same arithmetic as torch ops. Plain C, no torch headers. */
#include <math.h>
#include <stdint.h>

/* q[i, :] = round(x[i, :] * 127 / peak[i]), peak[i] = max(max |x[i, :]|, 1e-12) */
void sm_quantize_rows(const float *x, int8_t *q, float *peak, int64_t m, int64_t k) {
    for (int64_t i = 0; i < m; i++) {
        const float *r = x + i * k;
        int8_t *o = q + i * k;
        float p = 0.0f;
        for (int64_t j = 0; j < k; j++) p = fmaxf(p, fabsf(r[j]));
        p = fmaxf(p, 1e-12f);
        peak[i] = p;
        const float inv = (1.0f / p) * 127.0f; /* as torch computes 127.0 / peak */
        for (int64_t j = 0; j < k; j++) o[j] = (int8_t)(int32_t)nearbyintf(r[j] * inv);
    }
}

/* out[i, j] = fma(acc[i, j] * peak[i], scale[j], bias[j])  (+ res[i, j] when res is given):
 * the same roundings as torch.addcmul(bias, acc.float() * peak, scale), add_(res) */
void sm_dequantize(const int32_t *acc, const float *peak, const float *scale, const float *bias,
                   const float *res, float *out, int64_t m, int64_t n) {
    for (int64_t i = 0; i < m; i++) {
        const int32_t *a = acc + i * n;
        float *o = out + i * n;
        const float p = peak[i];
        if (res) {
            const float *r = res + i * n;
            for (int64_t j = 0; j < n; j++) o[j] = fmaf((float)a[j] * p, scale[j], bias[j]) + r[j];
        } else {
            for (int64_t j = 0; j < n; j++) o[j] = fmaf((float)a[j] * p, scale[j], bias[j]);
        }
    }
}
