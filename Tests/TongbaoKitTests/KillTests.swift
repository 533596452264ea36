import Foundation
import Testing
@testable import TongbaoKit

/// A build killed (SIGKILL) at any moment leaves the old site or the new one,
/// complete, and the next build succeeds.
@Suite struct KillTests {
    /// Two versions of a site with enough pages that a build takes a while to write.
    static func files(version: Int) -> [String: String] {
        var files: [String: String] = [:]
        for index in 1...300 {
            let month = index % 12 + 1, day = index % 28 + 1
            let date = String(format: "2021-%02d-%02d", month, day)
            files["notices/\(date)-n\(index).md"] = "---\ntitle: 第\(version)版通知\(index)\ndate: \(date)\ndoc_no: \(index)\n---\n"
                + String(repeating: "各乡镇要压实安全生产责任，深入开展隐患排查整治。\n\n", count: 20)
        }
        return files
    }

    @Test func aKilledBuildLeavesAWholeSite() throws {
        let first = try TemporarySite(KillTests.files(version: 1))
        let second = try TemporarySite(KillTests.files(version: 2))
        defer { first.remove(); second.remove() }
        let asOf = Day(year: 2021, month: 12, day: 31)
        #expect(first.build(asOf: asOf).succeeded)
        #expect(second.build(asOf: asOf).succeeded)
        let versions = [TemporarySite.tree(first.output), TemporarySite.tree(second.output)]
        #expect(versions[0] != versions[1] && versions[0].count > 300)

        let output = first.root.appendingPathComponent("served")
        #expect(Builder.run(first.options(output: output, asOf: asOf)).succeeded)
        var random = SplitMix64(seed: 20261129)
        for round in 0..<12 {
            let version = round % 2 == 0 ? 1 : 0
            let site = version == 0 ? first : second
            let process = Process()
            process.executableURL = try CommandTests.executable
            process.arguments = ["build", "--content", site.content.path, "--output", output.path, "--as-of", "2021-12-31"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(random.next() % 1_500_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let tree = TemporarySite.tree(output)
            #expect(versions.contains(tree), "round \(round): the served folder is neither version (\(tree.count) files)")
            // The next build succeeds and gives the version asked for, whatever the killed
            // build left in the staging folder.
            #expect(Builder.run(site.options(output: output, asOf: asOf)).succeeded, "round \(round)")
            #expect(TemporarySite.tree(output) == versions[version], "round \(round)")
            // The staging folder it keeps is the site it replaced, whole.
            let staging = TemporarySite.staging(of: output)
            #expect(TemporarySite.strays(in: staging, live: output, previous: tree).isEmpty, "round \(round)")
            #expect(TemporarySite.tree(staging) == tree, "round \(round)")
        }
        #expect(!FileManager.default.fileExists(atPath: first.root.appendingPathComponent(".served.old").path))
    }
}

