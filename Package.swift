// swift-tools-version:6.0
// ORMLab: an educational ORM workbench. One library target per layer; see README "Architecture".
import PackageDescription
import Foundation

/// Release builds of the layers on the hot paths (lexing a script, hydrating rows, flushing)
/// skip Swift's run-time exclusivity checks: the debug builds the tests run keep them, and the
/// code is the same. See docs/PERFORMANCE.md.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "ORMLab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ormlab", targets: ["ormlab"]),
        .executable(name: "ormlab-bench", targets: ["ormlab-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System libraries, with shims for the variadic C calls Swift cannot import.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CEditLine", path: "Sources/CEditLine", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),

        // Layers, bottom to top.
        // The driver seam (the `Database` protocol, values, errors) and the SQLite driver behind it.
        .target(name: "DatabaseKit", swiftSettings: hotPath),
        .target(name: "SQLiteKit", dependencies: ["CSQLite", "DatabaseKit"], swiftSettings: hotPath),
        // The PostgreSQL driver behind the same seam, over libpq.
        .target(name: "PostgresKit", dependencies: ["CLibPQ", "DatabaseKit"], swiftSettings: hotPath),
        .target(name: "DSL", swiftSettings: hotPath),
        .target(name: "Report", dependencies: ["DatabaseKit"]),
        .target(name: "Mapping", dependencies: ["DSL", "Report", "SQLBuilder", "DatabaseKit"]),
        .target(name: "SQLBuilder", dependencies: ["DatabaseKit"], swiftSettings: hotPath),
        // Runtime names its driver in one file (Runtime/Driver.swift); nothing above it imports one.
        .target(name: "Runtime", dependencies: ["DSL", "Mapping", "SQLBuilder", "DatabaseKit", "SQLiteKit", "PostgresKit", "Report"], swiftSettings: hotPath),
        .target(name: "Workbench", dependencies: ["DSL", "Mapping", "Runtime", "Report", "SQLBuilder", "DatabaseKit", "SwiftExport", "Render"], swiftSettings: hotPath),
        .target(name: "Render", dependencies: ["Report"]),
        .target(name: "SwiftExport", dependencies: ["Mapping"]),
        .target(name: "LessonKit", dependencies: ["Workbench", "Report", "Render", "DSL"]),
        .target(name: "REPLKit", dependencies: ["CEditLine"]),

        // The thin executable: argument parsing, terminal, files.
        .executableTarget(name: "ormlab", dependencies: [
            "Workbench", "Render", "LessonKit", "SwiftExport", "REPLKit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // ORMLab against a hand-written loop over the SQLite C API: `swift run -c release ormlab-bench`.
        .executableTarget(name: "ormlab-bench", dependencies: ["Workbench", "Runtime", "DSL", "SQLiteKit", "CSQLite", "CLibPQ"]),

        // Helpers shared by the test targets (starting child processes that cannot hang a run).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SQLiteKitTests", dependencies: ["SQLiteKit"]),
        .testTarget(name: "PostgresKitTests", dependencies: ["PostgresKit", "SQLBuilder"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Mapping", "DSL", "DatabaseKit", "SQLiteKit"]),
        .testTarget(name: "SQLBuilderTests", dependencies: ["SQLBuilder", "DatabaseKit"]),
        .testTarget(name: "DSLTests", dependencies: ["DSL", "TestSupport"]),
        .testTarget(name: "MappingTests", dependencies: ["Mapping", "DSL", "SQLBuilder", "TestSupport"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Report", "Workbench"]),
        .testTarget(name: "REPLKitTests", dependencies: ["REPLKit", "TestSupport"]),
        .testTarget(name: "LessonKitTests", dependencies: ["LessonKit", "Workbench", "Report", "Render"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ormlab", "TestSupport"]),
        .testTarget(name: "SwiftExportTests", dependencies: ["SwiftExport", "Mapping", "Workbench", "DSL", "TestSupport"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "Render", "Report", "DSL", "Mapping", "Runtime", "SQLiteKit", "SwiftExport"]),
        .testTarget(name: "TranscriptTests", dependencies: ["Workbench", "Render", "Report"]),
        .testTarget(name: "ReliabilityTests",
                    dependencies: ["Workbench", "Render", "Report", "DSL", "Mapping", "Runtime", "SQLBuilder", "SQLiteKit", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)

// Fuzzing targets (libFuzzer), only when scripts/fuzz.sh builds them: they have no `main` of
// their own (libFuzzer supplies it with -sanitize=fuzzer), so a normal build leaves them out.
if ProcessInfo.processInfo.environment["ORMLAB_FUZZ"] != nil {
    package.targets += [
        .systemLibrary(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .executableTarget(name: "ParserFuzzer", dependencies: ["DSL", "CLibFuzzer"], path: "Fuzz/ParserFuzzer"),
        .executableTarget(name: "InterpreterFuzzer", dependencies: ["Workbench", "Render", "Report", "CLibFuzzer"],
                          path: "Fuzz/InterpreterFuzzer", exclude: ["setup.orm"]),
    ]
}
