// An entity-relationship diagram of a schema as plain data: boxes (entity tables and join
// tables) with their columns and keys, and the relationships between them with the cardinality
// of each end. Mapping builds it from the schema (`Schema.diagram`); Render lays it out for a
// terminal, as Mermaid text and as SVG. A later kind of box or line (an inheritance arrow) is one
// more case here and one more drawing in each layout.

public struct ERDiagram: Sendable, Equatable {
    public var boxes: [Box]
    public var relationships: [Relationship]
    /// What the picture leaves out, said under it ("Book waits for Author (no table yet)").
    public var notes: [String]

    public init(boxes: [Box] = [], relationships: [Relationship] = [], notes: [String] = []) {
        self.boxes = boxes
        self.relationships = relationships
        self.notes = notes
    }

    public func box(named name: String) -> Box? { boxes.first { $0.name == name } }

    /// One table in the picture.
    public struct Box: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable {
            /// An entity's table.
            case entity
            /// A many-to-many association's join table (no entity of its own).
            case joinTable = "join table"
        }
        /// The entity's name, or the join table's name for a join table.
        public var name: String
        public var table: String
        public var kind: Kind
        public var columns: [Column]

        public init(name: String, table: String, kind: Kind, columns: [Column]) {
            self.name = name
            self.table = table
            self.kind = kind
            self.columns = columns
        }
    }

    public struct Column: Sendable, Equatable {
        public var name: String
        /// As the session's dialect names it ("INTEGER", "TEXT").
        public var type: String
        public var isPrimaryKey: Bool
        /// The box this foreign key points at, if it is one.
        public var references: String?
        public var isNullable: Bool
        public var isUnique: Bool

        public init(name: String, type: String, isPrimaryKey: Bool = false, references: String? = nil,
                    isNullable: Bool = false, isUnique: Bool = false) {
            self.name = name
            self.type = type
            self.isPrimaryKey = isPrimaryKey
            self.references = references
            self.isNullable = isNullable
            self.isUnique = isUnique
        }

        /// "PK", "FK", "PK FK" (a join table's columns), "UQ" or "".
        public var keyMarks: String {
            var marks: [String] = []
            if isPrimaryKey { marks.append("PK") }
            if references != nil { marks.append("FK") }
            if isUnique && !isPrimaryKey { marks.append("UQ") }
            return marks.joined(separator: " ")
        }
    }

    /// How many rows may stand at one end of a relationship.
    public enum Cardinality: String, Sendable, Equatable {
        case exactlyOne = "1"
        case zeroOrOne = "0..1"
        case zeroOrMany = "*"

        /// Mermaid's crow's-foot end, written on the left of `--` ("||", "|o", "}o") …
        public var mermaidLeft: String {
            switch self {
            case .exactlyOne: return "||"
            case .zeroOrOne: return "|o"
            case .zeroOrMany: return "}o"
            }
        }
        /// … and on its right ("||", "o|", "o{").
        public var mermaidRight: String {
            switch self {
            case .exactlyOne: return "||"
            case .zeroOrOne: return "o|"
            case .zeroOrMany: return "o{"
            }
        }
    }

    /// A foreign key drawn as a line: `from` (the table holding `column`) to `to` (the table it
    /// points at).
    public struct Relationship: Sendable, Equatable {
        public var from: String
        public var column: String
        public var to: String
        /// How many `from` rows one `to` row has (`*` for a plain foreign key, `0..1` for a unique one).
        public var fromEnd: Cardinality
        /// How many `to` rows one `from` row points at (`1`, or `0..1` when the key may be NULL).
        public var toEnd: Cardinality
        /// The association names it carries ("author / books"), or the column for a join table.
        public var label: String

        public init(from: String, column: String, to: String, fromEnd: Cardinality, toEnd: Cardinality, label: String) {
            self.from = from
            self.column = column
            self.to = to
            self.fromEnd = fromEnd
            self.toEnd = toEnd
            self.label = label
        }

        public var isSelfReference: Bool { from == to }
    }
}
