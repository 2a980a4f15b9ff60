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
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
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
        .systemLibrary(name: "CLinux", path: "CLinux"),

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
        // An S3-compatible bucket over libcurl: SigV4 by CURLOPT_AWS_SIGV4, presigned URLs by hand.
        .target(
            name: "DarkroomS3",
            dependencies: [
                "CCurl",
                "DarkroomCore",
                "DarkroomFetch",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "DarkroomArchive",
            dependencies: [
                "CLinux",
                "DarkroomCore",
                "DarkroomFetch",
                "DarkroomMedia",
                "DarkroomS3",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "DarkroomQueue",
            dependencies: [
                "DarkroomCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "DarkroomServer",
            dependencies: [
                "DarkroomArchive",
                "DarkroomCore",
                "DarkroomFetch",
                "DarkroomMedia",
                "DarkroomQueue",
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "darkroom",
            dependencies: [
                "DarkroomArchive",
                "DarkroomS3",
                "DarkroomCore",
                "DarkroomFetch",
                "DarkroomMedia",
                "DarkroomQueue",
                "DarkroomServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Shared by the test targets: a scriptable HTTP server on 127.0.0.1, clip makers, ffprobe,
        // and Kling's task keys.
        .target(name: "DarkroomTestSupport", dependencies: ["DarkroomCore"], path: "Tests/DarkroomTestSupport"),
        .testTarget(
            name: "DarkroomCoreTests",
            dependencies: ["DarkroomCore", "DarkroomTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "DarkroomFetchTests", dependencies: ["DarkroomFetch", "DarkroomTestSupport"]),
        .testTarget(name: "DarkroomTestSupportTests", dependencies: ["DarkroomTestSupport"]),
        .testTarget(name: "DarkroomMediaTests", dependencies: ["DarkroomCore", "DarkroomMedia", "DarkroomTestSupport"]),
        .testTarget(name: "DarkroomS3Tests", dependencies: ["DarkroomS3", "DarkroomTestSupport"]),
        .testTarget(
            name: "DarkroomQueueTests",
            dependencies: [
                "DarkroomQueue", "DarkroomCore", "DarkroomTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DarkroomServerTests",
            dependencies: [
                "DarkroomServer", "DarkroomCore", "DarkroomQueue", "DarkroomTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "DarkroomArchiveTests",
            dependencies: ["DarkroomArchive", "DarkroomCore", "DarkroomTestSupport"],
            exclude: ["Fixtures"]
        ),
        // End to end: runs the built `darkroom` binary as a user would.
        .testTarget(name: "DarkroomCLITests", dependencies: ["darkroom", "DarkroomCore", "DarkroomQueue", "DarkroomTestSupport"]),
    ]
)
