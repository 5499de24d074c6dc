import CKernels
import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

extension BLAS {
    /// The OpenBLAS kernel family in use (its `openblas_get_corename`), once `prepare()` has run.
    static var coreName: String {
        prepare()
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Makes sure OpenBLAS runs kernels this CPU can make use of; runs once, before the first BLAS
    /// call of the process (every entry point of `BLAS` calls it).
    ///
    /// OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels when it loads, from the CPU's
    /// family and model. Releases before 0.3.26 (Debian 12 ships 0.3.21) do not know recent models —
    /// Emerald Rapids Xeons, for one — and fall back to "Prescott": SSE3 kernels that run `sgemm`
    /// 4–6x slower than the AVX-512 ones the CPU has (12 against 60 GFLOP/s per core measured on
    /// the encoder's shapes). When OpenBLAS fell back like that and nobody chose a core with
    /// `OPENBLAS_CORETYPE`, this chooses the one newer OpenBLAS releases choose for such CPUs, by
    /// their vector extensions, and has OpenBLAS select its kernels again (its own
    /// `gotoblas_dynamic_init`, reading that variable, as at load). A core chosen with
    /// `OPENBLAS_CORETYPE` is always kept.
    static func prepare() {
        _ = kernelSelection
    }

    /// What `prepare()` did: `nil` when OpenBLAS's own choice was kept, else the core it replaced.
    static let kernelSelection: (replaced: String, chosen: String)? = selectKernels()

    /// The widest vector extension of this CPU: 0 SSE only, 1 AVX, 2 AVX2+FMA, 3 AVX-512, 4 AVX-512 with BF16.
    static var cpuVectorLevel: Int { Int(lodestar_cpu_vector_level()) }

    /// The OpenBLAS core for a CPU whose widest vector extension is `level` (as
    /// `lodestar_cpu_vector_level` reports it), as OpenBLAS 0.3.26 and later choose for recent
    /// Intel models; `nil` when only SSE is there.
    static func preferredCore(vectorLevel level: Int) -> String? {
        switch level {
        case 4...: "Cooperlake"
        case 3: "SkylakeX"
        case 2: "Haswell"
        case 1: "Sandybridge"
        default: nil
        }
    }

    /// Whether the kernels OpenBLAS loaded should be replaced: only its fallback for a CPU it did
    /// not recognise ("Prescott": real Prescott CPUs have no AVX), only in a DYNAMIC_ARCH build,
    /// and never against the user's `OPENBLAS_CORETYPE`.
    static func shouldReplace(loadedCore: String, userCore: String?, dynamicArch: Bool, vectorLevel: Int) -> Bool {
        userCore == nil && dynamicArch && loadedCore.lowercased() == "prescott" && preferredCore(vectorLevel: vectorLevel) != nil
    }

    private static func selectKernels() -> (replaced: String, chosen: String)? {
        let loaded = openblas_get_corename().map { String(cString: $0) } ?? ""
        let config = openblas_get_config().map { String(cString: $0) } ?? ""
        let level = cpuVectorLevel
        let userCore = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        guard shouldReplace(loadedCore: loaded, userCore: userCore,
                            dynamicArch: config.contains("DYNAMIC_ARCH"), vectorLevel: level),
              let core = preferredCore(vectorLevel: level),
              // Exported by DYNAMIC_ARCH builds; looked up so that other builds still link.
              let quit = dlsym(nil, "gotoblas_dynamic_quit"), let initialise = dlsym(nil, "gotoblas_dynamic_init")
        else { return nil }
        typealias Entry = @convention(c) () -> Void
        // OpenBLAS reads the variable in gotoblas_dynamic_init. setenv is not safe against a
        // concurrent getenv; this runs once, while the first model loads, before the first BLAS call.
        setenv("OPENBLAS_CORETYPE", core, 1)
        unsafeBitCast(quit, to: Entry.self)()
        unsafeBitCast(initialise, to: Entry.self)()
        let now = openblas_get_corename().map { String(cString: $0) } ?? core
        return (loaded, now)
    }
}
