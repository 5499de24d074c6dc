#ifndef LODESTAR_ERF_COEFFICIENTS_H
#define LODESTAR_ERF_COEFFICIENTS_H
// erf(x) on [-4, 4] as x·P(x²)/Q(x²): a rational minimax approximation, the coefficients of the
// Swift kernel (Kernels.swift). Shared by the AVX2 (encoder_kernels.c) and AVX-512 (kernels.c)
// versions, which must agree bit for bit. Internal to CKernels.
#define LODESTAR_ERF_P0 -2.72614225801306e-10f
#define LODESTAR_ERF_P1 2.77068142495902e-08f
#define LODESTAR_ERF_P2 -2.10102402082508e-06f
#define LODESTAR_ERF_P3 -5.69250639462346e-05f
#define LODESTAR_ERF_P4 -7.34990630326855e-04f
#define LODESTAR_ERF_P5 -2.95459980854025e-03f
#define LODESTAR_ERF_P6 -1.60960333262415e-02f
#define LODESTAR_ERF_Q0 -1.45660718464996e-05f
#define LODESTAR_ERF_Q1 -2.13374055278905e-04f
#define LODESTAR_ERF_Q2 -1.68282697438203e-03f
#define LODESTAR_ERF_Q3 -7.37332916720468e-03f
#define LODESTAR_ERF_Q4 -1.42647390514189e-02f
#endif
