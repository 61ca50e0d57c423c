import DatabaseKit

// Read-only looks into the session for tools that observe it (the lesson checks): no SQL runs.

extension Session {
    /// The object for `entity` with primary key `id` if the identity map holds it; never queries.
    public func loadedObject(_ entity: String, id: Int64) -> ManagedObject? {
        infos[entity]?.identityMap[id]
    }

    /// The loaded object with this key (an integer id, or a natural key's text), if any.
    public func loadedObject(_ entity: String, key: DatabaseValue) -> ManagedObject? {
        guard let info = infos[entity], let id = info.handle(of: key) else { return nil }
        return info.identityMap[id]
    }
}
