import Foundation
import Testing
@testable import Embeddings

/// OpenBLAS's kernel choice: its fallback for CPU models it does not know is replaced, nothing else.
@Suite struct BLASKernelTests {
    @Test func preferredCoreFollowsTheWidestVectorExtension() {
        #expect(BLAS.preferredCore(vectorLevel: 4) == "Cooperlake")
        #expect(BLAS.preferredCore(vectorLevel: 3) == "SkylakeX")
        #expect(BLAS.preferredCore(vectorLevel: 2) == "Haswell")
        #expect(BLAS.preferredCore(vectorLevel: 1) == "Sandybridge")
        #expect(BLAS.preferredCore(vectorLevel: 0) == nil)
    }

    @Test func onlyTheUnknownCPUFallbackIsReplaced() {
        #expect(BLAS.shouldReplace(loadedCore: "Prescott", userCore: nil, dynamicArch: true, vectorLevel: 4))
        #expect(BLAS.shouldReplace(loadedCore: "Prescott", userCore: nil, dynamicArch: true, vectorLevel: 1))
        // A real SSE3-only CPU, the user's own choice, a build without run-time selection, a CPU
        // OpenBLAS recognised: kept.
        #expect(!BLAS.shouldReplace(loadedCore: "Prescott", userCore: nil, dynamicArch: true, vectorLevel: 0))
        #expect(!BLAS.shouldReplace(loadedCore: "Prescott", userCore: "Prescott", dynamicArch: true, vectorLevel: 4))
        #expect(!BLAS.shouldReplace(loadedCore: "Prescott", userCore: nil, dynamicArch: false, vectorLevel: 4))
        #expect(!BLAS.shouldReplace(loadedCore: "Zen", userCore: nil, dynamicArch: true, vectorLevel: 3))
        #expect(!BLAS.shouldReplace(loadedCore: "Haswell", userCore: nil, dynamicArch: true, vectorLevel: 4))
    }

    /// In this process: with AVX and no `OPENBLAS_CORETYPE`, the encoder never runs SSE3 kernels,
    /// and a replacement is the preferred core and still computes correct products.
    @Test func thisProcessRunsVectorKernels() {
        let core = BLAS.coreName
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil && BLAS.cpuVectorLevel >= 1 {
            #expect(core.lowercased() != "prescott", "OpenBLAS runs SSE3 kernels on a CPU with vector level \(BLAS.cpuVectorLevel)")
        }
        if let selection = BLAS.kernelSelection {
            #expect(selection.replaced.lowercased() == "prescott")
            #expect(selection.chosen.lowercased() == BLAS.preferredCore(vectorLevel: BLAS.cpuVectorLevel)?.lowercased())
        }
        // [1 2; 3 4] · [5 6; 7 8]ᵀ
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8]
        var c = [Float](repeating: 0, count: 4)
        BLAS.gemmABt(m: 2, n: 2, k: 2, a: a, lda: 2, b: b, ldb: 2, c: &c, ldc: 2)
        #expect(c == [17, 23, 39, 53])
        #expect(BLAS.configuration.contains("kernels=\(core)"))
    }
}
