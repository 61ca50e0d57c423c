import DSL

// How deep an expression may be. The parser accepts chains of up to 10,000 links, but the query
// resolver, the compiler and the SQL renderer walk expressions recursively, and SQLite refuses
// expressions deeper than 1000 levels ("Expression tree is too large"): a long `a and b and …`
// would otherwise end as a raw SQLite error or a stack overflow. The tree's height is measured
// without recursion, before anything else walks it.

extension Workbench {
    /// The most levels an expression may have: comfortably under SQLite's 1000.
    public static let maximumExpressionDepth = 500

    /// Refuses a statement whose expressions are too deep, pointing at the deepest one.
    func checkExpressionDepth(_ statement: ScriptStatement) throws {
        // An insert of literals (a script's usual line) has nothing deeper than 1.
        if statement.isInsertOfLiterals { return }
        var expressions: [Expr] = []
        var statements = [statement]
        while let next = statements.popLast() {
            switch next {
            case .insert(_, let arguments, _), .letInsert(_, _, let arguments, _):
                for argument in arguments { expressions.append(argument.value) }
            case .delete(let e, _), .letBinding(_, let e, _), .expression(let e): expressions.append(e)
            case .assign(let target, let value, _): expressions += [target, value]
            case .forLoop(_, let sequence, let body, _):
                expressions.append(sequence)
                statements += body
            case .transaction: break
            }
        }
        for expression in expressions {
            let depth = expressionDepth(expression)
            guard depth > Workbench.maximumExpressionDepth else { continue }
            throw EvalError("expression is too deep: \(depth) levels, at most \(Workbench.maximumExpressionDepth) fit in one command", at: expression.range,
                            hint: "each 'and', 'or', '+' or '.' step in a row adds a level, and SQLite refuses expressions deeper than 1000; split it into several commands (name parts with 'let'), or compare one property with many values using in [...]")
        }
    }
}

/// The number of levels of an expression tree (a name or a literal is 1), without recursion.
func expressionDepth(_ root: Expr) -> Int {
    // A leaf, such as each value of an insert, needs no stack.
    switch root {
    case .name, .literal, .objectRef, .keyRef: return 1
    default: break
    }
    var deepest = 0
    var stack: [(Expr, Int)] = [(root, 1)]
    while let (expr, depth) = stack.popLast() {
        deepest = max(deepest, depth)
        switch expr {
        case .name, .literal, .objectRef, .keyRef:
            break
        case .member(let base, _, _):
            stack.append((base, depth + 1))
        case .call(let base, _, let arguments, _):
            stack.append((base, depth + 1))
            for argument in arguments { stack.append((argument.value, depth + 1)) }
        case .binary(_, let lhs, let rhs, _):
            stack.append((lhs, depth + 1))
            stack.append((rhs, depth + 1))
        case .unary(_, let operand, _):
            stack.append((operand, depth + 1))
        case .list(let elements, _), .function(_, let elements, _):
            for element in elements { stack.append((element, depth + 1)) }
        }
    }
    return deepest
}

extension ScriptStatement {
    /// `insert Author(name: "Ursula", born: 1929)` (or `let a = insert …`) with literal values
    /// only: it registers an object in the unit of work, runs no SQL and looks nothing up.
    var isInsertOfLiterals: Bool {
        switch self {
        case .insert(_, let arguments, _), .letInsert(_, _, let arguments, _):
            return arguments.allSatisfy { if case .literal = $0.value { return true } else { return false } }
        default:
            return false
        }
    }
}
