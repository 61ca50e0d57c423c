// ormlab-bench: ORMLab against a hand-written loop over the SQLite C API, in one process, on the
// same database files. `swift run -c release ormlab-bench [--json] [--runs N]`.
import CSQLite
import Foundation
import Runtime

// MARK: - Sizes

let hydrationRows = 200_000
let parentCount = 10_000
let childrenPerParent = 10
let scriptInserts = 10_000
let memoryRows = 1_000_000

// MARK: - Arguments

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--memory-child", arguments.count == 3 {
    do { try memoryChild(side: arguments[1], path: arguments[2]) } catch {
        progress("memory child: \(error)")
        exit(1)
    }
    exit(0)
}
if arguments.first == "--probe-parse" {
    probeParse()
    exit(0)
}
var json = false
var runs = 7
/// `--only KEY[,KEY]`: run only these workloads (hydration, eager_in, eager_join, script, startup, memory).
var only: Set<String>? = nil
/// `--dir PATH`: build the database files there and keep them (reused when present), for profiling.
var keptDirectory: String? = nil
/// `--ormlab-only`: time only the ORMLab side (for a profiler).
var ormlabOnly = false
/// `--baseline-only`: time only the C baseline (for a profiler).
var baselineOnly = false
while let argument = arguments.first {
    arguments.removeFirst()
    switch argument {
    case "--json": json = true
    case "--runs":
        guard let value = arguments.first.flatMap(Int.init), value > 0 else {
            progress("--runs needs a positive number")
            exit(2)
        }
        runs = value
        arguments.removeFirst()
    case "--only":
        only = Set((arguments.first ?? "").split(separator: ",").map(String.init))
        arguments.removeFirst()
    case "--dir":
        keptDirectory = arguments.first
        arguments.removeFirst()
    case "--ormlab-only":
        ormlabOnly = true
    case "--baseline-only":
        baselineOnly = true
    case "-h", "--help":
        print("""
            usage: ormlab-bench [--json] [--runs N]   (build with -c release: swift run -c release ormlab-bench)
              --only KEYS      run only these workloads: hydration,pg_hydration,pg_eager_in,eager_in,eager_join,script,startup,memory,
                               inheritance_single,inheritance_joined,inheritance_concrete
              --dir PATH       build the database files in PATH and keep them (reused next time)
              --ormlab-only    run only ORMLab's side (for a profiler)
              --baseline-only  run only the C baseline (for a profiler)
            """)
        exit(0)
    default:
        progress("unknown argument \(argument); see --help")
        exit(2)
    }
}

// MARK: - Workloads

func runBenchmark() throws -> BenchResults {
    let directory = keptDirectory.map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("ormlab-bench-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { if keptDirectory == nil { try? FileManager.default.removeItem(at: directory) } }
    func file(_ name: String) -> String { directory.appendingPathComponent(name).path }
    func wanted(_ key: String) -> Bool { only?.contains(key) ?? true }
    func fixture(_ name: String, _ make: (String) throws -> Void) rethrows {
        if keptDirectory != nil && FileManager.default.fileExists(atPath: file(name)) { return }
        try make(file(name))
    }

    progress("building the database files in \(directory.path)…")
    if wanted("hydration") { try fixture("hydration.db") { try makePersonDatabase(at: $0, rows: hydrationRows) } }
    if wanted("eager_in") || wanted("eager_join") {
        try fixture("eager.db") { try makeParentChildDatabase(at: $0, parents: parentCount, childrenPerParent: childrenPerParent) }
    }
    if wanted("memory") { try fixture("memory.db") { try makePersonDatabase(at: $0, rows: memoryRows) } }
    if wanted("script") { try fixture("script.db") { try defineEntities(at: $0, [personDeclaration]) } }

    progress("measuring (median of \(runs) runs, after one warm-up run per side):")
    var results = BenchResults(runs: runs)

    // Hydration.
    if wanted("hydration") {
        let orm = try ORMLabLoads(path: file("hydration.db"))
        let raw = try RawDatabase(path: file("hydration.db"))
        results.comparisons.append(try compare("hydration", "hydration: \(hydrationRows.formatted) rows × 6 columns", target: 1.3, runs: runs,
            ormlab: {
                let (ms, objects) = try orm.fetch(allPeople)
                try require(objects.count == hydrationRows, "ORMLab hydrated \(objects.count) objects")
                try require(orm.lastSQL == ["SELECT \"person\".* FROM \"person\""], "unexpected SQL: \(orm.lastSQL)")
                return ms
            },
            baseline: {
                var rows: [PersonRow] = []
                let ms = try timed { rows = try baselineHydratePeople(raw) }
                try require(rows.count == hydrationRows, "the baseline read \(rows.count) rows")
                return ms
            }))
    }

    // Hydration from PostgreSQL (skipped, saying so, without a server).
    if wanted("pg_hydration") {
        if let server = postgresServer {
            let schema = "ormlab_bench_\(getpid())"
            progress("  building \(hydrationRows.formatted) rows on PostgreSQL (schema \(schema))…")
            let url = try makePostgresPeople(server: server, schema: schema, rows: hydrationRows)
            defer { dropPostgresSchema(server: server, schema: schema) }
            let orm = try ORMLabLoads(path: url)
            let raw = try RawPostgres(url)
            results.comparisons.append(try compare("pg_hydration", "PostgreSQL hydration: \(hydrationRows.formatted) rows × 6 columns", target: 1.3, runs: runs,
                ormlab: {
                    let (ms, objects) = try orm.fetch(allPeople)
                    try require(objects.count == hydrationRows, "ORMLab hydrated \(objects.count) objects")
                    return ms
                },
                baseline: {
                    var rows: [PersonRow] = []
                    let ms = try timed { rows = try baselineHydratePeoplePostgres(raw) }
                    try require(rows.count == hydrationRows, "the baseline read \(rows.count) rows")
                    return ms
                }))
        } else {
            progress("  SKIPPING PostgreSQL hydration: no server (set ORMLAB_BENCH_PG or ORMLAB_TEST_PG to the connection string ./dev pg prints)")
        }
    }

    // Eager IN on PostgreSQL: Parent.all.include(children) against a libpq loop, same server.
    if wanted("pg_eager_in") {
        if let server = postgresServer {
            let schema = "ormlab_bench_eager_\(getpid())"
            progress("  building \(parentCount.formatted) parents + \((parentCount * childrenPerParent).formatted) children on PostgreSQL (schema \(schema))…")
            let url = try makePostgresParentsAndChildren(server: server, schema: schema, parents: parentCount, childrenPerParent: childrenPerParent)
            defer { dropPostgresSchema(server: server, schema: schema) }
            let orm = try ORMLabLoads(path: url)
            let raw = try RawPostgres(url)
            let expectedChildren = parentCount * childrenPerParent
            results.comparisons.append(try compare("pg_eager_in", "PostgreSQL eager IN: \(parentCount.formatted) parents + \(expectedChildren.formatted) children", target: 1.5, runs: runs,
                ormlab: {
                    let (ms, parents) = try orm.fetch(parentsWithChildren(.inList))
                    try require(parents.count == parentCount, "ORMLab loaded \(parents.count) parents")
                    try require(try loadedChildren(of: parents) == expectedChildren, "ORMLab loaded the wrong number of children")
                    return ms
                },
                baseline: {
                    var parents: [ParentRow] = []
                    let ms = try timed { parents = try baselineLoadParentsWithINPostgres(raw) }
                    try require(parents.count == parentCount, "the baseline loaded \(parents.count) parents")
                    try require(parents.reduce(0) { $0 + $1.children.count } == expectedChildren, "the baseline loaded the wrong number of children")
                    return ms
                }))
        } else {
            progress("  SKIPPING PostgreSQL eager IN: no server (set ORMLAB_BENCH_PG or ORMLAB_TEST_PG to the connection string ./dev pg prints)")
        }
    }

    // Eager loading.
    if wanted("eager_in") || wanted("eager_join") {
        let orm = try ORMLabLoads(path: file("eager.db"))
        let raw = try RawDatabase(path: file("eager.db"))
        let expectedChildren = parentCount * childrenPerParent
        for (strategy, key, target) in [(EagerStrategy.inList, "eager_in", 1.5), (.join, "eager_join", 1.5)] where wanted(key) {
            let query = parentsWithChildren(strategy)
            let title = "eager \(strategy == .join ? "JOIN" : "IN"): \(parentCount.formatted) parents + \(expectedChildren.formatted) children"
            results.comparisons.append(try compare(key, title, target: target, runs: runs,
                ormlab: {
                    let (ms, parents) = try orm.fetch(query)
                    try require(parents.count == parentCount, "ORMLab loaded \(parents.count) parents")
                    try require(try loadedChildren(of: parents) == expectedChildren, "ORMLab loaded the wrong number of children")
                    try require(orm.lastSQL.count == (strategy == .join ? 1 : 2), "unexpected statements: \(orm.lastSQL.count)")
                    return ms
                },
                baseline: {
                    var parents: [ParentRow] = []
                    let ms = try timed {
                        parents = strategy == .join ? try baselineLoadParentsWithJoin(raw) : try baselineLoadParentsWithIN(raw)
                    }
                    try require(parents.count == parentCount, "the baseline loaded \(parents.count) parents")
                    try require(parents.reduce(0) { $0 + $1.children.count } == expectedChildren, "the baseline loaded the wrong number of children")
                    return ms
                }))
        }
    }

    // Script.
    if wanted("script") {
        let people = (1...scriptInserts).map(PersonValues.init)
        let script = insertScript(people)
        let path = file("script.db")
        let raw = try RawDatabase(path: path)
        func emptyTable() throws {
            try require(try raw.scalar("SELECT COUNT(*) FROM \"person\"") == Int64(scriptInserts), "the script did not insert every row")
            try raw.execute("DELETE FROM \"person\"")
        }
        results.comparisons.append(try compare("script", "script: \(scriptInserts.formatted) inserts + save, output off", target: 3, runs: runs,
            ormlab: {
                let ms = try runScript(script, databasePath: path)
                try emptyTable()
                return ms
            },
            baseline: {
                let ms = try timed { try baselineInsertPeople(raw, people) }
                try emptyTable()
                return ms
            }))
    }

    // Inheritance: Vehicle.all under single, joined and concrete (Inheritance.swift).
    results.comparisons += try inheritanceComparisons(file: file, fixture: { try fixture($0, $1) }, wanted: wanted, runs: runs)

    // Startup.
    if wanted("startup") {
        progress("  startup…")
        let ormlab = try ormlabExecutable()
        _ = try spawnTime(ormlab)
        _ = try spawnTime("/bin/true")
        var startup: [Double] = []
        var spawn: [Double] = []
        for _ in 0..<runs {
            startup.append(try spawnTime(ormlab))
            spawn.append(try spawnTime("/bin/true"))
        }
        results.startupMs = median(startup)
        results.spawnMs = median(spawn)
    }

    // Peak memory.
    if wanted("memory") {
        progress("  peak memory…")
        results.memoryOrmlabMB = try measureMemory(side: "ormlab", path: file("memory.db"), rows: memoryRows)
        results.memoryBaselineMB = try measureMemory(side: "baseline", path: file("memory.db"), rows: memoryRows)
    }
    return results
}

do {
    let results = try runBenchmark()
    print(json ? results.json : results.table)
    exit(results.allTargetsMet ? 0 : 1)
} catch {
    progress("ormlab-bench: \(error)")
    exit(1)
}
