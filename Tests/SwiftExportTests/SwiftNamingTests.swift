import Foundation
import Mapping
import Testing
import Workbench
@testable import SwiftExport

@Suite struct SwiftNamingTests {
    @Test(arguments: [
        ("author", "Author"), ("blog_post", "BlogPost"), ("HTTPRequest", "HTTPRequest"),
        ("Type", "TypeRecord"), ("Self", "SelfRecord"), ("Column", "ColumnRecord"), ("String", "StringRecord"),
        ("ORMLabSchema", "ORMLabSchemaRecord"), ("_2d", "_2d"),
    ])
    func typeNames(_ dsl: String, _ swift: String) {
        #expect(typeName(dsl) == swift)
    }

    @Test(arguments: [
        ("name", "name"), ("birth_year", "birthYear"), ("Name", "name"), ("ISBN", "isbn"),
        ("URLString", "urlString"), ("self", "selfValue"), ("default", "default"), ("_1st", "_1st"),
    ])
    func memberNames(_ dsl: String, _ swift: String) {
        #expect(memberName(dsl) == swift)
    }

    @Test func identifiersEscapeKeywordsOnly() {
        #expect(identifier("default") == "`default`")
        #expect(identifier("select") == "select")
        #expect(identifier("group") == "group")
    }

    @Test func rawStringLiteralsCannotBeClosedByTheirContent() {
        #expect(swiftRawStringLiteral(#"CREATE TABLE "a" ("b" TEXT)"#) == ##"#"CREATE TABLE "a" ("b" TEXT)"#"##)
        #expect(swiftRawStringLiteral(##"DEFAULT 'x"#y'"##) == ###"##"DEFAULT 'x"#y'"##"###)
        #expect(swiftRawStringLiteral("DEFAULT 'a\nb'") == ##"#"DEFAULT 'a\#nb'"#"##)
    }

    @Test func stringLiteralsEscape() {
        #expect(swiftStringLiteral("say \"hi\"\\\n") == #""say \"hi\"\\\n""#)
    }
}
