import DSL
import Foundation
import Mapping
import Render
import Report
import REPLKit
import Workbench
#if canImport(Glibc)
import Glibc
#endif

/// The interactive loop on libedit: read an entry (several lines while brackets are open), run
/// it, render its reports at the current terminal width. A mistake never ends the loop; Ctrl-C
/// clears the line or interrupts a running statement; Ctrl-D leaves (warning once if a save is
/// pending). History persists in the XDG state directory.
final class REPL {
    /// The workbench commands run against; lessons swap in their sandbox.
    var workbench: Workbench
    let output: Output
    /// Extra lesson ids and hooks from the lesson runner.
    var lessonIDs: () -> [String] = { [] }
    /// Called with every report before it is printed (the lesson runner checks it there).
    var afterReport: ((inout Report) -> Void)?
    /// Lets the lesson runner replace the workbench (a fresh sandbox).
    var currentWorkbench: (() -> Workbench)?
    /// Run once after the banner (`ormlab lesson ID` starts its lesson there).
    var onStart: (() -> Void)?
    /// The session whose unsaved work leaving would lose: during a lesson the learner's own
    /// session, never the lesson's in-memory sandbox (rebuilt from the lesson on resume).
    var sessionAtRisk: (() -> Workbench)?
    private var warnedAboutPending = false

    init(workbench: Workbench, output: Output) {
        self.workbench = workbench
        self.output = output
    }

    func run() {
        let editor = LineEditor(
            programName: "ormlab", color: output.color,
            completer: { [unowned self] request in
                CompletionEngine.complete(request, vocabulary: self.vocabulary())
            },
            needsContinuation: { Parser.needsContinuation($0) })
        let store = HistoryStore(environment: ProcessInfo.processInfo.environment)
        if let store { editor.loadHistory(from: store) }
        LineEditor.onInterrupt = { [unowned self] in self.activeWorkbench.interrupt() }
        defer { LineEditor.onInterrupt = nil }

        Swift.print("ORMLab \(ORMLabCommand.version) · :help for help · Tab completes · Ctrl-D leaves")
        onStart?()
        while !activeWorkbench.quitRequested {
            switch editor.read() {
            case .interrupted:
                warnedAboutPending = false
                continue
            case .endOfFile:
                // Pending objects, and also writes an autoflush (or `begin`) made in a transaction
                // not yet committed: leaving rolls those back, and a file database loses them.
                if leavingWorkbench.session.hasPendingWorkOrTransaction && !warnedAboutPending {
                    Swift.print("\n" + Self.leavingWarning(leavingWorkbench, again: "Ctrl-D"))
                    warnedAboutPending = true
                    continue
                }
                Swift.print("")
                saveHistory(editor, store)
                return
            case .line(let entry):
                // Any line takes a leaving warning back, but `:quit` right after it leaves.
                let warned = warnedAboutPending
                warnedAboutPending = false
                let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
                if trimmed.isEmpty { continue }
                editor.addHistory(entry)
                // `:quit` typed here asks first, as Ctrl-D does (a script's `:quit` just leaves:
                // nobody is there to answer, and the lines after it must not run).
                if trimmed.hasPrefix(":"), quitCommandNames.contains(String(trimmed.dropFirst())),
                   leavingWorkbench.session.hasPendingWorkOrTransaction, !warned {
                    Swift.print(Self.leavingWarning(leavingWorkbench, again: trimmed))
                    warnedAboutPending = true
                    saveHistory(editor, store)
                    continue
                }
                let wb = activeWorkbench
                wb.run(entry, sourceName: "<repl>") { report in
                    var report = report
                    afterReport?(&report)
                    output.print(report)
                }
                saveHistory(editor, store)
            }
        }
        saveHistory(editor, store)
    }

    var activeWorkbench: Workbench { currentWorkbench?() ?? workbench }
    var leavingWorkbench: Workbench { sessionAtRisk?() ?? activeWorkbench }

    /// What the first Ctrl-D (or `:quit`) says when leaving would lose work; `again` is how
    /// the learner asked to leave, which leaves when given again.
    static func leavingWarning(_ workbench: Workbench, again: String) -> String {
        let session = workbench.session
        let keep = session.explicitTransaction ? "`commit`" : "`save`"
        let leave = again.hasPrefix(":") ? "`\(again)`" : again
        if session.hasPendingChanges {
            let refs = session.pendingObjects.prefix(5).map(\.ref).joined(separator: ", ")
            return "Unsaved changes (\(refs)): \(keep) to keep them, or \(leave) again to leave without saving."
        }
        return "A transaction is open and not committed (written by an autoflush, or opened with `begin`): "
            + "\(keep) to keep what it wrote, or \(leave) again to leave, which rolls it back."
    }

    private func saveHistory(_ editor: LineEditor, _ store: HistoryStore?) {
        guard let store else { return }
        do { try editor.saveHistory(to: store) } catch {
            FileHandleStream.standardError.write("ormlab: could not save history: \(error)\n")
        }
    }

    /// What completion knows: the schema, the variables, the commands, topics and lessons.
    func vocabulary() -> CompletionVocabulary {
        let wb = activeWorkbench
        let schema = wb.session.schema
        let entities = schema.orderedEntities.map { mapping in
            EntityVocabulary(name: mapping.name,
                             properties: mapping.scalarColumns.map(\.property),
                             associations: mapping.associations.map {
                                 AssociationVocabulary(name: $0.name, target: $0.target, isToMany: $0.isToMany)
                             })
        }
        return CompletionVocabulary(commands: workbenchCommands.map { ":" + $0 },
                                    helpTopics: helpTopics.map(\.name),
                                    lessonIDs: lessonIDs(),
                                    entities: entities,
                                    variables: wb.variableEntities)
    }
}
