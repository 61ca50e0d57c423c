import Foundation
import Mapping
import Testing
import Workbench
@testable import SwiftExport

/// Polymorphic associations in the exports: the two columns, and an enum with a getter and a
/// setter over them (GRDB has no polymorphic association; its records also get the queries).
@Suite struct PolymorphicExportTests {
    let model = """
    entity Post { title: String; comments: [Comment] via subject }
    entity Photo { url: String; comments: [Comment] via subject }
    entity Comment { body: String; subject: Post | Photo? }
    """

    @Test func plainExportHasTheEnumAndTypeChecks() throws {
        let code = SwiftExporter.export(try schema(model), style: .plain)
        #expect(code.contains("    var subjectType: String?\n    var subjectId: Int?\n"))
        #expect(code.contains("        case post(id: Int)\n        case photo(id: Int)\n"))
        #expect(code.contains("guard let type = subjectType, let id = subjectId else { return nil }"))
        #expect(code.contains("mutating func setSubject(_ subject: Subject?)"))
        #expect(code.contains("// Load them with a query on Comment: subjectType == \"Post\" and subjectId == id."))
        guard swiftcPath != nil else {
            print("PolymorphicExportTests: SKIPPED the type check: no swiftc found")
            return
        }
        let errors = try typecheckErrors(code, name: "PolymorphicPlain")
        #expect(errors == nil, "\(errors ?? "")")
    }

    @Test func grdbExportReadsEachTypeAndListsTheOtherSide() throws {
        let code = SwiftExporter.export(try schema(model), style: .grdb)
        #expect(code.contains("case .photo(let id)?: return try Photo.fetchOne(db, key: Int64(id)).map { .photo($0) }"))
        #expect(code.contains("Comment.filter(Comment.Columns.subjectType == \"Post\" && Comment.Columns.subjectId == id)"))
        #expect(code.contains("Comment.filter(Comment.Columns.subjectType == \"Photo\" && Comment.Columns.subjectId == id)"))
        // No foreign key in the DDL, the index over both columns.
        #expect(code.contains(#"CREATE INDEX "comment_subject_type_subject_id" ON "comment"("subject_type", "subject_id")"#))
        #expect(!code.contains("REFERENCES"))
        #expect(!code.contains("belongsTo(Post"))
    }
}
