import DSL
import Report
import Runtime
import SQLBuilder

// `lock`, `lock(nowait)`, `lock(skip_locked)`: which pessimistic lock a query takes (spec §13).
// The SQL is the dialect's (`rowLockClause`); this reads the DSL's spelling and refuses what the
// database cannot do, saying what it does instead.

extension Workbench {
    /// The lock a `lock(...)` call asks for: none → FOR UPDATE; `nowait` → FOR UPDATE NOWAIT;
    /// `skip_locked` (or `skipLocked`, `skip: locked`) → FOR UPDATE SKIP LOCKED.
    func rowLock(_ args: [Argument], name: Identifier) throws -> RowLock {
        guard let first = args.first else { return .forUpdate }
        let spelled: String?
        switch (first.label?.name, first.value) {
        case (nil, .name(let word)): spelled = word.name
        case ("skip", .name(let word)) where word.name == "locked": spelled = "skip_locked"
        case (nil, .literal(.string(let text), _)): spelled = text.replacingOccurrences(of: " ", with: "_")
        default: spelled = nil
        }
        let lock: RowLock
        switch spelled?.lowercased() {
        case "nowait", "no_wait": lock = .forUpdateNoWait
        case "skip_locked", "skiplocked": lock = .forUpdateSkipLocked
        default:
            throw EvalError("lock takes nothing, `nowait` or `skip_locked`", at: first.range,
                            hint: "lock (FOR UPDATE: wait for the rows), lock(nowait) (FOR UPDATE NOWAIT: fail at once if another session holds one), lock(skip_locked) (FOR UPDATE SKIP LOCKED: leave out the rows another session holds)")
        }
        guard args.count == 1 else {
            throw EvalError("lock takes one option: `nowait` or `skip_locked`", at: args[1].range)
        }
        if session.dialect.rowLockClause(lock) == nil {
            let dialect = session.dialect.name
            switch lock {
            case .forUpdateNoWait:
                throw EvalError("\(dialect) has no row locks, so no NOWAIT: `lock` takes the write lock on the whole database (BEGIN IMMEDIATE) and waits up to :set lock_timeout for it", at: first.range,
                                hint: "`:set lock_timeout 0` then `lock` fails at once when another session writes, as NOWAIT does; on PostgreSQL lock(nowait) is FOR UPDATE NOWAIT")
            default:
                throw EvalError("\(dialect) has no row locks, so no SKIP LOCKED: `lock` takes the write lock on the whole database (BEGIN IMMEDIATE), so there are no locked rows to leave out, and a second writer waits for the whole database", at: first.range,
                                hint: "on SQLite write `lock`; on PostgreSQL lock(skip_locked) is FOR UPDATE SKIP LOCKED (a job queue's way to take rows no one else holds)")
            }
        }
        return lock
    }
}
