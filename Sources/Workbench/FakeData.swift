import Mapping
import DatabaseKit

// Deterministic fake data for `:seed`: a fixed-seed random generator and plausible values chosen
// from a property's name and type (names, emails, titles, years, prices, ratings, short texts).

// MARK: - Random numbers

/// SplitMix64: a tiny, fast pseudo-random generator; the same seed always gives the same numbers,
/// so `:seed` produces the same rows on every machine and every run.
struct SplitMix64: RandomNumberGenerator {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A whole number in `range` (the small modulo bias does not matter for fake data).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % width)
    }

    /// A number in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}

/// FNV-1a: a stable hash (Swift's `Hasher` is seeded differently in every process).
func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
}

// MARK: - Plausible values

/// Chooses a generator for each column from its name and type, and produces one row's values.
struct FakeData {
    static let firstNames = ["Ada", "Alan", "Grace", "Ursula", "Octavia", "Isaac", "Mary", "Jorge", "Toni", "Haruki",
                             "Chinua", "Virginia", "Italo", "Clarice", "Gabriel", "Doris", "Stanislaw", "Margaret",
                             "Frank", "Zadie", "Kazuo", "Chimamanda", "Samuel", "Iris", "Naguib", "Wislawa", "Leo",
                             "Agatha", "Arthur", "Edith", "Jules", "Selma", "Tove", "Yasunari", "Elena", "Olga",
                             "Pablo", "Ngugi", "Astrid", "Dante"]
    static let lastNames = ["Lovelace", "Turing", "Hopper", "Le Guin", "Butler", "Asimov", "Shelley", "Borges", "Morrison",
                            "Murakami", "Achebe", "Woolf", "Calvino", "Lispector", "Garcia", "Lessing", "Lem", "Atwood",
                            "Herbert", "Smith", "Ishiguro", "Adichie", "Beckett", "Murdoch", "Mahfouz", "Szymborska",
                            "Tolstoy", "Christie", "Clarke", "Wharton", "Verne", "Lagerlof", "Jansson", "Kawabata",
                            "Ferrante", "Tokarczuk", "Neruda", "Thiong'o", "Lindgren", "Alighieri"]
    static let adjectives = ["Silent", "Left", "Hidden", "Last", "Broken", "Golden", "Distant", "Burning", "Quiet", "Lost",
                             "Endless", "Dispossessed", "Invisible", "Crimson", "Forgotten", "Shining", "Winter", "Iron"]
    static let nouns = ["River", "Hand", "City", "Garden", "Machine", "Tower", "Sea", "Mirror", "Library", "Forest",
                        "Station", "Dream", "Empire", "Archive", "Harbor", "Island", "Signal", "Orchard"]
    static let topics = ["fantasy", "science fiction", "mystery", "poetry", "history", "romance", "thriller", "classic",
                         "horror", "biography", "philosophy", "travel", "humor", "drama", "essays", "adventure",
                         "dystopia", "memoir", "satire", "short stories"]
    static let companies = ["Harbor", "Ace", "Penguin", "Gollancz", "Tor", "Orbit", "Vintage", "Faber", "Picador", "Bantam",
                            "Anchor", "Granta", "Virago", "Canongate", "Hachette"]
    static let companySuffixes = ["Press", "Books", "Publishing", "House", "& Sons", "Editions"]
    static let cities = ["Lisbon", "Kyoto", "Lagos", "Oslo", "Bogota", "Dublin", "Krakow", "Cairo", "Portland", "Turin",
                         "Montreal", "Seoul", "Valparaiso", "Tartu", "Hobart"]
    static let countries = ["Portugal", "Japan", "Nigeria", "Norway", "Colombia", "Ireland", "Poland", "Egypt", "Canada",
                            "Italy", "Korea", "Chile", "Estonia", "Australia"]
    static let words = ["quiet", "river", "paper", "window", "letters", "winter", "garden", "machine", "story", "light",
                        "memory", "journey", "silver", "harbor", "voices", "island", "evening", "archive", "distance", "salt"]

    /// How one column gets its values.
    enum Kind {
        case email, personName, firstName, lastName, username, title, topic, company, city, country, phone, url, isbn
        case text          // bio, description, summary: a sentence
        case words         // any other String: two words
        case year(ClosedRange<Int>)
        case integer(ClosedRange<Int>)
        case money         // Double price
        case rating(Int)   // Double rating 1.0 ... max
        case decimal       // any other Double
        case exactAmount(scale: Int) // a Decimal amount (money), exact
        case bool(Double)  // probability of true
        case date(ClosedRange<Int>)  // years
        case data
    }

    /// The generator for a scalar column of `entity`.
    static func kind(for column: Column, type: ScalarType, entity: String) -> Kind {
        let p = column.property.lowercased()
        let e = entity.lowercased()
        func has(_ parts: String...) -> Bool { parts.contains { p.contains($0) } }
        let personLike = ["author", "person", "user", "employee", "customer", "member", "student", "teacher", "reader",
                          "writer", "artist", "owner", "manager", "contact", "patient", "player"].contains { e.contains($0) }
        let topicLike = ["tag", "category", "genre", "topic", "label", "keyword", "subject"].contains { e.contains($0) }
        let companyLike = ["publisher", "company", "organization", "organisation", "team", "store", "shop", "brand",
                           "library", "vendor", "supplier", "studio"].contains { e.contains($0) }
        switch type {
        case .string:
            if has("email", "mail") { return .email }
            if has("first") { return .firstName }
            if has("last", "surname", "family") { return .lastName }
            if has("username", "login", "handle", "nick") { return .username }
            if has("title", "headline", "subject") { return .title }
            if has("city", "town") { return .city }
            if has("country", "nation") { return .country }
            if has("phone", "mobile") { return .phone }
            if has("url", "website", "homepage", "link") { return .url }
            if has("isbn") { return .isbn }
            if has("bio", "description", "summary", "body", "text", "content", "note", "comment", "about", "review") { return .text }
            if has("company", "publisher", "brand") { return .company }
            if has("name") {
                if topicLike { return .topic }
                if companyLike { return .company }
                return personLike ? .personName : .words
            }
            if has("genre", "tag", "category", "topic") { return .topic }
            return .words
        case .int:
            if has("year") { return .year(1950...2024) }
            if has("born", "birth") { return .year(1900...2005) }
            if has("founded", "established") { return .year(1800...2020) }
            if has("age") { return .integer(18...90) }
            if has("page") { return .integer(80...900) }
            if has("price", "cost", "amount", "total", "salary") { return .integer(1...100) }
            if has("rating", "score", "star") { return .integer(1...5) }
            if has("quantity", "stock", "count", "copies") { return .integer(0...500) }
            if has("minute", "duration", "length") { return .integer(1...240) }
            return .integer(0...1000)
        case .double:
            if has("price", "cost", "amount", "total", "salary", "fee") { return .money }
            if has("rating", "score", "star") { return .rating(5) }
            return .decimal
        case .bool:
            if has("active", "published", "available", "enabled", "visible", "verified") { return .bool(0.8) }
            return .bool(0.5)
        case .date:
            if has("born", "birth") { return .date(1940...2005) }
            return .date(2000...2024)
        case .data:
            return .data
        case .decimal:
            return .exactAmount(scale: column.decimalScale)
        }
    }

    /// One row's person, shared by its name and email columns so they agree.
    struct Persona {
        var first: String
        var last: String
    }

    static func persona(_ rng: inout SplitMix64) -> Persona {
        Persona(first: rng.pick(firstNames), last: rng.pick(lastNames))
    }

    /// A value of `kind`; `serial` (the row's number in its table) makes unique values unique.
    static func value(_ kind: Kind, unique: Bool, serial: Int, persona: Persona, rng: inout SplitMix64) -> DatabaseValue {
        func suffix(_ s: String) -> String { unique ? "\(s) \(serial)" : s }
        switch kind {
        case .email:
            let local = (persona.first + "." + persona.last).lowercased().filter { $0.isLetter || $0 == "." }
            return .text("\(local)\(serial)@example.org")
        case .personName: return .text(suffix("\(persona.first) \(persona.last)"))
        case .firstName: return .text(suffix(persona.first))
        case .lastName: return .text(suffix(persona.last))
        case .username:
            return .text("\(persona.first.lowercased())_\(persona.last.lowercased().filter(\.isLetter).prefix(1))\(serial)")
        case .title:
            let title: String
            switch rng.int(0...2) {
            case 0: title = "The \(rng.pick(adjectives)) \(rng.pick(nouns))"
            case 1: title = "\(rng.pick(nouns)) of \(rng.pick(nouns))s"
            default: title = "A \(rng.pick(adjectives)) \(rng.pick(nouns))"
            }
            return .text(suffix(title))
        case .topic:
            if unique {
                let base = topics[(serial - 1) % topics.count]
                return .text(serial > topics.count ? "\(base) \(serial)" : base)
            }
            return .text(rng.pick(topics))
        case .company: return .text(suffix("\(rng.pick(companies)) \(rng.pick(companySuffixes))"))
        case .city: return .text(suffix(rng.pick(cities)))
        case .country: return .text(suffix(rng.pick(countries)))
        case .phone: return .text("+1 555 \(rng.int(100...999)) \(unique ? String(serial) : String(rng.int(1000...9999)))")
        case .url: return .text("https://example.org/\(persona.last.lowercased().filter(\.isLetter))/\(serial)")
        case .isbn: return .text("978-\(rng.int(0...9))-\(rng.int(1000...9999))-\(unique ? String(serial) : String(rng.int(1000...9999)))")
        case .text:
            var sentence = rng.pick(words).capitalized
            for _ in 0..<rng.int(5...11) { sentence += " " + rng.pick(words) }
            return .text(suffix(sentence + "."))
        case .words: return .text(suffix("\(rng.pick(words)) \(rng.pick(words))"))
        case .year(let range): return .integer(Int64(unique ? range.lowerBound + serial : rng.int(range)))
        case .integer(let range): return .integer(Int64(unique ? serial : rng.int(range)))
        case .money: return .real(unique ? Double(serial) + 0.99 : Double(rng.int(199...9999)) / 100)
        case .rating(let max): return .real(unique ? Double(serial) : Double(rng.int(10...(max * 10))) / 10)
        case .decimal: return .real(unique ? Double(serial) : Double(rng.int(0...100_000)) / 100)
        case .exactAmount(let scale):
            // Whole units of the last digit, bound as exact text ('12.34'): never through Double.
            let units = unique ? Int64(serial) * 100 + 99 : Int64(rng.int(99...9_999))
            return ExactDecimal(units: units, scale: scale).databaseValue
        case .bool(let p): return .integer(rng.chance(p) ? 1 : 0)
        case .date(let years):
            if unique {
                // Consecutive days from the first of the range, so no two rows share one.
                return .text(dayString(daysAfter: serial - 1, fromYear: years.lowerBound))
            }
            let y = rng.int(years), m = rng.int(1...12), d = rng.int(1...28)
            return .text("\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)")
        case .data:
            var bytes: [UInt8] = []
            for _ in 0..<rng.int(8...24) { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
            if unique { bytes += withUnsafeBytes(of: Int64(serial).bigEndian, Array.init) }
            return .blob(bytes)
        }
    }

    /// "yyyy-mm-dd", `days` days after January 1st of `year` (proleptic Gregorian calendar).
    static func dayString(daysAfter days: Int, fromYear year: Int) -> String {
        var y = year, remaining = days
        func leap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
        while remaining >= (leap(y) ? 366 : 365) { remaining -= leap(y) ? 366 : 365; y += 1 }
        let lengths = [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var m = 0
        while remaining >= lengths[m] { remaining -= lengths[m]; m += 1 }
        let month = m + 1, day = remaining + 1
        return "\(y)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }
}
