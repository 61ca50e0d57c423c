import Runtime
import Workbench

// The ORMLab side of each workload, through the same entry points the REPL uses.

/// Hydration and eager loading on one open workbench; each run starts with an empty identity
/// map (`session.forget()`, outside the timing), so every row becomes a new object.
final class ORMLabLoads {
    let workbench: Workbench
    var session: Session { workbench.session }

    init(path: String) throws {
        workbench = try Workbench(databasePath: path)
    }

    /// Runs `query` on a fresh identity map; returns the time of `Session.fetch` and its objects.
    func fetch(_ query: Query) throws -> (ms: Double, objects: [ManagedObject]) {
        _ = session.forget()
        session.beginCommand(query.dsl)
        var objects: [ManagedObject] = []
        let ms = try timed { objects = try session.fetch(query).objects }
        return (ms, objects)
    }

    /// The SQL texts of the statements the last command ran.
    var lastSQL: [String] { session.log.current.map(\.sql) }
}

/// `Person.all`
let allPeople = Query(entity: "Person", dsl: "Person.all")

/// `Parent.all.include(children)` or `Parent.all.include(children, using: join)`.
func parentsWithChildren(_ strategy: EagerStrategy) -> Query {
    var query = Query(entity: "Parent", dsl: "")
    query.includes = [IncludePath(path: ["children"], strategy: strategy)]
    query.dsl = "Parent.all." + query.includes[0].dsl
    return query
}

/// Counts the children loaded into the parents' `children` association (and checks it is loaded).
func loadedChildren(of parents: [ManagedObject]) throws -> Int {
    var count = 0
    for parent in parents {
        try require(parent.isAssociationLoaded("children"), "\(parent.ref).children was not eagerly loaded")
        count += parent.loadedObjects(of: "children").count
    }
    return count
}

/// The script workload: the text of `count` inserts and a save.
func insertScript(_ people: [PersonValues]) -> String {
    var text = ""
    text.reserveCapacity(people.count * 110)
    for person in people {
        text += person.insertCommand
        text += "\n"
    }
    text += "save\n"
    return text
}

/// Runs a script through the interpreter with output off: the reports are checked, not rendered.
func runScript(_ script: String, databasePath: String) throws -> Double {
    let workbench = try Workbench(databasePath: databasePath)
    workbench.buildsReports = false   // output off: nothing renders the objects pane
    var failures: [String] = []
    var commands = 0
    let ms = timed {
        workbench.run(script, sourceName: "bench.orm") { report in
            commands += 1
            if !report.ok { failures.append(report.diagnostics.first?.message ?? report.input) }
        }
    }
    try require(failures.isEmpty, "the script failed: \(failures.prefix(3).joined(separator: "; "))")
    return ms
}
