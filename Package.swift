// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tongbao",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tongbao", targets: ["tongbao"]),
        .library(name: "TongbaoKit", targets: ["TongbaoKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // Ledgers kept in spreadsheets: data/<kind>.csv is read, and `tongbao export` written, with it.
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
    ],
    targets: [
        // cmark-gfm from Debian's libcmark-gfm-dev and libcmark-gfm-extensions-dev.
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // libyaml from Debian's libyaml-dev: its event parser, under our own YAML reader.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // libdeflate from Debian's libdeflate-dev, for the .gz twins nginx's gzip_static
        // serves: four times as fast as zlib on the site's pages, for the same size.
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        // OpenSSL's libcrypto from Debian's libssl-dev, for the manifest's SHA-256: it
        // uses the CPU's SHA instructions, ten times as fast as portable code.
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Small C helpers Swift cannot reach directly (renameat2 for the atomic swap;
        // openat2 and getdents64 to list the staging folder a build keeps).
        .target(name: "CShims"),
        // Turns the repository's templates/ folder into Swift source at build time,
        // so the default theme ships inside the binary.
        .executableTarget(name: "ThemeEmbedder"),
        .plugin(
            name: "EmbedTheme",
            capability: .buildTool(),
            dependencies: ["ThemeEmbedder"]
        ),
        .target(
            name: "TongbaoKit",
            dependencies: [
                "CCmarkGFM",
                "CShims",
                "CCrypto",
                "CDeflate",
                "CYAML",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            plugins: ["EmbedTheme"]
        ),
        .executableTarget(
            name: "tongbao",
            dependencies: [
                "TongbaoKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "TongbaoKitTests",
            dependencies: ["TongbaoKit"],
            exclude: ["Fixtures", "Corpus"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
