import Report

extension Workbench {
    /// The objects pane's view of an object already in the session ("Author#1"), without running
    /// SQL; nil when the reference is malformed or the object is not loaded. Used by lesson checks
    /// that ask about session state ("is Author#1 dirty?").
    public func loadedSnapshot(_ ref: String) -> ObjectSnapshot? {
        let parts = ref.split(separator: "#", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = Int64(parts[1]) else { return nil }
        guard let object = session.loadedObject(String(parts[0]), id: id) else { return nil }
        return snapshot(object)
    }
}
