// The ormlab executable: argument parsing, terminal detection, files. Everything else lives in
// the library targets; see README "Architecture".
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

do {
    var command = try ORMLabCommand.parseAsRoot()
    try command.run()
} catch {
    // SPEC §1: exit 2 for usage errors (ArgumentParser's default is 64).
    let code = ORMLabCommand.exitCode(for: error)
    if code == .validationFailure {
        let message = ORMLabCommand.fullMessage(for: error)
        FileHandleStream.standardError.write(message + "\n")
        exit(2)
    }
    ORMLabCommand.exit(withError: error)
}
