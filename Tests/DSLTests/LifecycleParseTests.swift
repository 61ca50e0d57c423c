@testable import DSL
import Testing

// Issue 20: the lifecycle members of an entity (spec §10) and the scalar functions, as trees.

@Test func specLifecycleEntityParses() {
    #expect(shape("""
    entity Account {
      email: String unique validate(format: email)
      name: String validate(length: 1...80)
      balance: Int = 0 validate(>= 0)
      kind: String validate(in: ["a", "b"]) validate(length: ...8)
      timestamps
      soft delete
      on before save { email = lower(email) }
      on after insert { name = trim(name) + "!"; balance = balance * 2 }
      scope rich = where(balance > 1000).order(name)
    }
    """) == [
        "(entity Account (email String unique validate(format: email)) (name String validate(length: 1...80))"
            + " (balance Int =0 validate(>= 0)) (kind String validate(in: [\"a\", \"b\"]) validate(length: ...8))"
            + " (timestamps) (soft-delete) (on before save (= email (lower() email)))"
            + " (on after insert (= name (+ (trim() name) \"!\")) (= balance (* balance 2)))"
            + " (scope rich (order (where Account (> balance 1000)) name)))",
    ])
}

@Test func propertiesNamedLikeLifecycleWordsStayProperties() {
    #expect(shape("entity Log { timestamps: Int; scope: String; soft: Bool }") == [
        "(entity Log (timestamps Int) (scope String) (soft Bool))",
    ])
}

@Test func scalarFunctionsParseOnlyUnderTheirNames() {
    #expect(shape(#"Account#1.name = upper(trim(Account#1.name)) + "!""#) == [
        #"(set (. Account#1 name) (+ (upper() (trim() (. Account#1 name))) "!"))"#,
    ])
    #expect(shape("x.at = now()") == ["(set (. x at) (now()))"])
}

@Test func lifecycleMistakesPointAtTheirWord() {
    #expect(shape("entity A { n: Int validate(size: 3) }") == ["(error 1:28 unknown validation 'size')"])
    #expect(shape("entity A { n: Int validate(length: 1..3) }") == ["(error 1:39 expected a range such as 1...80 after 'length:', found '3')"])
    #expect(shape("entity A { n: Int; on before sav { n = 1 } }") == ["(error 1:30 expected insert, update, save or delete after 'on before', found 'sav')"])
    #expect(shape("entity A { n: Int; on before save { n == 1 } }") == ["(error 1:39 expected '=' after 'n' in the callback)"])
}
