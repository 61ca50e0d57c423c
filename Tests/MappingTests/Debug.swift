import Testing
@testable import Mapping
@Test func debugDump() {
    let (_, changes) = define(specModel)
    for c in changes { print(c.diagnostics.map(describe), c.explanation, c.affectedEntities) }
    print(entities(specModel).map { "\($0.name.name) \($0.members.count)" })
}
