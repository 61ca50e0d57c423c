// What Tab completion knows about the session: commands, lessons, entities and variables.
// The executable fills it from the workbench before each prompt; REPLKit never sees the DSL.

/// The words completion can offer, gathered from the current session.
public struct CompletionVocabulary: Sendable, Equatable {
    /// Workbench commands with their colon: ":help", ":lesson", ...
    public var commands: [String]
    /// Topics of `:help TOPIC`.
    public var helpTopics: [String]
    /// Lesson identifiers for `:lesson ID`.
    public var lessonIDs: [String]
    /// The entities defined so far.
    public var entities: [EntityVocabulary]
    /// Session variables (`let ursula = ...`): name → entity of the value.
    public var variables: [String: String]
    /// Query steps offered after `Entity.`.
    public var queryMethods: [String]

    /// The query steps of the DSL, offered after `Entity.`.
    public static let defaultQueryMethods = [
        "all", "where", "order", "limit", "offset", "select", "include", "count", "first",
        "group", "sum", "avg", "min", "max", "having", "after", "batches",
    ]

    public init(commands: [String] = [], helpTopics: [String] = [], lessonIDs: [String] = [],
                entities: [EntityVocabulary] = [], variables: [String: String] = [:],
                queryMethods: [String] = CompletionVocabulary.defaultQueryMethods) {
        self.commands = commands
        self.helpTopics = helpTopics
        self.lessonIDs = lessonIDs
        self.entities = entities
        self.variables = variables
        self.queryMethods = queryMethods
    }

    /// The entity called `name` (exact case), if defined.
    public func entity(named name: String) -> EntityVocabulary? {
        entities.first { $0.name == name }
    }
}

/// One entity as completion sees it: its property and association names.
public struct EntityVocabulary: Sendable, Equatable {
    public var name: String
    /// Scalar properties (`name`, `born`), without `id` unless it should be offered.
    public var properties: [String]
    public var associations: [AssociationVocabulary]

    public init(name: String, properties: [String], associations: [AssociationVocabulary] = []) {
        self.name = name
        self.properties = properties
        self.associations = associations
    }

    /// The association called `name`, if any.
    public func association(named name: String) -> AssociationVocabulary? {
        associations.first { $0.name == name }
    }
}

/// An association of an entity: its name, the entity it leads to, and whether it is to-many.
public struct AssociationVocabulary: Sendable, Equatable {
    public var name: String
    public var target: String
    /// `[Book]` (has-many, many-to-many) rather than `Author` (belongs-to, has-one).
    public var isToMany: Bool

    public init(name: String, target: String, isToMany: Bool) {
        self.name = name
        self.target = target
        self.isToMany = isToMany
    }
}

/// The text typed so far and where the cursor is.
public struct CompletionRequest: Sendable, Equatable {
    /// The whole entry typed so far (earlier lines of a multi-line entry joined with "\n").
    public var line: String
    /// Cursor position as a Character offset into `line`.
    public var cursor: Int

    public init(line: String, cursor: Int) {
        self.line = line
        self.cursor = cursor
    }

    /// A request with the cursor at the end of `line`.
    public init(_ line: String) {
        self.init(line: line, cursor: line.count)
    }
}

/// What Tab should do: the candidates for the word at the cursor and the text to insert.
public struct CompletionResult: Sendable, Equatable {
    /// Character offset where the word being completed starts.
    public var replaceFrom: Int
    /// Every matching candidate, sorted.
    public var candidates: [String]
    /// Text to insert at the cursor: the rest of the unique candidate (plus a helpful `(` or
    /// space), or the extension shared by all candidates; empty when there is nothing to add.
    public var insertion: String

    public init(replaceFrom: Int, candidates: [String], insertion: String) {
        self.replaceFrom = replaceFrom
        self.candidates = candidates
        self.insertion = insertion
    }

    /// No candidates at `cursor`.
    public static func none(at cursor: Int) -> CompletionResult {
        CompletionResult(replaceFrom: cursor, candidates: [], insertion: "")
    }
}
