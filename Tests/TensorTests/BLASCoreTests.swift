import Tensor
import XCTest

final class BLASCoreTests: XCTestCase {
    /// A flags line as Linux prints it on the Sapphire Rapids machines (shortened).
    let sapphireRapids = """
        processor\t: 0
        model name\t: Intel(R) Xeon(R) Processor
        flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16 avx512_fp16
        bugs\t\t: spectre_v1
        processor\t: 1
        flags\t\t: fpu
        """

    func testCPUFlagsAreTheFirstProcessorsFlagsLine() {
        let flags = BLASCore.cpuFlags(cpuinfo: sapphireRapids)
        XCTAssertTrue(flags.isSuperset(of: ["avx2", "avx512f", "avx512_bf16", "fma"]))
        XCTAssertFalse(flags.contains("flags"))
        XCTAssertFalse(flags.contains("spectre_v1"))
        XCTAssertEqual(BLASCore.cpuFlags(cpuinfo: "processor\t: 0\nmodel name\t: x\n"), [])
    }

    func testLegacyKernelsOnANewerCPUAreReplacedByTheBestTheCPURuns() {
        let flags = BLASCore.cpuFlags(cpuinfo: sapphireRapids)
        XCTAssertEqual(BLASCore.suggestedCoreType(current: "Prescott", cpuFlags: flags), "SkylakeX")
        XCTAssertEqual(BLASCore.suggestedCoreType(current: "Nehalem", cpuFlags: flags), "SkylakeX")
        XCTAssertEqual(BLASCore.suggestedCoreType(current: "Prescott", cpuFlags: flags.subtracting(["avx512vl"])), "Haswell")
        XCTAssertEqual(BLASCore.suggestedCoreType(current: "Prescott", cpuFlags: ["sse3", "avx", "avx2", "fma"]), "Haswell")
    }

    func testOpenBLASsOwnChoiceStandsWhenItIsModernOrTheCPUIsOld() {
        let flags = BLASCore.cpuFlags(cpuinfo: sapphireRapids)
        XCTAssertNil(BLASCore.suggestedCoreType(current: "Cooperlake", cpuFlags: flags))
        XCTAssertNil(BLASCore.suggestedCoreType(current: "Haswell", cpuFlags: flags))
        XCTAssertNil(BLASCore.suggestedCoreType(current: "Prescott", cpuFlags: ["sse3", "avx"]))
        XCTAssertNil(BLASCore.suggestedCoreType(current: "Prescott", cpuFlags: ["avx2"]))   // AVX2 without FMA
    }

    func testTheLoadedLibraryNamesItsKernels() {
        XCTAssertFalse(BLASCore.name.isEmpty)
    }
}
