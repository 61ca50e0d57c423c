import Testing
@testable import DSL
@Test func placeholderDSL() { #expect(Bool(true)) }
