// swift-tools-version:6.0
// A fixture for scripts/check-grdb-export.sh: compiles ORMLab's GRDB export (written by the
// script into Sources/GRDBExportCheck/Model.swift) against GRDB.swift 7.10.0, runs its migrator
// on an in-memory database and prints the schema it created.
import PackageDescription

let package = Package(
    name: "GRDBExportCheck",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .executableTarget(name: "GRDBExportCheck", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
