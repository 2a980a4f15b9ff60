// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Darkroom",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "darkroom", targets: ["darkroom"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // C bridges. Each is a module map plus a shim header for what Swift cannot import directly.
        .systemLibrary(
            name: "CFFmpeg",
            path: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            path: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Linux calls that Swift's Glibc module leaves out (renameat2).
        .systemLibrary(name: "CSystem", path: "CSystem"),

        .target(name: "DarkroomCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "DarkroomFetch",
            dependencies: [
                "CCurl",
                "DarkroomCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "DarkroomMedia", dependencies: ["CFFmpeg", "DarkroomCore"]),
        .target(
            name: "DarkroomArchive",
            dependencies: [
                "CSystem",
                "DarkroomCore",
                "DarkroomFetch",
                "DarkroomMedia",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "darkroom",
            dependencies: [
                "DarkroomArchive",
                "DarkroomCore",
                "DarkroomFetch",
                "DarkroomMedia",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Shared by the test targets: a scriptable HTTP server on 127.0.0.1, clip makers, ffprobe.
        .target(name: "DarkroomTestSupport", path: "Tests/DarkroomTestSupport"),
        .testTarget(
            name: "DarkroomCoreTests",
            dependencies: ["DarkroomCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "DarkroomFetchTests", dependencies: ["DarkroomFetch", "DarkroomTestSupport"]),
        .testTarget(name: "DarkroomMediaTests", dependencies: ["DarkroomCore", "DarkroomMedia", "DarkroomTestSupport"]),
        .testTarget(
            name: "DarkroomArchiveTests",
            dependencies: ["DarkroomArchive", "DarkroomCore", "DarkroomTestSupport"],
            exclude: ["Fixtures"]
        ),
        // End to end: runs the built `darkroom` binary as a user would.
        .testTarget(name: "DarkroomCLITests", dependencies: ["darkroom", "DarkroomTestSupport"]),
    ]
)
