import Mapping
import Report
import SQLBuilder
import SQLiteKit

// MARK: - Entity runtime information

/// Per-entity runtime data: the mapping plus this entity's slice of the identity map.
///
/// Objects point at it (unowned) instead of carrying a copy of the mapping, so hydrating a row
/// costs one object and one value array, nothing more.
public final class EntityInfo {
    public internal(set) var mapping: EntityMapping
    /// The identity map for this entity: one object per primary key per session.
    var identityMap = IdentityMap()
    /// Numbers this entity's new objects before they get an id ("Author (new #2)").
    var newSerial = 0
    /// Column index of each belongs-to association's foreign key, by association name.
    public internal(set) var foreignKeyIndex: [String: Int] = [:]
    /// The values a new object starts with: NULL, or the column's declared default.
    var newObjectValues: [SQLiteValue] = []
    /// `INSERT INTO "t" ("a", "b") VALUES (?, ?)` for every column but the id, rendered once
    /// per mapping (a flush of 10,000 new objects renders it once, not 10,000 times).
    var insertSQL: String = ""

    init(mapping: EntityMapping) {
        self.mapping = mapping
        rebuildIndexes()
    }

    func update(_ mapping: EntityMapping) {
        self.mapping = mapping
        rebuildIndexes()
    }

    private func rebuildIndexes() {
        foreignKeyIndex = [:]
        newObjectValues = []
        for (i, column) in mapping.columns.enumerated() {
            var type: ScalarType? = nil
            switch column.role {
            case .foreignKey(let association, _): foreignKeyIndex[association] = i
            case .scalar(let scalar): type = scalar
            case .primaryKey: break
            }
            let literal = i > 0 ? column.defaultValue : nil
            newObjectValues.append(literal.map { sqliteValue($0, type: type) } ?? .null)
        }
        let columns = mapping.columns.dropFirst()
        let insert = Insert(table: mapping.table, columns: columns.map(\.name), values: columns.map { _ in .raw("?") })
        insertSQL = SQLRenderer.render(insert).sql
    }

    public var name: String { mapping.name }
    public var table: String { mapping.table }
}

// MARK: - Association state

/// Whether an association of one object has been loaded, and what it holds.
enum AssociationState {
    case notLoaded
    case one(ManagedObject?)
    case many([ManagedObject])
}

// MARK: - Managed object

/// One object managed by a session: an entity instance bound to (at most) one row.
///
/// Values are stored one per column, in the table's column order (`values[0]` is the id), which
/// is also the order `SELECT "t".*` returns them in: hydration copies column i into slot i.
public final class ManagedObject {
    public unowned let entity: EntityInfo
    /// One value per column of the entity's table.
    public internal(set) var values: [SQLiteValue]
    public internal(set) var state: ObjectState
    /// For partial objects (`select(...)`): which columns were loaded.
    var loadedColumns: [Bool]?
    /// Values as last loaded from or written to the database, kept once the object is changed.
    var originalValues: [SQLiteValue]?
    /// Association states by association name; absent means not loaded.
    // Empty collections are made with init(), which is inlined, rather than the literals `[:]`
    // and `[]`, which call a function: this runs once per hydrated row.
    var associations = [String: AssociationState]()
    /// Associations the learner touched (for the unused-eager-load note).
    public internal(set) var touched = Set<String>()
    /// Associations filled by eager loading during the current command.
    var eagerLoaded = Set<String>()
    /// Which query hydrated it (a key into the session's load groups), for batch lazy loading:
    /// the objects of one query load an association together (Hibernate's batch fetching).
    var loadGroup: Int = 0
    /// Foreign keys that point at objects not yet inserted, by column index; filled in on flush.
    var pendingReferences = [Int: ManagedObject]()
    /// Numbers new objects before they get an id: "Author (new #2)".
    let serial: Int

    init(entity: EntityInfo, values: [SQLiteValue], state: ObjectState, serial: Int = 0) {
        self.entity = entity
        self.values = values
        self.state = state
        self.serial = serial
    }

    /// The primary key, once the row exists.
    public var id: Int64? {
        if case .integer(let i) = values[0] { return i }
        return nil
    }

    /// "Author#1", or "Author (new #1)" before the first flush.
    public var ref: String {
        if let id { return "\(entity.name)#\(id)" }
        return "\(entity.name) (new #\(serial))"
    }

    /// The value of a scalar property or foreign key column.
    public func value(ofColumn index: Int) -> SQLiteValue { values[index] }

    /// Values as loaded, while the object has unsaved changes (for "was" in the objects pane).
    public var originalValuesForDisplay: [SQLiteValue]? { state == .dirty ? originalValues : nil }

    /// The not-yet-inserted object a foreign key column will point at, if any.
    public func pendingReference(column index: Int) -> ManagedObject? { pendingReferences[index] }

    public func isLoaded(column index: Int) -> Bool { loadedColumns?[index] ?? true }

    public func isAssociationLoaded(_ name: String) -> Bool { associations[name] != nil }

    /// Objects currently held by a loaded association (empty when not loaded).
    public func loadedObjects(of association: String) -> [ManagedObject] {
        switch associations[association] {
        case .one(let o?): return [o]
        case .many(let list): return list
        default: return []
        }
    }
}

