import Mapping
import Report
import SQLBuilder
import DatabaseKit

// MARK: - Entity runtime information

/// Per-entity runtime data: the mapping plus this entity's slice of the identity map.
///
/// Objects point at it (without counting the reference; see `ObjectHeader.entity`) instead of
/// carrying a copy of the mapping, so hydrating a row costs one object (its values inline).
/// It lives as long as its session: a session never drops an entity's info.
public final class EntityInfo {
    public internal(set) var mapping: EntityMapping
    /// The identity map for this entity: one object per primary key per session.
    var identityMap = IdentityMap()
    /// Numbers this entity's new objects before they get an id ("Author (new #2)").
    var newSerial = 0
    /// Column index of each belongs-to association's foreign key, by association name.
    public internal(set) var foreignKeyIndex: [String: Int] = [:]
    /// The values a new object starts with: NULL, or the column's declared default.
    var newObjectValues: [DatabaseValue] = []
    /// `INSERT INTO "t" ("a", "b") VALUES (?, ?)` for every column but the id, rendered once
    /// per mapping (a flush of 10,000 new objects renders it once, not 10,000 times).
    var insertSQL: String = ""
    /// The INSERT of a new object whose key was given (`insert Track(id: 3504, …)`): every column,
    /// the key included, and nothing read back (Hibernate's "assigned" identifier). Rendered on
    /// first use: most entities never need it.
    var insertWithKeySQL: String {
        if let sql = _insertWithKeySQL { return sql }
        let columns = mapping.columns
        let sql = dialect.render(Insert(table: mapping.table, columns: columns.map(\.name), values: columns.map { _ in .parameter })).sql
        _insertWithKeySQL = sql
        return sql
    }
    private var _insertWithKeySQL: String?
    /// The dialect `insertSQL` is rendered in: the session's.
    let dialect: any Dialect
    /// The `version` column UPDATEs check and increment (optimistic locking), if the entity has one.
    public internal(set) var versionColumn: Int?
    /// Validations, callbacks, timestamps, soft delete; nil when the entity declares none
    /// (so a flush of such an entity checks nothing).
    var lifecycle: EntityLifecycle?
    /// The class's place in an inheritance hierarchy; nil for every other entity, which is
    /// the one check the hot paths make (InheritanceRuntime.swift).
    var inheritance: InheritanceRuntime?
    /// The `updated_at` column of `timestamps`, if the entity declares them.
    public var updatedAtColumn: Int? { lifecycle?.updatedAt }
    /// An entity with a natural (text) key, `id: String`: each key text gets a number, its
    /// handle, which the identity map and the loaders use as they use an integer id. nil for
    /// integer keys, whose handle is the id itself (the one check the hot paths make).
    public internal(set) var naturalKeys: NaturalKeyIndex?

    /// The handle of a key value (`.integer` for integer keys, `.text` for natural keys), or
    /// nil for NULL or a value of the other kind. For a foreign key column, ask the target's info.
    @inline(__always)
    public func handle(of key: DatabaseValue) -> Int64? {
        if case .integer(let id) = key, naturalKeys == nil { return id }
        guard let naturalKeys, case .text(let text) = key else { return nil }
        return naturalKeys.handle(of: text)
    }

    /// The handle of a row's own key (its first column): the id itself, or its natural key's number.
    @inline(__always)
    func handleOfKey(in row: SessionRow) -> Int64 {
        guard naturalKeys != nil else { return row.int64(0) }
        return handle(of: row, at: 0) ?? 0
    }

    /// The handle of the key in column `i` of a row (the row's key, or a foreign key pointing here).
    @inline(__always)
    func handle(of row: SessionRow, at i: Int) -> Int64? {
        guard let naturalKeys else { return row.nonNullInt64(i) }
        return row.isNull(i) ? nil : naturalKeys.handle(of: row.string(i))
    }

    /// Below every key: where keyset batches start (`id > 0`, or `code > ''` for a natural key).
    public var firstBatchKey: DatabaseValue { naturalKeys == nil ? .integer(0) : .text("") }

    /// The key value a handle stands for: what SQL binds (`.text("FR")`, `.integer(33)`).
    @inline(__always)
    public func keyValue(ofHandle handle: Int64) -> DatabaseValue {
        guard let naturalKeys else { return .integer(handle) }
        return .text(naturalKeys.text(ofHandle: handle))
    }

    init(mapping: EntityMapping, dialect: any Dialect = SessionDatabase.sqlDialect) {
        self.mapping = mapping
        self.dialect = dialect
        rebuildIndexes()
    }

    func update(_ mapping: EntityMapping) {
        self.mapping = mapping
        rebuildIndexes()
    }

    private func rebuildIndexes() {
        lifecycle = EntityLifecycle(mapping: mapping)
        let textKey = mapping.columns.first?.holdsTextKey ?? false
        if textKey != (naturalKeys != nil) { naturalKeys = textKey ? NaturalKeyIndex() : nil }
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
        versionColumn = mapping.versionColumn
        let columns = mapping.columns.dropFirst()
        var insert = Insert(table: mapping.table, columns: columns.map(\.name), values: columns.map { _ in .parameter })
        // PostgreSQL hands the new key back with RETURNING (the driver reads it as lastInsertID);
        // the tree names the key either way, so `:dialect` shows each database's way.
        insert.generatedKey = mapping.columns.first?.name
        insertSQL = dialect.render(insert).sql
        _insertWithKeySQL = nil
    }

    public var name: String { mapping.name }
    public var table: String { mapping.table }
}

// MARK: - Natural keys

/// Numbers the text keys of an entity with a natural key (`Country#FR`): handle n is the n-th
/// key seen in the session. The handles are what the identity map indexes (dense small numbers,
/// its direct mode); SQL binds the text, never the handle.
public final class NaturalKeyIndex {
    private var handles: [String: Int64] = [:]
    private var texts: [String] = []

    /// The handle of `text`, numbering it on first sight.
    public func handle(of text: String) -> Int64 {
        if let handle = handles[text] { return handle }
        texts.append(text)
        let handle = Int64(texts.count)
        handles[text] = handle
        return handle
    }

    public func text(ofHandle handle: Int64) -> String {
        handle >= 1 && handle <= Int64(texts.count) ? texts[Int(handle - 1)] : ""
    }
}

// MARK: - Association state

/// Whether an association of one object has been loaded, and what it holds.
enum AssociationState {
    case notLoaded
    case one(ManagedObject?)
    case many([ManagedObject])
}

/// One object's loaded associations, by association name; absent means not loaded.
///
/// A short list searched by name rather than a dictionary: an object has a handful of
/// associations, eager loading sets one on every parent it loads, and a dictionary costs a
/// storage allocation plus hashing the name for each of them. Names are compared with `==`,
/// which for the same short name is a comparison of two words.
struct AssociationStates {
    private struct Entry {
        let name: String
        var state: AssociationState
    }

    private var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    mutating func removeAll() { entries = [] }

    @inline(__always)
    private func index(of name: String) -> Int? {
        for i in entries.indices where entries[i].name == name { return i }
        return nil
    }

    /// The association's state; assigning nil forgets it (not loaded).
    subscript(name: String) -> AssociationState? {
        get { index(of: name).map { entries[$0].state } }
        set {
            if let i = index(of: name) {
                if let newValue { entries[i].state = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append(Entry(name: name, state: newValue))
            }
        }
    }
}

/// A small set of association names (for the associations eager loading filled this command):
/// a list, since it holds one or two names and a `Set` would hash each one.
struct AssociationNames: ExpressibleByArrayLiteral {
    private var names: [String] = []

    init() {}

    init(arrayLiteral names: String...) {
        for name in names { insert(name) }
    }

    var isEmpty: Bool { names.isEmpty }

    func contains(_ name: String) -> Bool { names.contains(name) }

    mutating func insert(_ name: String) {
        if !names.contains(name) { names.append(name) }
    }
}

// MARK: - Managed object

/// The fields of a managed object. Its values follow it in the same allocation (see
/// `ManagedObject`); the fields most objects never use sit in `ObjectExtras`, allocated on
/// first use, so a hydrated object stays small.
public struct ObjectHeader {
    /// The object's entity. Not counted (`unowned(unsafe)`): an `EntityInfo` lives as long as
    /// its session (`Session.infos` keeps it and never drops one), and objects are used through
    /// their session. A counted reference, strong or `unowned`, is an atomic read-modify-write
    /// on the one `EntityInfo` for every hydrated row: 5–8% of the time of a fetch.
    unowned(unsafe) let entity: EntityInfo
    /// Number of values (the entity's columns when the object was made); 32 bits, so that it
    /// and the state share one word.
    let count: Int32
    var state: ObjectState
    /// Which query hydrated it (a key into the session's load groups), for batch lazy loading.
    /// 32 bits, so that it and `serial` share one word (see `ManagedObject.loadGroup`).
    var loadGroup: Int32 = 0
    /// Numbers a new object before it has an id ("Author (new #2)"); 0 for loaded objects.
    /// Here rather than in `ObjectExtras`: every insert sets it, and a side object per insert
    /// cost an allocation (and its release) per line of a script of inserts.
    var serial: Int32 = 0
    var associations = AssociationStates()
    var extras: ObjectExtras?
}

/// What only some objects need: partial loads, unsaved changes, touched associations, and the
/// associations eager loading filled this command. (Every field moved here makes each of a
/// million hydrated objects smaller.)
final class ObjectExtras {
    var eagerLoaded = AssociationNames()
    var loadedColumns: [Bool]?
    var originalValues: [DatabaseValue]?
    var touched = Set<String>()
    var pendingReferences = [Int: ManagedObject]()
}

/// One object managed by a session: an entity instance bound to (at most) one row.
///
/// Speed code (issue 17's quarantine rule: say what it serves). The storage below (values inline
/// in a `ManagedBuffer`, an `unowned(unsafe)` entity, 32-bit header fields, rare fields in a side
/// object) serves `ormlab-bench`'s hydration and eager-loading workloads: hydration ≤ 1.3× and
/// eager IN/JOIN ≤ 1.5× the raw C loop (measured 1.0–1.3, docs/PERFORMANCE.md). Read and write
/// values through `value(ofColumn:)` / `setValue(_:ofColumn:)` or `values`; the rare fields
/// through their properties, which share one accessor path (`self[extra:…]`).
///
/// Values are stored one per column, in the table's column order (value 0 is the id), which
/// is also the order `SELECT "t".*` returns them in: hydration copies column i into slot i.
/// They are stored inline, after the object's fields, in one allocation (a `ManagedBuffer`
/// with the values as its elements): hydrating a row costs one heap allocation, not an object
/// plus an array. `values` reads and writes them as an array; hot paths use
/// `value(ofColumn:)` and `setValue(_:ofColumn:)`.
public final class ManagedObject: ManagedBuffer<ObjectHeader, DatabaseValue> {
    /// A new object of `entity` with `count` values, each written by `initialize(slot, i)`
    /// (which must initialize every slot: the object deinitializes `count` values).
    @inline(__always)
    static func make(entity: EntityInfo, count: Int, state: ObjectState, serial: Int = 0,
                     initialize: (UnsafeMutablePointer<DatabaseValue>, Int) -> Void) -> ManagedObject {
        // The values are written inside the factory, through the buffer it lends: writing them
        // afterwards through the returned object made Swift retain and release it around the
        // loop, and an atomic operation on a just-allocated object waits for its cache line.
        let buffer = ManagedObject.create(minimumCapacity: count) { buffer in
            buffer.withUnsafeMutablePointerToElements { values in
                for i in 0..<count { initialize(values + i, i) }
            }
            return ObjectHeader(entity: entity, count: Int32(count), state: state, serial: Int32(truncatingIfNeeded: serial))
        }
        return unsafeDowncast(buffer, to: ManagedObject.self)
    }

    /// A new object holding `values`.
    static func make(entity: EntityInfo, values: [DatabaseValue], state: ObjectState, serial: Int = 0) -> ManagedObject {
        values.withUnsafeBufferPointer { source in
            make(entity: entity, count: source.count, state: state, serial: serial) { slot, i in
                slot.initialize(to: source[i])
            }
        }
    }

    deinit {
        _ = withUnsafeMutablePointers { header, values in values.deinitialize(count: Int(header.pointee.count)) }
    }

    public var entity: EntityInfo { header.entity }

    public internal(set) var state: ObjectState {
        get { header.state }
        set { header.state = newValue }
    }

    /// Which query hydrated it, for batch lazy loading: the objects of one query load an
    /// association together (Hibernate's batch fetching). Stored in 32 bits: after 2^31
    /// queries in one session, a group number no longer matches its key, and an association
    /// is then loaded for its one object, not for its group.
    var loadGroup: Int {
        get { Int(header.loadGroup) }
        set { header.loadGroup = Int32(truncatingIfNeeded: newValue) }
    }

    /// Numbers new objects before they get an id: "Author (new #2)"; 0 until inserted.
    var serial: Int {
        get { Int(header.serial) }
        set { header.serial = Int32(truncatingIfNeeded: newValue) }
    }

    /// Number of values (columns).
    var valueCount: Int { Int(header.count) }

    /// One value per column of the entity's table, as an array (a copy; hot paths read and
    /// write by index). Assigning writes them back in place; an array of another length
    /// writes the common prefix and leaves the rest NULL.
    public internal(set) var values: [DatabaseValue] {
        get {
            withUnsafeMutablePointers { header, values in
                Array(UnsafeBufferPointer(start: values, count: Int(header.pointee.count)))
            }
        }
        set {
            withUnsafeMutablePointers { header, values in
                let count = Int(header.pointee.count)
                for i in 0..<count { values[i] = i < newValue.count ? newValue[i] : .null }
            }
        }
    }

    /// Every value but the id (columns 1..<end), as an INSERT binds them: one copy, read in place.
    func valuesAfterID(upTo end: Int) -> [DatabaseValue] {
        withUnsafeMutablePointers { header, values in
            Runtime.valuesAfterID(UnsafeBufferPointer(start: values, count: Int(header.pointee.count)), upTo: end)
        }
    }

    /// `body` with every value but the id (columns 1..<end) lent where they are, as an INSERT
    /// binds them. The object must not change during the call.
    func withValuesAfterID<R>(upTo end: Int, _ body: (UnsafeBufferPointer<DatabaseValue>) throws -> R) rethrows -> R {
        try withUnsafeMutablePointers { header, values in
            let end = min(end, Int(header.pointee.count))
            return try body(UnsafeBufferPointer(start: values + 1, count: max(0, end - 1)))
        }
    }

    /// The value of a scalar property or foreign key column.
    @inline(__always)
    public func value(ofColumn index: Int) -> DatabaseValue {
        withUnsafeMutablePointers { header, values in
            precondition(index >= 0 && index < Int(header.pointee.count), "column index out of range")
            return values[index]
        }
    }

    /// Replaces the value of column `index`.
    @inline(__always)
    func setValue(_ value: consuming DatabaseValue, ofColumn index: Int) {
        // Moved in, not copied: capturing `value` in the closure made a copy of it (a retain of
        // its text) and a destroy of the original per write.
        var newValue: DatabaseValue? = consume value
        withUnsafeMutablePointers { header, values in
            precondition(index >= 0 && index < Int(header.pointee.count), "column index out of range")
            values[index] = newValue.take()!
        }
    }

    /// The id if column `index` holds an integer (foreign keys, the primary key), without
    /// copying the value out.
    @inline(__always)
    func integer(ofColumn index: Int) -> Int64? {
        withUnsafeMutablePointers { header, values in
            precondition(index >= 0 && index < Int(header.pointee.count), "column index out of range")
            if case .integer(let i) = values[index] { return i }
            return nil
        }
    }

    // MARK: Associations

    /// Association states by association name; absent means not loaded.
    var associations: AssociationStates {
        get { header.associations }
        _modify { yield &header.associations }
    }

    // MARK: Rarely used fields

    /// The side object, made on first write.
    private var extras: ObjectExtras {
        if let extras = header.extras { return extras }
        let extras = ObjectExtras()
        header.extras = extras
        return extras
    }

    /// The one accessor path of the rarely used fields: a read gives `empty` while the side
    /// object does not exist, and a write makes it only when the value written is not empty, so
    /// the millions of objects that never use these fields never allocate it.
    @inline(__always)
    private subscript<T>(extra field: ReferenceWritableKeyPath<ObjectExtras, T>, empty empty: T,
                         isEmpty isEmpty: (T) -> Bool) -> T {
        get { header.extras?[keyPath: field] ?? empty }
        _modify {
            if let extras = header.extras {
                yield &extras[keyPath: field]
            } else {
                var value = empty
                yield &value
                if !isEmpty(value) { extras[keyPath: field] = value }
            }
        }
    }

    /// Associations filled by eager loading during the current command.
    var eagerLoaded: AssociationNames {
        get { self[extra: \.eagerLoaded, empty: AssociationNames(), isEmpty: { $0.isEmpty }] }
        _modify { yield &self[extra: \.eagerLoaded, empty: AssociationNames(), isEmpty: { $0.isEmpty }] }
    }

    /// For partial objects (`select(...)`): which columns were loaded.
    var loadedColumns: [Bool]? {
        get { self[extra: \.loadedColumns, empty: nil, isEmpty: { $0 == nil }] }
        _modify { yield &self[extra: \.loadedColumns, empty: nil, isEmpty: { $0 == nil }] }
    }

    /// Values as last loaded from or written to the database, kept once the object is changed.
    var originalValues: [DatabaseValue]? {
        get { self[extra: \.originalValues, empty: nil, isEmpty: { $0 == nil }] }
        _modify { yield &self[extra: \.originalValues, empty: nil, isEmpty: { $0 == nil }] }
    }

    /// Associations the learner touched (for the unused-eager-load note).
    public internal(set) var touched: Set<String> {
        get { self[extra: \.touched, empty: [], isEmpty: { $0.isEmpty }] }
        _modify { yield &self[extra: \.touched, empty: [], isEmpty: { $0.isEmpty }] }
    }

    /// `!pendingReferences.isEmpty`, without making an empty dictionary when there are none.
    var hasPendingReferences: Bool { header.extras.map { !$0.pendingReferences.isEmpty } ?? false }

    /// Foreign keys that point at objects not yet inserted, by column index; filled in on flush.
    var pendingReferences: [Int: ManagedObject] {
        get { self[extra: \.pendingReferences, empty: [:], isEmpty: { $0.isEmpty }] }
        _modify { yield &self[extra: \.pendingReferences, empty: [:], isEmpty: { $0.isEmpty }] }
    }

    // MARK: Reading

    /// The primary key, once the row exists (or, for a key given on insert, once given): the
    /// integer id, or for a natural key its handle (see `NaturalKeyIndex`; SQL binds `keyValue`).
    public var id: Int64? {
        guard entity.naturalKeys != nil else { return integer(ofColumn: 0) }
        return entity.handle(of: value(ofColumn: 0))
    }

    /// The key as SQL binds it: the integer id, or a natural key's text; NULL before it has one.
    public var keyValue: DatabaseValue { value(ofColumn: 0) }

    /// The key a foreign key can hold now: nil while the object's INSERT is still to come, even
    /// when its key was given (the pending reference is what orders that INSERT first).
    var rowKey: DatabaseValue? {
        guard state != .new, id != nil else { return nil }
        return keyValue
    }

    /// The handle of the object a foreign key column (`index`) points at, in `target`'s numbering.
    @inline(__always)
    func reference(ofColumn index: Int, in target: EntityInfo) -> Int64? {
        if target.naturalKeys == nil { return integer(ofColumn: index) }
        return target.handle(of: value(ofColumn: index))
    }

    /// "Author#1", `Country#FR`, or "Author (new #1)" before the first flush.
    public var ref: String {
        if entity.naturalKeys != nil, case .text(let key) = keyValue { return "\(entity.name)#\(naturalKeyReference(key))" }
        if let id { return "\(entity.name)#\(id)" }
        return "\(entity.name) (new #\(serial))"
    }

    /// Values as loaded, while the object has unsaved changes (for "was" in the objects pane).
    public var originalValuesForDisplay: [DatabaseValue]? { state == .dirty ? originalValues : nil }

    /// The not-yet-inserted object a foreign key column will point at, if any.
    public func pendingReference(column index: Int) -> ManagedObject? { header.extras?.pendingReferences[index] }

    public func isLoaded(column index: Int) -> Bool { header.extras?.loadedColumns?[index] ?? true }

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

/// A natural key as the DSL reads it after `#`: bare when it is a word (`Country#FR`), quoted
/// otherwise (`Country#"New Zealand"`).
public func naturalKeyReference(_ key: String) -> String {
    let isWord = key.first.map { $0.isLetter || $0 == "_" } == true
        && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    if isWord { return key }
    return "\"" + key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
