import Testing
@testable import SQLiteKit
@Test func placeholderSQLiteKit() { #expect(Bool(true)) }
