import DSL
import Mapping
import DatabaseKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The small expression language of assignments, callbacks and bulk updates (spec §10):
// literals, properties, `+ - * /`, string `+`, `lower()`, `upper()`, `trim()`, `now()`.
// Evaluated in memory here (an assignment, a callback, `:set sync evaluate`); a bulk update
// sends the same expression to SQL instead (`Operand`), and both follow SQL's rules: nil in,
// nil out; Int with Int stays Int, with a Double becomes Double.

/// A value with its DSL type (nil for `nil` or an unknown type).
public struct TypedValue: Sendable, Equatable {
    public var value: DatabaseValue
    public var type: ScalarType?
    public init(_ value: DatabaseValue, _ type: ScalarType?) {
        self.value = value
        self.type = type
    }
}

/// A mistake in an expression, with where it was written.
public struct ExpressionError: Error, Equatable {
    public var message: String
    public var range: SourceRange
    public var hint: String?
    public init(_ message: String, at range: SourceRange, hint: String? = nil) {
        self.message = message
        self.range = range
        self.hint = hint
    }
}

public enum ScalarExpression {
    /// True when `op` is one of the arithmetic operators (the others are conditions).
    public static func isArithmetic(_ op: BinaryOperator) -> Bool {
        op == .plus || op == .minus || op == .times || op == .divide
    }

    /// Evaluates `expr`: literals, arithmetic, unary minus and the scalar functions here; every
    /// other leaf (a property, `Account#1.balance`, a variable) through `leaf`.
    public static func evaluate(_ expr: Expr, now: () -> String,
                                leaf: (Expr) throws -> TypedValue) throws -> TypedValue {
        switch expr {
        case .literal(let literal, _):
            return TypedValue(sqliteValue(literal, type: nil), literalType(literal))
        case .binary(let op, let lhs, let rhs, let range) where isArithmetic(op):
            let a = try evaluate(lhs, now: now, leaf: leaf)
            let b = try evaluate(rhs, now: now, leaf: leaf)
            return try apply(op, a, b, range: range)
        case .unary(.negate, let operand, let range):
            let a = try evaluate(operand, now: now, leaf: leaf)
            return try apply(.minus, TypedValue(.integer(0), .int), a, range: range)
        case .function(let name, let arguments, let range):
            guard let function = ScalarFunction(rawValue: name.name) else {
                throw ExpressionError("unknown function '\(name.name)'", at: name.range,
                                      hint: "functions: " + ScalarFunction.allCases.map { "\($0.rawValue)()" }.joined(separator: ", "))
            }
            guard arguments.count == function.arity else {
                throw ExpressionError("\(function.rawValue)() takes \(function.arity == 0 ? "no arguments" : "one String")", at: range,
                                      hint: function == .now ? "write now()" : "for example \(function.rawValue)(name)")
            }
            if function == .now { return TypedValue(.text(now()), .date) }
            let argument = try evaluate(arguments[0], now: now, leaf: leaf)
            return try call(function, argument, range: arguments[0].range)
        default:
            return try leaf(expr)
        }
    }

    /// `a op b` on two values, as SQL computes it (nil propagates; `/` on Ints truncates).
    public static func apply(_ op: BinaryOperator, _ a: TypedValue, _ b: TypedValue, range: SourceRange) throws -> TypedValue {
        if case .null = a.value { return TypedValue(.null, a.type ?? b.type) }
        if case .null = b.value { return TypedValue(.null, a.type ?? b.type) }
        if a.type == .string || b.type == .string {
            guard op == .plus, a.type == .string, b.type == .string, case .text(let x) = a.value, case .text(let y) = b.value else {
                throw ExpressionError(op == .plus ? "'+' joins two Strings, but this mixes \(a.type?.rawValue ?? "nil") and \(b.type?.rawValue ?? "nil")"
                                                  : "'\(op.rawValue)' needs numbers; Strings only join with '+'", at: range,
                                      hint: op == .plus ? "write the number as text in quotes, or use a String property" : nil)
            }
            return TypedValue(.text(x + y), .string)
        }
        for side in [a, b] where side.type != .int && side.type != .double {
            throw ExpressionError("'\(op.rawValue)' needs numbers, but this is \(side.type?.rawValue ?? "not a number")", at: range,
                                  hint: "arithmetic works on Int and Double properties and values")
        }
        switch (a.value, b.value) {
        case (.integer(let x), .integer(let y)):
            let result: (Int64, Bool)
            switch op {
            case .plus: result = x.addingReportingOverflow(y)
            case .minus: result = x.subtractingReportingOverflow(y)
            case .times: result = x.multipliedReportingOverflow(by: y)
            default:
                guard y != 0 else { throw ExpressionError("division by zero", at: range) }
                result = x.dividedReportingOverflow(by: y)
            }
            guard !result.1 else { throw ExpressionError("the result does not fit in an Int (64 bits)", at: range) }
            return TypedValue(.integer(result.0), .int)
        default:
            guard let x = double(a.value), let y = double(b.value) else {
                throw ExpressionError("'\(op.rawValue)' needs numbers", at: range)
            }
            switch op {
            case .plus: return TypedValue(.real(x + y), .double)
            case .minus: return TypedValue(.real(x - y), .double)
            case .times: return TypedValue(.real(x * y), .double)
            default:
                guard y != 0 else { throw ExpressionError("division by zero", at: range) }
                return TypedValue(.real(x / y), .double)
            }
        }
    }

    /// `lower(x)`, `upper(x)`, `trim(x)` on a String (nil stays nil).
    public static func call(_ function: ScalarFunction, _ argument: TypedValue, range: SourceRange) throws -> TypedValue {
        if case .null = argument.value { return TypedValue(.null, .string) }
        guard argument.type == .string, case .text(let s) = argument.value else {
            throw ExpressionError("\(function.rawValue)() needs a String, but this is \(argument.type?.rawValue ?? "not a String")", at: range)
        }
        switch function {
        case .lower: return TypedValue(.text(s.lowercased()), .string)
        case .upper: return TypedValue(.text(s.uppercased()), .string)
        case .trim: return TypedValue(.text(s.trimmingScalars(in: " \t\n\r")), .string)
        case .now: return TypedValue(.null, .date)
        }
    }

    static func double(_ v: DatabaseValue) -> Double? {
        switch v {
        case .integer(let i): return Double(i)
        case .real(let d): return d
        default: return nil
        }
    }

    static func literalType(_ literal: Literal) -> ScalarType? {
        switch literal {
        case .integer: return .int
        case .double: return .double
        case .string: return .string
        case .bool: return .bool
        case .null: return nil
        }
    }

    /// The current time as a Date value ("2024-05-01T12:30:00", UTC); `ORMLAB_NOW` fixes it
    /// (transcripts and tests need the same output on every run).
    public static func systemNow() -> String {
        if let fixed = getenv("ORMLAB_NOW").map({ String(cString: $0) }), !fixed.isEmpty { return fixed }
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}

extension String {
    /// Without leading and trailing characters of `set` (Foundation-free).
    func trimmingScalars(in set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        var view = Substring(self).unicodeScalars
        while let first = view.first, scalars.contains(first) { view.removeFirst() }
        while let last = view.last, scalars.contains(last) { view.removeLast() }
        return String(view)
    }
}
