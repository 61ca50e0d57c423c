import DSL
import Mapping
import Report
import Runtime
import DatabaseKit

// Showing a value in the report: objects, scalars, tables and the panes they fill.

extension Workbench {
    func show(_ value: Value, for expr: Expr, into report: inout Report, binding: String? = nil) throws {
        switch value {
        case .entity(let info):
            if binding == nil {
                showMapping(info.name, into: &report)
                report.notes.append(Note(.info, "\(info.name) is an entity; \(info.name).all lists its objects, \(info.name)#1 finds one"))
            }
        case .query(let query, let info):
            if let binding {
                report.value = .text("\(binding) = \(query.dsl)")
                report.notes.append(Note(.info, "\(binding) holds a query, not its results: it runs each time it is used (like a Rails relation or a Django queryset)"))
                return
            }
            let result = try session.fetch(query)
            showMapping(info.name, into: &report)
            setObjects(result.objects, hits: result.identityHits, into: &report)
            if let rows = result.joinRows {
                let parts = result.joinObjects.map { "\($0.count) \($0.entity)" }.joined(separator: " + ")
                // Only to-many joins repeat the parent row; a to-one join repeats the related object instead.
                let roots = result.joinObjects.first?.count ?? result.objects.count
                let related = result.joinObjects.dropFirst().reduce(0) { $0 + $1.count }
                let why = rows > roots ? "each \(info.name) row repeats once per related row"
                                       : related == 0 ? "no related rows were found" : "one row per \(info.name), carrying its related object's columns (a related object shared by several \(info.name) objects is read again in each row)"
                report.notes.append(Note(.joinRows, "JOIN returned \(rows) row\(rows == 1 ? "" : "s"), collapsed into \(parts) object\(rows == 1 ? "" : "s"): \(why)"))
            }
        case .batches(let query, let info, let size):
            var all: [ManagedObject] = []
            try forEachBatch(query, info: info, size: size) { all += $0 }
            showMapping(info.name, into: &report)
            setObjects(all, hits: [], into: &report)
        case .object(let object, let hit):
            showMapping(object.entity.name, into: &report)
            setObjects([object], hits: hit ? [ObjectIdentifier(object)] : [], rowsWereRead: false, into: &report)
            if hit {
                let current = session.log.current
                if current.isEmpty {
                    report.notes.append(Note(.identityMap, "\(object.ref) came from the identity map: it is already loaded in this session, so no SQL ran (one object per row per session)"))
                } else {
                    // The SQL of this command read other rows (`Book#1.tags.remove(Tag#2)` reads Tag#2's): name them.
                    // (An autoflush's statements are named once, as "the autoflush".)
                    var causes: [String] = []
                    for record in current where !record.cause.isEmpty {
                        let cause = record.cause.hasPrefix("autoflush") ? "the autoflush" : record.cause
                        if !causes.contains(cause) { causes.append(cause) }
                    }
                    let listed = causes.count <= 2 ? causes.joined(separator: " and ") : causes.prefix(2).joined(separator: ", ") + ", …"
                    let ran = causes.isEmpty ? "" : "; the SQL above ran for \(listed)"
                    report.notes.append(Note(.identityMap, "\(object.ref) came from the identity map: it is already loaded in this session, so no SQL read its row\(ran)"))
                }
            }
        case .objects(let objects):
            setObjects(objects, hits: [], into: &report)
            if let first = objects.first { showMapping(first.entity.name, into: &report) }
        case .association(let owner, let association, let access):
            let load = try session.load(association, of: owner, access: access)
            showMapping(owner.entity.name, into: &report)
            setObjects(load.objects, hits: load.fromIdentityMap ? Set(load.objects.map(ObjectIdentifier.init)) : [], into: &report)
            if !load.ranQuery {
                if load.fromIdentityMap {
                    report.notes.append(Note(.identityMap, "\(access): \(load.objects.first?.ref ?? "the target") was already in the identity map, so no query ran"))
                } else if session.log.current.isEmpty {
                    report.notes.append(Note(.info, "\(access) was already loaded: no query ran"))
                }
            }
        case .scalar(let v, let type):
            // A Decimal outside an object (a property read, a sum) carries no column: every digit
            // it has is shown (NUMERIC(12,4) gives 12.3456), at least two.
            let scale = type == .decimal ? decimalDisplayScale(v) : ExactDecimal.defaultScale
            report.value = displayValue(v, type: type, scale: scale)
            if let binding { report.value = .text("\(binding) = \(displayValue(v, type: type, scale: scale).display)") }
        case .table(let header, let rows):
            report.blocks.append(.table(title: nil, header: header, rows: rows))
        case .nothing:
            break
        }
    }

    /// `rowsWereRead`: the hits' rows were read by this command's SQL (a query that found
    /// objects already loaded), rather than found without SQL (`Author#1` from the identity map).
    func setObjects(_ objects: [ManagedObject], hits: Set<ObjectIdentifier>, rowsWereRead: Bool = true, into report: inout Report) {
        lastObjects = objects
        guard buildsReports else {
            report.omittedObjects = objects.count
            return
        }
        report.objects = objects.prefix(objectLimit).map { snapshot($0, fromIdentityMap: hits.contains(ObjectIdentifier($0))) }
        report.omittedObjects = max(0, objects.count - objectLimit)
        if let stale = objects.first(where: { $0.state == .stale }), !session.pendingNotes.contains(where: { $0.kind == .bulk }) {
            report.notes.append(Note(.stale, "\(stale.ref) is stale: its row changed behind the session's back, so its values are shown as loaded, not as current; \(stale.ref).reload (or a query that returns it) reads it again"))
        }
        let hitCount = objects.filter { hits.contains(ObjectIdentifier($0)) }.count
        if rowsWereRead && hitCount > 0 && !session.log.current.isEmpty && objects.count > 0 {
            report.notes.append(Note(.identityMap, "\(hitCount) of \(objects.count) object\(objects.count == 1 ? " was" : "s were") already in the identity map: the row was read, but the same object came back (its in-memory state wins)"))
        }
    }
}

/// The digits after the point of a Decimal value read without its column, at least two.
func decimalDisplayScale(_ v: DatabaseValue) -> Int {
    let text: String
    switch v {
    case .text(let s): text = s
    case .real(let d): text = "\(d)"
    default: return ExactDecimal.defaultScale
    }
    guard let dot = text.firstIndex(of: "."), !text.contains("e"), !text.contains("E") else { return ExactDecimal.defaultScale }
    return max(ExactDecimal.defaultScale, min(18, text[text.index(after: dot)...].prefix { $0.isNumber }.count))
}
