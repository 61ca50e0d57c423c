import Report

/// Renders a report as one JSON object on one line (`--format json`, SPEC §6).
///
/// Keys, in this order: `input`, `ok`, `mapping`, `sql`, `objects`, `omitted_objects` (only when
/// > 0), `value` (only when the command produced one), `notes`, `diagnostics`, `blocks`, `summary`.
///
/// Value typing: integers and reals are JSON numbers (non-finite reals are `null`), text is a
/// string, booleans are `true`/`false`, nil is `null`, and a blob is `{"bytes": n}` (its size,
/// like the terminal's `<n bytes>`; the bytes themselves are not exported).
/// Statement times (`ms`) are rounded to 3 decimals. An association is `null` when not loaded,
/// otherwise the list of refs it holds (a to-one holds one ref, or none when it is nil).
public enum JSONRenderer {
    /// Exactly one line, no trailing newline.
    public static func render(_ report: Report) -> String {
        var fields: [(String, JSON)] = [
            ("input", .string(report.input)),
            ("ok", .bool(report.ok)),
            ("mapping", .array(report.mapping.map(entityJSON))),
            ("sql", .array(report.sql.map(statementJSON))),
            ("objects", .array(report.objects.map(objectJSON))),
        ]
        if report.omittedObjects > 0 { fields.append(("omitted_objects", .int(Int64(report.omittedObjects)))) }
        if let session = report.sessionName { fields.append(("session", .string(session))) }
        if !report.lifecycle.isEmpty {
            fields.append(("lifecycle", .array(report.lifecycle.map { timeline in
                .object([("ref", .string(timeline.ref)), ("steps", .array(timeline.steps.map { .string($0) }))])
            })))
        }
        if let value = report.value { fields.append(("value", valueJSON(value))) }
        fields += [
            ("notes", .array(report.notes.map { .object([("kind", .string($0.kind.rawValue)), ("message", .string($0.message))]) })),
            ("diagnostics", .array(report.diagnostics.map(diagnosticJSON))),
            ("blocks", .array(report.blocks.map(blockJSON))),
            ("summary", .string(report.summary)),
        ]
        var out = ""
        JSON.object(fields).write(to: &out)
        return out
    }

    // MARK: - Report parts

    static func entityJSON(_ entity: EntityFacts) -> JSON {
        var fields: [(String, JSON)] = [
            ("entity", .string(entity.entity)),
            ("table", .string(entity.table)),
            ("columns", .array(entity.columns.map { column in
                .object([
                    ("property", .string(column.property)),
                    ("column", .string(column.column)),
                    ("type", .string(column.sqlType)),
                    ("constraints", .array(column.constraints.map(JSON.string))),
                ])
            })),
            ("associations", .array(entity.associations.map { association in
                .object([
                    ("name", .string(association.name)),
                    ("kind", .string(association.kind)),
                    ("target", .string(association.target)),
                    ("storage", .string(association.storage)),
                    ("details", .array(association.details.map(JSON.string))),
                ])
            })),
            ("indexes", .array(entity.indexes.map(JSON.string))),
        ]
        if let status = entity.status { fields.append(("status", .string(status))) }
        if let persistedBy = entity.persistedBy { fields.append(("persisted_by", .string(persistedBy))) }
        if !entity.inheritance.isEmpty { fields.append(("inheritance", .array(entity.inheritance.map(JSON.string)))) }
        return .object(fields)
    }

    static func statementJSON(_ statement: StatementRecord) -> JSON {
        var fields: [(String, JSON)] = [
            ("sql", .string(statement.sql)),
            ("params", .array(statement.params.map(valueJSON))),
            ("rows", .int(Int64(statement.rows))),
            ("ms", statement.ms.isFinite ? .double((statement.ms * 1000).rounded() / 1000) : .null),
            ("cause", .string(statement.cause)),
        ]
        if let error = statement.error { fields.append(("error", .string(error))) }
        if let counters = statement.counters {
            fields.append(("counters", .object([
                ("vm_steps", .int(Int64(counters.vmSteps))),
                ("full_scan_steps", .int(Int64(counters.fullScanSteps))),
                ("sorts", .int(Int64(counters.sorts))),
                ("auto_indexes", .int(Int64(counters.autoIndexes))),
            ])))
        }
        return .object(fields)
    }

    static func objectJSON(_ object: ObjectSnapshot) -> JSON {
        var fields: [(String, JSON)] = [
            ("ref", .string(object.ref)),
            ("entity", .string(object.entity)),
            ("state", .string(object.state.rawValue)),
            ("values", .object(object.values.map { ($0.name, valueJSON($0.value)) })),
            ("associations", .object(object.associations.map { association in
                (association.name, association.loaded.map { .array($0.map(JSON.string)) } ?? .null)
            })),
            ("from_identity_map", .bool(object.fromIdentityMap)),
        ]
        if let words = object.activeRecordState { fields.append(("active_record_state", .string(words))) }
        if !object.changes.isEmpty {
            fields.append(("changes", .object(object.changes.map { ($0.name, valueJSON($0.value)) })))
        }
        return .object(fields)
    }

    static func diagnosticJSON(_ diagnostic: DiagnosticRecord) -> JSON {
        .object([
            ("severity", .string(diagnostic.severity)),
            ("message", .string(diagnostic.message)),
            ("line", .int(Int64(diagnostic.line))),
            ("column", .int(Int64(diagnostic.column))),
            ("hint", diagnostic.hint.map(JSON.string) ?? .null),
        ])
    }

    static func blockJSON(_ block: Block) -> JSON {
        func title(_ title: String?) -> JSON { title.map(JSON.string) ?? .null }
        switch block {
        case .text(let heading, let body):
            return .object([("type", .string("text")), ("title", title(heading)), ("body", .string(body))])
        case .table(let heading, let header, let rows):
            return .object([
                ("type", .string("table")), ("title", title(heading)),
                ("header", .array(header.map(JSON.string))),
                ("rows", .array(rows.map { .array($0.map(JSON.string)) })),
            ])
        case .code(let heading, let lines):
            return .object([("type", .string("code")), ("title", title(heading)), ("lines", .array(lines.map(JSON.string)))])
        case .diagram(let heading, let diagram):
            return .object([("type", .string("diagram")), ("title", title(heading)), ("diagram", diagramJSON(diagram))])
        }
    }

    /// Boxes with their columns, relationships with both ends' cardinality (`1`, `0..1`, `*`).
    static func diagramJSON(_ diagram: ERDiagram) -> JSON {
        .object([
            ("boxes", .array(diagram.boxes.map { box in
                .object([
                    ("name", .string(box.name)), ("table", .string(box.table)), ("kind", .string(box.kind.rawValue)),
                    ("columns", .array(box.columns.map { column in
                        .object([
                            ("name", .string(column.name)), ("type", .string(column.type)),
                            ("primary_key", .bool(column.isPrimaryKey)), ("references", column.references.map(JSON.string) ?? .null),
                            ("nullable", .bool(column.isNullable)), ("unique", .bool(column.isUnique)),
                        ])
                    })),
                ])
            })),
            ("relationships", .array(diagram.relationships.map { r in
                .object([
                    ("from", .string(r.from)), ("column", .string(r.column)), ("to", .string(r.to)),
                    ("from_end", .string(r.fromEnd.rawValue)), ("to_end", .string(r.toEnd.rawValue)), ("label", .string(r.label)),
                ])
            })),
            ("notes", .array(diagram.notes.map(JSON.string))),
        ])
    }

    static func valueJSON(_ value: ReportValue) -> JSON {
        switch value {
        case .null: return .null
        case .integer(let i): return .int(i)
        case .real(let d): return d.isFinite ? .double(d) : .null
        case .text(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .blob(let bytes): return .object([("bytes", .int(Int64(bytes.count)))])
        case .decimal(let text): return .object([("decimal", .string(text))])
        }
    }
}

// MARK: - JSON writer

/// A JSON value whose objects keep their keys in insertion order.
enum JSON {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    /// Appends the compact serialization (no spaces, no newlines) to `out`.
    func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            // Swift's shortest round-trip form ("0.042", "3.0", "1e-07") is valid JSON.
            out += d.isFinite ? String(d) : "null"
        case .string(let s): JSON.writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (i, (key, value)) in fields.enumerated() {
                if i > 0 { out += "," }
                JSON.writeString(key, to: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    /// A quoted JSON string: `"` and `\` escaped, control characters (and U+2028/2029, DEL) as
    /// `\n`, `\t`, … or `\u00XX`, so the output never holds a raw newline.
    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || v == 0x2028 || v == 0x2029 {
                    let hex = String(v, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
