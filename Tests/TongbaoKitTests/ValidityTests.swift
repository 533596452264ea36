import Foundation
import Testing
@testable import TongbaoKit

/// The pages are valid HTML5, checked by a real validator (Debian's tidy).
@Suite struct ValidityTests {
    static let tidy = ["/usr/bin/tidy", "/usr/local/bin/tidy"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// tidy's error lines (warnings are not errors) for one file.
    static func errors(in file: URL, tidy: String) throws -> [String] {
        let output = try ToolRun.run(URL(fileURLWithPath: tidy), ["-q", "-errors", "--show-warnings", "no", file.path]).errors
        return output.split(separator: "\n").map(String.init).filter { $0.contains("Error:") }
    }

    @Test func everyPageOfTheFixtureAndTheSampleSiteIsValid() throws {
        guard let tidy = ValidityTests.tidy else {
            // CI installs tidy (scripts/install-deps tidy); elsewhere the check is skipped.
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "tidy is not installed")
            return
        }
        for content in [BuildTests.mini, Paths.repository.appendingPathComponent("content")] {
            let site = try TemporarySite(copying: content)
            defer { site.remove() }
            let report = site.build()
            #expect(report.succeeded, "\(report.lines)")
            let pages = TemporarySite.tree(site.output).keys.filter { $0.hasSuffix(".html") }.sorted()
            #expect(!pages.isEmpty)
            for page in pages {
                let errors = try ValidityTests.errors(in: site.output.appendingPathComponent(page), tidy: tidy)
                #expect(errors.isEmpty, "\(page): \(errors)")
            }
        }
    }
}
