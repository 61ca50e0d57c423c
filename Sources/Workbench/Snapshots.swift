import Mapping
import Report
import Runtime
import DatabaseKit

extension Workbench {
    /// The mapping pane of a statement's report: how `entity` maps (nothing when `buildsReports` is off).
    func showMapping(_ entity: String, into report: inout Report) {
        if buildsReports { report.mapping = [session.schema.facts(for: entity, in: session.dialect)] }
    }

    /// The objects pane for objects a command created, changed or deleted: a snapshot of each,
    /// or only their number when `buildsReports` is off.
    func showTouched(_ objects: [ManagedObject], into report: inout Report) {
        if buildsReports {
            report.objects = objects.map { snapshot($0) }
        } else {
            report.omittedObjects = objects.count
        }
    }

    /// An object as the objects pane shows it: identity, state, values in declaration order
    /// (foreign keys by column name), each association loaded or not, old values of changes.
    func snapshot(_ object: ManagedObject, fromIdentityMap: Bool = false) -> ObjectSnapshot {
        let mapping = object.entity.mapping
        var values: [NamedValue] = []
        var changes: [NamedValue] = []
        let original = object.originalValuesForDisplay
        for (i, column) in mapping.columns.enumerated() where i > 0 {
            guard object.isLoaded(column: i) else { continue }
            let name: String
            switch column.role {
            case .foreignKey: name = column.name
            default: name = column.property
            }
            if let pending = object.pendingReference(column: i) {
                values.append(NamedValue(name, .text("⟨id of \(pending.ref)⟩")))
            } else {
                values.append(NamedValue(name, displayValue(object.value(ofColumn: i), type: column.scalarType, scale: column.decimalScale)))
            }
            if let original, original[i] != object.value(ofColumn: i) {
                changes.append(NamedValue(name, displayValue(original[i], type: column.scalarType, scale: column.decimalScale)))
            }
        }
        let associations = mapping.associations.map { association -> AssociationSnapshot in
            let loaded = object.isAssociationLoaded(association.name) ? object.loadedObjects(of: association.name).map(\.ref) : nil
            return AssociationSnapshot(name: association.name, loaded: loaded, isToMany: association.isToMany)
        }
        var snapshot = ObjectSnapshot(ref: object.ref, entity: mapping.name, state: ObjectSnapshot.State(object.state), values: values,
                                      associations: associations, fromIdentityMap: fromIdentityMap, changes: changes)
        if session.pattern == .activeRecord { snapshot.activeRecordState = object.state.activeRecordWords }
        return snapshot
    }
}

/// A stored value as the learner sees it, using the property's type (Bool is stored as 0/1).
func displayValue(_ v: DatabaseValue, type: ScalarType?, scale: Int = ExactDecimal.defaultScale) -> ReportValue {
    if type == .bool, case .integer(let i) = v { return .bool(i != 0) }
    // SQLite's NUMERIC affinity gives back 10.5 for '10.50': shown at the column's scale, exactly.
    if type == .decimal, let exact = ExactDecimal(v, scale: scale) { return .decimal(exact.description) }
    return reportValue(v)
}
