import Report
@testable import Runtime
import SQLiteKit
import Testing
@testable import Workbench

@Suite struct IDIndexTests {
    @Test func positionsFollowInsertionAndRemovalMovesTheLastIntoTheGap() {
        var index = IDIndex()
        for id in [10, 20, 30, 40] as [Int64] { #expect(index.insert(id).inserted) }
        #expect(index.insert(20) == (1, false))
        #expect(index[30] == 2 && index[50] == nil && index.count == 4)
        #expect(index.remove(20) == 1)
        #expect(index.ids == [10, 40, 30] && index[40] == 1 && index[20] == nil)
        #expect(index.remove(30) == 2 && index.ids == [10, 40])
        #expect(index.remove(99) == nil)
        index.reserveCapacity(1_000)
        for id in 100..<1_100 { index.insert(Int64(id)) }
        #expect(index.count == 1_002 && index[1_099] == 1_001 && index[10] == 0)
        index.removeAll()
        #expect(index.count == 0 && index[10] == nil)
    }
}
