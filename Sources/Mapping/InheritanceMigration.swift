import DSL
import SQLBuilder

// Changing the inheritance strategy of a hierarchy: the rows move between tables, never lost.

extension Schema {
    /// `entity Vehicle inheritance(joined) { … }` when Vehicle is the root of a hierarchy with
    /// another strategy.
    func changingStrategy(of root: String, to strategy: InheritanceStrategy, decl: EntityDecl, in dialect: any Dialect) -> SchemaChange {
        let from = hierarchy[root]?.strategy.rawValue ?? "none"
        return SchemaChange(schema: self, diagnostics: [Diagnostic(.error,
            "changing \(root)'s inheritance from \(from) to \(strategy.rawValue) is not supported",
            at: decl.inheritance?.range ?? decl.name.range,
            hint: "nothing changed; keep inheritance(\(from))")])
    }
}
