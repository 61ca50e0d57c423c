import Testing
@testable import Mapping
@Test func placeholderMapping() { #expect(Bool(true)) }
