import Testing
@testable import Workbench
@Test func placeholderWorkbench() { #expect(Bool(true)) }
