import Render
import Report
import Testing
@testable import Workbench

@Suite struct RuntimeTruthTests {
    @Test func rollbackNamesThePendingLinkChange() throws {
        let wb = try library()
        let add = try last(wb, "Book#3.tags.add(Tag#2)")
        #expect(add.notes.first?.message == "Book#3.tags.add(Tag#2) is pending: the row of book_tag is inserted at the next `save` (:pending shows it)")
        let rollback = try last(wb, "rollback")
        #expect(messages(rollback) == ["rolled back: the link change Book#3.tags.add(Tag#2) was discarded, so no join-table row changes; loaded associations were expired (they reload when touched)"])
        #expect(try last(wb, "Book#3.tags.count").value?.display == "0")
        #expect(messages(try last(wb, "rollback")) == ["rolled back: nothing was pending"])
    }

    @Test func rollbackNamesALinkChangeAnAutoflushWrote() throws {
        let wb = try library()
        _ = try last(wb, "begin")
        _ = try last(wb, "Book#1.tags.remove(Tag#1)")
        let query = try last(wb, "Tag.count")
        #expect(dataSQL(query) == [#"DELETE FROM "book_tag" WHERE "book_id" = ? AND "tag_id" = ?"#, #"SELECT COUNT(*) FROM "tag""#])
        let rollback = try last(wb, "rollback")
        #expect(sqlTexts(rollback) == ["ROLLBACK"])
        #expect(messages(rollback) == ["rolled back: the link change Book#1.tags.remove(Tag#1) was discarded, so no join-table row changes; loaded associations were expired (they reload when touched)"])
        #expect(try last(wb, "Book#1.tags.count").value?.display == "1")
    }

    @Test func addingALinkThatExistsNamesThePairNotAColumn() throws {
        let wb = try library()
        _ = try last(wb, "Book#2.tags.add(Tag#2)")
        let save = try #require(wb.run("save").last)
        #expect(!save.ok)
        #expect(save.diagnostics.first?.message == "cannot save Book#2.tags.add(Tag#2): the pair is linked already (book_tag has that row)")
        #expect(save.diagnostics.first?.hint == "drop the add (`rollback` discards the pending changes); nothing was saved")
    }

    @Test func aLoopOfLinkChangesGetsOneNote() throws {
        let wb = try library()
        let loop = try last(wb, "for b in Book.all { b.tags.add(Tag#2) }")
        #expect(messages(loop).filter { $0.contains("pending") } == ["the link changes of this loop (Book#1.tags.add(Tag#2), …) are pending: rows of book_tag are written at the next `save` (:pending shows them)"])
    }

    @Test func anAddThatCancelsAPendingRemoveSaysSo() throws {
        let wb = try library()
        _ = try last(wb, "Book#1.tags.remove(Tag#1)")
        let add = try last(wb, "Book#1.tags.add(Tag#1)")
        #expect(add.notes.first?.message == "Book#1.tags.add(Tag#1) cancels the opposite change still pending: nothing will be written for this pair")
        #expect(messages(try last(wb, ":pending")) == ["the unit of work is empty: nothing to save"])
    }

    @Test func removeNamesTheRowItReadNotTheOwner() throws {
        let wb = try library()
        _ = try last(wb, "Book#1")                      // Book#1 is loaded; Tag#1 is not
        let remove = try last(wb, "Book#1.tags.remove(Tag#1)")
        #expect(sqlTexts(remove) == [#"SELECT "tag".* FROM "tag" WHERE "tag"."id" = ?"#])
        #expect(remove.sql.map(\.cause) == ["Tag#1"])
        #expect(remove.objects.map(\.ref) == ["Book#1"])
        #expect(remove.objects.map(\.fromIdentityMap) == [true])
        #expect(messages(remove) == [
            "Book#1.tags.remove(Tag#1) is pending: the row of book_tag is deleted at the next `save` (:pending shows it)",
            "Book#1 came from the identity map: it is already loaded in this session, so no SQL read its row; the SQL above ran for Tag#1",
        ])
    }

    @Test func anOwnerReadByTheCommandIsNotCalledAnIdentityMapHit() throws {
        let wb = try library()                          // after :forget: nothing is loaded
        let add = try last(wb, "Book#3.tags.add(Tag#2)")
        #expect(add.sql.map(\.cause) == ["Book#3", "Tag#2"])
        #expect(add.objects.map(\.fromIdentityMap) == [false])
        #expect(!add.notes.contains { $0.kind == .identityMap })
    }
}
