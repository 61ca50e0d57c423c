// swift-tools-version:5.9
// The Rosetta recorder for GRDB.swift 7.10.0 (the version scripts/check-grdb-export.sh uses):
// runs each catalogue entry on a fresh copy of the fixture and prints what GRDB traced.
import PackageDescription

let package = Package(
    name: "RosettaGRDB",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .executableTarget(name: "RosettaGRDB", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ]
)
