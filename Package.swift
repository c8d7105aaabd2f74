// swift-tools-version:6.2
import Foundation
import PackageDescription

// scripts/test sets SDFARM_WERROR=1 so CI treats every warning in our own targets as an error.
let strict: [SwiftSetting] =
    ProcessInfo.processInfo.environment["SDFARM_WERROR"] == "1" ? [.treatAllWarnings(as: .error)] : []

/// What the farm's test targets and their utilities link.
let farmTestDependencies: [Target.Dependency] = [
    "FarmProtocol", "FarmCoordinator", "FarmWorker", "FarmClient", "FarmStore", "Diffusion", "FarmCLI",
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "Logging", package: "swift-log"),
]

let package = Package(
    name: "sdfarm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sdfarm", targets: ["sdfarm"]),
        .library(name: "Diffusion", targets: ["Diffusion"]),
        .library(name: "FarmStore", targets: ["FarmStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries from Debian's -dev packages (installed by scripts/setup).
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CPostgres", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        // libpng reports errors by longjmp, which Swift cannot catch: a few C functions
        // own the setjmp and hand Swift plain return codes.
        .target(
            name: "CPNG",
            linkerSettings: [.linkedLibrary("png16")]),

        // The engine's hottest elementwise kernels, in C so that they can be built per vector
        // width and chosen at load time (Sources/CKernels/include/sdfarm_kernels.h).
        .target(name: "CKernels"),

        // The engine: knows nothing of the farm or the network.
        .target(
            name: "Diffusion",
            dependencies: [
                "CBLAS", "CKernels", "CPNG", "CZlib", .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources/clip")],
            swiftSettings: strict),

        // The farm.
        // Durable file writes shared by the coordinator's result store and the worker's outbox.
        .target(name: "FarmFiles", swiftSettings: strict),
        .target(
            name: "FarmProtocol",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "FarmStore",
            dependencies: ["CSQLite", "CPostgres"],
            resources: [.copy("Migrations")],
            swiftSettings: strict),
        .target(
            name: "FarmCoordinator",
            dependencies: [
                "FarmProtocol", "FarmStore", "FarmFiles",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        // The only farm target that links the engine: it hosts it.
        .target(
            name: "FarmWorker",
            dependencies: [
                "FarmProtocol", "Diffusion", "FarmFiles",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "FarmClient",
            dependencies: [
                "FarmProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict),

        // The command line: every subcommand and the logic behind it (submit, results, render,
        // job control, demo, benchmarks).
        .target(
            name: "FarmCLI",
            dependencies: [
                "Diffusion", "FarmStore", "FarmProtocol", "FarmCoordinator", "FarmWorker", "FarmClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // The executable: `SDFarm.main()` and nothing else.
        .executableTarget(
            name: "sdfarm",
            dependencies: ["FarmCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),

        .testTarget(
            name: "SystemLibraryTests",
            dependencies: ["CBLAS", "CPNG", "CSQLite", "CPostgres"],
            swiftSettings: strict),
        .testTarget(
            name: "DiffusionTests",
            dependencies: ["Diffusion"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict),
        .testTarget(
            name: "FarmProtocolTests",
            dependencies: [
                "FarmProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "FarmStoreTests",
            dependencies: ["FarmStore", "FarmStoreCrashChild"],
            swiftSettings: strict),
        // Not a product: a process FarmStoreTests kills with SIGKILL in the middle of a submit.
        .executableTarget(
            name: "FarmStoreCrashChild",
            dependencies: ["FarmStore"],
            path: "Tests/FarmStoreCrashChild",
            swiftSettings: strict),
        // Shared test utilities (as NIOTestUtils / HummingbirdTesting): the farm harness with
        // its manual clock and in-process workers, the loopback farm, a fake engine, a faulty
        // store, a recording link and a runner for sdfarm processes. Only tests depend on it;
        // it is built with testability (debug), never in a release product.
        .target(
            name: "FarmTesting",
            dependencies: farmTestDependencies,
            path: "Tests/FarmTesting",
            swiftSettings: strict),
        .testTarget(
            name: "FarmCoordinatorTests", dependencies: farmTestDependencies + ["FarmTesting"],
            swiftSettings: strict),
        .testTarget(
            name: "FarmWorkerTests", dependencies: farmTestDependencies + ["FarmTesting"],
            swiftSettings: strict),
        .testTarget(
            name: "FarmCLITests", dependencies: farmTestDependencies + ["FarmTesting", "sdfarm"],
            swiftSettings: strict),
        // Whole farms: coordinator and workers together, in memory, over loopback and as
        // separate processes.
        .testTarget(
            name: "FarmIntegrationTests", dependencies: farmTestDependencies + ["FarmTesting", "sdfarm"],
            swiftSettings: strict),
    ]
)
