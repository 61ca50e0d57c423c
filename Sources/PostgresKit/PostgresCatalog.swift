import DatabaseKit

// Reading a schema ORMLab did not make, on PostgreSQL: keys, foreign keys, indexes and views of
// the current schema from pg_catalog (information_schema has no index list, and names columns
// of a multi-column key only through joins by constraint name). The same questions SQLiteKit
// answers from sqlite_master and its PRAGMAs, so one inference serves both. Read unobserved:
// the workbench looking, not the ORM working.

extension PostgresConnection: SchemaCatalog {
    public func primaryKeyColumns(of table: String) throws -> [String] {
        try read("""
            SELECT a.attname::text
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE i.indisprimary AND c.relname = $1 AND n.nspname = current_schema()
            ORDER BY k.ord
            """, [.text(table)]).map { text($0[0]) }
    }

    /// One entry per column pair of each foreign key (a two-column key gives two), like SQLite's
    /// `foreign_key_list`; the delete rule in the words of the DDL.
    public func foreignKeys(of table: String) throws -> [ForeignKeyInfo] {
        try read("""
            SELECT a.attname::text, p.relname::text, pa.attname::text, con.confdeltype::text
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_class p ON p.oid = con.confrelid
            JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(src, dst, ord) ON true
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.src
            JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.dst
            WHERE con.contype = 'f' AND c.relname = $1 AND n.nspname = current_schema()
            ORDER BY con.conname, k.ord
            """, [.text(table)]).map { row in
            let rule: String
            switch text(row[3]) {
            case "c": rule = "CASCADE"
            case "n": rule = "SET NULL"
            case "d": rule = "SET DEFAULT"
            case "r": rule = "RESTRICT"
            default: rule = "NO ACTION"
            }
            return ForeignKeyInfo(from: text(row[0]), table: text(row[1]), to: text(row[2]), onDelete: rule)
        }
    }

    /// The indexes of `table`, each with its columns in order (an index on an expression lists
    /// only its plain columns); those a PRIMARY KEY or UNIQUE constraint made are marked so.
    public func indexes(of table: String) throws -> [IndexInfo] {
        try read("""
            SELECT ic.relname::text, i.indisunique,
                   i.indisprimary OR EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u')),
                   (SELECT string_agg(a.attname::text, chr(31) ORDER BY k.ord)
                    FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum),
                   i.indpred IS NOT NULL
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = $1 AND n.nspname = current_schema()
            ORDER BY ic.relname
            """, [.text(table)]).map { row in
            IndexInfo(name: text(row[0]), columns: text(row[3]).split(separator: "\u{1F}").map(String.init),
                      isUnique: row[1] == .integer(1), isFromConstraint: row[2] == .integer(1),
                      isPartial: row[4] == .integer(1))
        }
    }

    public func viewNames() throws -> [String] {
        try read("SELECT viewname::text FROM pg_views WHERE schemaname = current_schema() ORDER BY viewname").map { text($0[0]) }
    }

    /// An identity column, or a default that draws from a sequence (SERIAL).
    public func generatesValue(of column: String, in table: String) throws -> Bool {
        let rows = try read("""
            SELECT a.attidentity <> '' OR COALESCE(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relname = $1 AND a.attname = $2 AND n.nspname = current_schema()
            """, [.text(table), .text(column)])
        return rows.first?.first == .integer(1)
    }

    /// The declared types with their modifiers (`NUMERIC(10,2)`, `CHARACTER VARYING(120)`),
    /// which `columns(of:)` leaves out so that ORMLab's own tables compare by kind.
    public func declaredColumnTypes(of table: String) throws -> [String: String] {
        var types: [String: String] = [:]
        for row in try read("""
            SELECT a.attname::text, upper(format_type(a.atttypid, a.atttypmod))
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = $1 AND n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
            """, [.text(table)]) {
            types[text(row[0])] = text(row[1]).replacing(" WITHOUT TIME ZONE", with: "")
        }
        return types
    }
}
