import Report
import Testing
@testable import Workbench

/// Polymorphic associations (issue 23, spec §12): `subject: Post | Photo` maps to subject_type +
/// subject_id with no foreign key; `comments: [Comment] via subject` reads them back.
@Suite struct PolymorphicAssociationTests {
    let model = """
    entity Post { title: String; comments: [Comment] via subject }
    entity Photo { url: String; comments: [Comment] via subject }
    entity Comment { body: String; subject: Post | Photo }
    """

    /// The model plus Post#1, Photo#1, Photo#2 and two comments (on Post#1 and Photo#2), saved
    /// and forgotten, so every access reads the database.
    func seeded() throws -> Workbench {
        let wb = try Workbench()
        runAll(wb, model + """

        insert Post(title: "Hello")
        insert Photo(url: "a.png")
        insert Photo(url: "b.png")
        save
        insert Comment(body: "on the post", subject: Post#1)
        insert Comment(body: "on a photo", subject: Photo#2)
        save
        :forget
        """)
        return wb
    }

    @Test func twoColumnsAnIndexAndNoForeignKey() throws {
        let reports = try runScript(model)
        for r in reports { expectOK(r) }
        let ddl = reports.flatMap(sqlTexts)
        #expect(ddl.contains(#"CREATE TABLE "comment" ("id" INTEGER PRIMARY KEY, "body" TEXT NOT NULL, "subject_type" TEXT NOT NULL, "subject_id" INTEGER NOT NULL)"#), "\(ddl)")
        #expect(ddl.contains(#"CREATE INDEX "comment_subject_type_subject_id" ON "comment"("subject_type", "subject_id")"#), "\(ddl)")
        #expect(!ddl.contains { $0.contains("REFERENCES") })
        // The mapping pane names the kind, where it lives and what it gives up.
        let comment = try #require(reports.last?.mapping.first { $0.entity == "Comment" })
        let subject = try #require(comment.associations.first { $0.name == "subject" })
        #expect(subject.kind == "polymorphic belongs-to")
        #expect(subject.target == "Post | Photo")
        #expect(subject.storage == "comment.subject_type + comment.subject_id → post.id or photo.id (no foreign key)")
        #expect(subject.details.contains { $0.contains("no referential integrity") })
        #expect(subject.details.contains { $0.contains("no JOIN by one key") })
        #expect(subject.details.contains { $0.contains("cannot check the type") })
        #expect(subject.details.contains { $0.contains("as Rails stores the class name") })
        let post = try #require(reports.last?.mapping.first { $0.entity == "Post" })
        #expect(post.associations.map(\.kind) == ["polymorphic has-many"])
    }

    @Test func badDeclarationsPointAtTheTextAndCreateNothing() throws {
        func failure(_ script: String) throws -> DiagnosticRecord {
            let wb = try Workbench()
            let reports = wb.run(script, sourceName: "<test>")
            let failed = try #require(reports.first { !$0.ok }, "\(script) did not fail")
            // Nothing of the failed command was created.
            #expect(failed.sql.isEmpty)
            return try #require(failed.diagnostics.first { $0.severity == "error" })
        }
        var d = try failure("entity Post { title: String }\nentity Comment { body: String; subject: Post | String }")
        #expect(d.message.contains("'String' is a scalar type"))
        #expect((d.line, d.column) == (2, 48))
        d = try failure("entity Post { title: String }\nentity Comment { body: String; subject: Post | post }")
        #expect(d.message == "'post' in 'subject: Post | post' is not an entity")
        #expect(d.hint?.contains("did you mean 'Post'?") == true)
        d = try failure("entity Post { title: String }\nentity Photo { url: String }\nentity Comment { subject: Post | Photo | Post }")
        #expect(d.message == "'Post' is listed twice in 'subject: Post | Photo | Post'")
        #expect((d.line, d.column) == (3, 42))
        #expect(d.hint == "list each entity once: subject: Post | Photo")
        // via naming a polymorphic property that does not list this entity.
        d = try failure(model + "\nentity Video { url: String; comments: [Comment] via subject }")
        #expect(d.message == "Comment.subject does not point back at Video: it is Post | Photo")
        #expect(d.hint == "add Video to it: subject: Post | Photo | Video")
        #expect((d.line, d.column) == (4, 53))
        // via on a to-one.
        d = try failure(model + "\nentity Page { url: String; comment: Comment via subject }")
        #expect(d.message.contains("'comment' is a to-one, and Comment.subject is polymorphic"))
        #expect(d.hint == "write comment: [Comment] via subject")
        // via naming a property that is not an association at all.
        // (Post waits for Comment, so Post keeps waiting, with the reason, when Comment comes.)
        let waiting = try runScript("entity Post { title: String; comments: [Comment] via body }\nentity Photo { url: String }\nentity Comment { body: String; subject: Post | Photo }")
        #expect(waiting.flatMap(\.diagnostics).contains { $0.message.contains("Comment.body does not point back at Post") }, "\(waiting.flatMap(\.diagnostics).map(\.message))")
        // via on the polymorphic side itself; '?' in the middle.
        d = try failure("entity Post { title: String }\nentity Photo { url: String }\nentity Comment { subject: Post | Photo via comments }")
        #expect(d.message == "'via' goes on the other side of a polymorphic association")
        d = try failure("entity Post { title: String }\nentity Photo { url: String }\nentity Comment { subject: Post? | Photo }")
        #expect(d.message.contains("'?' goes after the last entity"))
    }

    @Test func insertWritesTypeAndIdAndTheSubjectRowFirst() throws {
        let wb = try Workbench()
        runAll(wb, model)
        let reports = runAll(wb, """
        let p = insert Photo(url: "new.png")
        insert Comment(body: "first!", subject: p)
        save
        """)
        #expect(dataSQL(reports[2]) == [
            #"INSERT INTO "photo" ("url") VALUES (?)"#,
            #"INSERT INTO "comment" ("body", "subject_type", "subject_id") VALUES (?, ?, ?)"#,
        ])
        let insert = try #require(reports[2].sql.first { $0.sql.hasPrefix(#"INSERT INTO "comment""#) })
        #expect(insert.params == [.text("first!"), .text("Photo"), .integer(1)], "\(insert.params)")
    }

    @Test func lazyAccessRunsThePerTypeStatement() throws {
        let wb = try seeded()
        let r = try #require(runAll(wb, "Comment#2.subject").first)
        #expect(dataSQL(r) == [
            #"SELECT "comment".* FROM "comment" WHERE "comment"."id" = ?"#,
            #"SELECT "photo".* FROM "photo" WHERE "photo"."id" = ?"#,
        ])
        #expect(r.objects.map(\.ref) == ["Photo#2"])
        let back = try #require(runAll(wb, "Post#1.comments").first)
        #expect(dataSQL(back).last == #"SELECT "comment".* FROM "comment" WHERE "comment"."subject_type" = ? AND "comment"."subject_id" = ?"#)
        #expect(back.sql.last?.params == [.text("Post"), .integer(1)])
        #expect(back.objects.map(\.ref) == ["Comment#1"])
    }

    @Test func includeRunsOneInQueryPerTypePresent() throws {
        let wb = try seeded()
        runAll(wb, "insert Comment(body: \"another\", subject: Photo#1)\nsave\n:forget")
        let r = try #require(runAll(wb, "Comment.include(subject)").first)
        #expect(dataSQL(r) == [
            #"SELECT "comment".* FROM "comment""#,
            #"SELECT "post".* FROM "post" WHERE "post"."id" = ?"#,
            #"SELECT "photo".* FROM "photo" WHERE "photo"."id" IN (?, ?)"#,
        ])
        // Touching subject afterwards runs nothing.
        runAll(wb, ":forget")
        let loop = try #require(runAll(wb, "for c in Comment.include(subject) { c.subject }").first)
        #expect(dataSQL(loop).count == 3)
        #expect(!loop.notes.contains { $0.kind == .nPlusOne })
        // Lazily in a loop: one query per comment, and the N+1 warning says so.
        runAll(wb, ":forget")
        let lazy = try #require(runAll(wb, "for c in Comment.all { c.subject }").first)
        #expect(dataSQL(lazy).count == 4)
        #expect(lazy.notes.contains { $0.kind == .nPlusOne }, "\(lazy.notes.map(\.message))")
        // The inverse side.
        runAll(wb, ":forget")
        let posts = try #require(runAll(wb, "Photo.include(comments)").first)
        #expect(dataSQL(posts) == [
            #"SELECT "photo".* FROM "photo""#,
            #"SELECT "comment".* FROM "comment" WHERE "comment"."subject_type" = ? AND "comment"."subject_id" IN (?, ?)"#,
        ])
        let join = try #require(wb.run("Comment.include(subject, using: join)").first)
        #expect(!join.ok)
        #expect(join.diagnostics.first?.message.contains("no single key to JOIN on") == true)
    }

    @Test func seedingPointsEachRowAtAnExistingRowOfOneTarget() throws {
        let wb = try Workbench()
        runAll(wb, model)
        let refused = try #require(wb.run(":seed Comment 5").first)
        #expect(refused.diagnostics.first?.message == "seed Post or Photo first: every Comment needs a subject, and none of its tables has rows")
        runAll(wb, ":seed Post 3\n:seed Photo 4\n:seed Comment 200")
        #expect(wb.run("Comment.count").first?.value == .integer(200))
        // Every row names a target and an id that exists in that target's table.
        #expect(wb.run("Comment.where(subject_type != \"Post\" and subject_type != \"Photo\").count").first?.value == .integer(0))
        #expect(wb.run("Comment.where(subject_type == \"Post\" and (subject_id < 1 or subject_id > 3)).count").first?.value == .integer(0))
        #expect(wb.run("Comment.where(subject_type == \"Photo\" and (subject_id < 1 or subject_id > 4)).count").first?.value == .integer(0))
        #expect(wb.run("Comment.where(subject_type == \"Post\").count").first?.value != .integer(0))
        #expect(wb.run("Comment.where(subject_type == \"Photo\").count").first?.value != .integer(0))
    }

    @Test func conditionsNameTheTwoColumns() throws {
        let wb = try seeded()
        let r = try #require(runAll(wb, "Comment.where(subject_type == \"Photo\" and subject_id == 2)").first)
        #expect(r.objects.map(\.ref) == ["Comment#2"])
        let through = try #require(wb.run("Comment.where(subject == Post#1)").first)
        #expect(!through.ok)
        #expect(through.diagnostics.first?.message == "subject is polymorphic (Post | Photo): a condition compares its two columns")
        #expect(through.diagnostics.first?.hint == "write subject_type == \"Post\" and subject_id == 1")
        let any = try #require(wb.run("Post.where(comments.any(body == \"x\"))").first)
        #expect(any.diagnostics.first?.message == "comments is a polymorphic has-many: a condition cannot go through it")
    }

    @Test func assigningChangesTypeAndIdAndRefusesAnotherEntity() throws {
        let wb = try seeded()
        let r = runAll(wb, "Comment#1.subject = Photo#1\nsave")
        #expect(dataSQL(r[1]) == [#"UPDATE "comment" SET "subject_type" = ? WHERE "id" = ?"#])
        let c = try #require(r[0].objects.first { $0.ref == "Comment#1" })
        #expect(value(c, "subject_type")?.display == "\"Photo\"")
        let wrong = try #require(wb.run("entity Tag { name: String }\ninsert Tag(name: \"x\")\nComment#1.subject = Tag#1").last)
        #expect(!wrong.ok)
        #expect(wrong.diagnostics.first?.message == "Comment.subject points at Post or Photo, not at Tag")
    }

    @Test func deletingATargetSaysItsRowsAreLeft() throws {
        let wb = try seeded()
        let r = try #require(runAll(wb, "delete Post#1").first)
        #expect(r.notes.contains { $0.message.contains("leaves the Comment rows with subject_type = 'Post' AND subject_id = 1 in place") }, "\(r.notes.map(\.message))")
        let saved = runAll(wb, "save\nComment#1.subject_id\nComment#1.subject")
        #expect(dataSQL(saved[0]) == [#"DELETE FROM "post" WHERE "id" = ?"#])
        // The orphan: its subject is nil, since no Post#1 exists any more.
        #expect(saved[2].objects.isEmpty)
    }
}

/// Targets that are classes of one single-table hierarchy share its table: the Mapping pane names
/// it once, with the classes whose rows it holds (it said "vehicle.id or vehicle.id").
@Test func polymorphicTargetsSharingATableAreNamedOnce() throws {
    let wb = try Workbench()
    let reports = runAll(wb, """
        entity Photo { url: String }
        entity Vehicle inheritance(single) { name: String }
        entity Car : Vehicle { doors: Int }
        entity Truck : Vehicle { load: Int }
        entity Comment { body: String; subject: Car | Truck | Photo }
        """)
    let comment = try #require(reports[4].mapping.first { $0.entity == "Comment" })
    #expect(comment.associations.first { $0.name == "subject" }?.storage
            == "comment.subject_type + comment.subject_id → vehicle.id (Car or Truck rows) or photo.id (no foreign key)")
}
