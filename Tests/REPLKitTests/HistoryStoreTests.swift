import Testing
@testable import REPLKit
