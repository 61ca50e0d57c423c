import Testing
@testable import REPLKit
@Test func placeholderREPLKit() { #expect(Bool(true)) }
